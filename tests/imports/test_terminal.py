"""Report text reaches the terminal literally; progress shows only on a terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from psdcli import output
from tests.bundles import SAMPLE_KEY, reports, write_bundle, zip_bytes
from tests.imports.conftest import Workspace

PSDCLI = str(Path(sys.executable).parent / "psdcli")

HOSTILE = (
    "[bold red]shout[/bold red] [link=https://example.com/x]click[/link] "
    "\x1b[2J\x1b[31mred\x1b[0m carriage\roverwrite bell\x07 \u202eesrever"
)


def _hostile_case(workspace: Workspace) -> str:
    (report,) = reports(1)
    report["narrative"] = HOSTILE
    report["subjects"][0]["name"] = "[blink]PC Example[/blink]\x1b]0;title\x07"
    report["incident"]["location"] = "Station\rCar park"
    workspace.import_(write_bundle(workspace.bundles, zip_bytes([report])))
    return str(report["reference"])


def test_case_show_prints_markup_and_escapes_literally(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A wide console keeps each table cell on one line, so that the checks
    # below see every fragment whole.
    monkeypatch.setattr(output.stdout, "width", 400)
    reference = _hostile_case(workspace)
    shown = workspace.run("case", "show", reference)
    assert shown.exit_code == 0, shown.output
    out = shown.stdout
    assert "[bold red]shout[/bold red]" in out
    assert "[link=https://example.com/x]click[/link]" in out
    assert "[blink]PC Example[/blink]" in out
    assert "\x1b" not in out
    assert "\r" not in out
    assert "\x07" not in out
    assert "\u202e" not in out
    assert "\\x1b[2J" in out
    assert "\\x0d" in out
    assert "\\u202e" in out


def test_case_list_escapes_control_characters(workspace: Workspace) -> None:
    (report,) = reports(1)
    report["subjects"][0]["force"] = "kent"
    report["narrative"] = HOSTILE
    workspace.import_(write_bundle(workspace.bundles, zip_bytes([report])))
    listed = workspace.run("case", "list")
    assert "\x1b" not in listed.stdout


def test_json_output_keeps_text_exact(workspace: Workspace) -> None:
    reference = _hostile_case(workspace)
    shown = json.loads(workspace.run("case", "show", reference, "--json").stdout)
    assert shown["report"]["narrative"] == HOSTILE


def _env(workspace: Workspace) -> dict[str, str]:
    return {
        **os.environ,
        "PSDCLI_ANALYST": "T0001",
        "PSDCLI_DB": str(workspace.db),
        "TERM": "xterm-256color",
        "COLUMNS": "100",
    }


def test_progress_bar_shows_on_a_terminal(workspace: Workspace) -> None:
    bundle = write_bundle(workspace.bundles, zip_bytes(reports(400)))
    child = pexpect.spawn(
        PSDCLI,
        ["import", "-i", str(SAMPLE_KEY), str(bundle)],
        env=_env(workspace),
        timeout=120,
        encoding="utf-8",
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "Importing" in child.before
    assert "400 new case(s)" in child.before


def test_no_progress_bar_when_piped(workspace: Workspace) -> None:
    bundle = write_bundle(workspace.bundles, zip_bytes(reports(400)))
    result = subprocess.run(
        [PSDCLI, "import", "-i", str(SAMPLE_KEY), str(bundle)],
        env=_env(workspace),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Importing" not in result.stderr
    assert "\x1b[" not in result.stderr
    assert "\x1b[" not in result.stdout
    assert "400 new case(s)" in result.stdout
