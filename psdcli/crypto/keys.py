"""Creation of age identity files for ``psdcli keys``."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyrage

from psdcli.core.errors import IdentityFileError, UsageError
from psdcli.crypto.armor import armor
from psdcli.crypto.identities import load_identity_file


@dataclass(frozen=True)
class GeneratedIdentity:
    """A new X25519 identity: the identity file text and its public recipient."""

    secret_text: str = field(repr=False)
    recipient: str


def generate_identity() -> GeneratedIdentity:
    """Generate an X25519 identity in the identity file format of age-keygen."""
    identity = pyrage.x25519.Identity.generate()
    recipient = str(identity.to_public())
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = f"# created: {created}\n# public key: {recipient}\n{identity}\n"
    return GeneratedIdentity(secret_text=text, recipient=recipient)


def write_identity_file(path: Path, text: str, passphrase: str | None = None) -> None:
    """Create a new identity file with mode 0600, never replacing an existing file.

    With ``passphrase``, the file is an armored age file encrypted with that
    passphrase, as ``age -p -a`` writes it. Raises IdentityFileError when the
    file exists or cannot be written. A partly written file is removed.
    """
    if passphrase == "":
        raise UsageError("The passphrase is empty. Choose a non-empty passphrase.")
    data = text.encode("utf-8")
    if passphrase is not None:
        # NOTE: pyrage 1.4 sets the scrypt work factor by timing this machine
        # (19 or 20 on the 2-core test server) and takes no value. A machine
        # that picks more than 22 writes a file that load_identity_file rejects.
        data = armor(pyrage.passphrase.encrypt(data, passphrase))

    # O_EXCL makes creation fail if the path exists, even as a symbolic link,
    # and the mode is applied at creation, so the key is never readable by others.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags, 0o600)
    except FileExistsError:
        raise IdentityFileError(
            f"{path} already exists, and identity files are never overwritten. "
            "Choose another path, or move the old file away first."
        ) from None
    except OSError as exc:
        raise IdentityFileError(f"Cannot create {path}: {exc.strerror}.") from None

    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise IdentityFileError(
            f"Cannot write {path}: {exc.strerror}. The partial file was removed."
        ) from None


def read_recipients(
    path: Path, read_passphrase: Callable[[], str] | None = None
) -> tuple[str, ...]:
    """Return the public recipients of the identities in an identity file."""
    return load_identity_file(path, read_passphrase).recipients
