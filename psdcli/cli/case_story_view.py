"""The workflow sections of ``case show``: decisions, safeguarding, notes, history."""

from __future__ import annotations

from typing import Any

from psdcli import output


def render(data: dict[str, Any]) -> None:
    """Show the decisions, safeguarding, notes and history of one case."""
    if data["decisions"]:
        output.table(
            ["id", "decision", "details", "rationale", "by", "at (UTC)", "state"],
            [
                (
                    d["id"],
                    d["kind"],
                    _details(d["details"]),
                    d["rationale"] or "-",
                    d["decided_by"],
                    d["decided_at"][:16],
                    _state(d),
                )
                for d in data["decisions"]
            ],
            title="Decisions",
        )
    for record in data["safeguarding"]:
        _render_safeguarding(record)
    if data["notes"]:
        output.table(
            ["id", "by", "at (UTC)", "note"],
            [
                (n["id"], n["author"], n["created_at"][:16], n["text"])
                for n in data["notes"]
            ],
            title="Notes",
        )
    if data["history"]:
        output.table(
            ["#", "at (UTC)", "analyst", "operation", "action", "reason"],
            [
                (
                    h["sequence"],
                    h["at"][:19],
                    h["analyst"],
                    h["operation"],
                    h["action"],
                    h["reason"] or "-",
                )
                for h in data["history"]
            ],
            title="History",
        )


def _state(decision: dict[str, Any]) -> str:
    state = "active" if decision["active"] else "superseded"
    if decision["supersedes"]:
        state += f", replaces {decision['supersedes']}"
    return state


def _details(details: dict[str, Any]) -> str:
    parts = []
    for key, value in details.items():
        if value in (None, "", []):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return "; ".join(parts) or "-"


def _render_safeguarding(record: dict[str, Any]) -> None:
    output.fields(
        {
            "at risk": record["at_risk"],
            "risk": f"{record['risk']} ({record['tool']}"
            + (f", score {record['score']}" if record["score"] is not None else "")
            + ")",
            "urgency": record["urgency"] or "-",
            "referral": record["referral_ref"] or "-",
            "review on": record["review_on"] or "-",
            "subject can reach police systems": record["subject_system_access"] or "-",
            "conflict of interest": record["conflict_of_interest"] or "-",
            "rationale": record["rationale"],
            "decided": f"{record['decided_by']} at {record['decided_at'][:16]}",
        },
        title=f"Safeguarding {record['id']}",
    )
    output.table(
        ["action id", "action", "completed"],
        [
            (
                a["id"],
                a["description"],
                f"{a['completed_by']} at {a['completed_at'][:16]}"
                if a["completed_at"]
                else "OPEN",
            )
            for a in record["actions"]
        ],
    )
