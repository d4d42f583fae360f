"""Export writers: JSON Lines and CSV, filters, non-ASCII text and memory use."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from audit_helpers import add_events, bulk_insert

from psdcli.audit.checkpoint import Checkpoint
from psdcli.audit.export import CSV_COLUMNS, export_csv, export_jsonl
from psdcli.audit.filters import AuditFilter, build_filter
from psdcli.core.errors import UsageError
from psdcli.storage import location
from psdcli.storage.database import Database, open_database

NAMES = ["Siân", "Łukasz", "Nguyễn", "عائشہ"]
REASONS = [
    "Gofynnodd Siân am adolygiad",
    "Łukasz poprosił o przegląd",
    "Nguyễn yêu cầu xem xét",
    "جائزے کی درخواست",
]


def _jsonl(database: Database, filters: AuditFilter) -> tuple[list[dict], Checkpoint]:
    out = io.StringIO()
    with database.read_session() as session:
        checkpoint = export_jsonl(session, filters, out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert records[-1] == {"checkpoint": checkpoint.to_json()}
    return records[:-1], checkpoint


def _sequences(database: Database, **options: str) -> list[int]:
    events, _ = _jsonl(database, build_filter(**options))
    return [event["sequence"] for event in events]


@pytest.fixture
def three_days(database: Database) -> Database:
    """72 events one hour apart from 2026-03-01T10:00Z (sequence N at START+N h)."""
    bulk_insert(database, 72, step=timedelta(hours=1))
    return database


def test_jsonl_has_events_then_checkpoint(three_days: Database) -> None:
    events, checkpoint = _jsonl(three_days, AuditFilter())
    assert [event["sequence"] for event in events] == list(range(1, 73))
    assert checkpoint.count == 72
    assert checkpoint.first_sequence == 1
    assert checkpoint.last_sequence == 72
    assert checkpoint.head_sequence == 72
    assert checkpoint.head_hash == events[-1]["hash"]
    assert checkpoint.filters.is_empty()


def test_empty_export_still_has_checkpoint(three_days: Database) -> None:
    events, checkpoint = _jsonl(three_days, AuditFilter(case_reference="CS-NONE"))
    assert events == []
    assert checkpoint.count == 0
    assert checkpoint.first_sequence is None
    assert checkpoint.last_sequence is None
    assert checkpoint.head_sequence == 72


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"since": "2026-03-02"}, list(range(15, 73))),
        ({"until": "2026-03-01"}, list(range(1, 15))),
        ({"since": "2026-03-02", "until": "2026-03-02"}, list(range(15, 39))),
        ({"since": "2026-03-01T20:00:00Z"}, list(range(11, 73))),
        ({"until": "2026-03-01T20:00:00Z"}, list(range(1, 12))),
        (
            {"since": "2026-03-01T21:00:00+01:00", "until": "2026-03-01T22:59:59Z"},
            [11, 12, 13],
        ),
        ({"since": "2026-03-01t20:00:00.000001z"}, list(range(12, 73))),
        ({"case_reference": "CS-2026-000007"}, [7, 57]),
        ({"analyst": "A1"}, list(range(1, 73, 3))),
        ({"operation": "erasure"}, list(range(5, 73, 6))),
        (
            {"analyst": "A2", "operation": "erasure", "since": "2026-03-03"},
            [41, 47, 53, 59, 65, 71],
        ),
    ],
    ids=[
        "since-date",
        "until-date-inclusive",
        "one-day",
        "since-time",
        "until-time-inclusive",
        "time-with-offset",
        "lower-case-and-fraction",
        "case",
        "analyst",
        "operation",
        "all-conditions-at-once",
    ],
)
def test_filters_select_events(
    three_days: Database, options: dict[str, str], expected: list[int]
) -> None:
    assert _sequences(three_days, **options) == expected


def test_checkpoint_records_filters(three_days: Database) -> None:
    filters = build_filter(since="2026-03-02", operation="erasure")
    _, checkpoint = _jsonl(three_days, filters)
    assert checkpoint.to_json()["filters"] == {
        "analyst": None,
        "before": None,
        "case_reference": None,
        "operation": "erasure",
        "since": "2026-03-02T00:00:00.000000Z",
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"since": "2026-02-30"}, "does not exist"),
        ({"since": "2026-03-01T10:00:00"}, "RFC 3339 time with an offset"),
        ({"since": "yesterday"}, "invalid --since value 'yesterday'"),
        ({"until": "2026-3-1"}, "invalid --until value"),
        ({"since": "2026-03-02", "until": "2026-03-01"}, "not earlier than"),
        ({"operation": "viewing"}, "invalid audit operation 'viewing'"),
    ],
    ids=["no-such-day", "no-offset", "word", "short-date", "empty-range", "operation"],
)
def test_invalid_filter_is_a_usage_error(options: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        build_filter(**options)


def test_export_stops_at_head_read_first(database: Database) -> None:
    add_events(database, 3)
    out = io.StringIO()
    with database.read_session() as session:
        checkpoint = export_jsonl(session, AuditFilter(), out)
    add_events(database, 2)
    assert checkpoint.head_sequence == 3
    assert out.getvalue().count("\n") == 4


@pytest.fixture
def international(database: Database) -> Database:
    for name, reason in zip(NAMES, REASONS, strict=True):
        add_events(
            database,
            1,
            analyst=name,
            reason=reason,
            recipient=f"{name} (Heddlu Dyfed-Powys)",
            case_reference=f"CS-{name}",
            details={"note": reason},
        )
    return database


def test_jsonl_round_trips_non_ascii(international: Database) -> None:
    events, _ = _jsonl(international, AuditFilter())
    assert [event["analyst"] for event in events] == NAMES
    assert [event["reason"] for event in events] == REASONS
    assert [event["details"]["note"] for event in events] == REASONS


def test_jsonl_writes_utf8_not_escapes(international: Database, tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    with (
        international.read_session() as session,
        path.open("w", encoding="utf-8") as out,
    ):
        export_jsonl(session, AuditFilter(), out)
    data = path.read_bytes()
    for name in NAMES:
        assert name.encode("utf-8") in data
    assert b"\\u" not in data


def _csv_text(database: Database, *, bom: bool) -> str:
    out = io.StringIO(newline="")
    with database.read_session() as session:
        export_csv(session, AuditFilter(), out, bom=bom)
    return out.getvalue()


@pytest.mark.parametrize("bom", [False, True], ids=["plain", "bom"])
def test_csv_round_trips_non_ascii(
    international: Database, tmp_path: Path, bom: bool
) -> None:
    path = tmp_path / "audit.csv"
    path.write_bytes(_csv_text(international, bom=bom).encode("utf-8"))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") == bom
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["analyst"] for row in rows] == NAMES
    assert [row["reason"] for row in rows] == REASONS
    assert [row["case_reference"] for row in rows] == [f"CS-{n}" for n in NAMES]
    assert [json.loads(row["details"])["note"] for row in rows] == REASONS


def test_csv_has_one_header_row_and_crlf_lines(international: Database) -> None:
    text = _csv_text(international, bom=False)
    lines = text.split("\r\n")
    assert lines[0] == ",".join(CSV_COLUMNS)
    assert text.count("sequence,occurred_at") == 1
    assert len([line for line in lines if line]) == 1 + len(NAMES)


def test_csv_and_jsonl_checkpoints_agree(international: Database) -> None:
    with international.read_session() as session:
        from_csv = export_csv(session, AuditFilter(), io.StringIO())
        from_jsonl = export_jsonl(session, AuditFilter(), io.StringIO())
    assert from_csv.count == from_jsonl.count
    assert from_csv.head_hash == from_jsonl.head_hash


STREAMED_EVENTS = 50_000
# Far below the size of the export itself (24 MB of JSON Lines and 15 MB of
# CSV for these events), and about four times the 1 MB peak measured with
# query.CHUNK_SIZE rows per chunk.
MEMORY_BOUND = 4 * 1024 * 1024


@pytest.fixture(scope="module")
def large_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("large") / "data"
    database = open_database(location.sqlite_url(folder / "audit.db"), create=True)
    bulk_insert(database, STREAMED_EVENTS)
    yield database
    database.close()


@pytest.mark.parametrize("writer", [export_jsonl, export_csv], ids=["jsonl", "csv"])
def test_export_memory_stays_bounded(
    large_database: Database, tmp_path: Path, writer: Callable[..., Checkpoint]
) -> None:
    path = tmp_path / "export"
    with (
        large_database.read_session() as session,
        path.open("w", encoding="utf-8", newline="") as out,
    ):
        tracemalloc.start()
        try:
            checkpoint = writer(session, AuditFilter(), out)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert checkpoint.count == STREAMED_EVENTS
    assert path.stat().st_size > 3 * MEMORY_BOUND
    assert peak < MEMORY_BOUND, f"peak {peak} bytes"
