"""record_event: sequence numbers, links, transactions and metadata checks."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from audit_helpers import add_events
from sqlalchemy import func, select

from psdcli import __version__
from psdcli.audit import chain
from psdcli.audit.errors import InvalidAuditValueError
from psdcli.audit.log import record_event
from psdcli.storage.database import Database
from psdcli.storage.models import AuditEvent, StorageRecipient
from psdcli.storage.types import utc_now


def _events(database: Database) -> list[AuditEvent]:
    with database.read_session() as session:
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.sequence)))
        session.expunge_all()
    return events


def test_events_get_gap_free_sequence_numbers(database: Database) -> None:
    add_events(database, 3)
    add_events(database, 2)
    assert [event.sequence for event in _events(database)] == [1, 2, 3, 4, 5]


def test_each_event_links_to_previous_hash(database: Database) -> None:
    add_events(database, 4)
    events = _events(database)
    assert events[0].prev_hash == chain.GENESIS_HASH
    for previous, event in itertools.pairwise(events):
        assert event.prev_hash == previous.hash


def test_stored_hash_matches_stored_fields(database: Database) -> None:
    add_events(database, 2, reason="Nguyễn asked", analyst="Siân")
    for event in _events(database):
        assert event.hash == chain.event_hash(chain.event_fields(event))


def test_event_records_metadata_and_version(database: Database) -> None:
    with database.write_session() as session:
        record_event(
            session,
            analyst="A1234",
            operation="disclosure",
            action="case.export",
            case_reference="CS-2026-004817",
            bundle_id="3f2c9a1e",
            recipient="West Mercia PSD",
            reason="transfer to the force concerned",
            details={"revision": 2, "attachments": 0},
        )
    (event,) = _events(database)
    assert event.operation == "disclosure"
    assert event.recipient == "West Mercia PSD"
    assert event.details == {"revision": 2, "attachments": 0}
    assert event.tool_version == __version__
    assert len(event.event_id) == 36
    assert event.occurred_at.utcoffset() is not None


def test_event_rolls_back_with_change(database: Database) -> None:
    add_events(database, 1)

    def import_that_fails() -> None:
        with database.write_session() as session:
            session.add(
                StorageRecipient(
                    recipient="age1example", added_at=utc_now(), added_by="A1"
                )
            )
            record_event(
                session, analyst="A1", operation="collection", action="keys.add"
            )
            raise RuntimeError("import failed")

    with pytest.raises(RuntimeError, match="import failed"):
        import_that_fails()
    add_events(database, 1)
    assert [event.sequence for event in _events(database)] == [1, 2]
    with database.read_session() as session:
        assert session.scalar(select(func.count()).select_from(StorageRecipient)) == 0


def test_read_session_cannot_append(database: Database) -> None:
    with (
        pytest.raises(RuntimeError, match="write_session"),
        database.read_session() as session,
    ):
        record_event(
            session, analyst="A1", operation="consultation", action="case.show"
        )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"operation": "viewing"}, "invalid audit operation 'viewing'"),
        ({"operation": "Disclosure"}, "invalid audit operation"),
        ({"action": "Case.Show"}, "invalid audit action"),
        ({"action": "show"}, "invalid audit action"),
        ({"action": "case.show; drop"}, "invalid audit action"),
        ({"action": "case.-show"}, "invalid audit action"),
        ({"analyst": ""}, "invalid audit analyst: it is empty"),
        ({"analyst": "x" * 65}, "invalid audit analyst: it has 65 characters"),
        ({"reason": "   "}, "invalid audit reason: it is empty"),
        ({"reason": "r" * 1001}, "maximum of 1000"),
        ({"reason": "bell\x07"}, "control character U\\+0007"),
        ({"reason": "escape\x1b[31m"}, "control character U\\+001B"),
        ({"recipient": "nul\x00"}, "control character U\\+0000"),
        ({"case_reference": "\ud800"}, "control character U\\+D800"),
        ({"details": {"count": 1.5}}, "a float is not allowed"),
        ({"details": {"items": [1, 2]}}, "a list is not allowed"),
        ({"details": {"reporter": {"name": "x"}}}, "a dict is not allowed"),
        ({"details": {"Count": 1}}, "invalid audit details key 'Count'"),
        ({"details": {"narrative text": 1}}, "invalid audit details key"),
        ({"details": {"count": 2**53}}, "outside"),
        ({"details": {"note": "n" * 257}}, "maximum of 256"),
        ({"details": {f"k{i}": i for i in range(33)}}, "33 entries"),
        ({"details": ["not", "a", "mapping"]}, "must be a mapping"),
    ],
    ids=[
        "unknown-operation",
        "capitalised-operation",
        "capitalised-action",
        "undotted-action",
        "action-with-punctuation",
        "action-part-starts-with-hyphen",
        "empty-analyst",
        "long-analyst",
        "blank-reason",
        "long-reason",
        "bell-in-reason",
        "escape-in-reason",
        "nul-in-recipient",
        "lone-surrogate",
        "float-detail",
        "list-detail",
        "nested-detail",
        "capital-key",
        "key-with-space",
        "huge-integer",
        "long-detail-text",
        "too-many-details",
        "details-not-mapping",
    ],
)
def test_non_metadata_values_are_rejected(
    database: Database, values: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {
        "analyst": "A1234",
        "operation": "consultation",
        "action": "case.show",
    }
    arguments.update(values)
    with (
        pytest.raises(InvalidAuditValueError, match=message),
        database.write_session() as session,
    ):
        record_event(session, **arguments)
    assert _events(database) == []


def test_rejected_value_is_not_quoted_in_message(database: Database) -> None:
    with (
        pytest.raises(InvalidAuditValueError) as caught,
        database.write_session() as session,
    ):
        record_event(
            session,
            analyst="A1",
            operation="consultation",
            action="case.show",
            reason="reporter lives at 1 High Street" + "x" * 1000,
        )
    assert "High Street" not in str(caught.value)


@pytest.mark.parametrize(
    "action",
    ["bundle.import", "case.record-intel", "case.complete-action", "audit.export"],
)
def test_dotted_actions_are_accepted(database: Database, action: str) -> None:
    add_events(database, 1, action=action)
    assert _events(database)[0].action == action


@pytest.mark.parametrize(
    "operation",
    [
        "collection",
        "alteration",
        "consultation",
        "disclosure",
        "combination",
        "erasure",
    ],
)
def test_all_six_operations_are_accepted(database: Database, operation: str) -> None:
    add_events(database, 1, operation=operation)
    assert _events(database)[0].operation == operation


def test_tab_and_newlines_are_allowed_in_free_text(database: Database) -> None:
    add_events(
        database, 1, reason="first line\r\n\tsecond line", details={"note": "\ta"}
    )
    (event,) = _events(database)
    assert event.reason == "first line\r\n\tsecond line"
    assert event.hash == chain.event_hash(chain.event_fields(event))


def test_details_are_copied_not_shared(database: Database) -> None:
    details = {"count": 1}
    with database.write_session() as session:
        event = record_event(
            session,
            analyst="A1",
            operation="collection",
            action="bundle.import",
            details=details,
        )
        details["count"] = 2
        assert event.details == {"count": 1}
