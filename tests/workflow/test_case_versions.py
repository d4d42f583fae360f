"""Stale views: --expected-version refuses a change based on an older version."""

from __future__ import annotations

import pytest

from tests.workflow.case_helpers import (
    ANALYST,
    OTHER_ANALYST,
    STEPS,
    Desk,
    error_line,
    make_reports,
    step_args,
    today,
)


def _stale_message(case: str, viewed: int, analyst_id: str, step: str) -> str:
    return (
        f"case {case} changed since version {viewed} that you viewed: {analyst_id} did "
        f"{step} at {today().isoformat()} "
    )


@pytest.mark.parametrize("step", STEPS)
def test_stale_version_refused(desk: Desk, case: str, step: str) -> None:
    desk.prepare(step, case)
    viewed = desk.show(case)["version"]
    desk.do("note", case, analyst=OTHER_ANALYST)
    before = desk.snapshot()
    result = desk.run(*step_args(step, case), "--expected-version", str(viewed))
    assert result.exit_code == 1, result.output
    message = error_line(result)
    assert message.startswith(_stale_message(case, viewed, OTHER_ANALYST, "note"))
    assert message.endswith(
        f"UTC (now version {viewed + 1}); review it with "
        f"`psdcli case show {case}` and try again."
    )
    assert desk.snapshot() == before


@pytest.mark.parametrize("step", STEPS)
def test_current_version_accepted(desk: Desk, case: str, step: str) -> None:
    desk.prepare(step, case)
    current = desk.show(case)["version"]
    result = desk.step(*step_args(step, case), "--expected-version", str(current))
    assert result["version"] == current + 1


def test_second_analyst_on_stale_view_refused(desk: Desk, case: str) -> None:
    first_view = desk.show(case)["version"]
    second_view = desk.run("case", "show", case, "--json", analyst=OTHER_ANALYST)
    assert second_view.exit_code == 0, second_view.output
    desk.step(
        "case",
        "categorise",
        case,
        "theft-and-fraud",
        "--expected-version",
        str(first_view),
    )
    before = desk.snapshot()
    result = desk.run(
        "case",
        "nfa",
        case,
        "--rationale",
        "Nothing to investigate.",
        "--expected-version",
        str(first_view),
        analyst=OTHER_ANALYST,
    )
    assert result.exit_code == 1, result.output
    message = error_line(result)
    assert message.startswith(_stale_message(case, first_view, ANALYST, "categorise"))
    assert f"(now version {first_view + 1})" in message
    assert desk.snapshot() == before


def test_second_analyst_succeeds_after_review(desk: Desk, case: str) -> None:
    desk.do("categorise", case)
    current = desk.show(case)["version"]
    result = desk.step(
        *step_args("nfa", case),
        "--expected-version",
        str(current),
        analyst=OTHER_ANALYST,
    )
    assert result["version"] == current + 1


def test_new_revision_makes_earlier_view_stale(desk: Desk) -> None:
    (report,) = make_reports(1, start=300)
    (case,) = desk.import_reports([report])
    revised = {**report, "revision": 2, "narrative": report["narrative"] + " More."}
    desk.import_reports([revised])
    before = desk.snapshot()
    result = desk.run(*step_args("note", case), "--expected-version", "1")
    assert result.exit_code == 1, result.output
    assert error_line(result).startswith(
        f"case {case} changed since version 1 that you viewed: T0001 did "
        "import-revision at "
    )
    assert desk.snapshot() == before


def test_future_version_refused(desk: Desk, case: str) -> None:
    before = desk.snapshot()
    result = desk.run(*step_args("note", case), "--expected-version", "99")
    assert result.exit_code == 1, result.output
    assert error_line(result).startswith(f"case {case} is at version 1, not 99; ")
    assert desk.snapshot() == before


def test_zero_expected_version_rejected(desk: Desk, case: str) -> None:
    before = desk.snapshot()
    result = desk.run(*step_args("note", case), "--expected-version", "0")
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--expected-version'" in result.stderr
    assert desk.snapshot() == before


def test_without_expected_version_last_change_wins(desk: Desk, case: str) -> None:
    desk.do("note", case, analyst=OTHER_ANALYST)
    result = desk.do("note", case)
    assert result["version"] == 3
