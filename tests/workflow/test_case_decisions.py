"""Decisions: validation of each step's values, and superseding without overwriting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.workflow.case_helpers import (
    ANALYST,
    REASON,
    Desk,
    decisions_of_kind,
    error_line,
    make_reports,
    step_args,
    today,
)

GRADING_HELP = (
    "use SOURCE/INTELLIGENCE/HANDLING with source 1-3, intelligence A-E and "
    "handling P or C, for example 2/B/P."
)


def _assess(grading: str, *extra: str) -> list[str]:
    return [
        "case",
        "assess",
        "{case}",
        "--grading",
        grading,
        "--severity",
        "misconduct",
        "--rationale",
        REASON,
        *extra,
    ]


def _on(case: str, args: list[str]) -> list[str]:
    return [case if part == "{case}" else part for part in args]


# Categorise


def test_categorise_keeps_reporter_themes(desk: Desk) -> None:
    (case,) = desk.import_reports(
        make_reports(1, themes=["partner_abuse", "discrimination"])
    )
    desk.step("case", "categorise", case, "abuse-of-authority", "--tag", "ppda")
    detail = desk.show(case)
    assert detail["category"] == "abuse-of-authority"
    assert detail["report"]["themes"] == ["discrimination", "partner_abuse"]


def test_categorise_normalises_category_and_tags(desk: Desk, case: str) -> None:
    desk.step(
        "case",
        "categorise",
        case,
        " Sexual-Misconduct ",
        "--tag",
        " PPDA ",
        "--tag",
        "Discrimination,ppda",
    )
    detail = desk.show(case)
    assert detail["category"] == "sexual-misconduct"
    assert detail["tags"] == ["discrimination", "ppda"]
    (decision,) = decisions_of_kind(detail, "categorisation")
    assert decision["details"] == {
        "category": "sexual-misconduct",
        "tags": ["discrimination", "ppda"],
    }


def test_recategorise_supersedes_and_adds_tags(desk: Desk, case: str) -> None:
    desk.step("case", "categorise", case, "other", "--tag", "first")
    desk.step("case", "categorise", case, "vulnerability", "--tag", "second")
    detail = desk.show(case)
    first, second = decisions_of_kind(detail, "categorisation")
    assert detail["category"] == "vulnerability"
    assert detail["tags"] == ["first", "second"]
    assert first["active"] is False
    assert second["active"] is True
    assert second["supersedes"] == first["id"]


def test_unknown_category_lists_accepted_ids(desk: Desk, case: str) -> None:
    before = desk.snapshot()
    result = desk.run("case", "categorise", case, "bribery")
    assert result.exit_code == 2, result.output
    message = error_line(result)
    assert message.startswith("unknown category 'bribery'; use one of: ")
    assert "abuse-of-authority" in message
    assert "sexual-misconduct" in message
    assert "assisting-offenders" in message
    assert desk.snapshot() == before


@pytest.mark.parametrize(
    "tag",
    ["bad tag", "-leading-hyphen", "under_score", "x" * 41, "tag!"],
    ids=["space", "leading-hyphen", "underscore", "too-long", "punctuation"],
)
def test_bad_tag_rejected(desk: Desk, case: str, tag: str) -> None:
    before = desk.snapshot()
    result = desk.run("case", "categorise", case, "other", "--tag", tag)
    assert result.exit_code == 2, result.output
    assert error_line(result) == (
        f"invalid tag {tag!r}; use 1-40 lowercase letters, digits and hyphens, "
        "for example ppda."
    )
    assert desk.snapshot() == before


# Assess and grading


@pytest.mark.parametrize(
    ("grading", "fault"),
    [
        ("4/F/X", "invalid source evaluation '4' in '4/F/X'"),
        ("2/B", "invalid grading '2/B'"),
        ("2/B/Q", "invalid handling code 'Q' in '2/B/Q'"),
        ("0/A/P", "invalid source evaluation '0' in '0/A/P'"),
        ("2/F/P", "invalid intelligence assessment 'F' in '2/F/P'"),
        ("abc", "invalid grading 'abc'"),
        ("2/B/P/P", "invalid grading '2/B/P/P'"),
        ("", "invalid grading ''"),
    ],
    ids=[
        "all-out-of-range",
        "two-parts",
        "bad-handling",
        "source-zero",
        "bad-intelligence",
        "word",
        "four-parts",
        "empty",
    ],
)
@pytest.mark.parametrize("command", ["assess", "record-intel"])
def test_malformed_grading_rejected(
    desk: Desk, case: str, command: str, grading: str, fault: str
) -> None:
    before = desk.snapshot()
    result = desk.run(
        "case", command, case, "--grading", grading, *_command_rest(command)
    )
    assert result.exit_code == 2, result.output
    assert error_line(result) == f"{fault}; {GRADING_HELP}"
    assert desk.snapshot() == before


def _command_rest(command: str) -> list[str]:
    if command == "assess":
        return ["--severity", "misconduct", "--rationale", REASON]
    return ["--rationale", REASON]


def test_assess_records_grading_and_severity(desk: Desk, case: str) -> None:
    desk.step(*_on(case, _assess(" 2 / b / p ")))
    (decision,) = decisions_of_kind(desk.show(case), "assessment")
    assert decision["details"] == {
        "grading": "2/B/P",
        "handling_conditions": None,
        "severity": "misconduct",
    }
    assert decision["rationale"] == REASON
    assert decision["decided_by"] == ANALYST


def test_handling_code_c_needs_conditions(desk: Desk, case: str) -> None:
    before = desk.snapshot()
    result = desk.run(*_on(case, _assess("2/B/C")))
    assert result.exit_code == 2, result.output
    assert error_line(result) == (
        "handling code C in '2/B/C' needs its conditions; pass "
        "--handling-conditions TEXT."
    )
    assert desk.snapshot() == before


def test_handling_code_c_stores_conditions(desk: Desk, case: str) -> None:
    desk.step(
        *_on(case, _assess("1/A/C", "--handling-conditions", "PSD only, no copies"))
    )
    (decision,) = decisions_of_kind(desk.show(case), "assessment")
    assert decision["details"]["grading"] == "1/A/C"
    assert decision["details"]["handling_conditions"] == "PSD only, no copies"


def test_conditions_with_handling_p_rejected(desk: Desk, case: str) -> None:
    before = desk.snapshot()
    result = desk.run(*_on(case, _assess("2/B/P", "--handling-conditions", "PSD only")))
    assert result.exit_code == 2, result.output
    assert error_line(result) == (
        "handling conditions apply only to handling code C, not '2/B/P'."
    )
    assert desk.snapshot() == before


def test_bad_severity_rejected(desk: Desk, case: str) -> None:
    before = desk.snapshot()
    result = desk.run(
        "case",
        "assess",
        case,
        "--grading",
        "2/B/P",
        "--severity",
        "serious",
        "--rationale",
        REASON,
    )
    assert result.exit_code == 2, result.output
    assert error_line(result) == (
        "unknown severity 'serious'; use one of: gross-misconduct, misconduct, "
        "practice-requiring-improvement, none."
    )
    assert desk.snapshot() == before


def test_second_assess_supersedes_first(desk: Desk, case: str) -> None:
    desk.step(*_on(case, _assess("2/B/P")))
    desk.step(
        "case",
        "assess",
        case,
        "--grading",
        "1/A/P",
        "--severity",
        "gross-misconduct",
        "--rationale",
        "A third account corroborates.",
        analyst="T0002",
    )
    first, second = decisions_of_kind(desk.show(case), "assessment")
    assert first["active"] is False
    assert first["details"]["grading"] == "2/B/P"
    assert first["decided_by"] == ANALYST
    assert second["active"] is True
    assert second["supersedes"] == first["id"]
    assert second["details"]["severity"] == "gross-misconduct"
    assert second["decided_by"] == "T0002"


# Outcomes and no further action


def test_nfa_refused_while_other_outcome_active(desk: Desk, case: str) -> None:
    desk.do("escalate", case)
    desk.do("transfer", case)
    before = desk.snapshot()
    result = desk.run(*step_args("nfa", case))
    assert result.exit_code == 1, result.output
    message = error_line(result)
    assert message.startswith(
        f"case {case} has active outcomes (escalation, transfer); no further "
        "action cannot stand beside them."
    )
    assert desk.snapshot() == before


def test_later_outcome_supersedes_nfa(desk: Desk, case: str) -> None:
    desk.do("nfa", case)
    desk.do("refer-complaints", case)
    detail = desk.show(case)
    (nfa,) = decisions_of_kind(detail, "nfa")
    (complaints,) = decisions_of_kind(detail, "complaints")
    assert nfa["active"] is False
    assert complaints["active"] is True
    assert complaints["supersedes"] == nfa["id"]


def test_second_nfa_supersedes_first(desk: Desk, case: str) -> None:
    desk.do("nfa", case)
    desk.step("case", "nfa", case, "--rationale", "Reporter withdrew the account.")
    first, second = decisions_of_kind(desk.show(case), "nfa")
    assert first["active"] is False
    assert second["active"] is True
    assert second["supersedes"] == first["id"]
    assert second["rationale"] == "Reporter withdrew the account."


def test_outcomes_of_different_kinds_stay_active(desk: Desk, case: str) -> None:
    for step in ("escalate", "record-intel", "transfer", "refer-complaints"):
        desk.do(step, case)
    detail = desk.show(case)
    outcomes = [d for d in detail["decisions"] if d["kind"] != "nfa"]
    assert [d["kind"] for d in outcomes] == [
        "escalation",
        "intelligence",
        "transfer",
        "complaints",
    ]
    assert all(d["active"] for d in outcomes)
    assert all(d["supersedes"] is None for d in outcomes)


def test_nfa_still_refused_after_reopen(desk: Desk, case: str) -> None:
    for step in ("escalate", "close", "reopen", "assess"):
        desk.do(step, case)
    before = desk.snapshot()
    result = desk.run(*step_args("nfa", case))
    assert result.exit_code == 1, result.output
    assert error_line(result).startswith(
        f"case {case} has active outcomes (escalation); "
    )
    assert desk.snapshot() == before


def test_reopen_and_close_replace_each_other(desk: Desk, case: str) -> None:
    for step in ("nfa", "close", "reopen", "transfer", "close"):
        desk.do(step, case)
    first, second = decisions_of_kind(desk.show(case), "closure")
    (reopening,) = decisions_of_kind(desk.show(case), "reopening")
    assert first["active"] is False
    assert reopening["supersedes"] == first["id"]
    assert reopening["active"] is False
    assert second["supersedes"] == reopening["id"]
    assert second["active"] is True


def test_second_transfer_supersedes_first(desk: Desk, case: str) -> None:
    desk.do("transfer", case)
    desk.step("case", "transfer", case, "btp", "--rationale", "Serves with BTP.")
    first, second = decisions_of_kind(desk.show(case), "transfer")
    assert first["details"] == {"force": "kent"}
    assert first["active"] is False
    assert second["details"] == {"force": "btp"}
    assert second["supersedes"] == first["id"]


@pytest.mark.parametrize(
    ("force", "hint"),
    [
        ("kentt", "did you mean kent or gwent?"),
        ("West-Mercia", "did you mean west-mercia?"),
        ("met", "did you mean metropolitan?"),
    ],
    ids=["misspelt", "capitals", "fragment"],
)
def test_transfer_to_unknown_force_suggests(
    desk: Desk, case: str, force: str, hint: str
) -> None:
    before = desk.snapshot()
    result = desk.run("case", "transfer", case, force, "--rationale", REASON)
    assert result.exit_code == 2, result.output
    assert error_line(result) == f"unknown force id {force!r}; {hint}"
    assert desk.snapshot() == before


def test_transfer_to_force_unknown_rejected(desk: Desk, case: str) -> None:
    before = desk.snapshot()
    result = desk.run("case", "transfer", case, "unknown", "--rationale", REASON)
    assert result.exit_code == 2, result.output
    assert error_line(result) == (
        "cannot transfer to force 'unknown'; name the receiving force id."
    )
    assert desk.snapshot() == before


def test_escalate_rejects_long_team_name(desk: Desk, case: str) -> None:
    before = desk.snapshot()
    result = desk.run("case", "escalate", case, "--team", "x" * 101, "--rationale", "r")
    assert result.exit_code == 2, result.output
    assert error_line(result) == "the team name is longer than 100 characters."
    assert desk.snapshot() == before


# Record as intelligence


def _review_on(detail: dict[str, Any]) -> str:
    (decision,) = decisions_of_kind(detail, "intelligence")
    return str(decision["details"]["review_on"])


def _years_from_today(years: int) -> str:
    start = today()
    try:
        return start.replace(year=start.year + years).isoformat()
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28).isoformat()


def test_intel_review_defaults_to_six_years(desk: Desk, case: str) -> None:
    desk.do("record-intel", case)
    assert _review_on(desk.show(case)) == _years_from_today(6)


def test_retention_setting_changes_review_date(
    desk: Desk, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSDCLI_RETENTION_YEARS", "10")
    desk.do("record-intel", case)
    assert _review_on(desk.show(case)) == _years_from_today(10)


@pytest.mark.parametrize("value", ["0", "abc", "101", "-1"])
def test_bad_retention_setting_rejected(
    desk: Desk, case: str, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("PSDCLI_RETENTION_YEARS", value)
    before = desk.snapshot()
    result = desk.run(*step_args("record-intel", case))
    assert result.exit_code == 1, result.output
    assert error_line(result) == (
        f"PSDCLI_RETENTION_YEARS={value!r} is invalid; set a whole number of "
        "years from 1 to 100."
    )
    assert desk.snapshot() == before


def test_intel_stores_given_review_date(desk: Desk, case: str) -> None:
    review_date = (today() + timedelta(days=400)).isoformat()
    desk.step(*step_args("record-intel", case), "--review-on", review_date)
    assert _review_on(desk.show(case)) == review_date


def test_intel_accepts_review_today(desk: Desk, case: str) -> None:
    desk.step(*step_args("record-intel", case), "--review-on", today().isoformat())
    assert _review_on(desk.show(case)) == today().isoformat()


def test_intel_review_in_past_rejected(desk: Desk, case: str) -> None:
    yesterday = (today() - timedelta(days=1)).isoformat()
    before = desk.snapshot()
    result = desk.run(*step_args("record-intel", case), "--review-on", yesterday)
    assert result.exit_code == 2, result.output
    assert error_line(result) == (
        f"the review date {yesterday} is in the past; pass --review-on with "
        f"today ({today().isoformat()}) or a later date."
    )
    assert desk.snapshot() == before


def test_intel_review_date_must_parse(desk: Desk, case: str) -> None:
    before = desk.snapshot()
    result = desk.run(*step_args("record-intel", case), "--review-on", "2030-13-01")
    assert result.exit_code == 2, result.output
    assert "'2030-13-01' does not match the formats '%Y-%m-%d'" in result.stderr
    assert desk.snapshot() == before


def test_intel_stores_grading_with_conditions(desk: Desk, case: str) -> None:
    desk.step(
        "case",
        "record-intel",
        case,
        "--grading",
        "3/d/c",
        "--handling-conditions",
        "Not for disclosure outside PSD",
        "--rationale",
        REASON,
    )
    (decision,) = decisions_of_kind(desk.show(case), "intelligence")
    assert decision["details"]["grading"] == "3/D/C"
    assert decision["details"]["handling_conditions"] == (
        "Not for disclosure outside PSD"
    )


# Rationale

# Each step that needs words from the analyst, what it calls them and the
# option that gives them.
RATIONALE_STEPS = [
    ("assess", "rationale", "--rationale"),
    ("iopc", "rationale", "--rationale"),
    ("escalate", "rationale", "--rationale"),
    ("record-intel", "rationale", "--rationale"),
    ("transfer", "rationale", "--rationale"),
    ("refer-complaints", "rationale", "--rationale"),
    ("nfa", "rationale", "--rationale"),
    ("safeguard", "rationale", "--rationale"),
    ("reopen", "reason", "--reason"),
    ("note", "note", "the note text"),
]


@pytest.mark.parametrize("text", ["", "   ", "\t\n"], ids=["empty", "spaces", "blank"])
@pytest.mark.parametrize(
    ("step", "what", "option"),
    RATIONALE_STEPS,
    ids=[step for step, _, _ in RATIONALE_STEPS],
)
def test_empty_rationale_rejected(
    desk: Desk, case: str, step: str, what: str, option: str, text: str
) -> None:
    if step == "reopen":
        desk.do("nfa", case)
        desk.do("close", case)
    before = desk.snapshot()
    result = desk.run(*step_args(step, case, text=text))
    assert result.exit_code == 2, result.output
    assert error_line(result).startswith(f"the {what} is empty; pass {option} ")
    assert desk.snapshot() == before


def test_overlong_rationale_rejected(desk: Desk, case: str) -> None:
    before = desk.snapshot()
    result = desk.run(*step_args("nfa", case, text="x" * 20_001))
    assert result.exit_code == 2, result.output
    assert error_line(result) == (
        "the rationale is 20001 characters long; keep it under 20000."
    )
    assert desk.snapshot() == before


def test_rationale_stored_without_surrounding_space(desk: Desk, case: str) -> None:
    desk.step("case", "nfa", case, "--rationale", "  Malicious, per source.  ")
    (decision,) = decisions_of_kind(desk.show(case), "nfa")
    assert decision["rationale"] == "Malicious, per source."


# Assignment


def test_assign_sets_assignee(desk: Desk, case: str) -> None:
    desk.step("case", "assign", case, "A2001")
    desk.step("case", "assign", case, "A2002", analyst="S0001")
    detail = desk.show(case)
    first, second = decisions_of_kind(detail, "assignment")
    assert detail["assigned_to"] == "A2002"
    assert second["supersedes"] == first["id"]
    assert second["decided_by"] == "S0001"


def test_assign_rejects_bad_staff_id(desk: Desk, case: str) -> None:
    before = desk.snapshot()
    result = desk.run("case", "assign", case, "A 1")
    assert result.exit_code == 2, result.output
    assert error_line(result).startswith("invalid analyst id 'A 1'; ")
    assert desk.snapshot() == before
