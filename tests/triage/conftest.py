"""Fixtures for triage tests: a database of imported cases in a known queue order."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.bundles import reports, write_bundle, zip_bytes
from tests.imports.conftest import Workspace
from tests.triage.triage_driver import Desk

PARTNER = {
    "description": "The subject's partner",
    "relationship": "partner of the subject",
    "immediate_danger": True,
}

# Role of each case -> (received at, themes, person in immediate danger).
CASES: dict[str, tuple[str, list[str], bool]] = {
    "oldest": ("2025-03-01T10:00:00+00:00", ["personal_advantage"], False),
    "danger": ("2025-09-01T10:00:00+01:00", ["partner_abuse"], True),
    "safeguarded": ("2025-06-01T10:00:00+01:00", ["information_for_reward"], False),
    "younger": ("2025-04-01T10:00:00+01:00", ["sexual_boundaries"], False),
    "decided": ("2025-01-01T10:00:00+00:00", ["personal_advantage"], False),
}


def _reports() -> list[dict[str, Any]]:
    made = reports(len(CASES), seed=11)
    for report, (received, themes, danger) in zip(made, CASES.values(), strict=True):
        report["received_at"] = received
        report["themes"] = themes
        report["persons_at_risk"] = [PARTNER] if danger else []
        report["follow_up_to"] = None
    return made


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    """Return a database with five cases.

    "danger" has a person in immediate danger, "safeguarded" has an open
    safeguarding action, "oldest" and "younger" are new, and "decided" has an
    outcome, so it is not in the queue.
    """
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    workspace = Workspace(
        root=tmp_path,
        db=tmp_path / "data" / "cases.db",
        bundles=tmp_path / "incoming",
        tmp=tmp,
    )
    made = _reports()
    imported = workspace.import_(write_bundle(workspace.bundles, zip_bytes(made)))
    assert imported.exit_code == 0, imported.output
    listed = json.loads(workspace.run("case", "list", "--json").stdout)
    by_reference = {row["reference"]: row["case_number"] for row in listed}
    numbers = {
        name: by_reference[report["reference"]]
        for name, report in zip(CASES, made, strict=True)
    }
    _prepare(workspace, numbers)
    return Desk(workspace, numbers)


def _prepare(workspace: Workspace, numbers: dict[str, str]) -> None:
    safeguarded = workspace.run(
        "case",
        "safeguard",
        numbers["safeguarded"],
        "--at-risk",
        "victim",
        "--risk",
        "medium",
        "--tool",
        "judgement",
        "--action",
        "Welfare visit",
        "--rationale",
        "Named person searched on force systems",
    )
    assert safeguarded.exit_code == 0, safeguarded.output
    decided = workspace.run(
        "case", "nfa", numbers["decided"], "--rationale", "Already dealt with"
    )
    assert decided.exit_code == 0, decided.output
