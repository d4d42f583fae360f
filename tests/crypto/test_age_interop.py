"""Interoperability with the Go age and age-keygen programs, in both directions."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pexpect
import pytest

from psdcli.core.errors import HeaderError, NoMatchError
from psdcli.core.settings import ImportLimits
from psdcli.crypto.armor import armor
from psdcli.crypto.decrypt import decrypt_bundle
from psdcli.crypto.identities import IdentitySet, load_identity_file
from psdcli.crypto.keys import generate_identity, write_identity_file
from psdcli.crypto.seal import seal

pytestmark = pytest.mark.needs_age_cli

# A fixed passphrase for test files, not a secret.
PASSPHRASE = "correct horse battery staple"  # noqa: S105


def run(*command: str) -> str:
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return result.stdout


def keygen(age_keygen: str, path: Path) -> str:
    """Create an identity file with age-keygen and return its recipient."""
    run(age_keygen, "-o", str(path))
    return run(age_keygen, "-y", str(path)).strip()


def run_with_passphrase(program: str, args: list[str], prompts: int) -> None:
    """Run an age command that reads PASSPHRASE from its terminal ``prompts`` times."""
    child = pexpect.spawn(program, args, timeout=120)
    for _ in range(prompts):
        child.expect("passphrase")
        child.sendline(PASSPHRASE)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before


def decrypt(bundle: Path, identities: IdentitySet) -> bytes:
    with decrypt_bundle(bundle, identities, ImportLimits()) as spool:
        return spool.read()


@pytest.fixture
def plaintext_file(tmp_path: Path) -> Path:
    """A plaintext of several STREAM chunks."""
    path = tmp_path / "bundle.zip"
    path.write_bytes(os.urandom(200 * 1024))
    return path


@pytest.mark.parametrize("armored", [False, True], ids=["binary", "armored"])
def test_go_age_x25519_bundle(
    age_cli: str,
    age_keygen_cli: str,
    tmp_path: Path,
    plaintext_file: Path,
    armored: bool,
) -> None:
    key = tmp_path / "force.key"
    recipient = keygen(age_keygen_cli, key)
    bundle = tmp_path / "bundle.age"
    options = ["-a"] if armored else []
    run(age_cli, *options, "-r", recipient, "-o", str(bundle), str(plaintext_file))

    identities = load_identity_file(key)

    assert identities.recipients == (recipient,)
    assert decrypt(bundle, identities) == plaintext_file.read_bytes()


def test_go_age_several_recipients(
    age_cli: str, age_keygen_cli: str, tmp_path: Path, plaintext_file: Path
) -> None:
    first = keygen(age_keygen_cli, tmp_path / "first.key")
    second = keygen(age_keygen_cli, tmp_path / "second.key")
    bundle = tmp_path / "bundle.age"
    run(age_cli, "-r", first, "-r", second, "-o", str(bundle), str(plaintext_file))

    identities = load_identity_file(tmp_path / "second.key")

    assert decrypt(bundle, identities) == plaintext_file.read_bytes()


@pytest.mark.parametrize("key_type", ["ed25519", "rsa"])
def test_go_age_ssh_bundle(
    age_cli: str,
    ssh_keygen_cli: str,
    tmp_path: Path,
    plaintext_file: Path,
    key_type: str,
) -> None:
    key = tmp_path / f"id_{key_type}"
    run(ssh_keygen_cli, "-q", "-t", key_type, "-N", "", "-f", str(key))
    bundle = tmp_path / "bundle.age"
    run(age_cli, "-R", f"{key}.pub", "-o", str(bundle), str(plaintext_file))

    assert decrypt(bundle, load_identity_file(key)) == plaintext_file.read_bytes()


def test_go_age_armor_with_crlf_and_whitespace(
    age_cli: str, age_keygen_cli: str, tmp_path: Path, plaintext_file: Path
) -> None:
    recipient = keygen(age_keygen_cli, tmp_path / "force.key")
    armored = run(age_cli, "-a", "-r", recipient, str(plaintext_file))
    bundle = tmp_path / "bundle.age"
    crlf = armored.replace("\n", "\r\n")
    bundle.write_bytes(("\r\n \t\r\n" + crlf + "\r\n  \r\n").encode("ascii"))

    identities = load_identity_file(tmp_path / "force.key")

    assert decrypt(bundle, identities) == plaintext_file.read_bytes()


def test_go_age_decrypts_generated_identity(age_cli: str, tmp_path: Path) -> None:
    generated = generate_identity()
    key = tmp_path / "force.key"
    write_identity_file(key, generated.secret_text)
    bundle = tmp_path / "bundle.age"
    bundle.write_bytes(armor(seal(b"sealed report", [generated.recipient])))

    output = subprocess.run(
        [age_cli, "-d", "-i", str(key), str(bundle)], check=True, capture_output=True
    )

    assert output.stdout == b"sealed report"


def test_go_age_decrypts_protected_identity(age_cli: str, tmp_path: Path) -> None:
    generated = generate_identity()
    key = tmp_path / "force.key.age"
    write_identity_file(key, generated.secret_text, passphrase=PASSPHRASE)
    bundle = tmp_path / "bundle.age"
    bundle.write_bytes(seal(b"sealed report", [generated.recipient]))
    output = tmp_path / "report.txt"

    run_with_passphrase(
        age_cli, ["-d", "-i", str(key), "-o", str(output), str(bundle)], 1
    )

    assert output.read_bytes() == b"sealed report"


def test_go_age_protected_identity_loads(
    age_cli: str, age_keygen_cli: str, tmp_path: Path
) -> None:
    recipient = keygen(age_keygen_cli, tmp_path / "plain.key")
    protected = tmp_path / "force.key.age"
    arguments = ["-p", "-a", "-o", str(protected), str(tmp_path / "plain.key")]
    run_with_passphrase(age_cli, arguments, 2)

    identities = load_identity_file(protected, lambda: PASSPHRASE)

    assert identities.recipients == (recipient,)


@pytest.fixture
def passphrase_bundle(age_cli: str, tmp_path: Path, plaintext_file: Path) -> Path:
    """A bundle that Go age encrypted with PASSPHRASE at the work factor it picks."""
    bundle = tmp_path / "passphrase.age"
    run_with_passphrase(age_cli, ["-p", "-o", str(bundle), str(plaintext_file)], 2)
    return bundle


def with_work_factor(bundle: Path, work_factor: int) -> Path:
    """Copy the bundle with another scrypt work factor in its header.

    The copy cannot be decrypted: the changed factor derives another wrapping
    key, and the header MAC no longer matches.
    """
    version, stanza, rest = bundle.read_bytes().split(b"\n", 2)
    changed = stanza.rsplit(b" ", 1)[0] + b" " + str(work_factor).encode("ascii")
    path = bundle.with_name(f"factor-{work_factor}.age")
    path.write_bytes(b"\n".join([version, changed, rest]))
    return path


def test_go_age_passphrase_bundle(
    passphrase_bundle: Path, plaintext_file: Path
) -> None:
    limits = ImportLimits()

    with decrypt_bundle(passphrase_bundle, None, limits, PASSPHRASE) as spool:
        assert spool.read() == plaintext_file.read_bytes()


@pytest.mark.parametrize(
    ("work_factor", "limit", "expected"),
    [
        (19, 18, ["2^19", "limit of 2^18", "PSDCLI_SCRYPT_MAX_LOG2"]),
        (22, 21, ["2^22", "limit of 2^21", "PSDCLI_SCRYPT_MAX_LOG2"]),
        (23, 18, ["2^23", "maximum of 2^22"]),
        (23, 22, ["2^23", "maximum of 2^22"]),
    ],
    ids=["19-over-18", "22-over-21", "23-default", "23-over-maximum"],
)
def test_work_factor_checked_before_decryption(
    passphrase_bundle: Path, work_factor: int, limit: int, expected: list[str]
) -> None:
    bundle = with_work_factor(passphrase_bundle, work_factor)
    limits = ImportLimits(scrypt_max_log2=limit)

    with pytest.raises(HeaderError) as raised:
        decrypt_bundle(bundle, None, limits, PASSPHRASE)
    for text in expected:
        assert text in str(raised.value)


def test_lower_work_factor_reaches_decryption(passphrase_bundle: Path) -> None:
    # Below the limit the header passes, and the changed factor derives another
    # wrapping key, so the passphrase no longer unwraps the file key.
    bundle = with_work_factor(passphrase_bundle, 10)

    with pytest.raises(NoMatchError, match="passphrase does not decrypt"):
        decrypt_bundle(bundle, None, ImportLimits(), PASSPHRASE)
