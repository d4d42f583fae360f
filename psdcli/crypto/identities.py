"""Identity files: the secret keys that decrypt bundles.

Files are read as ``age -i`` (Go age v1.1) reads them. A text file contains
one or more ``AGE-SECRET-KEY-1`` lines among ``#`` comments and blank lines,
with LF or CRLF endings. A PEM file contains one unencrypted ssh-ed25519 or
ssh-rsa private key. An age file, binary or armored and encrypted with a
passphrase, contains a text identity file. Unlike age, this module also
ignores spaces around a key and a UTF-8 byte order mark, which editors add.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyrage

from psdcli.core.errors import (
    ArmorError,
    HeaderError,
    IdentityFileError,
    UnsupportedRecipientError,
)
from psdcli.core.settings import MAX_SCRYPT_LOG2
from psdcli.crypto.armor import ARMOR_BEGIN, dearmor
from psdcli.crypto.header import check_header, parse_header
from psdcli.crypto.ssh_keys import load_ssh_identity, ssh_fingerprint

# Go age reads at most 16 MiB of an identity file. Real ones are under 10 KiB,
# so 1 MiB only guards against a wrong path to a large file.
MAX_IDENTITY_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class IdentitySet:
    """The identities of one identity file, with their public recipients.

    ``identities`` are pyrage identity objects, in file order, and
    ``recipients[i]`` is the recipient string of ``identities[i]``.
    """

    identities: tuple[object, ...]
    recipients: tuple[str, ...]
    source: Path | None = None

    def describe_recipients(self) -> str:
        """List the recipients for a message, SSH keys by fingerprint."""
        return ", ".join(recipient_label(recipient) for recipient in self.recipients)


def recipient_label(recipient: str) -> str:
    """Return a short public label: an age1 recipient, or an SSH key fingerprint."""
    if recipient.startswith("ssh-"):
        return f"{recipient.split(' ')[0]} {ssh_fingerprint(recipient)}"
    return recipient


def load_identity_file(
    path: Path, read_passphrase: Callable[[], str] | None = None
) -> IdentitySet:
    """Load the identities of an identity file, decrypting it if it is protected.

    ``read_passphrase`` is called only for a passphrase-protected file. Raises
    IdentityFileError, naming the path and never key material, when the file
    is missing, unreadable, empty, not UTF-8, or contains no usable identity.
    """
    data = _read_identity_bytes(path)
    start = data.lstrip()
    if start.startswith((b"age-encryption.org/", ARMOR_BEGIN)):
        text = _decrypt_identity_file(data, path, read_passphrase)
        return parse_identity_text(text, source=path)

    text = _decode_text(data, path)
    if text.lstrip().startswith("-----BEGIN"):
        identity, recipient = load_ssh_identity(text, str(path))
        return IdentitySet((identity,), (recipient,), path)
    return parse_identity_text(text, source=path)


def parse_identity_text(text: str, source: Path | None = None) -> IdentitySet:
    """Parse the age identity lines of a text identity file.

    Raises IdentityFileError naming the line number of the first line that is
    not a comment, a blank line or a supported identity.
    """
    name = str(source) if source is not None else "the identity text"
    identities: list[object] = []
    recipients: list[str] = []
    for number, raw_line in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        identity, recipient = _parse_identity_line(line, f"Line {number} of {name}")
        identities.append(identity)
        recipients.append(recipient)

    if not identities:
        raise IdentityFileError(
            f"{name} contains no identities. Expected lines starting with "
            "AGE-SECRET-KEY-1, as 'psdcli keys generate' and age-keygen write them."
        )
    return IdentitySet(tuple(identities), tuple(recipients), source)


def _parse_identity_line(line: str, where: str) -> tuple[object, str]:
    upper = line.upper()
    if upper.startswith("AGE-SECRET-KEY-PQ-1"):
        raise IdentityFileError(
            f"{where} is a post-quantum (ML-KEM-768 + X25519) age identity, which "
            "is not supported by this tool. Generate an X25519 identity with "
            "'psdcli keys generate' and give senders its age1... recipient."
        )
    if upper.startswith("AGE-PLUGIN-"):
        raise IdentityFileError(
            f"{where} is an age plugin identity (AGE-PLUGIN-...), which is not "
            "supported by this tool. Use an X25519 identity from "
            "'psdcli keys generate' instead."
        )
    if line.startswith("age1"):
        raise IdentityFileError(
            f"{where} is a public recipient (age1...), not a secret key. The "
            "identity file needs the matching AGE-SECRET-KEY-1... line."
        )
    if line.startswith("-----BEGIN"):
        raise IdentityFileError(
            f"{where} starts a PEM block. An SSH private key must be alone in its "
            "file, with no comments or other keys before it."
        )
    if not upper.startswith("AGE-SECRET-KEY-1"):
        raise IdentityFileError(
            f"{where} is not an age identity. Expected a line starting with "
            "AGE-SECRET-KEY-1, a comment starting with #, or a blank line."
        )
    try:
        identity = pyrage.x25519.Identity.from_str(line)
    except pyrage.IdentityError:
        raise IdentityFileError(
            f"{where} is not a valid age identity: the key is mistyped or cut "
            "short, because its Bech32 checksum does not match."
        ) from None
    return identity, str(identity.to_public())


def _read_identity_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            data = file.read(MAX_IDENTITY_FILE_BYTES + 1)
    except FileNotFoundError:
        raise IdentityFileError(
            f"Identity file {path} does not exist. Check the path, or create an "
            "identity with 'psdcli keys generate'."
        ) from None
    except IsADirectoryError:
        raise IdentityFileError(
            f"{path} is a folder, not an identity file. Give the path of the file."
        ) from None
    except OSError as exc:
        raise IdentityFileError(
            f"Cannot read identity file {path}: {exc.strerror}. Check that the "
            "file belongs to you and is readable."
        ) from None

    if len(data) > MAX_IDENTITY_FILE_BYTES:
        raise IdentityFileError(
            f"{path} is larger than {MAX_IDENTITY_FILE_BYTES // 1024} KiB, too "
            "large for an identity file. Check the path."
        )
    if not data.strip():
        raise IdentityFileError(
            f"Identity file {path} is empty. Check the path, or create an identity "
            "with 'psdcli keys generate'."
        )
    return data


def _decode_text(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise IdentityFileError(
            f"{path} is not UTF-8 text, so it is not an identity file. Check the path."
        ) from None


def _decrypt_identity_file(
    data: bytes, path: Path, read_passphrase: Callable[[], str] | None
) -> str:
    ciphertext = _dearmor_identity_file(data, path)
    try:
        header = parse_header(io.BytesIO(ciphertext))
        check_header(header, MAX_SCRYPT_LOG2)
    except (HeaderError, UnsupportedRecipientError) as exc:
        raise IdentityFileError(
            f"{path} is an unusable encrypted file: {exc}"
        ) from None
    if header.stanzas[0].type != "scrypt":
        raise IdentityFileError(
            f"{path} is an age file encrypted to a recipient, not with a "
            "passphrase. Protect identity files with a passphrase instead "
            "('psdcli keys generate --passphrase' or 'age -p')."
        )
    if read_passphrase is None:
        raise IdentityFileError(
            f"{path} is protected with a passphrase, but this command cannot "
            "prompt for it. Run psdcli in an interactive terminal so that it can "
            "ask for the passphrase."
        )

    try:
        plaintext: bytes = pyrage.passphrase.decrypt(ciphertext, read_passphrase())
    except pyrage.DecryptError as exc:
        if str(exc) == "Decryption failed":
            raise IdentityFileError(
                f"The passphrase for {path} is wrong. Try again, and check the "
                "keyboard layout and Caps Lock."
            ) from None
        raise IdentityFileError(
            f"{path} is a damaged encrypted identity file. Restore it from a backup."
        ) from None
    return _decode_text(plaintext, path)


def _dearmor_identity_file(data: bytes, path: Path) -> bytes:
    if data.startswith(b"age-encryption.org/"):
        return data
    decoded = io.BytesIO()
    try:
        dearmor(io.BytesIO(data), decoded)
    except ArmorError as exc:
        raise IdentityFileError(
            f"{path} is an unusable encrypted file: {exc}"
        ) from None
    return decoded.getvalue()
