"""Identity files: age keys, SSH keys and passphrase-protected files."""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pyrage
import pytest

from psdcli.core.errors import IdentityFileError
from psdcli.crypto.armor import dearmor
from psdcli.crypto.identities import (
    load_identity_file,
    parse_identity_text,
    recipient_label,
)
from psdcli.crypto.keys import generate_identity, write_identity_file

# A fixed passphrase for test files, not a secret.
PASSPHRASE = "correct horse battery staple"  # noqa: S105
PQ_KEY = "AGE-SECRET-KEY-PQ-1HZLGZUPT4ETPKDEV8HSGFDCYZ4E522W0A7PU2LHT8EH9W6YLNC3SW78XKG"


def new_key() -> tuple[str, str]:
    """Return a fresh identity string and its recipient."""
    identity = pyrage.x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def ssh_keygen(program: str, path: Path, *options: str) -> str:
    """Create an SSH key with ssh-keygen and return its public key without comment."""
    subprocess.run(
        [program, "-q", "-N", "", "-C", "test", "-f", str(path), *options],
        check=True,
        capture_output=True,
    )
    key_type, blob, *_ = path.with_suffix(".pub").read_text().split()
    return f"{key_type} {blob}"


def test_parse_identity_text_with_comments_crlf_and_spaces() -> None:
    first, first_recipient = new_key()
    second, second_recipient = new_key()
    text = (
        f"# created: today\r\n\r\n  {first}   \r\n# second key\r\n\t{second}\t\r\n\r\n"
    )

    identities = parse_identity_text(text)

    assert identities.recipients == (first_recipient, second_recipient)
    assert len(identities.identities) == 2
    assert identities.source is None


def test_parse_identity_text_accepts_byte_order_mark() -> None:
    key, recipient = new_key()

    assert parse_identity_text(f"\ufeff{key}\n").recipients == (recipient,)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (PQ_KEY, "post-quantum"),
        ("AGE-PLUGIN-YUBIKEY-1QQQQQQQQ", "plugin identity"),
        ("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p", "public"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", "PEM block"),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5", "not an age identity"),
    ],
    ids=["post-quantum", "plugin", "recipient", "pem", "other"],
)
def test_parse_identity_text_rejects_line(line: str, message: str) -> None:
    key, _ = new_key()

    with pytest.raises(IdentityFileError, match=message) as raised:
        parse_identity_text(f"{key}\n# comment\n{line}\n")
    assert "Line 3 of the identity text" in str(raised.value)
    assert line not in str(raised.value)
    assert key not in str(raised.value)


def test_parse_identity_text_rejects_mistyped_key() -> None:
    key, _ = new_key()
    mistyped = key[:-3] + ("QQQ" if not key.endswith("QQQ") else "PPP")

    with pytest.raises(IdentityFileError, match=r"Line 1 .* not a valid age identity"):
        parse_identity_text(mistyped)


def test_parse_identity_text_rejects_only_comments() -> None:
    with pytest.raises(IdentityFileError, match="contains no identities"):
        parse_identity_text("# nothing here\n\n")


def test_load_identity_file_names_path(tmp_path: Path) -> None:
    key, recipient = new_key()
    path = tmp_path / "force.key"
    path.write_text(f"{key}\n")

    identities = load_identity_file(path)

    assert identities.recipients == (recipient,)
    assert identities.source == path


def test_load_identity_file_rejects_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IdentityFileError, match="does not exist") as raised:
        load_identity_file(tmp_path / "missing.key")
    assert "missing.key" in str(raised.value)


def test_load_identity_file_rejects_folder(tmp_path: Path) -> None:
    with pytest.raises(IdentityFileError, match="is a folder"):
        load_identity_file(tmp_path)


@pytest.mark.parametrize("content", [b"", b"  \n\r\n"], ids=["empty", "whitespace"])
def test_load_identity_file_rejects_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.key"
    path.write_bytes(content)

    with pytest.raises(IdentityFileError, match="is empty"):
        load_identity_file(path)


def test_load_identity_file_rejects_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))

    with pytest.raises(IdentityFileError, match="not UTF-8"):
        load_identity_file(path)


def test_load_identity_file_rejects_large_file(tmp_path: Path) -> None:
    path = tmp_path / "large.key"
    path.write_bytes(b"#" * (1024 * 1024 + 1))

    with pytest.raises(IdentityFileError, match="too large"):
        load_identity_file(path)


@pytest.mark.parametrize(
    "options",
    [
        ("-t", "ed25519"),
        ("-t", "rsa", "-b", "2048"),
        ("-t", "rsa", "-b", "2048", "-m", "PEM"),
    ],
    ids=["ed25519", "rsa-openssh", "rsa-pem"],
)
def test_load_identity_file_reads_ssh_key(
    tmp_path: Path, ssh_keygen_cli: str, options: tuple[str, ...]
) -> None:
    path = tmp_path / "id_key"
    public_key = ssh_keygen(ssh_keygen_cli, path, *options)

    identities = load_identity_file(path)

    assert identities.recipients == (public_key,)
    sealed = pyrage.encrypt(b"report", [pyrage.ssh.Recipient.from_str(public_key)])
    assert pyrage.decrypt(sealed, list(identities.identities)) == b"report"


def test_load_identity_file_reads_ssh_key_with_crlf(
    tmp_path: Path, ssh_keygen_cli: str
) -> None:
    path = tmp_path / "id_ed25519"
    public_key = ssh_keygen(ssh_keygen_cli, path, "-t", "ed25519")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))

    assert load_identity_file(path).recipients == (public_key,)


@pytest.mark.parametrize(
    "options",
    [("-t", "ed25519"), ("-t", "rsa", "-b", "2048", "-m", "PEM")],
    ids=["openssh", "pem"],
)
def test_load_identity_file_rejects_protected_ssh_key(
    tmp_path: Path, ssh_keygen_cli: str, options: tuple[str, ...]
) -> None:
    path = tmp_path / "id_protected"
    subprocess.run(
        [ssh_keygen_cli, "-q", "-N", "correct horse", "-f", str(path), *options],
        check=True,
        capture_output=True,
    )

    with pytest.raises(
        IdentityFileError, match="passphrase-protected SSH key"
    ) as raised:
        load_identity_file(path)
    assert "ssh-keygen -p" in str(raised.value)
    assert "psdcli keys generate" in str(raised.value)


def test_load_identity_file_rejects_ecdsa_key(
    tmp_path: Path, ssh_keygen_cli: str
) -> None:
    path = tmp_path / "id_ecdsa"
    ssh_keygen(ssh_keygen_cli, path, "-t", "ecdsa")

    with pytest.raises(IdentityFileError, match="ecdsa-sha2-nistp256"):
        load_identity_file(path)


@dataclass(frozen=True)
class ProtectedFile:
    """An armored passphrase-protected identity file and its recipient."""

    path: Path
    recipient: str


@pytest.fixture(scope="module")
def protected_file(tmp_path_factory: pytest.TempPathFactory) -> ProtectedFile:
    """Write one protected file per module, because pyrage spends seconds on scrypt."""
    generated = generate_identity()
    path = tmp_path_factory.mktemp("protected") / "force.key.age"
    write_identity_file(path, generated.secret_text, passphrase=PASSPHRASE)
    return ProtectedFile(path=path, recipient=generated.recipient)


def binary_copy(protected: ProtectedFile, tmp_path: Path) -> Path:
    """Write the dearmored, binary form of the protected file."""
    binary = io.BytesIO()
    with protected.path.open("rb") as armored:
        dearmor(armored, binary)
    path = tmp_path / "force.key.bin.age"
    path.write_bytes(binary.getvalue())
    return path


def test_load_identity_file_decrypts_armored_file(
    protected_file: ProtectedFile,
) -> None:
    identities = load_identity_file(protected_file.path, lambda: PASSPHRASE)

    assert identities.recipients == (protected_file.recipient,)


def test_load_identity_file_decrypts_binary_file(
    protected_file: ProtectedFile, tmp_path: Path
) -> None:
    path = binary_copy(protected_file, tmp_path)

    identities = load_identity_file(path, lambda: PASSPHRASE)

    assert identities.recipients == (protected_file.recipient,)


def test_load_identity_file_rejects_wrong_passphrase(
    protected_file: ProtectedFile,
) -> None:
    with pytest.raises(IdentityFileError, match=r"passphrase for .* is wrong"):
        load_identity_file(protected_file.path, lambda: "wrong")


def test_load_identity_file_needs_passphrase_reader(
    protected_file: ProtectedFile,
) -> None:
    with pytest.raises(
        IdentityFileError, match="protected with a passphrase"
    ) as raised:
        load_identity_file(protected_file.path)
    assert "interactive terminal" in str(raised.value)


def test_load_identity_file_checks_work_factor_before_prompting(
    protected_file: ProtectedFile, tmp_path: Path
) -> None:
    data = binary_copy(protected_file, tmp_path).read_bytes()
    version, stanza, rest = data.split(b"\n", 2)
    costly = stanza.rsplit(b" ", 1)[0] + b" 23"
    path = tmp_path / "costly.key.age"
    path.write_bytes(b"\n".join([version, costly, rest]))
    prompts: list[str] = []

    def read_passphrase() -> str:
        prompts.append("asked")
        return PASSPHRASE

    with pytest.raises(IdentityFileError, match=r"2\^23"):
        load_identity_file(path, read_passphrase)
    assert prompts == []


def test_load_identity_file_rejects_recipient_encrypted_file(tmp_path: Path) -> None:
    path = tmp_path / "force.key.age"
    key, recipient = new_key()
    path.write_bytes(
        pyrage.encrypt(key.encode(), [pyrage.x25519.Recipient.from_str(recipient)])
    )

    with pytest.raises(IdentityFileError, match="encrypted to a recipient"):
        load_identity_file(path, lambda: "unused")


def test_recipient_label_uses_ssh_fingerprint(
    tmp_path: Path, ssh_keygen_cli: str
) -> None:
    path = tmp_path / "id_ed25519"
    public_key = ssh_keygen(ssh_keygen_cli, path, "-t", "ed25519")
    listing = subprocess.run(
        [ssh_keygen_cli, "-l", "-f", f"{path}.pub"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout

    label = recipient_label(public_key)

    assert label == f"ssh-ed25519 {listing.split()[1]}"


def test_recipient_label_keeps_age_recipient() -> None:
    _, recipient = new_key()

    assert recipient_label(recipient) == recipient
