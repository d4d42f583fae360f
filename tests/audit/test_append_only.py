"""The database itself rejects changes to audit_event, whatever the client."""

from __future__ import annotations

import pytest
from audit_helpers import add_events, run_sql
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from psdcli.audit import chain
from psdcli.audit.verify import verify_database
from psdcli.storage import append_only
from psdcli.storage.database import Database
from psdcli.storage.models import AuditEvent

INSERT = (
    "INSERT INTO audit_event VALUES (:sequence, :event_id,"
    " '2026-03-01 09:00:00.000000', 'A1', 'consultation', 'case.show',"
    " NULL, NULL, NULL, NULL, '{}', '0.1.0',"
    " :prev_hash, :hash)"
)


def _count(database: Database) -> int:
    with database.read_session() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def _verify_ok(database: Database) -> bool:
    with database.read_session() as session:
        return verify_database(session).ok


def _last_hash(database: Database) -> str:
    with database.read_session() as session:
        return (
            session.scalars(
                select(AuditEvent.hash).order_by(AuditEvent.sequence.desc())
            ).first()
            or chain.GENESIS_HASH
        )


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("UPDATE audit_event SET reason = 'changed' WHERE sequence = 2", "UPDATE"),
        ("UPDATE audit_event SET hash = hash", "UPDATE"),
        ("DELETE FROM audit_event WHERE sequence = 3", "DELETE"),
        ("DELETE FROM audit_event", "DELETE"),
        (
            "INSERT INTO audit_event (sequence, event_id, occurred_at, analyst, "
            "operation, action, details, tool_version, prev_hash, hash) VALUES "
            "(2, 'x', '2026-01-01 00:00:00.000000', 'A1', 'erasure', 'case.erase', "
            "'{}', '0.1.0', 'p', 'h') ON CONFLICT (sequence) DO UPDATE SET "
            "reason = 'upsert'",
            "INSERT must continue the chain",
        ),
    ],
    ids=["update-one", "update-all", "delete-one", "delete-all", "upsert"],
)
def test_raw_sql_change_is_rejected(
    database: Database, statement: str, message: str
) -> None:
    add_events(database, 3)
    with pytest.raises(IntegrityError, match=message):
        run_sql(database, statement)
    assert _count(database) == 3
    assert _verify_ok(database)


def test_insert_or_replace_is_rejected(database: Database) -> None:
    add_events(database, 3)
    with pytest.raises(IntegrityError, match="INSERT must continue the chain"):
        run_sql(
            database,
            INSERT.replace("INSERT", "INSERT OR REPLACE"),
            sequence=2,
            event_id="replacement",
            prev_hash=chain.GENESIS_HASH,
            hash="f" * 64,
        )
    assert _verify_ok(database)


@pytest.mark.parametrize(
    ("sequence", "linked"),
    [(5, True), (3, True), (4, False)],
    ids=["skips-a-number", "reuses-a-number", "wrong-prev-hash"],
)
def test_insert_that_breaks_the_chain_is_rejected(
    database: Database, sequence: int, linked: bool
) -> None:
    add_events(database, 3)
    prev_hash = _last_hash(database) if linked else "e" * 64
    with pytest.raises(IntegrityError, match="INSERT must continue the chain"):
        run_sql(
            database,
            INSERT,
            sequence=sequence,
            event_id="forged",
            prev_hash=prev_hash,
            hash="f" * 64,
        )
    assert _count(database) == 3


def test_check_constraint_rejects_operation(database: Database) -> None:
    with pytest.raises(IntegrityError, match="ck_audit_event_operation"):
        run_sql(
            database,
            INSERT.replace("'consultation'", "'viewing'"),
            sequence=1,
            event_id="e1",
            prev_hash=chain.GENESIS_HASH,
            hash="f" * 64,
        )


def test_unknown_dialect_has_no_rules() -> None:
    with pytest.raises(ValueError, match="mysql"):
        append_only.install_statements("mysql")


def test_postgresql_rules_cover_all_changes() -> None:
    # NOTE: this checks the text only. The statements run once psdcli gains a
    # PostgreSQL test database.
    ddl = " ".join(append_only.postgresql_statements())
    assert "BEFORE UPDATE OR DELETE ON audit_event" in ddl
    assert "BEFORE TRUNCATE ON audit_event" in ddl
    assert "BEFORE INSERT ON audit_event" in ddl


def verify_database_ok(database: Database) -> bool:
    with database.read_session() as session:
        return verify_database(session).ok
