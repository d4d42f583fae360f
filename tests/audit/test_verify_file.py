"""verify_file: a JSON Lines export checked alone and against the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from audit_helpers import add_events, drop_triggers, run_sql

from psdcli.audit import chain
from psdcli.audit.export import export_jsonl
from psdcli.audit.filters import AuditFilter
from psdcli.audit.verify import VerifyResult, verify_file
from psdcli.core.errors import NotFoundError
from psdcli.storage.database import Database

EVENTS = 8


@pytest.fixture
def events(database: Database) -> Database:
    """EVENTS events over two cases, alternating A and B."""
    for index in range(EVENTS):
        add_events(
            database,
            1,
            case_reference="CS-A" if index % 2 == 0 else "CS-B",
            reason="Łukasz asked for a review",
            details={"revision": index},
        )
    return database


def _export(database: Database, path: Path, filters: AuditFilter | None = None) -> Path:
    with database.read_session() as session, path.open("w", encoding="utf-8") as out:
        export_jsonl(session, filters or AuditFilter(), out)
    return path


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("".join(lines), encoding="utf-8")


def _index_of(lines: list[str], sequence: int) -> int:
    for index, line in enumerate(lines):
        if json.loads(line).get("sequence") == sequence:
            return index
    raise AssertionError(f"no line for event {sequence}")


def _rewrite(line: str, **changes: object) -> str:
    """Return ``line`` changed, with its hash recomputed as a forger would."""
    record = json.loads(line)
    record.update(changes)
    record.pop("hash")
    return chain.export_line(record, chain.event_hash(record)) + "\n"


def _check(path: Path, database: Database | None = None) -> VerifyResult:
    if database is None:
        return verify_file(path)
    with database.read_session() as session:
        return verify_file(path, session)


def _break_at(path: Path, database: Database | None = None) -> int | None:
    result = _check(path, database)
    assert result.first_break is not None, "expected a break"
    return result.first_break.sequence


@pytest.fixture
def full_export(events: Database, tmp_path: Path) -> Path:
    return _export(events, tmp_path / "audit.jsonl")


def test_full_export_verifies_alone_and_against_database(
    events: Database, full_export: Path
) -> None:
    alone = _check(full_export)
    compared = _check(full_export, events)
    assert alone.ok, alone.first_break
    assert compared.ok, compared.first_break
    assert alone.count == EVENTS
    assert compared.compared_with_database
    assert not alone.compared_with_database


def test_export_stays_valid_after_more_events(
    events: Database, full_export: Path
) -> None:
    add_events(events, 3)
    assert _check(full_export, events).ok


def test_edited_field_is_found(full_export: Path) -> None:
    lines = _lines(full_export)
    index = _index_of(lines, 5)
    lines[index] = lines[index].replace("Łukasz asked", "Lukasz asked")
    _write(full_export, lines)
    assert _break_at(full_export) == 5


def test_edited_field_with_new_hash_breaks_next_link(full_export: Path) -> None:
    lines = _lines(full_export)
    index = _index_of(lines, 5)
    lines[index] = _rewrite(lines[index], analyst="B9999")
    _write(full_export, lines)
    assert _break_at(full_export) == 6


def test_deleted_event_is_found(full_export: Path) -> None:
    lines = _lines(full_export)
    del lines[_index_of(lines, 5)]
    _write(full_export, lines)
    assert _break_at(full_export) == 5


def test_inserted_event_is_found(full_export: Path) -> None:
    lines = _lines(full_export)
    index = _index_of(lines, 5)
    five = json.loads(lines[index])
    forged = _rewrite(
        lines[index],
        sequence=6,
        event_id="00000000-0000-4000-8000-000000000006",
        prev_hash=five["hash"],
    )
    lines.insert(index + 1, forged)
    _write(full_export, lines)
    assert _break_at(full_export) == 6


def test_swapped_events_are_found(full_export: Path) -> None:
    lines = _lines(full_export)
    four, five = _index_of(lines, 4), _index_of(lines, 5)
    lines[four], lines[five] = lines[five], lines[four]
    _write(full_export, lines)
    assert _break_at(full_export) == 4


@pytest.mark.parametrize(
    ("key", "value"),
    [("count", EVENTS - 1), ("last_sequence", EVENTS - 1), ("head_sequence", 99)],
    ids=["count", "last", "head"],
)
def test_edited_checkpoint_is_found(full_export: Path, key: str, value: int) -> None:
    lines = _lines(full_export)
    record = json.loads(lines[-1])
    record["checkpoint"][key] = value
    lines[-1] = json.dumps(record) + "\n"
    _write(full_export, lines)
    assert not _check(full_export).ok


def test_truncation_with_new_checkpoint_passes(
    events: Database, full_export: Path
) -> None:
    # A known limit: dropping the newest events and rewriting the unsigned
    # checkpoint to match gives the file an earlier export would have had.
    # Only the head hash printed at export time, kept elsewhere, shows it.
    lines = _lines(full_export)
    seven = json.loads(lines[_index_of(lines, EVENTS - 1)])
    record = json.loads(lines[-1])
    record["checkpoint"].update(
        count=EVENTS - 1,
        last_sequence=EVENTS - 1,
        head_sequence=EVENTS - 1,
        head_hash=seven["hash"],
    )
    _write(full_export, [*lines[: EVENTS - 1], json.dumps(record) + "\n"])
    assert _check(full_export).ok
    assert _check(full_export, events).ok


def _problem(path: Path) -> str:
    result = _check(path)
    assert result.first_break is not None, "expected a break"
    assert result.first_break.sequence is None
    return result.first_break.problem


def test_truncated_checkpoint_is_rejected(full_export: Path) -> None:
    _write(full_export, _lines(full_export)[:-1])
    assert "not a checkpoint" in _problem(full_export)


def test_truncated_last_line_is_rejected(full_export: Path) -> None:
    lines = _lines(full_export)
    _write(full_export, [*lines[:-1], lines[-1][:-20]])
    assert "no line break" in _problem(full_export)


def test_checkpoint_before_last_line_is_rejected(full_export: Path) -> None:
    lines = _lines(full_export)
    _write(full_export, [lines[-1], *lines])
    assert "checkpoint appears before the last line" in _problem(full_export)


def test_empty_file_is_rejected(full_export: Path) -> None:
    _write(full_export, [])
    assert "empty" in _problem(full_export)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"sequence"', '"sequence":1,"sequence"', "duplicate key 'sequence'"),
        ('"sequence":1', '"sequence":NaN', "NaN is not allowed"),
        ('"sequence":1', '"sequence":1.0', "sequence is not a positive whole number"),
        ('{"action"', '{"extra":1,"action"', "unexpected keys ['extra']"),
        ('"analyst":"A1234",', "", "missing keys ['analyst']"),
        ('"details":{', '"details":[{', "not valid UTF-8 JSON"),
        ('"occurred_at":"2026', '"occurred_at":"26', "occurred_at is not RFC 3339"),
    ],
    ids=[
        "duplicate-key",
        "nan",
        "float-sequence",
        "extra-key",
        "missing-key",
        "broken-json",
        "short-year",
    ],
)
def test_malformed_event_line_is_rejected(
    full_export: Path, old: str, new: str, message: str
) -> None:
    lines = _lines(full_export)
    assert old in lines[0]
    lines[0] = lines[0].replace(old, new, 1)
    _write(full_export, lines)
    problem = _problem(full_export)
    assert problem.startswith("line 1: ")
    assert message in problem


def test_lone_surrogate_escape_is_rejected(full_export: Path) -> None:
    lines = _lines(full_export)
    lines[0] = lines[0].replace("Łukasz", "\\udcff")
    _write(full_export, lines)
    result = _check(full_export)
    assert result.first_break is not None
    assert result.first_break.sequence == 1
    assert "cannot encode" in result.first_break.problem


def test_invalid_utf8_is_rejected(full_export: Path) -> None:
    data = full_export.read_bytes()
    full_export.write_bytes(data.replace("Ł".encode(), b"\xff", 1))
    assert "not valid UTF-8 JSON" in _problem(full_export)


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no audit export"):
        verify_file(tmp_path / "absent.jsonl")


@pytest.fixture
def case_export(events: Database, tmp_path: Path) -> Path:
    return _export(events, tmp_path / "case.jsonl", AuditFilter(case_reference="CS-A"))


def test_filtered_export_verifies(events: Database, case_export: Path) -> None:
    alone = _check(case_export)
    compared = _check(case_export, events)
    assert alone.ok, alone.first_break
    assert compared.ok, compared.first_break
    assert alone.count == EVENTS // 2


def test_filtered_export_checks_each_hash(case_export: Path) -> None:
    lines = _lines(case_export)
    index = _index_of(lines, 3)
    lines[index] = lines[index].replace('"revision":2', '"revision":3')
    _write(case_export, lines)
    assert _break_at(case_export) == 3


def test_filtered_export_rejects_event_outside_filter(case_export: Path) -> None:
    lines = _lines(case_export)
    index = _index_of(lines, 3)
    lines[index] = _rewrite(lines[index], case_reference="CS-B")
    _write(case_export, lines)
    assert _break_at(case_export) == 3


def test_filtered_deletion_needs_checkpoint_or_database(
    events: Database, case_export: Path
) -> None:
    lines = _lines(case_export)
    del lines[_index_of(lines, 3)]
    _write(case_export, lines)
    assert not _check(case_export).ok
    record = json.loads(lines[-1])
    record["checkpoint"]["count"] -= 1
    lines[-1] = json.dumps(record) + "\n"
    _write(case_export, lines)
    assert _check(case_export).ok
    assert _break_at(case_export, events) == 3


def test_forged_event_in_filtered_export_needs_database(
    events: Database, case_export: Path
) -> None:
    # Event 3's neighbours are not in a one-case export, so a forger who
    # recomputes its hash leaves no broken link in the file.
    lines = _lines(case_export)
    index = _index_of(lines, 3)
    lines[index] = _rewrite(lines[index], reason="nothing to see")
    _write(case_export, lines)
    assert _check(case_export).ok
    assert _break_at(case_export, events) == 3


def test_database_changed_after_export_is_found(
    events: Database, full_export: Path
) -> None:
    drop_triggers(events)
    run_sql(events, "UPDATE audit_event SET reason = 'changed' WHERE sequence = 6")
    assert _break_at(full_export, events) == 6


def test_database_missing_event_is_found(events: Database, full_export: Path) -> None:
    drop_triggers(events)
    run_sql(events, "DELETE FROM audit_event WHERE sequence = 6")
    assert _break_at(full_export, events) == 6
