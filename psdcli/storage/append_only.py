"""Database rules that keep ``audit_event`` append-only, one set per dialect.

The triggers reject UPDATE and DELETE, and an INSERT whose sequence number or
prev_hash does not continue the chain. They stop edits made through ordinary
SQL. They cannot stop someone who can write the database file or owns the
schema from dropping them first, so the hash chain in ``psdcli.audit.chain``
is what detects such edits afterwards.

NOTE: a migration that rebuilds ``audit_event`` (an Alembic batch "move and
copy" on SQLite) drops these triggers with the old table, so it must call
``install_statements`` again.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from psdcli.storage import sqlite

_SQLITE_INSTALL = (
    """
    CREATE TRIGGER audit_event_reject_update BEFORE UPDATE ON audit_event
    BEGIN
        SELECT RAISE(ABORT, 'audit_event is append-only, so UPDATE is rejected');
    END
    """,
    """
    CREATE TRIGGER audit_event_reject_delete BEFORE DELETE ON audit_event
    BEGIN
        SELECT RAISE(ABORT, 'audit_event is append-only, so DELETE is rejected');
    END
    """,
    # Checking the sequence number also rejects INSERT OR REPLACE over an
    # existing event. SQLite does not fire DELETE triggers for rows that
    # REPLACE removes unless recursive_triggers is on, which psdcli leaves off.
    # The 64 zeros are the prev_hash of the first event (chain.GENESIS_HASH).
    """
    CREATE TRIGGER audit_event_check_append BEFORE INSERT ON audit_event
    WHEN NEW.sequence IS NOT
            COALESCE((SELECT MAX(sequence) FROM audit_event), 0) + 1
        OR NEW.prev_hash IS NOT COALESCE(
            (SELECT hash FROM audit_event ORDER BY sequence DESC LIMIT 1),
            '0000000000000000000000000000000000000000000000000000000000000000')
    BEGIN
        SELECT RAISE(
            ABORT, 'audit_event is append-only, so INSERT must continue the chain');
    END
    """,
)

_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS audit_event_check_append",
    "DROP TRIGGER IF EXISTS audit_event_reject_delete",
    "DROP TRIGGER IF EXISTS audit_event_reject_update",
)

# NOTE: the PostgreSQL statements have never run. They stay untested until
# psdcli gains a PostgreSQL mode and a test database to run them on.
_POSTGRESQL_INSTALL = (
    """
    CREATE FUNCTION audit_event_reject_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = 'audit_event is append-only, so ' || TG_OP || ' is rejected',
            ERRCODE = 'integrity_constraint_violation';
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_event_reject_update_delete
    BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_reject_change()
    """,
    """
    CREATE TRIGGER audit_event_reject_truncate
    BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_reject_change()
    """,
    """
    CREATE FUNCTION audit_event_check_append() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        last_sequence integer;
        last_hash text;
    BEGIN
        SELECT sequence, hash INTO last_sequence, last_hash
        FROM audit_event ORDER BY sequence DESC LIMIT 1;
        IF NEW.sequence IS DISTINCT FROM COALESCE(last_sequence, 0) + 1
            OR NEW.prev_hash IS DISTINCT FROM
                COALESCE(last_hash, repeat('0', 64)) THEN
            RAISE EXCEPTION USING
                MESSAGE = 'audit_event is append-only, so INSERT must continue '
                    || 'the chain',
                ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_event_check_append
    BEFORE INSERT ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_check_append()
    """,
)

_POSTGRESQL_DROP = (
    "DROP TRIGGER IF EXISTS audit_event_check_append ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_reject_truncate ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_reject_update_delete ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_check_append()",
    "DROP FUNCTION IF EXISTS audit_event_reject_change()",
)


def sqlite_statements() -> tuple[str, ...]:
    """Return the SQLite DDL that makes ``audit_event`` append-only."""
    return _SQLITE_INSTALL


def postgresql_statements() -> tuple[str, ...]:
    """Return the PostgreSQL DDL that makes ``audit_event`` append-only."""
    return _POSTGRESQL_INSTALL


def install_statements(dialect_name: str) -> tuple[str, ...]:
    """Return the append-only DDL for a dialect, or raise for an unknown one."""
    if dialect_name == "sqlite":
        return sqlite_statements()
    if dialect_name == "postgresql":
        return postgresql_statements()
    raise ValueError(f"no append-only rules for the {dialect_name!r} dialect")


def drop_statements(dialect_name: str) -> tuple[str, ...]:
    """Return the DDL that removes what ``install_statements`` created."""
    if dialect_name == "sqlite":
        return _SQLITE_DROP
    if dialect_name == "postgresql":
        return _POSTGRESQL_DROP
    raise ValueError(f"no append-only rules for the {dialect_name!r} dialect")


def lock_for_append(connection: Connection) -> None:
    """Make sure no other transaction can append until this one ends.

    On SQLite the transaction must have started with BEGIN IMMEDIATE, which
    ``Database.write_session`` does, because that already holds the only
    write lock. On PostgreSQL an EXCLUSIVE table lock serialises writers and
    still lets readers in. The query after it sees the newest committed event
    only under READ COMMITTED, PostgreSQL's default isolation level. The lock
    lasts until commit or rollback.
    """
    dialect_name = connection.dialect.name
    if dialect_name == "sqlite":
        if not connection.get_execution_options().get(sqlite.WRITE_OPTION):
            raise RuntimeError(
                "audit events must be written in Database.write_session(), "
                "whose transaction holds the SQLite write lock"
            )
        return
    if dialect_name == "postgresql":
        # NOTE: untested until psdcli gains a PostgreSQL mode.
        connection.exec_driver_sql("LOCK TABLE audit_event IN EXCLUSIVE MODE")
        return
    raise ValueError(f"no append lock for the {dialect_name!r} dialect")
