"""Fixtures for the cryptography tests: generated keys and leak checks."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from psdcli.crypto.identities import IdentitySet, parse_identity_text
from psdcli.crypto.keys import generate_identity
from tests.conftest import require_program


def deleted_file_descriptors() -> set[str]:
    """Return the open descriptors of this process that point to unlinked files.

    A plaintext spool that spilled to disk is such a file until it is closed.
    """
    found = set()
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if target.endswith("(deleted)"):
            found.add(f"{name} -> {target}")
    return found


@dataclass
class PlaintextTrace:
    """The state to compare against after a failed decryption."""

    spool_dir: Path
    descriptors: set[str] = field(default_factory=deleted_file_descriptors)

    def assert_nothing_left(self) -> None:
        """Assert that no spool file is open and the spool folder is empty."""
        assert deleted_file_descriptors() == self.descriptors
        assert list(self.spool_dir.iterdir()) == []


@pytest.fixture
def plaintext_trace(tmp_path: Path) -> PlaintextTrace:
    """A private spool folder and the unlinked files open before the test."""
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir(mode=0o700)
    return PlaintextTrace(spool_dir=spool_dir)


@pytest.fixture
def ssh_keygen_cli() -> str:
    """Path of OpenSSH's ``ssh-keygen`` program."""
    return require_program("ssh-keygen")


@pytest.fixture
def x25519_identities() -> IdentitySet:
    """A freshly generated X25519 identity."""
    return parse_identity_text(generate_identity().secret_text)
