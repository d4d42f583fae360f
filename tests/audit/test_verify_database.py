"""verify_database finds the first tampered event once the triggers are gone."""

from __future__ import annotations

import pytest
from audit_helpers import add_events, drop_triggers, run_sql
from sqlalchemy import select

from psdcli.audit import chain
from psdcli.audit.verify import verify_database
from psdcli.storage.database import Database
from psdcli.storage.models import AuditEvent

EVENTS = 8
TARGET = 5


@pytest.fixture
def tampered(database: Database) -> Database:
    """A database of EVENTS events whose append-only triggers were dropped."""
    add_events(database, EVENTS, reason="routine check", bundle_id="3f2c9a1e")
    drop_triggers(database)
    return database


def _first_break(database: Database, chunk_size: int = 3) -> int | None:
    with database.read_session() as session:
        result = verify_database(session, chunk_size=chunk_size)
    return None if result.first_break is None else result.first_break.sequence


def _problem(database: Database) -> str:
    with database.read_session() as session:
        result = verify_database(session)
    assert result.first_break is not None
    return result.first_break.problem


def _hash_of(database: Database, sequence: int) -> str:
    with database.read_session() as session:
        return session.scalars(
            select(AuditEvent.hash).where(AuditEvent.sequence == sequence)
        ).one()


def test_intact_chain_verifies(database: Database) -> None:
    add_events(database, EVENTS)
    with database.read_session() as session:
        result = verify_database(session, chunk_size=3)
    assert result.ok
    assert result.count == EVENTS
    assert result.last_sequence == EVENTS
    assert result.last_hash == _hash_of(database, EVENTS)


def test_empty_chain_verifies(database: Database) -> None:
    with database.read_session() as session:
        result = verify_database(session)
    assert result.ok
    assert result.count == 0
    assert result.last_hash == chain.GENESIS_HASH


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("sequence", "50"),
        ("event_id", "'00000000-0000-4000-8000-000000000000'"),
        ("occurred_at", "'2026-01-01 00:00:00.000000'"),
        ("analyst", "'B9999'"),
        ("operation", "'erasure'"),
        ("action", "'case.erase'"),
        ("case_reference", "'CS-2026-999999'"),
        ("case_reference", "NULL"),
        ("bundle_id", "'ffffffff'"),
        ("recipient", "'someone else'"),
        ("reason", "'routine check.'"),
        ("details", "'{\"revision\": 99}'"),
        ("tool_version", "'9.9.9'"),
        ("prev_hash", "'" + "a" * 64 + "'"),
        ("hash", "'" + "b" * 64 + "'"),
    ],
    ids=lambda value: str(value)[:12],
)
def test_edited_field_is_found(tampered: Database, column: str, value: str) -> None:
    run_sql(tampered, f"UPDATE audit_event SET {column} = {value} WHERE sequence = 5")  # noqa: S608
    assert _first_break(tampered) == TARGET


def test_deleted_event_is_found(tampered: Database) -> None:
    run_sql(tampered, "DELETE FROM audit_event WHERE sequence = 5")
    assert _first_break(tampered) == TARGET
    assert "event 5 is missing" in _problem(tampered)


def test_deleted_last_event_is_not_detectable_alone(tampered: Database) -> None:
    # Removing the newest event leaves a valid shorter chain. Only a head hash
    # kept elsewhere, such as an export checkpoint, shows the loss.
    run_sql(tampered, "DELETE FROM audit_event WHERE sequence = :last", last=EVENTS)
    assert _first_break(tampered) is None


def test_inserted_event_is_found(tampered: Database) -> None:
    # Make room at 5 and insert an event whose own hash and link are correct,
    # as a careful forger would.
    run_sql(
        tampered, "UPDATE audit_event SET sequence = -sequence - 1 WHERE sequence >= 5"
    )
    run_sql(tampered, "UPDATE audit_event SET sequence = -sequence WHERE sequence < 0")
    forged = {
        "sequence": TARGET,
        "event_id": "00000000-0000-4000-8000-000000000005",
        "occurred_at": "2026-03-01T10:00:00.000000Z",
        "analyst": "A1234",
        "operation": "consultation",
        "action": "case.show",
        "case_reference": "CS-2026-000004",
        "bundle_id": None,
        "recipient": None,
        "reason": None,
        "details": {},
        "tool_version": "0.1.0",
        "prev_hash": _hash_of(tampered, TARGET - 1),
    }
    run_sql(
        tampered,
        "INSERT INTO audit_event VALUES (:sequence, :event_id, "
        "'2026-03-01 10:00:00.000000', :analyst, :operation, :action, "
        ":case_reference, NULL, NULL, NULL, '{}', :tool_version, :prev_hash, :hash)",
        **forged,
        hash=chain.event_hash(forged),
    )
    assert _first_break(tampered) == TARGET + 1
    assert "prev_hash does not match the hash of event 5" in _problem(tampered)


def test_appended_event_with_bad_hash_is_found(tampered: Database) -> None:
    run_sql(
        tampered,
        "INSERT INTO audit_event SELECT sequence + 1, 'copy', occurred_at, analyst, "
        "operation, action, case_reference, bundle_id, recipient, reason, details, "
        "tool_version, hash, hash FROM audit_event WHERE sequence = :last",
        last=EVENTS,
    )
    assert _first_break(tampered) == EVENTS + 1


def test_swapped_events_are_found(tampered: Database) -> None:
    run_sql(tampered, "UPDATE audit_event SET sequence = -1 WHERE sequence = 4")
    run_sql(tampered, "UPDATE audit_event SET sequence = 4 WHERE sequence = 5")
    run_sql(tampered, "UPDATE audit_event SET sequence = 5 WHERE sequence = -1")
    assert _first_break(tampered) == TARGET - 1


def test_swapped_contents_are_found(tampered: Database) -> None:
    columns = "analyst, operation, action, case_reference, reason, details"
    run_sql(tampered, "CREATE TEMP TABLE saved AS SELECT * FROM audit_event")
    for target, source in ((4, 5), (5, 4)):
        run_sql(
            tampered,
            f"UPDATE audit_event SET ({columns}) = (SELECT {columns} FROM saved "  # noqa: S608
            "WHERE sequence = :source) WHERE sequence = :target",
            source=source,
            target=target,
        )
    assert _first_break(tampered) == TARGET - 1


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("details", "'{not json'"),
        ("details", "'[1, 2]'"),
        ("occurred_at", "'yesterday'"),
    ],
    ids=["details-not-json", "details-not-object", "time-not-a-time"],
)
@pytest.mark.parametrize("chunk_size", [1, 3, 1000], ids=lambda n: f"chunk-{n}")
def test_unreadable_column_is_reported_at_its_event(
    tampered: Database, column: str, value: str, chunk_size: int
) -> None:
    run_sql(tampered, f"UPDATE audit_event SET {column} = {value} WHERE sequence = 5")  # noqa: S608
    assert _first_break(tampered, chunk_size=chunk_size) == TARGET
    assert "cannot be read" in _problem(tampered)
