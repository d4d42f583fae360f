"""Sealing data at rest to the force's recipients."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pyrage
import pytest

from psdcli.core.errors import ConfigError, HeaderError, NoMatchError, PayloadError
from psdcli.crypto.identities import (
    IdentitySet,
    load_identity_file,
    parse_identity_text,
)
from psdcli.crypto.seal import seal, unseal


def test_seal_round_trip(x25519_identities: IdentitySet) -> None:
    sealed = seal(b"contact details", x25519_identities.recipients)

    assert sealed.startswith(b"age-encryption.org/v1\n")
    assert b"contact details" not in sealed
    assert unseal(sealed, x25519_identities) == b"contact details"


def test_seal_to_ssh_recipient(tmp_path: Path, ssh_keygen_cli: str) -> None:
    key = tmp_path / "id_ed25519"
    subprocess.run(
        [ssh_keygen_cli, "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
        check=True,
        capture_output=True,
    )
    identities = load_identity_file(key)

    sealed = seal(b"attachment", identities.recipients)

    assert unseal(sealed, identities) == b"attachment"


def test_seal_to_several_recipients(x25519_identities: IdentitySet) -> None:
    other = parse_identity_text(str(pyrage.x25519.Identity.generate()))

    sealed = seal(b"report", [*x25519_identities.recipients, *other.recipients])

    assert unseal(sealed, x25519_identities) == b"report"
    assert unseal(sealed, other) == b"report"


@pytest.mark.parametrize(
    "recipient",
    ["age1notvalid", "ssh-ed25519 AAAA", "ssh-dss AAAAB3NzaC1kc3M", ""],
    ids=["bad-age1", "bad-ssh", "dsa", "empty"],
)
def test_seal_rejects_invalid_recipient(recipient: str) -> None:
    with pytest.raises(ConfigError, match="not a valid"):
        seal(b"report", [recipient])


def test_seal_rejects_no_recipients() -> None:
    with pytest.raises(ConfigError, match="No recipient"):
        seal(b"report", [])


def test_unseal_with_other_identity_is_no_match(x25519_identities: IdentitySet) -> None:
    other = parse_identity_text(str(pyrage.x25519.Identity.generate()))
    sealed = seal(b"report", other.recipients)

    with pytest.raises(NoMatchError) as raised:
        unseal(sealed, x25519_identities)
    assert x25519_identities.recipients[0] in str(raised.value)


def test_unseal_rejects_corrupted_data(x25519_identities: IdentitySet) -> None:
    sealed = bytearray(seal(b"report" * 100, x25519_identities.recipients))
    sealed[-5] ^= 0x01

    with pytest.raises(PayloadError, match="truncated or corrupted"):
        unseal(bytes(sealed), x25519_identities)


def test_unseal_rejects_damaged_header(x25519_identities: IdentitySet) -> None:
    sealed = seal(b"report", x25519_identities.recipients)

    with pytest.raises(HeaderError, match="Sealed data"):
        unseal(sealed.replace(b"\n", b"\r\n", 1), x25519_identities)
