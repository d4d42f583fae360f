"""Tables and bar charts of ``psdcli stats``."""

from __future__ import annotations

from typing import Any

from psdcli import output

BAR_WIDTH = 30


def render(data: dict[str, Any], *, as_json: bool) -> None:
    """Show the supervisor summary."""
    if as_json:
        output.emit_json(data)
        return
    days = data["days_to_decision"]
    output.fields(
        {
            "cases received": data["cases_received"],
            "open safeguarding actions": data["open_safeguarding_actions"],
            "overdue assessments": len(data["overdue_assessments"]),
            "days to first decision (median)": _number(days["median"]),
            "days to first decision (90th percentile)": _number(days["p90"]),
            "cases decided": days["count"],
        },
        title="Summary",
    )
    for key, title in (
        ("by_status", "By status"),
        ("by_theme", "By reporting theme"),
        ("by_category", "By category"),
        ("by_subject_force", "By subject's force"),
        ("by_outcome", "By outcome"),
    ):
        _bars(title, data[key])
    if data["reporting_milestones"]:
        output.table(
            ["case", "months open", "milestone (months)"],
            [
                (m["case_number"], m["months"], m["milestone"])
                for m in data["reporting_milestones"]
            ],
            title="Escalated cases past a reporting milestone "
            "(12 months, then every 6)",
        )


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _bars(title: str, counts: dict[str, int]) -> None:
    if not counts:
        return
    largest = max(counts.values())
    rows = []
    for label, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        length = max(1, round(BAR_WIDTH * count / largest))
        rows.append((label.replace("_", " "), count, "█" * length))
    output.table(["", "cases", ""], rows, title=title)
