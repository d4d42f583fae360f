"""Encryption at rest for quarantined reports, contact details and attachments."""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence

import pyrage

from psdcli.core.errors import (
    ConfigError,
    HeaderError,
    PsdError,
    UnsupportedRecipientError,
)
from psdcli.core.settings import MAX_SCRYPT_LOG2
from psdcli.crypto.failures import is_translatable, translate_decrypt_error
from psdcli.crypto.header import check_header, describe_stanza_types, parse_header
from psdcli.crypto.identities import IdentitySet


def parse_recipient(recipient: str) -> object:
    """Parse an ``age1...``, ``ssh-ed25519 ...`` or ``ssh-rsa ...`` recipient.

    Raises ConfigError naming the recipient, which is public, when it is invalid.
    """
    text = recipient.strip()
    try:
        if text.startswith("age1"):
            return pyrage.x25519.Recipient.from_str(text)
        if text.startswith(("ssh-ed25519 ", "ssh-rsa ")):
            return pyrage.ssh.Recipient.from_str(text)
    except pyrage.RecipientError:
        pass
    if (
        text.upper().startswith(("AGE-SECRET-KEY", "AGE-PLUGIN-"))
        or "PRIVATE KEY" in text
    ):
        raise ConfigError(
            "the value given as a recipient is a secret key; never pass secret keys "
            "on the command line. Give its public recipient from 'psdcli keys show "
            "FILE' instead, and replace the key if others may have seen it."
        )
    # Only the start of a value that looks public is quoted, so that a
    # mistyped secret is never echoed whole.
    shown = f" starting {text[:12]!r}" if text.startswith(("age1", "ssh-")) else ""
    raise ConfigError(
        f"the recipient{shown} is not a valid X25519 (age1...), ssh-ed25519 or "
        "ssh-rsa recipient. Copy it again from 'psdcli keys show'."
    )


def seal(data: bytes, recipients: Sequence[str]) -> bytes:
    """Encrypt ``data`` to every recipient as a binary age file."""
    if not recipients:
        raise ConfigError("No recipient is configured to encrypt data at rest.")
    sealed: bytes = pyrage.encrypt(data, list(_parsed(tuple(recipients))))
    return sealed


@functools.lru_cache(maxsize=8)
def _parsed(recipients: tuple[str, ...]) -> tuple[object, ...]:
    # An import seals thousands of values to the same few recipients.
    return tuple(parse_recipient(recipient) for recipient in recipients)


def unseal(data: bytes, identities: IdentitySet) -> bytes:
    """Decrypt data that ``seal`` encrypted, checking its header first.

    Raises a PsdError subclass: NoMatchError when none of the identities
    matches, HeaderError or PayloadError when the data is damaged.
    """
    try:
        header = parse_header(io.BytesIO(data))
        check_header(header, MAX_SCRYPT_LOG2)
    except (HeaderError, UnsupportedRecipientError) as exc:
        raise type(exc)(f"Sealed data: {exc}") from None

    try:
        plaintext: bytes = pyrage.decrypt(data, list(identities.identities))
    except PsdError:
        raise
    except BaseException as exc:
        if not is_translatable(exc):
            raise
        no_match = (
            f"The sealed data is encrypted to {describe_stanza_types(header)} "
            f"stanzas, and no identity in {identities.source or 'the given set'} "
            f"matches ({identities.describe_recipients()}). Use the identity file "
            "whose recipient was configured when the data was sealed."
        )
        raise translate_decrypt_error(exc, "sealed data", no_match) from None
    return plaintext
