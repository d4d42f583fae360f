"""Safeguarding: records, their actions, and closure while an action is open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.workflow.case_helpers import (
    ANALYST,
    OTHER_ANALYST,
    REASON,
    Desk,
    error_line,
    make_reports,
    today,
)


def _safeguard(case: str, *changes: str, **values: str) -> list[str]:
    """Return ``case safeguard`` arguments: valid defaults, then ``changes``.

    ``values`` replace the defaults of --at-risk, --risk and --tool.
    """
    chosen = {"at_risk": "victim", "risk": "high", "tool": "dash", **values}
    return [
        "case",
        "safeguard",
        case,
        "--at-risk",
        chosen["at_risk"],
        "--risk",
        chosen["risk"],
        "--tool",
        chosen["tool"],
        "--action",
        "MARAC referral",
        "--rationale",
        REASON,
        *changes,
    ]


def _only_record(desk: Desk, case: str) -> dict[str, Any]:
    (record,) = desk.show(case)["safeguarding"]
    return dict(record)


def test_safeguard_records_every_field(desk: Desk, case: str) -> None:
    review = (today() + timedelta(days=14)).isoformat()
    desk.step(
        "case",
        "safeguard",
        case,
        "--at-risk",
        "Adult-At-Risk",
        "--risk",
        "MEDIUM",
        "--tool",
        "dara",
        "--score",
        "40",
        "--urgency",
        "immediate",
        "--referral-ref",
        "MASH-2026-77",
        "--review-on",
        review,
        "--conflict-of-interest",
        "Subject's sister works in the handling team.",
        "--action",
        "MASH referral",
        "--action",
        "Welfare visit",
        "--rationale",
        REASON,
    )
    record = _only_record(desk, case)
    assert record["at_risk"] == "adult-at-risk"
    assert record["risk"] == "medium"
    assert record["tool"] == "dara"
    assert record["score"] == 40
    assert record["urgency"] == "immediate"
    assert record["referral_ref"] == "MASH-2026-77"
    assert record["review_on"] == review
    assert record["conflict_of_interest"] == (
        "Subject's sister works in the handling team."
    )
    assert record["rationale"] == REASON
    assert record["decided_by"] == ANALYST
    assert record["decided_at"].startswith(today().isoformat())
    assert [a["description"] for a in record["actions"]] == [
        "MASH referral",
        "Welfare visit",
    ]
    assert all(a["completed_at"] is None for a in record["actions"])


def test_complete_action_records_who_and_when(desk: Desk, case: str) -> None:
    desk.step(*_safeguard(case, "--action", "Welfare visit"))
    first, second = _only_record(desk, case)["actions"]
    desk.step("case", "complete-action", case, str(second["id"]), analyst="T0002")
    first, second = _only_record(desk, case)["actions"]
    assert first["completed_at"] is None
    assert second["completed_by"] == OTHER_ANALYST
    assert second["completed_at"].startswith(today().isoformat())


def test_close_refused_with_open_safeguarding(desk: Desk, case: str) -> None:
    desk.step(*_safeguard(case, "--action", "Welfare visit"))
    desk.do("nfa", case)
    desk.do("complete-action", case)
    before = desk.snapshot()
    result = desk.run("case", "close", case)
    assert result.exit_code == 1, result.output
    assert error_line(result) == (
        f"cannot close case {case}: 1 safeguarding action(s) are still open; "
        "mark each complete with `psdcli case complete-action` first."
    )
    assert desk.snapshot() == before


def test_close_allowed_once_every_action_complete(desk: Desk, case: str) -> None:
    desk.step(*_safeguard(case, "--action", "Welfare visit"))
    desk.do("nfa", case)
    for action in _only_record(desk, case)["actions"]:
        desk.step("case", "complete-action", case, str(action["id"]))
    assert desk.do("close", case)["status"] == "closed"


def test_safeguard_allowed_after_decision(desk: Desk, case: str) -> None:
    desk.do("nfa", case)
    result = desk.step(*_safeguard(case))
    assert result["status"] == "decided"


def test_unknown_action_rejected(desk: Desk, case: str) -> None:
    desk.step(*_safeguard(case))
    before = desk.snapshot()
    result = desk.run("case", "complete-action", case, "99")
    assert result.exit_code == 1, result.output
    assert error_line(result) == (
        f"case {case} has no safeguarding action 99; "
        f"`psdcli case show {case}` lists them."
    )
    assert desk.snapshot() == before


def test_action_of_other_case_rejected(desk: Desk) -> None:
    first, second = desk.import_reports(make_reports(2))
    desk.step(*_safeguard(first))
    before = desk.snapshot()
    result = desk.run("case", "complete-action", second, "1")
    assert result.exit_code == 1, result.output
    assert error_line(result).startswith(f"case {second} has no safeguarding action 1;")
    assert desk.snapshot() == before


def test_completing_action_twice_rejected(desk: Desk, case: str) -> None:
    desk.step(*_safeguard(case))
    desk.do("complete-action", case)
    before = desk.snapshot()
    result = desk.run("case", "complete-action", case, "1")
    assert result.exit_code == 1, result.output
    assert error_line(result) == (
        f"safeguarding action 1 was already completed by {ANALYST} on "
        f"{today().isoformat()}."
    )
    assert desk.snapshot() == before


def test_partner_abuse_theme_needs_system_access(
    desk: Desk, partner_abuse_case: str
) -> None:
    before = desk.snapshot()
    result = desk.run(*_safeguard(partner_abuse_case))
    assert result.exit_code == 2, result.output
    assert error_line(result) == (
        f"case {partner_abuse_case} concerns partner abuse: record whether the "
        "subject can reach police systems about the person at risk with "
        "--subject-system-access yes|no|unknown."
    )
    assert desk.snapshot() == before


def test_ppda_tag_needs_system_access(desk: Desk, case: str) -> None:
    desk.step("case", "categorise", case, "abuse-of-authority", "--tag", "ppda")
    result = desk.run(*_safeguard(case))
    assert result.exit_code == 2, result.output
    assert "concerns partner abuse" in error_line(result)


@pytest.mark.parametrize(
    ("answer", "stored"),
    [("yes", "yes"), ("no", "no"), ("unknown", "unknown"), (" No ", "no")],
    ids=["yes", "no", "unknown", "capitals"],
)
def test_partner_abuse_stores_system_access(
    desk: Desk, partner_abuse_case: str, answer: str, stored: str
) -> None:
    desk.step(*_safeguard(partner_abuse_case, "--subject-system-access", answer))
    record = _only_record(desk, partner_abuse_case)
    assert record["subject_system_access"] == stored


def test_bad_system_access_rejected(desk: Desk, partner_abuse_case: str) -> None:
    before = desk.snapshot()
    result = desk.run(
        *_safeguard(partner_abuse_case, "--subject-system-access", "maybe")
    )
    assert result.exit_code == 2, result.output
    assert error_line(result) == (
        "invalid --subject-system-access 'maybe'; use yes, no or unknown."
    )
    assert desk.snapshot() == before


def test_other_themes_do_not_need_system_access(desk: Desk, case: str) -> None:
    desk.step(*_safeguard(case))
    assert _only_record(desk, case)["subject_system_access"] is None


@pytest.mark.parametrize(
    ("tool", "score"),
    [("dash", "0"), ("dash", "27"), ("dara", "100"), ("other", "1000")],
    ids=["dash-min", "dash-max", "dara-max", "other-max"],
)
def test_score_within_tool_range_accepted(
    desk: Desk, case: str, tool: str, score: str
) -> None:
    desk.step(*_safeguard(case, "--score", score, tool=tool))
    assert _only_record(desk, case)["score"] == int(score)


@pytest.mark.parametrize(
    ("tool", "score", "limit"),
    [
        ("dash", "28", "27"),
        ("dash", "-1", "27"),
        ("dara", "101", "100"),
        ("other", "1001", "1000"),
    ],
    ids=["dash-high", "dash-negative", "dara-high", "other-high"],
)
def test_score_outside_tool_range_rejected(
    desk: Desk, case: str, tool: str, score: str, limit: str
) -> None:
    before = desk.snapshot()
    result = desk.run(*_safeguard(case, "--score", score, tool=tool))
    assert result.exit_code == 2, result.output
    assert error_line(result) == (
        f"invalid --score {score} for {tool}; use 0 to {limit}."
    )
    assert desk.snapshot() == before


def test_score_with_judgement_rejected(desk: Desk, case: str) -> None:
    before = desk.snapshot()
    result = desk.run(*_safeguard(case, "--score", "3", tool="judgement"))
    assert result.exit_code == 2, result.output
    assert error_line(result) == (
        "--score applies to a risk tool, not to professional judgement."
    )
    assert desk.snapshot() == before


@pytest.mark.parametrize(
    ("field", "value", "option", "accepted"),
    [
        ("at_risk", "partner", "--at-risk", "victim, child, adult-at-risk, reporter"),
        ("risk", "severe", "--risk", "standard, medium, high"),
        ("tool", "checklist", "--tool", "dash, dara, other, judgement"),
    ],
    ids=["at-risk", "risk", "tool"],
)
def test_bad_choice_rejected(
    desk: Desk, case: str, field: str, value: str, option: str, accepted: str
) -> None:
    before = desk.snapshot()
    result = desk.run(*_safeguard(case, **{field: value}))
    assert result.exit_code == 2, result.output
    assert error_line(result) == (
        f"invalid {option} {value!r}; use one of: {accepted}."
    )
    assert desk.snapshot() == before


def test_review_date_in_past_rejected(desk: Desk, case: str) -> None:
    yesterday = (today() - timedelta(days=1)).isoformat()
    before = desk.snapshot()
    result = desk.run(*_safeguard(case, "--review-on", yesterday))
    assert result.exit_code == 2, result.output
    assert error_line(result) == (
        f"the review date {yesterday} is in the past; pass --review-on with "
        f"today ({today().isoformat()}) or a later date."
    )
    assert desk.snapshot() == before


def test_blank_action_rejected(desk: Desk, case: str) -> None:
    before = desk.snapshot()
    result = desk.run(*_safeguard(case, "--action", "  "))
    assert result.exit_code == 2, result.output
    assert error_line(result).startswith("the action is empty; pass --action ")
    assert desk.snapshot() == before


def test_missing_action_rejected(desk: Desk, case: str) -> None:
    before = desk.snapshot()
    result = desk.run(
        "case",
        "safeguard",
        case,
        "--at-risk",
        "victim",
        "--risk",
        "high",
        "--tool",
        "dash",
        "--rationale",
        REASON,
    )
    assert result.exit_code == 2, result.output
    assert "Missing option '--action'" in result.stderr
    assert desk.snapshot() == before


@pytest.mark.parametrize(
    ("option", "length"),
    [("--urgency", 17), ("--referral-ref", 101)],
    ids=["urgency", "referral-ref"],
)
def test_overlong_safeguarding_text_rejected(
    desk: Desk, case: str, option: str, length: int
) -> None:
    # The safeguarding table declares urgency as at most 16 characters and
    # referral_ref as at most 100.
    before = desk.snapshot()
    result = desk.run(*_safeguard(case, option, "x" * length))
    assert result.exit_code == 2, result.output
    assert option in error_line(result)
    assert desk.snapshot() == before


def test_open_actions_counted_in_case_list(desk: Desk, case: str) -> None:
    desk.step(*_safeguard(case, "--action", "Welfare visit"))
    desk.do("complete-action", case)
    (row,) = desk.listed()
    assert row["open_safeguarding_actions"] == 1
