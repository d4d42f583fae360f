"""``psdcli import``: import bundle files and folders of bundles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from psdcli.cli.state import get_state


def import_command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="Bundle files, or folders of .age bundle files."),
    ],
    identity: Annotated[
        Path | None,
        typer.Option(
            "-i",
            "--identity",
            envvar="PSDCLI_IDENTITY",
            show_envvar=True,
            help="age identity file whose key opens the bundles.",
        ),
    ] = None,
    passphrase: Annotated[
        bool,
        typer.Option(
            "--passphrase",
            help="The bundles are passphrase-encrypted (manual transfers only): "
            "ask for the passphrase.",
        ),
    ] = False,
    passphrase_fd: Annotated[
        int | None,
        typer.Option(
            "--passphrase-fd",
            help="Read the passphrase (of the bundles, or of a protected identity "
            "file) from this open file descriptor.",
        ),
    ] = None,
    json_: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per bundle.")
    ] = False,
) -> None:
    """Import encrypted intake bundles into the case database.

    Exits 1 when any bundle is rejected or any report is quarantined.

    Example: psdcli --analyst A1234 import -i team-key.txt incoming/
    """
    from psdcli.cli import import_view, secrets
    from psdcli.core.errors import UsageError
    from psdcli.core.importer import ImportRequest, ImportRun
    from psdcli.core.settings import ImportLimits
    from psdcli.crypto.identities import load_identity_file

    state = get_state(ctx)
    analyst = state.require_analyst()
    if identity is None and not passphrase:
        raise UsageError(
            "no identity given; pass --identity FILE or set PSDCLI_IDENTITY "
            "(or --passphrase for a passphrase-encrypted bundle)."
        )
    identities = None
    if identity is not None:
        identities = load_identity_file(
            identity,
            lambda: secrets.passphrase_source(passphrase_fd, "Identity passphrase"),
        )
    bundle_passphrase = None
    if passphrase:
        bundle_passphrase = secrets.passphrase_source(
            passphrase_fd, "Bundle passphrase"
        )
    request = ImportRequest(
        paths, analyst, identities, bundle_passphrase, ImportLimits.from_env()
    )
    with state.database(create=True) as database:
        run = ImportRun(database, request, import_view.start_progress)
        failed = import_view.render(run, as_json=json_)
        import_view.render_warnings(run.final_warnings(), as_json=json_)
    if failed:
        raise typer.Exit(1)
