"""The IOPC rule: escalate and close wait for a referral decision when one is due."""

from __future__ import annotations

import pytest

from tests.workflow.case_helpers import (
    REASON,
    Desk,
    decisions_of_kind,
    error_line,
    make_reports,
)

# Ways a case comes to need an IOPC referral decision: the category, or a tag
# from the default list.
DUE = [
    ("sexual-misconduct", ()),
    ("abuse-of-authority", ("--tag", "discrimination")),
    ("theft-and-fraud", ("--tag", "serious-corruption")),
    ("other", ("--tag", "death-or-serious-injury")),
]
DUE_IDS = ["category", "discrimination", "serious-corruption", "death-or-injury"]


def _missing_decision_message(step: str, case: str) -> str:
    return (
        f"cannot {step} case {case}: its category or tags call for an IOPC "
        f"referral decision; record it first with `psdcli case iopc {case} "
        "--referred IOPC_REF` or `--not-required`, with --rationale."
    )


@pytest.mark.parametrize(("category", "tags"), DUE, ids=DUE_IDS)
def test_escalate_refused_until_iopc_decision(
    desk: Desk, case: str, category: str, tags: tuple[str, ...]
) -> None:
    desk.step("case", "categorise", case, category, *tags)
    before = desk.snapshot()
    result = desk.run("case", "escalate", case, "--team", "ACU", "--rationale", REASON)
    assert result.exit_code == 1, result.output
    assert error_line(result) == _missing_decision_message("escalate", case)
    assert desk.snapshot() == before


@pytest.mark.parametrize(("category", "tags"), DUE, ids=DUE_IDS)
def test_close_refused_until_iopc_decision(
    desk: Desk, case: str, category: str, tags: tuple[str, ...]
) -> None:
    desk.step("case", "categorise", case, category, *tags)
    desk.do("nfa", case)
    before = desk.snapshot()
    result = desk.run("case", "close", case)
    assert result.exit_code == 1, result.output
    assert error_line(result) == _missing_decision_message("close", case)
    assert desk.snapshot() == before


@pytest.mark.parametrize(
    "step", ["record-intel", "transfer", "refer-complaints", "nfa"]
)
def test_other_outcomes_not_held_back(desk: Desk, case: str, step: str) -> None:
    desk.step("case", "categorise", case, "sexual-misconduct")
    result = desk.do(step, case)
    assert result["status"] == "decided"


def test_show_flags_missing_iopc_decision(desk: Desk, case: str) -> None:
    assert desk.show(case)["iopc_decision_due"] is False
    desk.step("case", "categorise", case, "sexual-misconduct")
    assert desk.show(case)["iopc_decision_due"] is True
    desk.do("iopc", case)
    assert desk.show(case)["iopc_decision_due"] is False


@pytest.mark.parametrize(
    "decision",
    [("--referred", "2026/012345"), ("--not-required",)],
    ids=["referred", "not-required"],
)
def test_iopc_decision_allows_escalate_and_close(
    desk: Desk, case: str, decision: tuple[str, ...]
) -> None:
    desk.step("case", "categorise", case, "other", "--tag", "serious-assault")
    desk.step("case", "iopc", case, *decision, "--rationale", REASON)
    escalated = desk.do("escalate", case)
    closed = desk.do("close", case)
    assert escalated["status"] == "decided"
    assert closed["status"] == "closed"


def test_iopc_referral_recorded(desk: Desk, case: str) -> None:
    desk.step(
        "case", "iopc", case, "--referred", " 2026/012345 ", "--rationale", REASON
    )
    (decision,) = decisions_of_kind(desk.show(case), "iopc")
    assert decision["details"] == {"referred": True, "iopc_reference": "2026/012345"}
    assert decision["rationale"] == REASON


def test_iopc_not_required_recorded(desk: Desk, case: str) -> None:
    desk.step("case", "iopc", case, "--not-required", "--rationale", REASON)
    (decision,) = decisions_of_kind(desk.show(case), "iopc")
    assert decision["details"] == {"referred": False, "iopc_reference": None}


def test_second_iopc_decision_supersedes_first(desk: Desk, case: str) -> None:
    desk.step("case", "iopc", case, "--not-required", "--rationale", REASON)
    desk.step("case", "iopc", case, "--referred", "2026/1", "--rationale", REASON)
    first, second = decisions_of_kind(desk.show(case), "iopc")
    assert first["active"] is False
    assert second["supersedes"] == first["id"]


@pytest.mark.parametrize(
    "options",
    [("--referred", "2026/1", "--not-required"), ()],
    ids=["both", "neither"],
)
def test_iopc_needs_exactly_one_choice(
    desk: Desk, case: str, options: tuple[str, ...]
) -> None:
    before = desk.snapshot()
    result = desk.run("case", "iopc", case, *options, "--rationale", REASON)
    assert result.exit_code == 2, result.output
    assert error_line(result) == (
        "pass exactly one of --referred IOPC_REFERENCE or --not-required."
    )
    assert desk.snapshot() == before


def test_iopc_blank_reference_rejected(desk: Desk, case: str) -> None:
    before = desk.snapshot()
    result = desk.run("case", "iopc", case, "--referred", "  ", "--rationale", REASON)
    assert result.exit_code == 2, result.output
    assert error_line(result).startswith("the IOPC reference is empty; pass --referred")
    assert desk.snapshot() == before


def test_reporter_theme_alone_does_not_need_iopc(desk: Desk) -> None:
    (case,) = desk.import_reports(make_reports(1, themes=["sexual_boundaries"]))
    desk.step("case", "categorise", case, "abuse-of-authority")
    result = desk.do("escalate", case)
    assert result["status"] == "decided"


def test_iopc_tags_setting_adds_tag(
    desk: Desk, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSDCLI_IOPC_TAGS", "ppda, firearms")
    desk.step("case", "categorise", case, "other", "--tag", "firearms")
    result = desk.run("case", "escalate", case, "--team", "ACU", "--rationale", REASON)
    assert result.exit_code == 1, result.output
    assert error_line(result) == _missing_decision_message("escalate", case)


def test_iopc_tags_setting_replaces_defaults(
    desk: Desk, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSDCLI_IOPC_TAGS", "ppda")
    desk.step("case", "categorise", case, "other", "--tag", "discrimination")
    result = desk.do("escalate", case)
    assert result["status"] == "decided"


def test_empty_iopc_tags_setting_leaves_category_rule(
    desk: Desk, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSDCLI_IOPC_TAGS", "")
    desk.step("case", "categorise", case, "sexual-misconduct")
    result = desk.run("case", "escalate", case, "--team", "ACU", "--rationale", REASON)
    assert result.exit_code == 1, result.output
    assert error_line(result) == _missing_decision_message("escalate", case)


def test_empty_iopc_tags_setting_turns_off_tag_rule(
    desk: Desk, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSDCLI_IOPC_TAGS", "")
    desk.step("case", "categorise", case, "other", "--tag", "discrimination")
    result = desk.do("escalate", case)
    assert result["status"] == "decided"


def test_bad_iopc_tags_setting_named(
    desk: Desk, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk.step("case", "categorise", case, "other", "--tag", "firearms")
    monkeypatch.setenv("PSDCLI_IOPC_TAGS", "firearms,Serious Assault")
    before = desk.snapshot()
    result = desk.run("case", "escalate", case, "--team", "ACU", "--rationale", REASON)
    assert result.exit_code != 0, result.output
    assert "PSDCLI_IOPC_TAGS" in error_line(result)
    assert desk.snapshot() == before
