"""The audit trail: a hash-chained, append-only log of who processed what.

``log.record_event`` appends an event inside the caller's write transaction,
``verify`` checks the chain in the database or in an exported file, and
``export`` writes events to CSV or JSON Lines. docs/audit.md describes the
encoding that the hashes cover.
"""
