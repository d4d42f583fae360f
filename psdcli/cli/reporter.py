"""``psdcli reporter``: reveal a reporter's contact details, with a logged reason."""

from __future__ import annotations

from typing import Annotated

import typer

from psdcli.cli.identity_option import IdentityOption, PassphraseFd, load_identity
from psdcli.cli.state import get_state

app = typer.Typer(
    help="Reveal reporter contact details (logged).", no_args_is_help=True
)


@app.command("show")
def reporter_show(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(help="Case number or intake reference.")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why you need the contact details; logged.")
    ],
    identity: IdentityOption = None,
    passphrase_fd: PassphraseFd = None,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the reporter's contact details; the view is logged with your reason.

    Example: psdcli reporter show PSD-2026-0042 --reason "Arrange a call" -i key.txt
    """
    from psdcli import output
    from psdcli.core.reveal import reveal_contact

    state = get_state(ctx)
    analyst = state.require_analyst()
    identities = load_identity(identity, passphrase_fd)
    with state.database() as database, database.write_session() as session:
        case_number, revealed = reveal_contact(
            session, case, identities, analyst, reason
        )
    if json_:
        output.emit_json(
            {
                "case_number": case_number,
                "contacts": [
                    {"revision": item.revision, **item.contact} for item in revealed
                ],
            }
        )
        return
    for item in revealed:
        output.fields(
            item.contact, title=f"{case_number}: contact (revision {item.revision})"
        )
