"""The stand-alone checking script in docs/audit.md works on real exports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from audit_helpers import add_events

from psdcli.audit.export import export_jsonl
from psdcli.audit.filters import AuditFilter
from psdcli.storage.database import Database

DOC = Path(__file__).resolve().parents[2] / "docs" / "audit.md"
FIRST_LINE = "# check_audit_export.py"


@pytest.fixture
def script(tmp_path: Path) -> Path:
    """The script, cut from the documentation's python block."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(FIRST_LINE)
    end = text.index("```", start)
    path = tmp_path / "check_audit_export.py"
    path.write_text(text[start:end], encoding="utf-8")
    return path


@pytest.fixture
def database_with_events(database: Database) -> Database:
    for index in range(6):
        add_events(
            database,
            1,
            analyst="Nguyễn",
            case_reference=f"CS-{index % 2}",
            reason="جائزے کی درخواست",
        )
    return database


def _export(database: Database, path: Path, filters: AuditFilter) -> Path:
    with database.read_session() as session, path.open("w", encoding="utf-8") as out:
        export_jsonl(session, filters, out)
    return path


def _run(script: Path, export: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script), str(export)],
        capture_output=True,
        text=True,
        check=False,
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    "filters",
    [AuditFilter(), AuditFilter(case_reference="CS-1")],
    ids=["complete", "one-case"],
)
def test_script_accepts_intact_export(
    script: Path, database_with_events: Database, tmp_path: Path, filters: AuditFilter
) -> None:
    export = _export(database_with_events, tmp_path / "audit.jsonl", filters)
    result = _run(script, export)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ")


def test_script_rejects_edited_event(
    script: Path, database_with_events: Database, tmp_path: Path
) -> None:
    export = _export(database_with_events, tmp_path / "audit.jsonl", AuditFilter())
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace("Nguyễn", "Nguyen")
    export.write_text("".join(lines), encoding="utf-8")
    result = _run(script, export)
    assert result.returncode == 1
    assert "BROKEN: event 4: the hash does not match" in result.stderr


def test_script_rejects_missing_event(
    script: Path, database_with_events: Database, tmp_path: Path
) -> None:
    export = _export(database_with_events, tmp_path / "audit.jsonl", AuditFilter())
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[2]
    export.write_text("".join(lines), encoding="utf-8")
    result = _run(script, export)
    assert result.returncode == 1
    assert "BROKEN: " in result.stderr


def test_script_rejects_swapped_events(
    script: Path, database_with_events: Database, tmp_path: Path
) -> None:
    export = _export(database_with_events, tmp_path / "audit.jsonl", AuditFilter())
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1], lines[2] = lines[2], lines[1]
    export.write_text("".join(lines), encoding="utf-8")
    result = _run(script, export)
    assert result.returncode == 1
    assert "BROKEN: event 2: out of order" in result.stderr


def test_documented_example_is_first_event() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index('{"action":"audit.export"')
    example = json.loads(text[start : text.index("\n", start)])
    assert example["prev_hash"] == "0" * 64
    assert example["sequence"] == 1
