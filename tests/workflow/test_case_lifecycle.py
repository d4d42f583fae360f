"""A sample case taken through every outcome, closed and reopened, then shown whole."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import SAMPLE_DATA
from tests.workflow.case_helpers import (
    ANALYST,
    OTHER_ANALYST,
    Desk,
    alterations,
    decisions_of_kind,
    error_line,
    today,
)

REFERENCE = "CS-2026-004647"
SUPERVISOR = "S0001"

# The successful steps of the story, in order, with the analyst who took each.
STORY = [
    ("assign", SUPERVISOR),
    ("categorise", ANALYST),
    ("assess", ANALYST),
    ("nfa", ANALYST),
    ("iopc", SUPERVISOR),
    ("escalate", SUPERVISOR),
    ("record-intel", ANALYST),
    ("transfer", OTHER_ANALYST),
    ("refer-complaints", ANALYST),
    ("safeguard", ANALYST),
    ("note", OTHER_ANALYST),
    ("complete-action", OTHER_ANALYST),
    ("close", SUPERVISOR),
    ("reopen", SUPERVISOR),
]


def _six_years_from_today() -> str:
    start = today()
    try:
        return start.replace(year=start.year + 6).isoformat()
    except ValueError:  # 29 February
        return start.replace(year=start.year + 6, day=28).isoformat()


def _take_through_story(desk: Desk, case: str) -> None:
    """Run every step of ``STORY`` on ``case``, checking the refusals on the way."""
    desk.step("case", "assign", case, "A2001", analyst=SUPERVISOR)
    desk.step(
        "case",
        "categorise",
        case,
        "sexual-misconduct",
        "--tag",
        "abuse-of-position-sexual",
    )
    desk.step(
        "case",
        "assess",
        case,
        "--grading",
        "2/B/P",
        "--severity",
        "gross-misconduct",
        "--rationale",
        "Account is detailed and names the station.",
    )
    desk.step("case", "nfa", case, "--rationale", "First view: nothing to act on.")

    rejected = desk.run(
        "case", "escalate", case, "--team", "ACU", "--rationale", "Corroborated."
    )
    assert rejected.exit_code == 1, rejected.output
    assert "call for an IOPC referral decision" in error_line(rejected)

    desk.step(
        "case",
        "iopc",
        case,
        "--referred",
        "2026/004647",
        "--rationale",
        "Abuse of position for a sexual purpose.",
        analyst=SUPERVISOR,
    )
    desk.step(
        "case",
        "escalate",
        case,
        "--team",
        "ACU",
        "--rationale",
        "Corroborated by a second account.",
        analyst=SUPERVISOR,
    )
    desk.step(
        "case",
        "record-intel",
        case,
        "--grading",
        "2/B/C",
        "--handling-conditions",
        "PSD and ACU only",
        "--rationale",
        "Pattern of contact with vulnerable people.",
    )
    desk.step(
        "case",
        "transfer",
        case,
        "btp",
        "--rationale",
        "The subject now serves with BTP.",
        analyst=OTHER_ANALYST,
    )
    desk.step(
        "case",
        "refer-complaints",
        case,
        "--rationale",
        "The rudeness allegation is a complaint matter.",
    )
    desk.step(
        "case",
        "safeguard",
        case,
        "--at-risk",
        "reporter",
        "--risk",
        "medium",
        "--tool",
        "judgement",
        "--action",
        "Welfare call through the reporting line",
        "--rationale",
        "Reporter fears reprisals.",
    )
    desk.step(
        "case",
        "note",
        case,
        "IOPC acknowledged the referral.",
        analyst=OTHER_ANALYST,
    )

    rejected = desk.run("case", "close", case, analyst=SUPERVISOR)
    assert rejected.exit_code == 1, rejected.output
    assert "1 safeguarding action(s) are still open" in error_line(rejected)

    desk.step("case", "complete-action", case, "1", analyst=OTHER_ANALYST)
    desk.step("case", "close", case, analyst=SUPERVISOR)
    desk.step(
        "case",
        "reopen",
        case,
        "--reason",
        "A follow-up report names a second victim.",
        analyst=SUPERVISOR,
    )


@pytest.fixture
def story(desk: Desk) -> dict[str, Any]:
    """``case show --json`` of a sample case after every step of ``STORY``."""
    result = desk.workspace.import_(SAMPLE_DATA / "bundles")
    assert result.exit_code == 0, result.output
    case = next(row for row in desk.listed() if row["reference"] == REFERENCE)
    _take_through_story(desk, case["case_number"])
    return desk.show(REFERENCE)


def test_story_ends_reopened(story: dict[str, Any]) -> None:
    assert story["status"] == "in_assessment"
    # Version 1 at import, one more when the fourth sample bundle brought
    # revision 2, then one per step.
    assert story["version"] == 2 + len(STORY)
    assert re.fullmatch(rf"PSD-{datetime.now(UTC).year}-\d{{4}}", story["case_number"])


def test_story_keeps_reporter_themes(story: dict[str, Any]) -> None:
    assert story["report"]["themes"] == ["sexual_boundaries"]
    assert story["category"] == "sexual-misconduct"
    assert story["tags"] == ["abuse-of-position-sexual"]
    assert story["assigned_to"] == "A2001"
    assert story["iopc_decision_due"] is False


def test_story_lists_every_decision(story: dict[str, Any]) -> None:
    assert [d["kind"] for d in story["decisions"]] == [
        "assignment",
        "categorisation",
        "assessment",
        "nfa",
        "iopc",
        "escalation",
        "intelligence",
        "transfer",
        "complaints",
        "closure",
        "reopening",
    ]


def test_story_keeps_superseded_nfa(story: dict[str, Any]) -> None:
    (nfa,) = decisions_of_kind(story, "nfa")
    (escalation,) = decisions_of_kind(story, "escalation")
    assert nfa["active"] is False
    assert nfa["rationale"] == "First view: nothing to act on."
    assert escalation["supersedes"] == nfa["id"]
    # Closing and reopening replace each other; every other decision stands.
    others = [
        d
        for d in story["decisions"]
        if d["kind"] not in ("nfa", "closure", "reopening")
    ]
    assert all(d["active"] for d in others)


def test_story_records_who_when_and_why(story: dict[str, Any]) -> None:
    deciders = {d["kind"]: d["decided_by"] for d in story["decisions"]}
    assert deciders == {
        "assignment": SUPERVISOR,
        "categorisation": ANALYST,
        "assessment": ANALYST,
        "nfa": ANALYST,
        "iopc": SUPERVISOR,
        "escalation": SUPERVISOR,
        "intelligence": ANALYST,
        "transfer": OTHER_ANALYST,
        "complaints": ANALYST,
        "closure": SUPERVISOR,
        "reopening": SUPERVISOR,
    }
    assert all(
        d["decided_at"].startswith(today().isoformat()) for d in story["decisions"]
    )
    (reopening,) = decisions_of_kind(story, "reopening")
    assert reopening["rationale"] == "A follow-up report names a second victim."
    (transfer,) = decisions_of_kind(story, "transfer")
    assert transfer["rationale"] == "The subject now serves with BTP."


def test_story_decision_details(story: dict[str, Any]) -> None:
    details = {d["kind"]: d["details"] for d in story["decisions"]}
    assert details["iopc"] == {"referred": True, "iopc_reference": "2026/004647"}
    assert details["escalation"] == {"team": "ACU"}
    assert details["transfer"] == {"force": "btp"}
    assert details["intelligence"] == {
        "grading": "2/B/C",
        "handling_conditions": "PSD and ACU only",
        "review_on": _six_years_from_today(),
    }
    assert details["assessment"]["severity"] == "gross-misconduct"


def test_story_shows_safeguarding_and_notes(story: dict[str, Any]) -> None:
    (record,) = story["safeguarding"]
    (action,) = record["actions"]
    assert record["at_risk"] == "reporter"
    assert record["rationale"] == "Reporter fears reprisals."
    assert action["description"] == "Welfare call through the reporting line"
    assert action["completed_by"] == OTHER_ANALYST
    (note,) = story["notes"]
    assert note["author"] == OTHER_ANALYST
    assert note["text"] == "IOPC acknowledged the referral."


def test_story_history_has_each_step(story: dict[str, Any]) -> None:
    assert alterations(story) == [f"case.{step}" for step, _ in STORY]
    changes = [e for e in story["history"] if e["operation"] == "alteration"]
    assert [e["analyst"] for e in changes] == [analyst_id for _, analyst_id in STORY]
