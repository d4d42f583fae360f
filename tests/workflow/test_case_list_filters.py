"""``case list`` filters, sort orders and ages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.workflow.case_helpers import (
    REASON,
    Desk,
    days_ago,
    error_line,
    make_reports,
)

YEAR = datetime.now(UTC).year


def _numbers(rows: list[dict[str, Any]]) -> list[str]:
    return [str(row["case_number"]) for row in rows]


# Status, category and assignee


@pytest.fixture
def four_states(desk: Desk) -> dict[str, str]:
    """Four cases, one in each state, keyed by state."""
    new, assessing, decided, closed = desk.import_reports(make_reports(4))
    desk.do("note", assessing)
    desk.do("nfa", decided)
    desk.do("nfa", closed)
    desk.do("close", closed)
    return {
        "new": new,
        "in_assessment": assessing,
        "decided": decided,
        "closed": closed,
    }


@pytest.mark.parametrize("status", ["new", "in_assessment", "decided", "closed"])
def test_list_filters_by_status(
    desk: Desk, four_states: dict[str, str], status: str
) -> None:
    rows = desk.listed("--status", status)
    assert _numbers(rows) == [four_states[status]]
    assert rows[0]["status"] == status


def test_list_filters_by_category(desk: Desk) -> None:
    fraud, other, _ = desk.import_reports(make_reports(3))
    desk.step("case", "categorise", fraud, "theft-and-fraud")
    desk.step("case", "categorise", other, "other")
    assert _numbers(desk.listed("--category", "Theft-And-Fraud")) == [fraud]


def test_list_filters_by_assignee(desk: Desk) -> None:
    first, second, _ = desk.import_reports(make_reports(3))
    desk.step("case", "assign", first, "A2001")
    desk.step("case", "assign", second, "A2002")
    rows = desk.listed("--assigned-to", "A2001")
    assert _numbers(rows) == [first]
    assert rows[0]["assigned_to"] == "A2001"


def test_list_filters_combine(desk: Desk) -> None:
    first, second = desk.import_reports(make_reports(2))
    desk.step("case", "assign", first, "A2001")
    desk.step("case", "assign", second, "A2001")
    desk.do("nfa", second)
    assert _numbers(desk.listed("--assigned-to", "A2001", "--status", "decided")) == [
        second
    ]


# Overdue and age


def test_overdue_setting_splits_cases(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    late, in_time = desk.import_reports(
        make_reports(2, received_at=[days_ago(5, hours=6), days_ago(4, hours=18)])
    )
    monkeypatch.setenv("PSDCLI_ASSESSMENT_DUE_DAYS", "5")
    assert _numbers(desk.listed("--overdue")) == [late]
    flags = {row["case_number"]: row["overdue"] for row in desk.listed()}
    assert flags == {late: True, in_time: False}


def test_overdue_by_default_after_28_days(desk: Desk) -> None:
    late, in_time = desk.import_reports(
        make_reports(2, received_at=[days_ago(28, hours=6), days_ago(27, hours=18)])
    )
    assert _numbers(desk.listed("--overdue")) == [late]
    assert in_time not in _numbers(desk.listed("--overdue"))


def test_sample_like_reports_are_overdue(desk: Desk) -> None:
    # Reports made like the sample set were received in 2025 or early 2026.
    numbers = desk.import_reports(make_reports(3))
    assert sorted(_numbers(desk.listed("--overdue"))) == sorted(numbers)


def test_overdue_counts_in_assessment(desk: Desk) -> None:
    (case,) = desk.import_reports(make_reports(1, received_at=[days_ago(60)]))
    desk.do("assess", case)
    assert _numbers(desk.listed("--overdue")) == [case]


def test_decided_case_not_overdue(desk: Desk) -> None:
    decided, closed, waiting = desk.import_reports(
        make_reports(3, received_at=[days_ago(60)] * 3)
    )
    desk.do("escalate", decided)
    desk.do("nfa", closed)
    desk.do("close", closed)
    assert _numbers(desk.listed("--overdue")) == [waiting]
    flags = {row["case_number"]: row["overdue"] for row in desk.listed()}
    assert flags == {decided: False, closed: False, waiting: True}


def test_reopened_case_overdue_again(desk: Desk) -> None:
    (case,) = desk.import_reports(make_reports(1, received_at=[days_ago(60)]))
    for step in ("nfa", "close", "reopen"):
        desk.do(step, case)
    assert _numbers(desk.listed("--overdue")) == [case]


@pytest.mark.parametrize("value", ["0", "366", "abc", "-3"])
def test_bad_due_days_rejected(
    desk: Desk, case: str, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("PSDCLI_ASSESSMENT_DUE_DAYS", value)
    result = desk.run("case", "list", "--overdue")
    assert result.exit_code == 1, result.output
    assert error_line(result) == (
        f"PSDCLI_ASSESSMENT_DUE_DAYS={value!r} is invalid; set a whole number of "
        "days from 1 to 365."
    )


def test_age_counts_whole_days(desk: Desk) -> None:
    desk.import_reports(
        make_reports(2, received_at=[days_ago(10, hours=3), days_ago(0, hours=2)])
    )
    assert [row["age_days"] for row in desk.listed()] == [10, 0]


# Safeguarding


def test_list_filters_open_safeguarding(desk: Desk) -> None:
    open_case, done_case, _ = desk.import_reports(make_reports(3))
    for number in (open_case, done_case):
        desk.step(
            "case",
            "safeguard",
            number,
            "--at-risk",
            "reporter",
            "--risk",
            "standard",
            "--tool",
            "judgement",
            "--action",
            "Welfare call",
            "--rationale",
            REASON,
        )
    desk.step("case", "complete-action", done_case, "2")
    rows = desk.listed("--safeguarding-open")
    assert _numbers(rows) == [open_case]
    assert rows[0]["open_safeguarding_actions"] == 1


# Sort orders


@pytest.fixture
def sortable(desk: Desk) -> dict[str, str]:
    """Four cases whose reference, number and receipt orders all differ.

    Returns case numbers keyed by reference. Numbers follow import order, so
    the second bundle's references get the higher numbers.
    """
    later = make_reports(2, start=3, received_at=[days_ago(10), days_ago(2)])
    earlier = make_reports(2, start=1, received_at=[days_ago(5), days_ago(30)])
    numbers = desk.import_reports(later) + desk.import_reports(earlier)
    references = [report["reference"] for report in later + earlier]
    return dict(zip(references, numbers, strict=True))


def _references(desk: Desk, *options: str) -> list[str]:
    return [str(row["reference"]) for row in desk.listed(*options)]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("received", ["700002", "700003", "700001", "700004"]),
        ("newest", ["700004", "700001", "700003", "700002"]),
        ("number", ["700003", "700004", "700001", "700002"]),
        ("reference", ["700001", "700002", "700003", "700004"]),
    ],
)
def test_list_sort_orders(
    desk: Desk, sortable: dict[str, str], sort: str, expected: list[str]
) -> None:
    assert _references(desk, "--sort", sort) == [f"CS-2026-{n}" for n in expected]


def test_list_sorts_by_received_by_default(
    desk: Desk, sortable: dict[str, str]
) -> None:
    assert _references(desk) == _references(desk, "--sort", "received")


def test_list_sort_by_status(desk: Desk, sortable: dict[str, str]) -> None:
    desk.do("nfa", sortable["CS-2026-700004"])
    desk.do("note", sortable["CS-2026-700003"])
    desk.do("nfa", sortable["CS-2026-700001"])
    desk.do("close", sortable["CS-2026-700001"])
    rows = desk.listed("--sort", "status")
    assert [(row["status"], row["reference"]) for row in rows] == [
        ("closed", "CS-2026-700001"),
        ("decided", "CS-2026-700004"),
        ("in_assessment", "CS-2026-700003"),
        ("new", "CS-2026-700002"),
    ]


def test_list_sorts_unpadded_numbers_numerically(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSDCLI_CASE_NUMBER_FORMAT", "C{year}-{number}")
    desk.import_reports(make_reports(11))
    listed = _numbers(desk.listed("--sort", "number"))
    assert listed == [f"C{YEAR}-{n}" for n in range(1, 12)]


# Rejected values


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "--status",
            "open",
            "unknown status 'open'; use one of: new, in_assessment, decided, closed.",
        ),
        (
            "--sort",
            "age",
            "unknown sort 'age'; use one of: received, newest, number, reference, "
            "status.",
        ),
        ("--category", "bribery", "unknown category 'bribery'; use one of: "),
        ("--assigned-to", "A 1", "invalid analyst id 'A 1'; "),
        ("--theme", "corruption", "unknown theme 'corruption'; use one of: "),
        ("--force", "kentt", "unknown force id 'kentt'; did you mean kent"),
    ],
    ids=["status", "sort", "category", "assigned-to", "theme", "force"],
)
def test_bad_filter_rejected(
    desk: Desk, case: str, option: str, value: str, message: str
) -> None:
    result = desk.run("case", "list", option, value)
    assert result.exit_code == 2, result.output
    assert error_line(result).startswith(message)
