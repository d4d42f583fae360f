"""Decryption of intake bundles into private temporary storage.

The order of the steps is the safety argument: the armor is decoded and the
header is parsed and checked before pyrage tries any key, and the plaintext
goes only to a private spool, which is closed on every failure.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pyrage

from psdcli.core.errors import (
    ArmorError,
    HeaderError,
    NoMatchError,
    NotFoundError,
    PlaintextLimitError,
    PsdError,
    UnsupportedRecipientError,
    UsageError,
)
from psdcli.core.settings import MIB, ImportLimits
from psdcli.crypto.armor import SNIFF_BYTES, dearmor, is_armored
from psdcli.crypto.failures import is_translatable, translate_decrypt_error
from psdcli.crypto.header import (
    NONCE_BYTES,
    Header,
    check_header,
    describe_stanza_types,
    parse_header,
)
from psdcli.crypto.identities import IdentitySet
from psdcli.crypto.spool import new_spool

# A STREAM chunk holds up to 64 KiB of plaintext and a 16-byte tag.
_CHUNK_BYTES = 64 * 1024
_TAG_BYTES = 16


def decrypt_bundle(
    path: Path,
    identities: IdentitySet | None,
    limits: ImportLimits,
    passphrase: str | None = None,
    *,
    spool_dir: Path | None = None,
) -> IO[bytes]:
    """Decrypt an age file, binary or armored, into a spool positioned at 0.

    Files encrypted to recipients need ``identities`` and scrypt files need
    ``passphrase``. The caller owns the returned spool and must close it. On
    failure no plaintext is left: the spool is closed before the error, a
    PsdError subclass, is raised. See ``new_spool`` for ``spool_dir``.
    """
    if identities is None and passphrase is None:
        raise UsageError(
            f"Cannot decrypt {path} without an identity file or a passphrase. "
            "Give one of them."
        )
    try:
        with _open_bundle(path) as source, _age_binary(source, path, limits) as data:
            header = _read_header(data, path, limits)
            data.seek(0)
            spool = new_spool(limits.spool_bytes, spool_dir)
            try:
                _decrypt_into(spool, data, header, path, identities, passphrase, limits)
                spool.seek(0)
            except BaseException:
                spool.close()
                raise
            return spool
    except OSError as exc:
        raise PsdError(f"Cannot read {path}: {exc.strerror}.") from None


def max_plaintext_size(payload_bytes: int) -> int:
    """Return the plaintext size of a valid STREAM payload of ``payload_bytes``."""
    chunks = max(1, -(-payload_bytes // (_CHUNK_BYTES + _TAG_BYTES)))
    return max(0, payload_bytes - chunks * _TAG_BYTES)


class _LimitedWriter:
    """A writer for pyrage that raises PlaintextLimitError past ``limit`` bytes."""

    def __init__(self, target: IO[bytes], limit: int, path: Path) -> None:
        self._target = target
        self._limit = limit
        self._path = path
        self.written = 0

    def write(self, data: bytes) -> int:
        self.written += len(data)
        if self.written > self._limit:
            raise _too_large(self._path, self._limit)
        return self._target.write(data)


def _decrypt_into(
    spool: IO[bytes],
    data: IO[bytes],
    header: Header,
    path: Path,
    identities: IdentitySet | None,
    passphrase: str | None,
    limits: ImportLimits,
) -> None:
    writer = _LimitedWriter(spool, limits.max_plaintext_bytes, path)
    if header.stanzas[0].type == "scrypt":
        if passphrase is None:
            raise NoMatchError(
                f"{path} is encrypted with a passphrase (scrypt), not to a "
                "recipient. Give the passphrase that the sender shared with you."
            )
        _decrypt_with_passphrase(writer, data, header, path, passphrase, limits)
        return

    if identities is None:
        raise NoMatchError(
            f"{path} is encrypted to recipients ({describe_stanza_types(header)}), "
            "not with a passphrase. Give the identity file of your force."
        )
    try:
        pyrage.decrypt_io(data, writer, list(identities.identities))
    except PsdError:
        raise
    except BaseException as exc:
        if not is_translatable(exc):
            raise
        no_match = _no_match_message(path, header, identities)
        raise translate_decrypt_error(exc, str(path), no_match) from None


def _decrypt_with_passphrase(
    writer: _LimitedWriter,
    data: IO[bytes],
    header: Header,
    path: Path,
    passphrase: str,
    limits: ImportLimits,
) -> None:
    # NOTE: pyrage 1.4 decrypts scrypt files only from bytes in memory, so this
    # path keeps the ciphertext and the plaintext in memory at once, about twice
    # the file size.
    payload_bytes = data.seek(0, io.SEEK_END) - header.length - NONCE_BYTES
    data.seek(0)
    if max_plaintext_size(payload_bytes) > limits.max_plaintext_bytes:
        raise _too_large(path, limits.max_plaintext_bytes)
    try:
        plaintext: bytes = pyrage.passphrase.decrypt(data.read(), passphrase)
    except BaseException as exc:
        if not is_translatable(exc):
            raise
        no_match = (
            f"The passphrase does not decrypt {path}: it is wrong, or the scrypt "
            "stanza is damaged. Check the passphrase with the sender."
        )
        raise translate_decrypt_error(exc, str(path), no_match) from None
    writer.write(plaintext)


def _open_bundle(path: Path) -> IO[bytes]:
    # O_NONBLOCK keeps open() from waiting for a writer when the path is a FIFO.
    # It changes nothing for the regular files that pass the check below.
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise NotFoundError(
            f"Bundle file {path} does not exist. Check the path."
        ) from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise NotFoundError(f"{path} is {kind}. Give the path of a bundle file.")
    return os.fdopen(descriptor, "rb")


@contextmanager
def _age_binary(
    source: IO[bytes], path: Path, limits: ImportLimits
) -> Iterator[IO[bytes]]:
    """Yield the binary age file: ``source`` itself, or its dearmored copy."""
    start = source.read(SNIFF_BYTES)
    source.seek(0)
    if start.startswith(b"age-encryption.org/") or not is_armored(start):
        yield source
        return
    # The ciphertext is not secret, but a spool keeps large files off the heap.
    with new_spool(limits.spool_bytes) as binary:
        try:
            dearmor(source, binary)
        except ArmorError as exc:
            raise ArmorError(f"{path}: {exc}") from None
        binary.seek(0)
        yield binary


def _read_header(data: IO[bytes], path: Path, limits: ImportLimits) -> Header:
    try:
        header = parse_header(data)
        check_header(header, limits.scrypt_max_log2)
    except (HeaderError, UnsupportedRecipientError) as exc:
        raise type(exc)(f"{path}: {exc}") from None
    return header


def _no_match_message(path: Path, header: Header, identities: IdentitySet) -> str:
    source = identities.source or "the given identities"
    return (
        f"No identity in {source} can decrypt {path}. The file is encrypted to "
        f"{describe_stanza_types(header)} stanzas, and the identities are for "
        f"{identities.describe_recipients()}. Check that this is your force's "
        "identity file, or ask the sender to encrypt to one of these recipients."
    )


def _too_large(path: Path, limit: int) -> PlaintextLimitError:
    limit_text = f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit} bytes"
    return PlaintextLimitError(
        f"{path} decrypts to more than {limit_text}, the limit set by "
        "PSDCLI_MAX_BUNDLE_MIB, so nothing from it was kept. If a bundle this "
        "large is expected, raise PSDCLI_MAX_BUNDLE_MIB and import it again."
    )
