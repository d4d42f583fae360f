"""``psdcli keys``: create and inspect age identity files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Create and inspect age identity files.", no_args_is_help=True)

PassphraseFd = Annotated[
    int | None,
    typer.Option(
        "--passphrase-fd",
        help="Read the passphrase from this open file descriptor instead of a prompt.",
    ),
]


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
    passphrase_fd: PassphraseFd = None,
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
