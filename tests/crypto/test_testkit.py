"""The age test vectors (C2SP CCTV) run through psdcli's own decryption path."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path

import pyrage
import pytest

from psdcli.core.errors import (
    ArmorError,
    HeaderError,
    HeaderMacError,
    IdentityFileError,
    NoMatchError,
    PayloadError,
    UnsupportedRecipientError,
)
from psdcli.core.settings import ImportLimits
from psdcli.crypto.decrypt import decrypt_bundle
from psdcli.crypto.identities import IdentitySet, parse_identity_text
from tests.conftest import TESTKIT

from .conftest import PlaintextTrace

EXPECTED_ERRORS: dict[str, type[Exception]] = {
    "armor failure": ArmorError,
    "header failure": HeaderError,
    "no match": NoMatchError,
    "HMAC failure": HeaderMacError,
    "payload failure": PayloadError,
}

_PQ = "pyrage 1.4 cannot parse post-quantum (AGE-SECRET-KEY-PQ-1) identities"
_ONLY_PQ = _PQ + ", and every stanza is mlkem768x25519 or unknown"
_SHAPE = "the mlkem768x25519 stanza is malformed, which the header check finds"

# Vectors whose psdcli outcome differs from the age reference: the vector's
# expect value, the error psdcli raises instead, and why. Decryption is tried
# with the vector's X25519 identities, or a fresh one when it has none.
DIFFERENT_OUTCOMES: dict[str, tuple[str, type[Exception], str]] = {
    "armor_hybrid": ("success", UnsupportedRecipientError, _ONLY_PQ),
    "hybrid": ("success", UnsupportedRecipientError, _ONLY_PQ),
    "hybrid_and_x25519": (
        "success",
        NoMatchError,
        _PQ + ", and the X25519 stanza is for a key the vector does not give",
    ),
    "hybrid_bad_tag": ("no match", UnsupportedRecipientError, _ONLY_PQ),
    "hybrid_currupted_enc_mlkem": ("no match", UnsupportedRecipientError, _ONLY_PQ),
    "hybrid_currupted_enc_x25519": ("no match", UnsupportedRecipientError, _ONLY_PQ),
    "hybrid_extra_argument": ("header failure", HeaderError, _SHAPE),
    "hybrid_grease": ("success", UnsupportedRecipientError, _ONLY_PQ),
    "hybrid_identity": ("header failure", HeaderError, _SHAPE),
    "hybrid_long_file_key": ("header failure", HeaderError, _SHAPE),
    "hybrid_long_share": ("header failure", HeaderError, _SHAPE),
    "hybrid_low_order": ("header failure", HeaderError, _SHAPE),
    "hybrid_multiple_recipients": ("success", UnsupportedRecipientError, _ONLY_PQ),
    "hybrid_no_match": ("no match", UnsupportedRecipientError, _ONLY_PQ),
    "hybrid_not_canonical_body": ("header failure", HeaderError, _SHAPE),
    "hybrid_not_canonical_enc": ("header failure", HeaderError, _SHAPE),
    "hybrid_short_share": ("header failure", HeaderError, _SHAPE),
    "hybrid_uppercase": ("no match", UnsupportedRecipientError, _ONLY_PQ),
    "hybrid_x25519_arg": (
        "header failure",
        HeaderError,
        "the X25519 stanza carries a hybrid-sized share, which the header check finds",
    ),
    "scrypt_uppercase": (
        "no match",
        UnsupportedRecipientError,
        "stanza types are case-sensitive, so 'Scrypt' is an unknown type and the "
        "header has no stanza of a supported type",
    ),
    "x25519_lowercase": (
        "no match",
        UnsupportedRecipientError,
        "stanza types are case-sensitive, so 'x25519' is an unknown type and the "
        "header has no stanza of a supported type",
    ),
}


@dataclass(frozen=True)
class Vector:
    """One test vector: its header fields and the age file after them."""

    name: str
    fields: dict[str, list[str]]
    age_file: bytes

    @property
    def expect(self) -> str:
        return self.fields["expect"][0]

    @property
    def x25519_identities(self) -> list[str]:
        return [key for key in self.fields.get("identity", []) if "-PQ-" not in key]

    @property
    def pq_identities(self) -> list[str]:
        return [key for key in self.fields.get("identity", []) if "-PQ-" in key]


def load_vector(name: str) -> Vector:
    """Read a vector file: ``key: value`` lines, a blank line, then the age file."""
    raw = (TESTKIT / name).read_bytes()
    header, _, age_file = raw.partition(b"\n\n")
    fields: dict[str, list[str]] = {}
    for line in header.decode("utf-8").splitlines():
        key, _, value = line.partition(": ")
        fields.setdefault(key, []).append(value)
    if fields.get("compressed") == ["zlib"]:
        age_file = zlib.decompress(age_file)
    return Vector(name=name, fields=fields, age_file=age_file)


def identities_for(vector: Vector) -> IdentitySet:
    """Return the vector's X25519 identities, or a fresh unrelated one."""
    keys = vector.x25519_identities or [str(pyrage.x25519.Identity.generate())]
    return parse_identity_text("\n".join(keys))


def decrypt_vector(vector: Vector, tmp_path: Path, spool_dir: Path) -> bytes:
    """Decrypt the vector's age file through decrypt_bundle and return the plaintext."""
    bundle = tmp_path / vector.name
    bundle.write_bytes(vector.age_file)
    passphrase = vector.fields.get("passphrase", [None])[0]
    # A one-byte spool moves any plaintext to a file at once, so the leak
    # checks below see it if a failure left it open.
    limits = ImportLimits(spool_bytes=1)
    spool = decrypt_bundle(
        bundle, identities_for(vector), limits, passphrase, spool_dir=spool_dir
    )
    with spool:
        return spool.read()


ALL_VECTORS = sorted(
    path.name
    for path in TESTKIT.iterdir()
    if path.name not in {"README.md", "INDEX.csv"}
)
STANDARD_VECTORS = [name for name in ALL_VECTORS if name not in DIFFERENT_OUTCOMES]
HYBRID_VECTORS = [name for name in ALL_VECTORS if "hybrid" in name]


def test_testkit_has_every_vector() -> None:
    assert len(ALL_VECTORS) == 143
    assert set(DIFFERENT_OUTCOMES) <= set(ALL_VECTORS)


@pytest.mark.parametrize("name", STANDARD_VECTORS, ids=STANDARD_VECTORS)
def test_vector_outcome(
    name: str, tmp_path: Path, plaintext_trace: PlaintextTrace
) -> None:
    vector = load_vector(name)

    if vector.expect == "success":
        plaintext = decrypt_vector(vector, tmp_path, plaintext_trace.spool_dir)
        assert hashlib.sha256(plaintext).hexdigest() == vector.fields["payload"][0]
        plaintext_trace.assert_nothing_left()
        return

    with pytest.raises(EXPECTED_ERRORS[vector.expect]) as raised:
        decrypt_vector(vector, tmp_path, plaintext_trace.spool_dir)
    message = str(raised.value)
    assert message
    assert "\n" not in message
    assert "AGE-SECRET-KEY" not in message
    plaintext_trace.assert_nothing_left()


@pytest.mark.parametrize(
    "name", sorted(DIFFERENT_OUTCOMES), ids=sorted(DIFFERENT_OUTCOMES)
)
def test_vector_with_different_outcome(
    name: str, tmp_path: Path, plaintext_trace: PlaintextTrace
) -> None:
    vector = load_vector(name)
    expect, error, reason = DIFFERENT_OUTCOMES[name]
    assert vector.expect == expect, reason

    with pytest.raises(error) as raised:
        decrypt_vector(vector, tmp_path, plaintext_trace.spool_dir)
    assert "\n" not in str(raised.value)
    plaintext_trace.assert_nothing_left()


@pytest.mark.parametrize("name", HYBRID_VECTORS, ids=HYBRID_VECTORS)
def test_vector_pq_identity_rejected(name: str) -> None:
    vector = load_vector(name)
    assert name in DIFFERENT_OUTCOMES
    assert vector.pq_identities
    for key in vector.pq_identities:
        with pytest.raises(IdentityFileError) as raised:
            parse_identity_text(f"# hybrid key\n{key}\n")
        message = str(raised.value)
        assert "Line 2" in message
        assert "not supported" in message
        assert key not in message


def test_work_factor_23_vector_rejected_by_default(
    tmp_path: Path, plaintext_trace: PlaintextTrace
) -> None:
    vector = load_vector("scrypt_work_factor_23")

    with pytest.raises(HeaderError) as raised:
        decrypt_vector(vector, tmp_path, plaintext_trace.spool_dir)
    assert "2^23" in str(raised.value)
    assert "2^22" in str(raised.value)
