"""``psdcli audit`` commands: export, verify and show, end to end."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from audit_helpers import add_events, drop_triggers, make_app, run_sql
from sqlalchemy import select
from typer.testing import CliRunner, Result

from psdcli.storage.database import Database
from psdcli.storage.models import AuditEvent

Invoke = Callable[..., Result]


def _events(database: Database) -> list[AuditEvent]:
    with database.read_session() as session:
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.sequence)))
        session.expunge_all()
    return events


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def logged(database: Database) -> Database:
    add_events(database, 5, reason="Siân asked for a review")
    return database


def test_export_logs_a_disclosure(
    logged: Database, invoke: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "out" / "case.jsonl"
    path.parent.mkdir()
    result = invoke(
        "audit",
        "export",
        "--case",
        "CS-2026-000002",
        "-o",
        str(path),
        "--reason",
        "IOPC request",
    )
    assert result.exit_code == 0, result.output
    disclosure = _events(logged)[-1]
    assert disclosure.sequence == 6
    assert disclosure.operation == "disclosure"
    assert disclosure.action == "audit.export"
    assert disclosure.analyst == "S9001"
    assert disclosure.recipient == str(path.absolute())
    assert disclosure.reason == "IOPC request"
    assert disclosure.case_reference == "CS-2026-000002"
    assert disclosure.details["format"] == "jsonl"
    checkpoint = json.loads(path.read_text(encoding="utf-8").splitlines()[-1])
    assert checkpoint["checkpoint"]["disclosure_sequence"] == 6
    assert "logged as disclosure event 6" in result.stderr


def test_export_file_is_private(
    logged: Database, invoke: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "audit.csv"
    result = invoke("audit", "export", "--format", "csv", "-o", str(path))
    assert result.exit_code == 0, result.output
    sidecar = tmp_path / "audit.csv.checkpoint.json"
    assert _mode(path) == 0o600
    assert _mode(sidecar) == 0o600
    checkpoint = json.loads(sidecar.read_text(encoding="utf-8"))["checkpoint"]
    assert checkpoint["count"] == 6
    assert checkpoint["head_sequence"] == 6


def test_export_never_overwrites(
    logged: Database, invoke: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "existing.jsonl"
    path.write_text("keep me\n", encoding="utf-8")
    result = invoke("audit", "export", "-o", str(path))
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert path.read_text(encoding="utf-8") == "keep me\n"
    assert len(_events(logged)) == 5


def test_existing_sidecar_leaves_no_file(
    logged: Database, invoke: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "audit.csv"
    (tmp_path / "audit.csv.checkpoint.json").write_text("{}", encoding="utf-8")
    result = invoke("audit", "export", "--format", "csv", "-o", str(path))
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert not path.exists()
    assert len(_events(logged)) == 5


def test_export_needs_an_analyst(
    logged: Database, invoke: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "audit.jsonl"
    result = invoke("audit", "export", "-o", str(path), analyst=None)
    assert result.exit_code == 2
    assert "--analyst" in result.stderr
    assert not path.exists()
    assert len(_events(logged)) == 5


def test_invalid_reason_leaves_no_file(
    logged: Database, invoke: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "audit.jsonl"
    result = invoke("audit", "export", "-o", str(path), "--reason", "bell\x07")
    assert result.exit_code == 2
    assert "invalid audit reason" in result.stderr
    assert not path.exists()
    assert len(_events(logged)) == 5


def test_export_to_stdout_ends_with_checkpoint(
    logged: Database, invoke: Invoke
) -> None:
    result = invoke("audit", "export", "--operation", "consultation")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 6
    assert json.loads(lines[-1])["checkpoint"]["count"] == 5
    assert _events(logged)[-1].recipient == "stdout"


def test_csv_to_stdout_prints_checkpoint_on_stderr(
    logged: Database, invoke: Invoke
) -> None:
    result = invoke("audit", "export", "--format", "csv", "--bom")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("\ufeffsequence,")
    assert 'Checkpoint: {"checkpoint": {' in result.stderr


def test_bom_needs_csv(logged: Database, invoke: Invoke) -> None:
    result = invoke("audit", "export", "--bom")
    assert result.exit_code == 2
    assert "--bom applies to CSV only" in result.stderr


def test_verify_database_prints_summary(logged: Database, invoke: Invoke) -> None:
    result = invoke("audit", "verify")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Audit chain OK: 5 events, head event 5, hash ")


def test_verify_reports_first_broken_sequence(logged: Database, invoke: Invoke) -> None:
    drop_triggers(logged)
    run_sql(logged, "UPDATE audit_event SET reason = 'edited' WHERE sequence = 3")
    result = invoke("audit", "verify")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: audit chain broken at sequence 3: ")


def test_verify_export_round_trip(
    logged: Database, invoke: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "audit.jsonl"
    assert invoke("audit", "export", "-o", str(path)).exit_code == 0
    result = invoke("audit", "verify", str(path))
    assert result.exit_code == 0, result.output
    assert "Audit export OK: 6 events; checkpoint head 6; matches the database" in (
        result.stdout
    )


def test_verify_file_only_needs_no_database(
    logged: Database, invoke: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "audit.jsonl"
    assert invoke("audit", "export", "-o", str(path)).exit_code == 0
    result = CliRunner().invoke(
        make_app(),
        [
            "--db",
            str(tmp_path / "absent.db"),
            "audit",
            "verify",
            "--file-only",
            str(path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "not compared with a database" in result.stdout
    assert not (tmp_path / "absent.db").exists()


def test_verify_tampered_export_fails(
    logged: Database, invoke: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "audit.jsonl"
    assert invoke("audit", "export", "-o", str(path)).exit_code == 0
    path.write_text(path.read_text(encoding="utf-8").replace("Siân", "Sian", 1))
    result = invoke("audit", "verify", str(path))
    assert result.exit_code == 1
    assert "Error: audit chain broken at sequence 1: " in result.stderr


def test_verify_truncated_export_fails(
    logged: Database, invoke: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "audit.jsonl"
    assert invoke("audit", "export", "-o", str(path)).exit_code == 0
    path.write_bytes(path.read_bytes()[:-40])
    result = invoke("audit", "verify", "--file-only", str(path))
    assert result.exit_code == 1
    assert f"Error: audit export {path} failed verification: " in result.stderr


def test_verify_file_only_needs_a_file(invoke: Invoke) -> None:
    result = invoke("audit", "verify", "--file-only")
    assert result.exit_code == 2
    assert "--file-only needs a FILE" in result.stderr


def test_verify_missing_file_is_not_found(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("audit", "verify", str(tmp_path / "absent.jsonl"))
    assert result.exit_code == 1
    assert "no audit export at" in result.stderr


def test_show_lists_newest_last(logged: Database, invoke: Invoke) -> None:
    table = invoke("audit", "show", "--limit", "2")
    listed = invoke("audit", "show", "--limit", "2", "--json")
    assert table.exit_code == 0, table.output
    assert "operation" in table.stdout
    assert "consultation" in table.stdout
    events = json.loads(listed.stdout)["events"]
    assert [event["sequence"] for event in events] == [4, 5]


def test_show_json_filters_by_operation(logged: Database, invoke: Invoke) -> None:
    add_events(logged, 1, operation="erasure", details={"revisions": 2})
    result = invoke("audit", "show", "--operation", "erasure", "--json")
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)["events"]
    assert [event["sequence"] for event in events] == [6]
    assert events[0]["details"] == {"revisions": 2}


def test_show_escapes_terminal_control_text(database: Database, invoke: Invoke) -> None:
    add_events(database, 1, reason="\u202etxt.exe", analyst="A1")
    result = invoke("audit", "show")
    assert result.exit_code == 0, result.output
    assert "\u202e" not in result.stdout
    assert "\\u202e" in result.stdout


def test_show_with_no_match_says_so(logged: Database, invoke: Invoke) -> None:
    result = invoke("audit", "show", "--case", "CS-NONE")
    assert result.exit_code == 0
    assert "No audit events match." in result.stderr


def test_show_rejects_bad_date(logged: Database, invoke: Invoke) -> None:
    result = invoke("audit", "show", "--since", "last week")
    assert result.exit_code == 2
    assert "invalid --since value 'last week'" in result.stderr


@pytest.mark.parametrize("command", ["show", "export", "verify"])
def test_audit_commands_have_help(command: str) -> None:
    result = CliRunner().invoke(make_app(), ["audit", command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    group = typer.main.get_command(make_app())
    assert (group.commands["audit"].commands[command].help or "").strip()
