"""``psdcli audit``: show, export and verify the audit trail."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from psdcli.cli.state import get_state

if TYPE_CHECKING:
    from psdcli.audit.filters import AuditFilter

app = typer.Typer(
    help="Show, export and verify the audit trail of who processed which case.",
    no_args_is_help=True,
)


class ExportFormat(enum.StrEnum):
    """File formats of ``audit export``."""

    jsonl = "jsonl"
    csv = "csv"


SinceOption = Annotated[
    str | None,
    typer.Option(
        help="Only events at or after this UTC date (2026-03-01) or RFC 3339 "
        "time (2026-03-01T09:30:00Z)."
    ),
]
UntilOption = Annotated[
    str | None,
    typer.Option(
        help="Only events up to the end of this UTC date, or up to and "
        "including this RFC 3339 time."
    ),
]
CaseOption = Annotated[
    str | None,
    typer.Option(
        "--case", help="Only events about this case (case number or intake reference)."
    ),
]
AnalystOption = Annotated[
    str | None,
    typer.Option(
        "--analyst",
        help="Only events by this staff id. The acting analyst is set by the "
        "--analyst option before 'audit'.",
    ),
]
OperationOption = Annotated[
    str | None,
    typer.Option(
        help="Only events of this kind: collection, alteration, consultation, "
        "disclosure, combination or erasure."
    ),
]


def _reference(ctx: typer.Context, case: str | None) -> str | None:
    """Return the intake reference of a case given by number or reference.

    A value that names no case is kept as given, since the trail can hold
    events about a reference whose case is no longer in the database.
    """
    if case is None:
        return None
    from psdcli.core.case_lookup import find_case
    from psdcli.core.errors import NotFoundError

    with get_state(ctx).database() as database, database.read_session() as session:
        try:
            return find_case(session, case).reference
        except NotFoundError:
            return case


def _filters(
    since: str | None,
    until: str | None,
    case: str | None,
    analyst: str | None,
    operation: str | None,
) -> AuditFilter:
    from psdcli.audit.filters import build_filter

    return build_filter(
        since=since,
        until=until,
        case_reference=case,
        analyst=analyst,
        operation=operation,
    )


@app.command("show")
def audit_show(
    ctx: typer.Context,
    since: SinceOption = None,
    until: UntilOption = None,
    case: CaseOption = None,
    analyst: AnalystOption = None,
    operation: OperationOption = None,
    limit: Annotated[
        int, typer.Option(min=1, help="Show at most this many of the newest events.")
    ] = 50,
    json_: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of a table.")
    ] = False,
) -> None:
    """Show the newest audit events that match, oldest of them first.

    The table leaves out details and hashes, which --json prints.

    Example: psdcli audit show --case CS-2026-004817 --limit 20
    """
    from psdcli.audit import query
    from psdcli.cli import audit_view

    filters = _filters(since, until, _reference(ctx, case), analyst, operation)
    with get_state(ctx).database() as database, database.read_session() as session:
        rows = query.latest_events(session, filters, limit)
    audit_view.render_events(rows, as_json=json_)


@app.command("export")
def audit_export(
    ctx: typer.Context,
    since: SinceOption = None,
    until: UntilOption = None,
    case: CaseOption = None,
    analyst: AnalystOption = None,
    operation: OperationOption = None,
    format_: Annotated[
        ExportFormat, typer.Option("--format", help="Output file format.")
    ] = ExportFormat.jsonl,
    bom: Annotated[
        bool,
        typer.Option(help="Start a CSV export with a UTF-8 byte order mark for Excel."),
    ] = False,
    output_path: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this new file (mode 0600; an existing file is never "
            "overwritten) instead of stdout.",
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option(help="Why the events are disclosed; kept in the audit trail."),
    ] = None,
) -> None:
    """Export audit events to JSON Lines or CSV and log the export as a disclosure.

    Example: psdcli --analyst A1234 audit export --case CS-2026-004817
    -o case.jsonl --reason "IOPC request"
    """
    from psdcli.audit.disclose import ExportRequest, run_export
    from psdcli.cli import audit_view
    from psdcli.core.errors import UsageError

    if bom and format_ is not ExportFormat.csv:
        raise UsageError("--bom applies to CSV only; add --format csv or drop --bom.")
    state = get_state(ctx)
    request = ExportRequest(
        analyst=state.require_analyst(),
        filters=_filters(since, until, _reference(ctx, case), analyst, operation),
        format=format_.value,
        path=output_path,
        bom=bom,
        reason=reason,
    )
    with state.database() as database:
        outcome = run_export(database, request, stream=sys.stdout.buffer)
    audit_view.render_export(outcome)


@app.command("verify")
def audit_verify(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Argument(
            help="A JSON Lines export to check; without it the database is checked."
        ),
    ] = None,
    file_only: Annotated[
        bool,
        typer.Option(
            "--file-only",
            help="Check FILE on its own, without comparing it with the database.",
        ),
    ] = False,
) -> None:
    """Check the audit hash chain in the database, or in an exported file.

    Exits with 1 and names the first bad sequence number if the chain is
    broken. Example: psdcli audit verify audit-2026-03.jsonl
    """
    from psdcli.audit import verify
    from psdcli.audit.errors import ChainBrokenError
    from psdcli.cli import audit_view
    from psdcli.core.errors import UsageError

    if file_only and file is None:
        raise UsageError("--file-only needs a FILE to check.")
    if file is not None and file_only:
        result = verify.verify_file(file)
    else:
        with get_state(ctx).database() as database, database.read_session() as session:
            if file is None:
                result = verify.verify_database(session)
            else:
                result = verify.verify_file(file, session)
    if not result.ok:
        raise ChainBrokenError(audit_view.break_message(result, file))
    audit_view.render_verify(result, file)
