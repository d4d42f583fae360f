"""``psdcli case``: list and read cases."""

from __future__ import annotations

from typing import Annotated

import typer

from psdcli.cli import case_safeguard, case_steps
from psdcli.cli.state import get_state

app = typer.Typer(help="List, read and decide cases.", no_args_is_help=True)

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON instead of tables.")
]


@app.command("list")
def case_list(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option(help="Only this status: new, in_assessment, decided or closed."),
    ] = None,
    theme: Annotated[
        str | None, typer.Option(help="Only this reporting theme, e.g. partner_abuse.")
    ] = None,
    force: Annotated[
        str | None, typer.Option(help="Only reports about a subject of this force id.")
    ] = None,
    category: Annotated[
        str | None, typer.Option(help="Only this national category id.")
    ] = None,
    assigned_to: Annotated[
        str | None,
        typer.Option("--assigned-to", help="Only cases assigned to this id."),
    ] = None,
    overdue: Annotated[
        bool,
        typer.Option(
            "--overdue",
            help="Only unassessed cases older than PSDCLI_ASSESSMENT_DUE_DAYS (28).",
        ),
    ] = False,
    safeguarding_open: Annotated[
        bool,
        typer.Option("--safeguarding-open", help="Only cases with open safeguarding."),
    ] = False,
    sort: Annotated[
        str, typer.Option(help="received, newest, number, reference or status.")
    ] = "received",
    limit: Annotated[
        int | None, typer.Option(min=1, help="Show at most this many cases.")
    ] = None,
    json_: JsonOption = False,
) -> None:
    """List cases, oldest report first, with their age in days.

    Example: psdcli case list --theme partner_abuse --safeguarding-open
    """
    from psdcli.cli import case_view
    from psdcli.core import browse
    from psdcli.core.validate import case_filters

    filters = case_filters(
        status=status,
        theme=theme,
        force=force,
        limit=limit,
        category=category,
        assigned_to=assigned_to,
        overdue=overdue,
        safeguarding_open=safeguarding_open,
        sort=sort,
    )
    with get_state(ctx).database() as database, database.read_session() as session:
        rows = browse.case_rows(session, filters)
    case_view.render_list(rows, as_json=json_)


@app.command("show")
def case_show(
    ctx: typer.Context,
    reference: Annotated[
        str, typer.Argument(help="Intake reference, e.g. CS-2026-004817.")
    ],
    revision: Annotated[
        int | None,
        typer.Option(min=1, help="Show this revision instead of the latest."),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Show every field of a case's report, its revisions and attachments.

    Reporter contact details are never shown here.

    Example: psdcli case show CS-2026-004817
    """
    from psdcli.cli import case_view
    from psdcli.core import browse

    with get_state(ctx).database() as database, database.read_session() as session:
        data = browse.case_detail(session, reference, revision)
    case_view.render_detail(data, as_json=json_)


case_steps.register(app)
case_safeguard.register(app)
