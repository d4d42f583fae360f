"""The command tree as a whole: help, start-up cost, options and the error edge."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from psdcli import __version__
from psdcli.cli.app import app
from tests.conftest import SAMPLE_DATA

runner = CliRunner()
PSDCLI = str(Path(sys.executable).parent / "psdcli")


def _walk(
    command: typer.core.TyperGroup | typer.core.TyperCommand, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], object]]:
    yield path, command
    for name, child in getattr(command, "commands", {}).items():
        yield from _walk(child, (*path, name))


ALL_COMMANDS = [path for path, _ in _walk(typer.main.get_command(app)) if path]


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=[" ".join(p) for p in ALL_COMMANDS])
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    command = dict(_walk(typer.main.get_command(app)))[path]
    assert (command.help or "").strip(), f"{' '.join(path)} has no help text"


def test_version_prints_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"psdcli {__version__}"


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["--version"], ["case", "--help"]],
    ids=["help", "version", "case-help"],
)
def test_help_loads_no_database_or_crypto_code(argv: list[str]) -> None:
    # pydantic is not in the list: Typer 0.29 imports it to convert option values.
    script = (
        "import sys\n"
        f"sys.argv = ['psdcli', *{argv!r}]\n"
        "from psdcli.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ['sqlalchemy', 'sqlmodel', 'pyrage', 'alembic', 'rich',\n"
        "         'psdcli.storage', 'psdcli.crypto', 'psdcli.intake']\n"
        "print('LOADED', [name for name in heavy if name in sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert "LOADED []" in result.stdout, result.stdout


def test_init_without_analyst_is_a_usage_error() -> None:
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 2
    assert "--analyst" in result.output


@pytest.mark.parametrize(
    "analyst",
    ["", "  ", "-rm", "A 1", "x" * 65, "a/b"],
    ids=["empty", "blank", "dash-first", "space", "too-long", "slash"],
)
def test_invalid_analyst_id_is_rejected(analyst: str) -> None:
    result = runner.invoke(app, ["--analyst", analyst, "init"])
    assert result.exit_code == 2
    assert "analyst" in result.output


def test_init_creates_database(isolated_environment: object) -> None:
    result = runner.invoke(app, ["--analyst", "A1234", "init"])
    assert result.exit_code == 0, result.output
    assert "Database ready" in result.output


def test_unexpected_error_shows_type_but_no_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret reporter detail")

    monkeypatch.setattr("psdcli.storage.database.open_database", explode)
    result = runner.invoke(app, ["--analyst", "A1", "init"])
    assert result.exit_code == 1
    assert "RuntimeError" in result.output
    assert "secret reporter detail" not in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["audit", "show", "--json"],
        ["keys", "show", str(SAMPLE_DATA / "sample-identity.txt")],
    ],
    ids=["json", "line written by Rich"],
)
def test_closed_output_pipe_ends_quietly(tmp_path: Path, command: list[str]) -> None:
    env = {**os.environ, "PSDCLI_DATA_DIR": str(tmp_path), "PSDCLI_ANALYST": "T1"}
    created = subprocess.run(
        [PSDCLI, "init"], env=env, capture_output=True, check=False
    )
    assert created.returncode == 0, created.stderr
    reader = subprocess.Popen(
        [PSDCLI, *command],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader.stdout is not None
    reader.stdout.close()  # the reader goes away before psdcli writes
    _, stderr = reader.communicate(timeout=60)
    assert reader.returncode == 141
    assert stderr == b""


def test_shell_completion_loads_no_database_or_crypto_code() -> None:
    script = (
        "import sys\n"
        "sys.argv = ['psdcli']\n"
        "from psdcli.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ['sqlalchemy', 'sqlmodel', 'pyrage', 'alembic', 'psdcli.storage',\n"
        "         'psdcli.crypto', 'psdcli.intake']\n"
        "print('LOADED', [name for name in heavy if name in sys.modules])\n"
    )
    env = {
        **os.environ,
        "_PSDCLI_COMPLETE": "complete_bash",
        "COMP_WORDS": "psdcli ca",
        "COMP_CWORD": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert "case" in result.stdout
    assert "LOADED []" in result.stdout, result.stdout
