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
        str | None, typer.Option(help="Only cases in this status, e.g. new.")
    ] = None,
    theme: Annotated[
        str | None,
        typer.Option(
            help="Only reports with this reporting theme, e.g. partner_abuse."
        ),
    ] = None,
    force: Annotated[
        str | None, typer.Option(help="Only reports about a subject of this force id.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Show at most this many cases.")
    ] = None,
    json_: JsonOption = False,
) -> None:
    """List cases, oldest report first.

    Example: psdcli case list --theme partner_abuse --force west-mercia
    """
    from psdcli.cli import case_view
    from psdcli.core import browse
    from psdcli.core.validate import case_filters

    filters = case_filters(status=status, theme=theme, force=force, limit=limit)
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
