"""Rendering of cases: tables on a terminal, or JSON."""

from __future__ import annotations

import json
from typing import Any

from psdcli import output
from psdcli.cli import case_story_view


def render_list(rows: list[dict[str, Any]], *, as_json: bool) -> None:
    """Show ``case list`` results; empty columns are left out."""
    if as_json:
        output.emit_json(rows)
        return
    if not rows:
        output.info("No cases match.")
        return
    columns = ["case", "reference", "status", "received (days ago)", "themes"]
    optional = [key for key in ("category", "assigned_to") if any(r[key] for r in rows)]
    columns += [key.replace("_", " ") for key in optional] + ["flags"]
    output.table(
        columns,
        [
            (
                row["case_number"],
                row["reference"],
                row["status"].replace("_", " "),
                f"{row['received_at'][:10]} ({row['age_days']})",
                _words(row["themes"]),
                *(row[key] or "-" for key in optional),
                _flags(row),
            )
            for row in rows
        ],
        no_wrap=("case", "reference", "received (days ago)"),
    )


def _words(ids: list[str]) -> str:
    """Return ids with spaces for underscores, so that table cells wrap at words."""
    return ", ".join(theme.replace("_", " ") for theme in ids)


def _flags(row: dict[str, Any]) -> str:
    flags = []
    if row["immediate_danger"]:
        flags.append("immediate danger")
    if row.get("open_safeguarding_actions"):
        flags.append(f"{row['open_safeguarding_actions']} open safeguarding")
    if row.get("overdue"):
        flags.append("overdue")
    if row["has_update"]:
        flags.append("updated")
    if row["follow_up_to"]:
        flags.append(f"follows up {row['follow_up_to']}")
    return ", ".join(flags)


def render_detail(data: dict[str, Any], *, as_json: bool) -> None:
    """Show ``case show`` for one case."""
    if as_json:
        output.emit_json(data)
        return
    report = data["report"]
    output.fields(
        {
            "reference": data["reference"],
            "status": data["status"].replace("_", " "),
            "version": data["version"],
            "assigned to": data["assigned_to"] or "-",
            "category": data["category"] or "-",
            "tags": ", ".join(data["tags"]) or "-",
            "IOPC decision": "due" if data["iopc_decision_due"] else "-",
            "received": data["received_at"],
            "flags": _flags(data) or "-",
            "follow-ups": ", ".join(data["follow_ups"]) or "-",
            "channel": report["channel"],
            "reporter": "anonymous" if report["anonymous"] else "contactable",
            "contact details": report["contact"] or "none",
            "themes": ", ".join(report["themes"]),
            "on duty": report["on_duty"],
            "setting": report["setting"],
            "incident": describe_incident(report["incident"]),
        },
        title=f"Case {data['case_number']} (revision {report['revision']} of "
        f"{data['latest_revision']})",
    )
    if data["attached_to"]:
        original = data["attached_to"]
        output.warning(
            f"this report follows up case {original['case_number']} "
            f"({original['reference']}); decisions are recorded there."
        )
    render_report(report)
    _render_tail(data, report)
    for follow_up in data["follow_up_reports"]:
        output.heading(
            f"Follow-up {follow_up['case_number']} ({follow_up['reference']}), "
            f"received {follow_up['received_at'][:16]}"
        )
        render_report(follow_up["report"])
    case_story_view.render(data)


def render_report(report: dict[str, Any]) -> None:
    """Show a report's subjects, persons at risk and narrative."""
    output.table(
        ["name", "role", "force", "rank", "collar", "station", "description"],
        [
            (
                s["name"],
                s["role"],
                s["force"],
                s["rank"],
                s["collar_number"],
                s["station"],
                s["description"],
            )
            for s in report["subjects"]
        ],
        title="Subjects",
    )
    if report["persons_at_risk"]:
        output.table(
            ["description", "relationship", "immediate danger"],
            [
                (
                    p.get("description"),
                    p.get("relationship"),
                    "yes" if p.get("immediate_danger") else "no",
                )
                for p in report["persons_at_risk"]
            ],
            title="Persons at risk",
        )
    output.heading("Narrative")
    output.block(report["narrative"])


def _render_tail(data: dict[str, Any], report: dict[str, Any]) -> None:
    if report["attachments"]:
        output.table(
            ["name", "size (bytes)", "type"],
            [(a["name"], a["size"], a["media_type"]) for a in report["attachments"]],
            title="Attachments",
        )
    if report["other_fields"]:
        output.fields(
            {key: _plain(value) for key, value in report["other_fields"].items()},
            title="Other fields from the exporter",
        )
    output.table(
        ["revision", "bundle", "imported (UTC)", "received (UTC)"],
        [
            (
                r["revision"],
                r["bundle_id"],
                r["imported_at"][:19],
                r["received_at"][:19],
            )
            for r in data["revisions"]
        ],
        title="Revisions",
    )


def describe_incident(incident: dict[str, Any]) -> str:
    """Return the incident's dates and place on one line."""
    dates = f"{incident['from'] or '?'} to {incident['to'] or '?'}"
    location = incident["location"] or "location not given"
    return f"{dates}, {location}"


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
