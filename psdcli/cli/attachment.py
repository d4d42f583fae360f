"""``psdcli case attachment``: write an attachment out, as a logged disclosure."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from psdcli.cli.identity_option import IdentityOption, PassphraseFd, load_identity
from psdcli.cli.state import get_state

app = typer.Typer(help="Export case attachments (logged).", no_args_is_help=True)


@app.command("export")
def attachment_export(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(help="Case number or intake reference.")],
    name: Annotated[
        str, typer.Argument(help="Attachment file name, as case show lists it.")
    ],
    output_path: Annotated[
        Path, typer.Option("-o", "--output", help="New file to write (mode 0600).")
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="Why it is exported; logged.")
    ],
    recipient: Annotated[
        str | None,
        typer.Option("--recipient", help="Who receives it (default: you)."),
    ] = None,
    identity: IdentityOption = None,
    passphrase_fd: PassphraseFd = None,
) -> None:
    """Write an attachment to a new private file; logged as a disclosure.

    Example: psdcli case attachment export PSD-2026-0042 note.txt -o note.txt
    --reason "For the investigating officer" -i key.txt
    """
    from psdcli import output
    from psdcli.core.reveal import export_attachment, reserved_file

    state = get_state(ctx)
    analyst = state.require_analyst()
    identities = load_identity(identity, passphrase_fd)
    with reserved_file(output_path) as reserved:
        with state.database() as database, database.write_session() as session:
            result = export_attachment(
                session,
                case,
                name,
                identities,
                analyst,
                reason=reason,
                recipient=analyst if recipient is None else recipient,
            )
        reserved.write(result.data)
    output.line(f"Wrote {result.name} ({len(result.data)} bytes) to {output_path}.")
