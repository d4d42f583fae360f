"""``psdcli case``: list and read cases."""

from __future__ import annotations

from typing import Annotated

import typer

from psdcli.cli import attachment, case_safeguard, case_steps
from psdcli.cli.state import get_state

app = typer.Typer(help="List, read and decide cases.", no_args_is_help=True)

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON instead of tables.")
]
ReasonOption = Annotated[
    str | None,
    typer.Option(
        "--reason",
        help="Why you are viewing the data; logged with the view. Required when "
        "PSDCLI_REQUIRE_REASON=1.",
    ),
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
    include_follow_ups: Annotated[
        bool,
        typer.Option(
            "--include-follow-ups",
            help="Also list follow-up reports, which otherwise show under the "
            "case they answer.",
        ),
    ] = False,
    sort: Annotated[
        str, typer.Option(help="received, newest, number, reference or status.")
    ] = "received",
    limit: Annotated[
        int | None, typer.Option(min=1, help="Show at most this many cases.")
    ] = None,
    reason: ReasonOption = None,
    json_: JsonOption = False,
) -> None:
    """List cases, oldest report first, with their age in days.

    Example: psdcli case list --theme partner_abuse --safeguarding-open
    """
    from psdcli.cli import case_view
    from psdcli.core import browse, consult
    from psdcli.core.validate import case_filters

    state = get_state(ctx)
    analyst = state.require_analyst()
    why = consult.check_reason(reason)
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
        include_follow_ups=include_follow_ups,
    )
    with state.database() as database, database.write_session() as session:
        rows = browse.case_rows(session, filters)
        consult.log_consultation(
            session, analyst, "case.list", reason=why, details={"cases": len(rows)}
        )
    case_view.render_list(rows, as_json=json_)


@app.command("show")
def case_show(
    ctx: typer.Context,
    case: Annotated[
        str, typer.Argument(help="Case number (PSD-2026-0042) or intake reference.")
    ],
    revision: Annotated[
        int | None,
        typer.Option(min=1, help="Show this revision instead of the latest."),
    ] = None,
    reason: ReasonOption = None,
    json_: JsonOption = False,
) -> None:
    """Show a case: its report, revisions, decisions, safeguarding and history.

    Reporter contact details are never shown here. The view is logged as a
    consultation in the audit trail, with --reason when given.

    Example: psdcli case show PSD-2026-0042 --reason "Weekly review"
    """
    from psdcli.cli import case_view
    from psdcli.core import browse, consult

    state = get_state(ctx)
    analyst = state.require_analyst()
    why = consult.check_reason(reason)
    with state.database() as database, database.write_session() as session:
        data = browse.case_detail(session, case, revision)
        consult.log_consultation(
            session,
            analyst,
            "case.show",
            reason=why,
            case_reference=data["reference"],
            details={"revision": data["report"]["revision"]},
        )
    case_view.render_detail(data, as_json=json_)


case_steps.register(app)
app.add_typer(attachment.app, name="attachment")
case_safeguard.register(app)
