"""The supervisor summary: counts, outcomes, timeliness and milestones."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from psdcli.core.stats import milestone, months_between
from tests.bundles import reports, write_bundle, zip_bytes
from tests.imports.conftest import Workspace


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2025-01-15", "2026-01-15", 12),
        ("2025-01-15", "2026-01-14", 11),
        ("2025-01-31", "2025-03-01", 1),
        ("2024-06-01", "2026-12-01", 30),
    ],
    ids=["exact-year", "day-short", "month-end", "thirty"],
)
def test_months_between_counts_whole_months(start: str, end: str, months: int) -> None:
    parsed = [datetime.fromisoformat(v).replace(tzinfo=UTC) for v in (start, end)]
    assert months_between(*parsed) == months


@pytest.mark.parametrize(
    ("months", "expected"),
    [(11, None), (12, 12), (17, 12), (18, 18), (23, 18), (24, 24), (31, 30)],
)
def test_milestone_is_twelve_then_every_six(months: int, expected: int | None) -> None:
    assert milestone(months) == expected


def _stats(workspace: Workspace, *args: str) -> dict[str, object]:
    result = workspace.run("stats", "--json", *args)
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_stats_counts_themes_outcomes_and_milestones(workspace: Workspace) -> None:
    old = reports(
        1, start=1, received_at="2025-06-02T10:00:00+01:00", themes=["partner_abuse"]
    )
    recent = reports(
        2, start=2, received_at="2026-11-20T10:00:00+00:00", themes=["discrimination"]
    )
    workspace.import_(write_bundle(workspace.bundles, zip_bytes(old + recent)))
    old_ref = old[0]["reference"]
    steps = [
        ("case", "escalate", old_ref, "--team", "ACU", "--rationale", "Corroborated"),
        ("case", "nfa", recent[0]["reference"], "--rationale", "No evidence"),
        (
            "case",
            "safeguard",
            old_ref,
            "--at-risk",
            "victim",
            "--risk",
            "high",
            "--tool",
            "dash",
            "--score",
            "15",
            "--action",
            "MARAC referral",
            "--subject-system-access",
            "no",
            "--rationale",
            "High risk",
        ),
    ]
    for step in steps:
        result = workspace.run(*step)
        assert result.exit_code == 0, result.output

    data = _stats(workspace)

    assert data["cases_received"] == 3
    assert data["by_theme"] == {"partner_abuse": 1, "discrimination": 2}
    assert data["by_outcome"] == {"escalation": 1, "nfa": 1}
    assert data["open_safeguarding_actions"] == 1
    assert data["days_to_decision"]["count"] == 2  # type: ignore[index]
    milestones = data["reporting_milestones"]
    assert isinstance(milestones, list)
    assert [m["milestone"] for m in milestones] == [18]
    overdue = data["overdue_assessments"]
    assert isinstance(overdue, list)
    assert len(overdue) == 0


def test_stats_period_filters_by_receipt(workspace: Workspace) -> None:
    first = reports(1, start=1, received_at="2026-02-01T10:00:00+00:00")
    second = reports(1, start=2, received_at="2026-06-01T10:00:00+00:00")
    workspace.import_(write_bundle(workspace.bundles, zip_bytes(first + second)))
    assert _stats(workspace, "--since", "2026-03-01")["cases_received"] == 1
    assert _stats(workspace, "--until", "2026-03-01")["cases_received"] == 1


def test_stats_table_has_bar_charts(workspace: Workspace) -> None:
    workspace.import_(write_bundle(workspace.bundles, zip_bytes(reports(3))))
    result = workspace.run("stats")
    assert result.exit_code == 0, result.output
    assert "By reporting theme" in result.stdout
    assert "█" in result.stdout


def test_stats_is_logged_as_a_consultation(workspace: Workspace) -> None:
    workspace.import_(write_bundle(workspace.bundles, zip_bytes(reports(1))))
    _stats(workspace)
    shown = workspace.run("audit", "show", "--operation", "consultation")
    assert "stats.show" in shown.stdout
