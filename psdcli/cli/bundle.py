"""``psdcli bundle``: the history of imported bundles."""

from __future__ import annotations

from typing import Annotated

import typer

from psdcli.cli.state import get_state

app = typer.Typer(
    help="List imported bundles and show what became of their reports.",
    no_args_is_help=True,
)

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON instead of a table.")
]


@app.command("list")
def bundle_list(ctx: typer.Context, json_: JsonOption = False) -> None:
    """List imported bundles, newest first, with their report counts.

    Example: psdcli bundle list
    """
    from psdcli import output
    from psdcli.core import browse

    with get_state(ctx).database() as database, database.read_session() as session:
        data = browse.bundle_list(session)
    if json_:
        output.emit_json(data)
        return
    rows = [
        (
            b["bundle_id"],
            b["recipient_force"],
            b["sequence"],
            b["imported_at"][:19],
            b["imported_by"],
            b["reports_imported"],
            b["reports_unchanged"],
            b["reports_quarantined"],
        )
        for b in data["bundles"]
    ]
    output.table(
        [
            "bundle id",
            "force",
            "seq",
            "imported (UTC)",
            "by",
            "stored",
            "unchanged",
            "quarantined",
        ],
        rows,
    )
    for message in data["warnings"]:
        output.warning(message)


@app.command("show")
def bundle_show(
    ctx: typer.Context,
    bundle_id: Annotated[
        str, typer.Argument(help="Bundle id, or its first characters.")
    ],
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Why you are viewing it; logged with the view."),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Show one bundle: where it came from, its counts and quarantined reports.

    Example: psdcli bundle show 3f2c9a1e
    """
    from psdcli import output
    from psdcli.core import browse, consult

    state = get_state(ctx)
    analyst = state.require_analyst()
    why = consult.check_reason(reason)
    with state.database() as database, database.write_session() as session:
        data = browse.bundle_detail(session, bundle_id)
        consult.log_consultation(
            session,
            analyst,
            "bundle.show",
            reason=why,
            bundle_id=data["bundle_id"],
            details={"quarantined": len(data["quarantined"])},
        )
    if json_:
        output.emit_json(data)
        return
    quarantined = data.pop("quarantined")
    extra = data.pop("manifest_extra")
    output.fields(
        {key.replace("_", " "): value for key, value in data.items()},
        title=f"Bundle {data['bundle_id']}",
    )
    if extra:
        output.fields(extra, title="Other manifest fields")
    if quarantined:
        output.table(
            ["path", "reference", "reason", "attachments"],
            [
                (q["path"], q["reference"] or "-", q["reason"], q["attachments"])
                for q in quarantined
            ],
            title="Quarantined reports (kept encrypted)",
        )
