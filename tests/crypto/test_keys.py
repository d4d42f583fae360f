"""Identity generation and identity files on disk."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from psdcli.core.errors import IdentityFileError, UsageError
from psdcli.crypto.identities import parse_identity_text
from psdcli.crypto.keys import generate_identity, read_recipients, write_identity_file

# A fixed passphrase for test files, not a secret.
PASSPHRASE = "correct horse battery staple"  # noqa: S105


def test_generate_identity_matches_age_keygen_format() -> None:
    generated = generate_identity()
    lines = generated.secret_text.splitlines()

    assert re.fullmatch(r"# created: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", lines[0])
    assert lines[1] == f"# public key: {generated.recipient}"
    assert lines[2].startswith("AGE-SECRET-KEY-1")
    assert len(lines) == 3
    assert generated.secret_text.endswith("\n")
    assert parse_identity_text(generated.secret_text).recipients == (
        generated.recipient,
    )


def test_generated_identity_repr_hides_secret() -> None:
    generated = generate_identity()

    assert "AGE-SECRET-KEY" not in repr(generated)
    assert generated.recipient in repr(generated)


def test_write_identity_file_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "force.key"
    generated = generate_identity()

    write_identity_file(path, generated.secret_text)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == generated.secret_text
    assert read_recipients(path) == (generated.recipient,)


def test_write_identity_file_rejects_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "force.key"
    path.write_text("old key\n")

    with pytest.raises(IdentityFileError, match="already exists"):
        write_identity_file(path, generate_identity().secret_text)
    assert path.read_text() == "old key\n"


def test_write_identity_file_rejects_symbolic_link(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    link = tmp_path / "force.key"
    link.symlink_to(target)

    with pytest.raises(IdentityFileError, match="already exists"):
        write_identity_file(link, generate_identity().secret_text)
    assert not target.exists()


def test_write_identity_file_rejects_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(IdentityFileError, match="Cannot create"):
        write_identity_file(tmp_path / "no" / "force.key", "text")


def test_write_identity_file_rejects_empty_passphrase(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="passphrase is empty"):
        write_identity_file(tmp_path / "force.key", "text", passphrase="")
    assert not (tmp_path / "force.key").exists()


def test_protected_identity_file_is_armored_and_private(tmp_path: Path) -> None:
    path = tmp_path / "force.key.age"
    generated = generate_identity()

    write_identity_file(path, generated.secret_text, passphrase=PASSPHRASE)

    content = path.read_text()
    assert content.startswith("-----BEGIN AGE ENCRYPTED FILE-----\n")
    assert content.endswith("-----END AGE ENCRYPTED FILE-----\n")
    assert "AGE-SECRET-KEY" not in content
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_recipients(path, lambda: PASSPHRASE) == (generated.recipient,)
