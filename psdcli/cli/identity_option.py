"""The --identity and --passphrase-fd options, and loading the identity they name."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from psdcli.crypto.identities import IdentitySet

IdentityOption = Annotated[
    Path | None,
    typer.Option(
        "-i",
        "--identity",
        envvar="PSDCLI_IDENTITY",
        show_envvar=True,
        help="age identity file holding a team key.",
    ),
]
PassphraseFd = Annotated[
    int | None,
    typer.Option(
        "--passphrase-fd",
        help="Read the identity file's passphrase from this open file descriptor.",
    ),
]


def load_identity(path: Path | None, passphrase_fd: int | None) -> IdentitySet:
    """Load the identity file, or fail with a usage error when none was named."""
    from psdcli.cli import secrets
    from psdcli.core.errors import UsageError
    from psdcli.crypto.identities import load_identity_file

    if path is None:
        raise UsageError(
            "this needs a team identity; pass --identity FILE or set PSDCLI_IDENTITY."
        )
    return load_identity_file(
        path, lambda: secrets.passphrase_source(passphrase_fd, "Identity passphrase")
    )
