"""Drive ``psdcli triage`` in a pseudo-terminal, and read the database after it."""

from __future__ import annotations

import io
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect

from tests.bundles import database_snapshot
from tests.imports.conftest import Workspace

PSDCLI = str(Path(sys.executable).parent / "psdcli")
ANALYST = "T0001"
DOWN = "\x1b[B"
ENTER = "\r"
CTRL_C = "\x03"
CTRL_D = "\x04"
CTRL_U = "\x15"
# Generous, because a loaded CI machine can take seconds to start Python.
TIMEOUT_SECONDS = 60


@dataclass
class Desk:
    """A database of imported cases, and their case numbers by role."""

    workspace: Workspace
    numbers: dict[str, str]

    def env(self, *, analyst: str | None = ANALYST) -> dict[str, str]:
        """Return the environment of a psdcli process on this database."""
        env = {
            **os.environ,
            "PSDCLI_DB": str(self.workspace.db),
            "TERM": "xterm-256color",
            "COLUMNS": "120",
            "LINES": "40",
            "NO_COLOR": "1",
            # pexpect does not answer prompt_toolkit's cursor position
            # request, which would otherwise print a warning after a delay.
            "PROMPT_TOOLKIT_NO_CPR": "1",
        }
        env.pop("PSDCLI_ANALYST", None)
        if analyst is not None:
            env["PSDCLI_ANALYST"] = analyst
        return env

    def spawn(self, *args: str, analyst: str | None = ANALYST) -> Terminal:
        """Start ``psdcli triage ARGS`` in a pseudo-terminal of 40x120."""
        child = pexpect.spawn(
            PSDCLI,
            ["triage", *args],
            env=self.env(analyst=analyst),
            encoding="utf-8",
            dimensions=(40, 120),
            timeout=TIMEOUT_SECONDS,
        )
        return Terminal(child)

    def show(self, number: str) -> dict[str, Any]:
        """Return ``case show NUMBER --json``."""
        result = self.workspace.run("case", "show", number, "--json")
        assert result.exit_code == 0, result.output
        shown: dict[str, Any] = json.loads(result.stdout)
        return shown

    def snapshot(self) -> list[str]:
        """Return every row of the database as SQL text."""
        return database_snapshot(self.workspace.db)


def data_changes(before: list[str], after: list[str]) -> list[str]:
    """Return the rows removed or added, leaving out logged consultations.

    Every view of a case appends a consultation event to the audit trail,
    so only those rows may differ when triage records nothing.
    """
    earlier = set(before)
    later = set(after)
    removed = [f"- {row}" for row in before if row not in later]
    added = [
        f"+ {row}" for row in after if row not in earlier and not _is_consultation(row)
    ]
    return removed + added


def _is_consultation(row: str) -> bool:
    return row.startswith('INSERT INTO "audit_event"') and "'consultation'" in row


class Terminal:
    """Keys in, text out: a running ``psdcli triage``."""

    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child
        self.log = io.StringIO()
        child.logfile_read = self.log

    def output(self) -> str:
        """Return everything the program wrote so far."""
        return self.log.getvalue()

    def expect(self, text: str) -> None:
        """Wait until ``text`` appears after what was matched before."""
        self.child.expect_exact(text)

    def pick(self, prompt: str, search: str) -> None:
        """Wait for a list, type ``search`` to filter it and take the first match."""
        self.expect(prompt)
        self.child.send(search)
        self.child.send(ENTER)

    def first(self, prompt: str, downs: int = 0) -> None:
        """Wait for a list, move down ``downs`` times and take that entry."""
        self.expect(prompt)
        self.child.send(DOWN * downs)
        self.child.send(ENTER)

    def answer(self, prompt: str, text: str, *, clear: bool = False) -> None:
        """Wait for a text prompt and type ``text``; ``clear`` empties it first."""
        self.expect(prompt)
        if clear:
            self.child.send(CTRL_U)
        self.child.send(text + ENTER)

    def confirm(self, prompt: str, yes: bool) -> None:
        """Wait for a yes/no prompt and press y or n."""
        self.expect(prompt)
        self.child.send("y" if yes else "n")

    def send(self, keys: str) -> None:
        """Send raw keys."""
        self.child.send(keys)

    def finish(self) -> tuple[int | None, str]:
        """Wait for the end; return the exit status and the rest of the output."""
        self.child.expect(pexpect.EOF)
        rest = self.child.before or ""
        self.child.close()
        return self.child.exitstatus, rest
