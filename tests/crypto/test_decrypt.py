"""decrypt_bundle: limits, the private spool, and errors that name what to do."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pyrage
import pytest

from psdcli.core.errors import (
    ConfigError,
    NoMatchError,
    NotFoundError,
    PayloadError,
    PlaintextLimitError,
    UsageError,
)
from psdcli.core.settings import ImportLimits
from psdcli.crypto.armor import armor
from psdcli.crypto.decrypt import decrypt_bundle, max_plaintext_size
from psdcli.crypto.identities import IdentitySet, parse_identity_text
from tests.conftest import TESTKIT

from .conftest import PlaintextTrace

KIB = 1024


def encrypt_to(identities: IdentitySet, plaintext: bytes) -> bytes:
    recipients = [pyrage.x25519.Recipient.from_str(r) for r in identities.recipients]
    ciphertext: bytes = pyrage.encrypt(plaintext, recipients)
    return ciphertext


def scrypt_vector() -> bytes:
    """Return the age file of the scrypt test vector: 'age', passphrase 'password'."""
    return (TESTKIT / "scrypt").read_bytes().partition(b"\n\n")[2]


def test_decrypt_bundle_returns_spool_at_start(
    tmp_path: Path, x25519_identities: IdentitySet
) -> None:
    plaintext = os.urandom(200 * KIB)
    bundle = tmp_path / "bundle.age"
    bundle.write_bytes(encrypt_to(x25519_identities, plaintext))

    with decrypt_bundle(bundle, x25519_identities, ImportLimits()) as spool:
        assert spool.tell() == 0
        assert spool.read() == plaintext


def test_decrypt_bundle_reads_armored_file(
    tmp_path: Path, x25519_identities: IdentitySet
) -> None:
    plaintext = os.urandom(100 * KIB)
    bundle = tmp_path / "bundle.age"
    bundle.write_bytes(armor(encrypt_to(x25519_identities, plaintext)))

    with decrypt_bundle(bundle, x25519_identities, ImportLimits()) as spool:
        assert spool.read() == plaintext


def test_spilled_spool_is_private_and_unnamed(
    tmp_path: Path, x25519_identities: IdentitySet, plaintext_trace: PlaintextTrace
) -> None:
    bundle = tmp_path / "bundle.age"
    bundle.write_bytes(encrypt_to(x25519_identities, os.urandom(300 * KIB)))
    limits = ImportLimits(spool_bytes=64 * KIB)

    spool = decrypt_bundle(
        bundle, x25519_identities, limits, spool_dir=plaintext_trace.spool_dir
    )
    with spool:
        status = os.fstat(spool.fileno())
        assert stat.S_IMODE(status.st_mode) == 0o600
        assert status.st_nlink == 0
        assert list(plaintext_trace.spool_dir.iterdir()) == []
    plaintext_trace.assert_nothing_left()


def test_zero_spool_bytes_writes_to_unnamed_file(
    tmp_path: Path, x25519_identities: IdentitySet
) -> None:
    bundle = tmp_path / "bundle.age"
    bundle.write_bytes(encrypt_to(x25519_identities, b"report"))

    with decrypt_bundle(
        bundle, x25519_identities, ImportLimits(spool_bytes=0)
    ) as spool:
        assert os.fstat(spool.fileno()).st_nlink == 0
        assert spool.read() == b"report"


def test_spool_dir_open_to_others_rejected(
    tmp_path: Path, x25519_identities: IdentitySet
) -> None:
    bundle = tmp_path / "bundle.age"
    bundle.write_bytes(encrypt_to(x25519_identities, b"report"))
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)

    with pytest.raises(ConfigError, match="chmod 700"):
        decrypt_bundle(bundle, x25519_identities, ImportLimits(), spool_dir=shared)


def test_plaintext_limit_exceeded_leaves_nothing(
    tmp_path: Path, x25519_identities: IdentitySet, plaintext_trace: PlaintextTrace
) -> None:
    bundle = tmp_path / "bundle.age"
    bundle.write_bytes(encrypt_to(x25519_identities, os.urandom(300 * KIB)))
    limits = ImportLimits(spool_bytes=1, max_plaintext_bytes=100 * KIB)

    with pytest.raises(PlaintextLimitError) as raised:
        decrypt_bundle(
            bundle, x25519_identities, limits, spool_dir=plaintext_trace.spool_dir
        )
    assert "PSDCLI_MAX_BUNDLE_MIB" in str(raised.value)
    assert "102400 bytes" in str(raised.value)
    plaintext_trace.assert_nothing_left()


def test_plaintext_limit_allows_exact_size(
    tmp_path: Path, x25519_identities: IdentitySet
) -> None:
    bundle = tmp_path / "bundle.age"
    bundle.write_bytes(encrypt_to(x25519_identities, bytes(100 * KIB)))
    limits = ImportLimits(max_plaintext_bytes=100 * KIB)

    with decrypt_bundle(bundle, x25519_identities, limits) as spool:
        assert len(spool.read()) == 100 * KIB


def test_plaintext_limit_checked_before_scrypt(
    tmp_path: Path, plaintext_trace: PlaintextTrace
) -> None:
    bundle = tmp_path / "scrypt.age"
    bundle.write_bytes(scrypt_vector())
    limits = ImportLimits(max_plaintext_bytes=2)

    with pytest.raises(PlaintextLimitError):
        decrypt_bundle(
            bundle, None, limits, "wrong", spool_dir=plaintext_trace.spool_dir
        )
    plaintext_trace.assert_nothing_left()


def test_scrypt_payload_truncated(
    tmp_path: Path, plaintext_trace: PlaintextTrace
) -> None:
    bundle = tmp_path / "scrypt.age"
    bundle.write_bytes(scrypt_vector()[:-1])

    with pytest.raises(PayloadError, match="truncated or corrupted"):
        decrypt_bundle(
            bundle,
            None,
            ImportLimits(),
            "password",
            spool_dir=plaintext_trace.spool_dir,
        )
    plaintext_trace.assert_nothing_left()


def test_corrupted_late_chunk_leaves_nothing(
    tmp_path: Path, x25519_identities: IdentitySet, plaintext_trace: PlaintextTrace
) -> None:
    ciphertext = bytearray(encrypt_to(x25519_identities, os.urandom(500 * KIB)))
    ciphertext[-100] ^= 0x01
    bundle = tmp_path / "bundle.age"
    bundle.write_bytes(bytes(ciphertext))
    limits = ImportLimits(spool_bytes=1)

    with pytest.raises(PayloadError, match="truncated or corrupted"):
        decrypt_bundle(
            bundle, x25519_identities, limits, spool_dir=plaintext_trace.spool_dir
        )
    plaintext_trace.assert_nothing_left()


def test_no_match_names_types_and_recipients(
    tmp_path: Path, x25519_identities: IdentitySet
) -> None:
    other = parse_identity_text(str(pyrage.x25519.Identity.generate()))
    bundle = tmp_path / "bundle.age"
    bundle.write_bytes(encrypt_to(other, b"report"))

    with pytest.raises(NoMatchError) as raised:
        decrypt_bundle(bundle, x25519_identities, ImportLimits())
    message = str(raised.value)
    assert "X25519" in message
    assert x25519_identities.recipients[0] in message
    assert str(bundle) in message
    assert "ask the sender" in message


def test_passphrase_bundle_needs_passphrase(
    tmp_path: Path, x25519_identities: IdentitySet
) -> None:
    bundle = tmp_path / "scrypt.age"
    bundle.write_bytes(scrypt_vector())

    with pytest.raises(NoMatchError, match="encrypted with a passphrase"):
        decrypt_bundle(bundle, x25519_identities, ImportLimits())


def test_recipient_bundle_needs_identity(
    tmp_path: Path, x25519_identities: IdentitySet
) -> None:
    bundle = tmp_path / "bundle.age"
    bundle.write_bytes(encrypt_to(x25519_identities, b"report"))

    with pytest.raises(NoMatchError, match="identity file"):
        decrypt_bundle(bundle, None, ImportLimits(), "password")


def test_wrong_passphrase_is_no_match(tmp_path: Path) -> None:
    bundle = tmp_path / "scrypt.age"
    bundle.write_bytes(scrypt_vector())

    with pytest.raises(NoMatchError, match="passphrase does not decrypt"):
        decrypt_bundle(bundle, None, ImportLimits(), "wrong")


def test_decrypt_bundle_needs_identity_or_passphrase(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="identity file or a passphrase"):
        decrypt_bundle(tmp_path / "bundle.age", None, ImportLimits())


def test_decrypt_bundle_rejects_missing_file(
    tmp_path: Path, x25519_identities: IdentitySet
) -> None:
    with pytest.raises(NotFoundError, match="does not exist"):
        decrypt_bundle(tmp_path / "missing.age", x25519_identities, ImportLimits())


def test_decrypt_bundle_rejects_folder(
    tmp_path: Path, x25519_identities: IdentitySet
) -> None:
    with pytest.raises(NotFoundError, match="is a folder"):
        decrypt_bundle(tmp_path, x25519_identities, ImportLimits())


def test_decrypt_bundle_rejects_fifo_without_blocking(
    tmp_path: Path, x25519_identities: IdentitySet
) -> None:
    fifo = tmp_path / "bundle.age"
    os.mkfifo(fifo)

    with pytest.raises(NotFoundError, match="not a regular file"):
        decrypt_bundle(fifo, x25519_identities, ImportLimits())


@pytest.mark.parametrize(
    ("payload_bytes", "expected"),
    [(0, 0), (16, 0), (17, 1), (65552, 65536), (65568, 65536), (65569, 65537)],
)
def test_max_plaintext_size(payload_bytes: int, expected: int) -> None:
    assert max_plaintext_size(payload_bytes) == expected
