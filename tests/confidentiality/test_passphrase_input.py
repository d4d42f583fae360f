"""Passphrases come from a terminal prompt or a file descriptor, never from argv.

Command lines are visible to other users through ps and /proc and are kept
in shell history, so no option may take a passphrase as its value.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyrage
import pytest
import typer
from typer.testing import CliRunner

from psdcli.cli.app import app
from psdcli.crypto.armor import dearmor
from tests.bundles import SAMPLE_KEY
from tests.confidentiality.conftest import Cli, audit_events
from tests.confidentiality.leak_scan import (
    SAMPLE_BUNDLE_DIR,
    Scanner,
    contact_values,
    describe,
    sample_reports,
)

PASSPHRASE = "correct horse battery staple"  # noqa: S105 - a test value
CASE = "CS-2026-004552"
SECRET_WORDS = re.compile(r"pass|secret|password|private", re.IGNORECASE)


def passphrase_pipe(text: str) -> int:
    """Return the read end of a pipe that contains ``text`` and a newline."""
    read_end, write_end = os.pipe()
    os.write(write_end, f"{text}\n".encode())
    os.close(write_end)
    return read_end


def generate_protected_key(cli: Cli, path: Path) -> str:
    """Write a passphrase-protected identity with psdcli; return its recipient."""
    fd = passphrase_pipe(PASSPHRASE)
    try:
        result = cli.run(
            "keys", "generate", "-o", path, "--passphrase-fd", fd, pass_fds=[fd]
        )
    finally:
        os.close(fd)
    return result.out.strip().splitlines()[-1]


def test_generate_rejects_prompt_without_terminal(cli: Cli, tmp_path: Path) -> None:
    key = tmp_path / "team-key.txt"

    result = cli.run("keys", "generate", "-o", key, "--passphrase", expect=2)

    assert "not a terminal" in result.err
    assert "--passphrase-fd" in result.err
    assert not key.exists()


def test_generate_reads_passphrase_from_fd(cli: Cli, tmp_path: Path) -> None:
    key = tmp_path / "team-key.txt"

    recipient = generate_protected_key(cli, key)

    data = key.read_bytes()
    assert data.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")
    assert b"AGE-SECRET-KEY" not in data
    assert os.stat(key).st_mode & 0o777 == 0o600
    sealed = _dearmored(key)
    secret = pyrage.passphrase.decrypt(sealed, PASSPHRASE).decode()
    identity = pyrage.x25519.Identity.from_str(secret.strip().splitlines()[-1])
    assert str(identity.to_public()) == recipient


def _dearmored(path: Path) -> bytes:
    out = io.BytesIO()
    with path.open("rb") as handle:
        dearmor(handle, out)
    return out.getvalue()


@pytest.fixture
def protected(cli: Cli, tmp_path: Path) -> Path:
    """A passphrase-protected team key that the database's contacts are sealed to."""
    key = tmp_path / "team-key.txt"
    recipient = generate_protected_key(cli, key)
    cli.run("init", "--recipient", recipient)
    cli.run("import", "-i", SAMPLE_KEY, SAMPLE_BUNDLE_DIR)
    return key


def reveal(cli: Cli, key: Path, passphrase: str | None, expect: int) -> Any:
    """Run ``reporter show`` with ``key``, and the passphrase on a pipe if given."""
    args = ["reporter", "show", CASE, "--reason", "Arrange a call", "-i", str(key)]
    if passphrase is None:
        return cli.run(*args, expect=expect)
    fd = passphrase_pipe(passphrase)
    try:
        return cli.run(*args, "--passphrase-fd", fd, pass_fds=[fd], expect=expect)
    finally:
        os.close(fd)


def test_reveal_opens_protected_key_from_fd(cli: Cli, protected: Path) -> None:
    contact = sample_reports()[CASE]["contact"]

    result = reveal(cli, protected, PASSPHRASE, expect=0)

    assert contact["email"] in result.out
    assert len(audit_events(cli.db, "reporter.show")) == 1


@pytest.mark.parametrize(
    ("passphrase", "expect", "message"),
    [("wrong horse", 1, "wrong"), (None, 2, "--passphrase-fd")],
    ids=["wrong-passphrase", "no-terminal"],
)
def test_reveal_without_right_passphrase_shows_nothing(
    cli: Cli, protected: Path, passphrase: str | None, expect: int, message: str
) -> None:
    result = reveal(cli, protected, passphrase, expect=expect)

    assert message in result.err
    scanner = Scanner(contact_values([sample_reports()[CASE]]))
    leaks = scanner.in_output("stdout", result.stdout)
    leaks += scanner.in_output("stderr", result.stderr)
    assert not leaks, describe(leaks)
    assert audit_events(cli.db, "reporter.show") == []


def all_commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Yield the path of every command and group under ``command``."""
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from all_commands(sub, (*path, name))


def command_at(path: tuple[str, ...]) -> Any:
    """Return the Click command object at ``path``."""
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return command


COMMAND_PATHS = list(all_commands(typer.main.get_command(app)))


@pytest.mark.parametrize(
    "path", COMMAND_PATHS, ids=[" ".join(p) or "psdcli" for p in COMMAND_PATHS]
)
def test_no_option_takes_passphrase_value(path: tuple[str, ...]) -> None:
    for param in command_at(path).params:
        names = [*param.opts, *param.secondary_opts, str(param.envvar or "")]
        if not any(SECRET_WORDS.search(name) for name in names):
            continue
        annotation = param.type_descriptor.annotation
        takes_fd = annotation is int and param.opts[-1].endswith("-fd")
        assert param.is_flag or takes_fd, f"{' '.join(path)} {param.opts}"
        assert not param.envvar, f"{' '.join(path)} {param.opts} reads {param.envvar}"


def test_passphrase_options_are_where_expected() -> None:
    found = {
        " ".join(path)
        for path in COMMAND_PATHS
        for param in command_at(path).params
        if any(SECRET_WORDS.search(opt) for opt in param.opts)
    }

    assert found == {
        "import",
        "keys generate",
        "keys show",
        "keys rewrap",
        "case attachment export",
        "reporter show",
    }


@pytest.mark.parametrize(
    "path", COMMAND_PATHS, ids=[" ".join(p) or "psdcli" for p in COMMAND_PATHS]
)
def test_help_offers_no_passphrase_value(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])

    assert result.exit_code == 0, result.output
    listed = [
        match
        for line in result.stdout.splitlines()
        if (match := re.match(r"\s*(--[\w-]+)(?:\s+<(\w+)>)?", line))
        and SECRET_WORDS.search(match.group(1))
    ]
    assert bool(listed) == ("--passphrase" in result.stdout)
    for match in listed:
        assert match.group(2) in (None, "int"), match.group(0)
        assert match.group(2) is None or match.group(1).endswith("-fd"), match.group(0)
