"""The triage queue order, and the all-or-nothing record of an assessment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from psdcli.core import casework, triage
from psdcli.core.case_lookup import StaleCaseError
from psdcli.core.errors import UsageError
from psdcli.core.workflow import Step
from psdcli.storage import location
from psdcli.storage.database import Database, open_database
from tests.triage.triage_driver import Desk


@pytest.fixture
def database(desk: Desk) -> Iterator[Database]:
    """The desk's database, opened in-process."""
    opened = open_database(location.sqlite_url(desk.workspace.db), create=False)
    yield opened
    opened.close()


def _queue(
    database: Database, *, theme: str | None = None, limit: int | None = None
) -> list[str]:
    with database.read_session() as session:
        return triage.triage_queue(session, theme=theme, limit=limit)


def test_queue_puts_danger_first(desk: Desk, database: Database) -> None:
    expected = ["danger", "safeguarded", "oldest", "younger"]
    assert _queue(database) == [desk.numbers[name] for name in expected]


def test_queue_leaves_out_cases_with_outcome(desk: Desk, database: Database) -> None:
    assert desk.numbers["decided"] not in _queue(database)


def test_queue_limit_keeps_the_first(desk: Desk, database: Database) -> None:
    assert _queue(database, limit=2) == [
        desk.numbers["danger"],
        desk.numbers["safeguarded"],
    ]


def test_queue_theme_filters(desk: Desk, database: Database) -> None:
    assert _queue(database, theme="partner_abuse") == [desk.numbers["danger"]]


def test_queue_rejects_unknown_theme(database: Database) -> None:
    with pytest.raises(UsageError, match="unknown theme 'gossip'"):
        _queue(database, theme="gossip")


def _assessment(outcome: triage.OutcomeChoice) -> triage.TriageAssessment:
    return triage.TriageAssessment(
        category="abuse-of-authority",
        tags=["ppda"],
        grading="2/B/P",
        conditions=None,
        severity="misconduct",
        outcome=outcome,
        rationale="Two consistent accounts",
    )


def test_refused_last_step_rolls_back_all(desk: Desk, database: Database) -> None:
    before = desk.snapshot()
    # The transfer to force "unknown" fails after categorise and assess ran.
    assessment = _assessment(triage.OutcomeChoice(Step.TRANSFER, force="unknown"))
    actor = casework.Actor("T0001", 1)
    with (
        pytest.raises(UsageError, match="cannot transfer to force 'unknown'"),
        database.write_session() as session,
    ):
        triage.record_assessment(session, desk.numbers["oldest"], assessment, actor)
    assert desk.snapshot() == before


def test_stale_version_rolls_back_all(desk: Desk, database: Database) -> None:
    before = desk.snapshot()
    assessment = _assessment(triage.OutcomeChoice(Step.NFA))
    actor = casework.Actor("T0001", 7)
    with (
        pytest.raises(StaleCaseError, match="is at version 1, not 7"),
        database.write_session() as session,
    ):
        triage.record_assessment(session, desk.numbers["oldest"], assessment, actor)
    assert desk.snapshot() == before


def test_steps_chain_versions(desk: Desk, database: Database) -> None:
    assessment = _assessment(triage.OutcomeChoice(Step.ESCALATE, team="ACU"))
    actor = casework.Actor("T0001", 1)
    with database.write_session() as session:
        results = triage.record_assessment(
            session, desk.numbers["oldest"], assessment, actor
        )
    assert [result.step for result in results] == ["categorise", "assess", "escalate"]
    assert [result.version for result in results] == [2, 3, 4]
    assert results[-1].status == "decided"
