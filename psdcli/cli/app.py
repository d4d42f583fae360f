"""The root ``psdcli`` command and its global options.

This module and the command modules import only Typer at load time. The
database, crypto and Rich layers load inside the commands, so that
``psdcli --help`` and shell completion start fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from psdcli import __version__
from psdcli.cli import audit, bundle, case, importing, keys, reporter, stats, triage
from psdcli.cli.edge import PsdGroup
from psdcli.cli.state import AppState, get_state

app = typer.Typer(
    cls=PsdGroup,
    name="psdcli",
    help="Import encrypted intake bundles and manage Professional Standards cases.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(keys.app, name="keys")
app.add_typer(bundle.app, name="bundle")
app.add_typer(case.app, name="case")
app.add_typer(audit.app, name="audit")
app.add_typer(reporter.app, name="reporter")
app.command("import")(importing.import_command)
app.command("stats")(stats.stats_command)
app.command("triage")(triage.triage_command)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"psdcli {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="PSDCLI_DB",
            help="Database file path or SQLAlchemy URL (default: psdcli.db in "
            "the data folder).",
            show_envvar=True,
        ),
    ] = None,
    analyst: Annotated[
        str | None,
        typer.Option(
            "--analyst",
            envvar="PSDCLI_ANALYST",
            help="Staff id of the acting analyst; required by commands that "
            "change data.",
            show_envvar=True,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Import encrypted intake bundles and manage Professional Standards cases."""
    ctx.obj = AppState(db=db, analyst=analyst)


@app.command("init")
def init_command(
    ctx: typer.Context,
    recipient: Annotated[
        list[str] | None,
        typer.Option(
            "--recipient",
            help="Team key (age1... or ssh public key) that contact details and "
            "attachments are sealed to; repeatable. Without one, the first import "
            "records its identity's key.",
        ),
    ] = None,
) -> None:
    """Create the database, or upgrade it to the current schema.

    Example: psdcli --analyst A1234 init --recipient age1...
    """
    from psdcli import output
    from psdcli.core import keyring

    state = get_state(ctx)
    analyst = state.require_analyst()
    with state.database(create=True) as database:
        with database.write_session() as session:
            added = keyring.add_missing_recipients(session, recipient or [], analyst)
        output.line(f"Database ready: {database.display_url}")
    for item in added:
        output.line(f"Storage recipient recorded: {item}")
