"""``psdcli keys``: create and inspect age identity files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from psdcli.cli.identity_option import IdentityOption, PassphraseFd, load_identity
from psdcli.cli.state import get_state

app = typer.Typer(help="Create and inspect age identity files.", no_args_is_help=True)


@app.command("generate")
def keys_generate(
    output_file: Annotated[
        Path,
        typer.Option(
            "-o", "--output", help="File to write the new identity to (mode 0600)."
        ),
    ],
    passphrase: Annotated[
        bool,
        typer.Option("--passphrase", help="Protect the file with an age passphrase."),
    ] = False,
    passphrase_fd: Annotated[
        int | None,
        typer.Option(
            "--passphrase-fd",
            help="Read the new passphrase from this open file descriptor.",
        ),
    ] = None,
) -> None:
    """Generate an X25519 identity and print its recipient for the intake service.

    Example: psdcli keys generate -o ~/.config/psdcli/team-key.txt --passphrase
    """
    from psdcli import output
    from psdcli.cli import secrets
    from psdcli.crypto import keys

    secret = None
    if passphrase or passphrase_fd is not None:
        secret = secrets.passphrase_source(
            passphrase_fd, "New passphrase", confirm=True
        )
    generated = keys.generate_identity()
    keys.write_identity_file(output_file, generated.secret_text, secret)
    output.info(f"Wrote a new identity to {output_file} (mode 0600).")
    output.info("Give the intake service this recipient:")
    output.line(generated.recipient)


@app.command("show")
def keys_show(
    identity_file: Annotated[Path, typer.Argument(help="Identity file to read.")],
    passphrase_fd: PassphraseFd = None,
) -> None:
    """Print the public recipient of every key in an identity file.

    Example: psdcli keys show sample_data/sample-identity.txt
    """
    from psdcli import output
    from psdcli.cli import secrets
    from psdcli.crypto import identities

    loaded = identities.load_identity_file(
        identity_file, lambda: secrets.passphrase_source(passphrase_fd, "Passphrase")
    )
    for recipient in loaded.recipients:
        output.line(recipient)


@app.command("recipients")
def keys_recipients(ctx: typer.Context) -> None:
    """List the recipients that contact details and attachments are sealed to.

    Example: psdcli keys recipients
    """
    from psdcli import output
    from psdcli.storage import repository

    with get_state(ctx).database() as database, database.read_session() as session:
        recipients = repository.storage_recipients(session)
    if not recipients:
        output.info("No storage recipients yet: the first import records its key's.")
    for recipient in recipients:
        output.line(recipient)


@app.command("add-recipient")
def keys_add_recipient(
    ctx: typer.Context,
    recipient: Annotated[str, typer.Argument(help="age1... or ssh public key.")],
) -> None:
    """Seal new data to another team key too; run `keys rewrap` for stored data.

    Example: psdcli keys add-recipient age1...
    """
    _change_recipients(ctx, recipient, add=True)


@app.command("remove-recipient")
def keys_remove_recipient(
    ctx: typer.Context,
    recipient: Annotated[str, typer.Argument(help="Recipient to remove.")],
) -> None:
    """Stop sealing to a team key; run `keys rewrap` so that it opens nothing.

    Example: psdcli keys remove-recipient age1...
    """
    _change_recipients(ctx, recipient, add=False)


def _change_recipients(ctx: typer.Context, recipient: str, *, add: bool) -> None:
    from psdcli import output
    from psdcli.core import keyring

    state = get_state(ctx)
    analyst = state.require_analyst()
    with state.database() as database, database.write_session() as session:
        if add:
            keyring.add_recipient(session, recipient, analyst)
        else:
            keyring.remove_recipient(session, recipient, analyst)
    verb = "Added" if add else "Removed"
    output.line(
        f"{verb} the recipient. Run `psdcli keys rewrap` to re-seal stored data."
    )


@app.command("rewrap")
def keys_rewrap(
    ctx: typer.Context,
    identity: IdentityOption = None,
    passphrase_fd: PassphraseFd = None,
) -> None:
    """Re-encrypt all sealed data to the current recipients, in one transaction.

    The identity must open the data as it is sealed now.

    Example: psdcli keys rewrap -i old-team-key.txt
    """
    from psdcli import output
    from psdcli.core import keyring
    from psdcli.core.errors import DatabaseError
    from psdcli.storage import sqlite

    state = get_state(ctx)
    analyst = state.require_analyst()
    identities = load_identity(identity, passphrase_fd)
    with state.database() as database:
        with database.write_session() as session:
            result = keyring.rewrap(session, identities, analyst)
        checkpointed = True
        if database.engine.dialect.name == "sqlite":
            checkpointed = sqlite.truncate_wal(database.engine)
    output.line(
        f"Re-sealed {result.rewrapped} value(s) to {result.recipients} recipient(s)."
    )
    if not checkpointed:
        raise DatabaseError(
            "another process is reading the database, so the old ciphertext is "
            "still in the database file; close other psdcli sessions and run "
            "`psdcli keys rewrap` again with the new identity."
        )
