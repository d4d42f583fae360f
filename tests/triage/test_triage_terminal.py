"""``psdcli triage`` refuses to run without a terminal, and needs an analyst."""

from __future__ import annotations

import os
import subprocess
from typing import Any

import pexpect
import pytest
from typer.testing import CliRunner

from psdcli.cli.app import app
from tests.triage.triage_driver import PSDCLI, Desk

NO_TERMINAL = "psdcli triage needs a terminal, but standard input is not one"


def _close_stdin() -> None:
    os.close(0)


STDIN_CASES: dict[str, dict[str, Any]] = {
    "pipe-with-yes": {"input": "y\n"},
    "dev-null": {"stdin": subprocess.DEVNULL},
    "closed": {"stdin": None, "preexec_fn": _close_stdin},
}


@pytest.mark.parametrize("stdin", STDIN_CASES.values(), ids=STDIN_CASES.keys())
def test_no_terminal_on_stdin_is_rejected(desk: Desk, stdin: dict[str, Any]) -> None:
    before = desk.snapshot()
    result = subprocess.run(
        [PSDCLI, "triage"],
        env=desk.env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        **stdin,
    )
    assert result.returncode == 2, result.stderr
    assert NO_TERMINAL in result.stderr
    assert "psdcli case --help" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert desk.snapshot() == before


def test_redirected_stdout_is_rejected(desk: Desk) -> None:
    before = desk.snapshot()
    captured = desk.workspace.root / "stdout.txt"
    child = pexpect.spawn(
        "/bin/sh",
        ["-c", f'exec "{PSDCLI}" triage > "{captured}"'],
        env=desk.env(),
        encoding="utf-8",
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2, child.before
    assert "standard output is not one" in child.before
    assert captured.read_text() == ""
    assert desk.snapshot() == before


def test_missing_analyst_is_rejected(desk: Desk) -> None:
    term = desk.spawn(analyst=None)
    status, rest = term.finish()
    assert status == 2, rest
    assert "needs the acting analyst" in rest


def test_required_reason_is_enforced(desk: Desk) -> None:
    child = pexpect.spawn(
        PSDCLI,
        ["triage"],
        env={**desk.env(), "PSDCLI_REQUIRE_REASON": "1"},
        encoding="utf-8",
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2, child.before
    assert "a reason is required" in child.before


def test_help_documents_exit_codes() -> None:
    result = CliRunner().invoke(app, ["triage", "--help"])
    assert result.exit_code == 0, result.output
    assert "Ctrl-C or Ctrl-D exits with 130" in result.output
    assert "standard input or output is not a" in result.output
