"""The canonical encoding of an audit event and the hash chain over it.

An event's canonical encoding is the UTF-8 bytes of a JSON object that has
exactly the keys in ``CHAINED_FIELDS``, sorted by key, with no whitespace
between tokens and with non-ASCII characters written as themselves (not as
``\\u`` escapes). ``occurred_at`` is written as RFC 3339 UTC with six
fraction digits and a ``Z``, for example ``2026-03-01T09:30:15.000120Z``.
Absent values are an explicit ``null``. ``details`` is a JSON object whose
values are strings, integers, booleans or null, so no floats appear.

``hash`` is the lower-case hex SHA-256 of those bytes. Because ``prev_hash``
is one of the encoded keys, each hash covers the hash of the event before it.
The first event's prev_hash is ``GENESIS_HASH``. Changing, removing, adding
or reordering an event therefore changes every later hash.

The encoding equals Python's ``json.dumps(fields, sort_keys=True,
separators=(",", ":"), ensure_ascii=False).encode()``. docs/audit.md gives a
short script that checks an export with it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64

# Every column of audit_event except ``hash``, which is computed over these.
CHAINED_FIELDS = (
    "action",
    "analyst",
    "bundle_id",
    "case_reference",
    "details",
    "event_id",
    "occurred_at",
    "operation",
    "prev_hash",
    "reason",
    "recipient",
    "sequence",
    "tool_version",
)


def format_timestamp(moment: datetime) -> str:
    """Return an aware datetime as RFC 3339 UTC with microseconds and ``Z``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime given; pass an aware UTC datetime")
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def event_fields(event: Any) -> dict[str, Any]:
    """Return the chained fields of an AuditEvent or a row with the same names.

    ``occurred_at`` becomes its RFC 3339 text and ``details`` a plain dict, so
    the result is ready for ``canonical_bytes``.
    """
    fields = {name: getattr(event, name) for name in CHAINED_FIELDS}
    fields["occurred_at"] = format_timestamp(fields["occurred_at"])
    fields["details"] = dict(fields["details"])
    return fields


def canonical_bytes(fields: Mapping[str, Any]) -> bytes:
    """Encode an event's chained fields as described in the module docstring."""
    text = json.dumps(
        fields,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return text.encode("utf-8")


def event_hash(fields: Mapping[str, Any]) -> str:
    """Return the hex SHA-256 of an event's canonical encoding."""
    return hashlib.sha256(canonical_bytes(fields)).hexdigest()


def export_line(fields: Mapping[str, Any], hash_: str) -> str:
    """Return the JSON Lines record of an event: its chained fields and hash.

    The record uses the canonical encoding too, so removing ``hash`` from it
    and encoding the rest again gives the bytes that ``hash`` covers.
    """
    return canonical_bytes({**fields, "hash": hash_}).decode("utf-8")
