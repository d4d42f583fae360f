"""The compact view of a case in triage: what an analyst needs to assess it.

It shows whether the reporter can be contacted, never the contact details.
"""

from __future__ import annotations

from typing import Any

from psdcli import output
from psdcli.cli import case_view


def render_case(detail: dict[str, Any], position: str) -> None:
    """Show the key fields, subjects, persons at risk and narrative of a case."""
    report = detail["report"]
    active = [d["kind"] for d in detail["decisions"] if d["active"]]
    output.heading(f"Case {detail['case_number']} ({position} in the queue)")
    output.fields(
        {
            "reference": detail["reference"],
            "status": detail["status"].replace("_", " "),
            "version": detail["version"],
            "received": detail["received_at"],
            "flags": ", ".join(_flags(detail)) or "-",
            "themes": ", ".join(report["themes"]),
            "category": detail["category"] or "-",
            "tags": ", ".join(detail["tags"]) or "-",
            "decisions so far": ", ".join(active) or "-",
            "notes": len(detail["notes"]),
            "channel": report["channel"],
            "reporter": "anonymous" if report["anonymous"] else "contactable",
            "on duty": report["on_duty"],
            "setting": report["setting"],
            "incident": case_view.describe_incident(report["incident"]),
        }
    )
    case_view.render_report(report)


def _flags(detail: dict[str, Any]) -> list[str]:
    flags = []
    if detail["immediate_danger"]:
        flags.append("immediate danger")
    open_actions = sum(
        1
        for record in detail["safeguarding"]
        for action in record["actions"]
        if action["completed_at"] is None
    )
    if open_actions:
        flags.append(f"{open_actions} open safeguarding action(s)")
    if detail["has_update"]:
        flags.append("updated")
    if detail["follow_up_to"]:
        flags.append(f"follows up {detail['follow_up_to']}")
    return flags
