"""Helpers for workflow tests: synthetic reports, a runner per analyst, step commands.

Every step command has one entry in ``STEP_ARGS`` with valid values, so that a
test can run any step on any case, or change one value to check one rule.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from synthetic_reports import make_report
from typer.testing import CliRunner, Result

from psdcli.cli.app import app
from tests.bundles import write_bundle, zip_bytes
from tests.imports.conftest import Workspace

ANALYST = "T0001"
OTHER_ANALYST = "T0002"
REASON = "Two consistent accounts name the same officer."

# The valid command line of each step. "{case}" is the case number or
# reference, and "{text}" the rationale, reason or note text.
STEP_ARGS: dict[str, tuple[str, ...]] = {
    "assign": ("assign", "{case}", "A2001"),
    "categorise": ("categorise", "{case}", "abuse-of-authority", "--tag", "misuse"),
    "assess": (
        "assess",
        "{case}",
        "--grading",
        "2/B/P",
        "--severity",
        "misconduct",
        "--rationale",
        "{text}",
    ),
    "iopc": ("iopc", "{case}", "--not-required", "--rationale", "{text}"),
    "note": ("note", "{case}", "{text}"),
    "safeguard": (
        "safeguard",
        "{case}",
        "--at-risk",
        "victim",
        "--risk",
        "medium",
        "--tool",
        "dash",
        "--score",
        "9",
        "--action",
        "Welfare visit",
        "--rationale",
        "{text}",
    ),
    "complete-action": ("complete-action", "{case}", "1"),
    "escalate": ("escalate", "{case}", "--team", "ACU", "--rationale", "{text}"),
    "record-intel": (
        "record-intel",
        "{case}",
        "--grading",
        "3/C/P",
        "--rationale",
        "{text}",
    ),
    "transfer": ("transfer", "{case}", "kent", "--rationale", "{text}"),
    "refer-complaints": ("refer-complaints", "{case}", "--rationale", "{text}"),
    "nfa": ("nfa", "{case}", "--rationale", "{text}"),
    "close": ("close", "{case}"),
    "reopen": ("reopen", "{case}", "--reason", "{text}"),
}
STEPS = tuple(STEP_ARGS)
DECISION_STEPS = frozenset(STEPS) - {"note", "safeguard", "complete-action"}

# Steps that need earlier steps before they are allowed on a new case.
PREPARATION: dict[str, tuple[str, ...]] = {
    "complete-action": ("safeguard",),
    "close": ("nfa",),
    "reopen": ("nfa", "close"),
}

# The status after each step when it is run on a prepared case.
STATUS_AFTER: dict[str, str] = {
    **dict.fromkeys(
        ("assign", "categorise", "assess", "iopc", "note", "safeguard"),
        "in_assessment",
    ),
    "complete-action": "in_assessment",
    **dict.fromkeys(
        ("escalate", "record-intel", "transfer", "refer-complaints", "nfa"), "decided"
    ),
    "close": "closed",
    "reopen": "in_assessment",
}


def step_args(step: str, case: str, text: str = REASON) -> list[str]:
    """Return the ``case ...`` arguments that run ``step`` on ``case``."""
    arguments = ["case"]
    for part in STEP_ARGS[step]:
        arguments.append(part.replace("{case}", case).replace("{text}", text))
    return arguments


def today() -> date:
    """Return today's date in UTC, as psdcli reads it."""
    return datetime.now(UTC).date()


def make_reports(
    count: int,
    *,
    start: int = 1,
    themes: Sequence[str] = ("personal_advantage",),
    received_at: Sequence[datetime] | None = None,
) -> list[dict[str, Any]]:
    """Return valid synthetic reports with references CS-2026-7xxxxx.

    ``received_at`` gives each report's receipt time; by default they fall in
    the year before 5 January 2026, as in the sample set.
    """
    rng = random.Random(start)
    times = list(received_at) if received_at is not None else [None] * count
    return [
        make_report(
            rng,
            f"CS-2026-7{number:05d}",
            themes=list(themes),
            received_at=times[number - start],
        )
        for number in range(start, start + count)
    ]


def days_ago(days: int, hours: int = 0) -> datetime:
    """Return the moment ``days`` days and ``hours`` hours before now."""
    return datetime.now(UTC) - timedelta(days=days, hours=hours)


def error_line(result: Result) -> str:
    """Return the single ``Error: ...`` line of a failed command, without the prefix."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: "), result.output
    return lines[0].removeprefix("Error: ")


@dataclass
class Desk:
    """A workspace with helpers to import reports and run case commands."""

    workspace: Workspace
    sequence: int = 0

    def run(self, *args: str, analyst: str = ANALYST) -> Result:
        """Run psdcli in-process as ``analyst`` against the workspace database."""
        return CliRunner().invoke(
            app,
            ["--db", str(self.workspace.db), "--analyst", analyst, *args],
            catch_exceptions=False,
        )

    def import_reports(self, report_list: Sequence[dict[str, Any]]) -> list[str]:
        """Import the reports in a new bundle and return their case numbers."""
        self.sequence += 1
        bundle = write_bundle(
            self.workspace.bundles, zip_bytes(report_list, sequence=self.sequence)
        )
        result = self.workspace.import_(bundle)
        assert result.exit_code == 0, result.output
        numbers = {row["reference"]: row["case_number"] for row in self.listed()}
        return [numbers[report["reference"]] for report in report_list]

    def step(self, *args: str, analyst: str = ANALYST) -> dict[str, Any]:
        """Run ``case ARGS --json``, check that it succeeded and return its result."""
        result = self.run(*args, "--json", analyst=analyst)
        assert result.exit_code == 0, result.output
        parsed: dict[str, Any] = json.loads(result.stdout)
        return parsed

    def do(self, step: str, case: str, analyst: str = ANALYST) -> dict[str, Any]:
        """Run ``step`` on ``case`` with the valid values of ``STEP_ARGS``."""
        return self.step(*step_args(step, case), analyst=analyst)

    def prepare(self, step: str, case: str) -> None:
        """Run the steps that ``step`` needs on a new case."""
        for earlier in PREPARATION.get(step, ()):
            self.do(earlier, case)

    def show(self, case: str) -> dict[str, Any]:
        """Return ``case show --json``."""
        result = self.run("case", "show", case, "--json")
        assert result.exit_code == 0, result.output
        detail: dict[str, Any] = json.loads(result.stdout)
        return detail

    def listed(self, *filters: str) -> list[dict[str, Any]]:
        """Return ``case list --json`` with these filters."""
        result = self.run("case", "list", *filters, "--json")
        assert result.exit_code == 0, result.output
        rows: list[dict[str, Any]] = json.loads(result.stdout)
        return rows

    def snapshot(self) -> list[str]:
        """Return the database's rows as SQL text."""
        return self.workspace.snapshot()


def alterations(detail: dict[str, Any]) -> list[str]:
    """Return the actions of the alteration events in a case's history, in order."""
    return [
        event["action"]
        for event in detail["history"]
        if event["operation"] == "alteration"
    ]


def decisions_of_kind(detail: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """Return a case's decisions of one kind, oldest first."""
    return [decision for decision in detail["decisions"] if decision["kind"] == kind]
