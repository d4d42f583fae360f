"""Terminal output of ``psdcli audit``: tables, one-line summaries and JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Row

from psdcli import output
from psdcli.audit.chain import event_fields
from psdcli.audit.checkpoint import CHECKPOINT_KEY
from psdcli.audit.disclose import ExportOutcome
from psdcli.audit.verify import VerifyResult

_COLUMNS = (
    "seq",
    "occurred (UTC)",
    "analyst",
    "operation",
    "action",
    "case",
    "recipient",
    "reason",
)


def render_events(rows: list[Row[Any]], *, as_json: bool) -> None:
    """Show ``audit show`` results, oldest first.

    The table leaves out ``details`` and the hashes to fit a terminal. The
    JSON output has every field.
    """
    events = [{**event_fields(row), "hash": row.hash} for row in rows]
    if as_json:
        output.emit_json({"events": events})
        return
    if not events:
        output.info("No audit events match.")
        return
    output.table(_COLUMNS, [_table_row(event) for event in events])


def _table_row(event: dict[str, Any]) -> tuple[object, ...]:
    return (
        event["sequence"],
        event["occurred_at"][:19].replace("T", " "),
        event["analyst"],
        event["operation"],
        event["action"],
        event["case_reference"] or "-",
        event["recipient"] or "-",
        event["reason"] or "-",
    )


def render_export(outcome: ExportOutcome) -> None:
    """Summarise an export on stderr, leaving stdout to the exported data."""
    checkpoint = outcome.checkpoint
    span = ""
    if checkpoint.count:
        span = f" (sequences {checkpoint.first_sequence}-{checkpoint.last_sequence})"
    output.info(
        f"Exported {checkpoint.count} audit events{span} to {outcome.recipient}; "
        f"logged as disclosure event {checkpoint.disclosure_sequence}."
    )
    output.info(
        f"Database head at export: event {checkpoint.head_sequence}, "
        f"hash {checkpoint.head_hash}."
    )
    if outcome.checkpoint_path is not None:
        output.info(f"Checkpoint written to {outcome.checkpoint_path}.")
    elif outcome.format == "csv":
        # A CSV on stdout has no sidecar file, so the checkpoint goes to stderr.
        line = json.dumps({CHECKPOINT_KEY: checkpoint.to_json()}, sort_keys=True)
        output.info(f"Checkpoint: {line}")


def render_verify(result: VerifyResult, file: Path | None) -> None:
    """Print the one-line summary of a successful verification."""
    if file is None:
        output.line(
            f"Audit chain OK: {result.count} events, head event "
            f"{result.last_sequence}, hash {result.last_hash}."
        )
        return
    checkpoint = result.checkpoint
    head = "" if checkpoint is None else f"; checkpoint head {checkpoint.head_sequence}"
    compared = (
        "matches the database"
        if result.compared_with_database
        else "not compared with a database"
    )
    output.line(f"Audit export OK: {result.count} events{head}; {compared}.")


def break_message(result: VerifyResult, file: Path | None) -> str:
    """Return the error message for a failed verification."""
    found = result.first_break
    if found is None:
        raise ValueError("the verification succeeded; there is no break to report")
    if found.sequence is not None:
        return f"audit chain broken at sequence {found.sequence}: {found.problem}."
    return f"audit export {file} failed verification: {found.problem}."
