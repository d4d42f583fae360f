"""Bulk inserts through the driver store exactly what SQLAlchemy's executemany stores.

Each test writes the same rows to two SQLite files, once with
``session.execute(insert(table), rows)`` and once through ``bulk`` or the
repository functions built on it. The sqlite3 module then reads both files
back, with the storage class (``typeof``) of every value.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    create_engine,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

from psdcli.storage import bulk, location, repository
from psdcli.storage.database import Database, open_database
from psdcli.storage.models import (
    Attachment,
    Bundle,
    Case,
    QuarantinedReport,
    ReportRevision,
    ReportSubject,
    ReportTheme,
    StorageRecipient,
)
from psdcli.storage.types import UTCDateTime

UTC_PLUS_0530 = timezone(timedelta(hours=5, minutes=30))
UTC_MINUS_0800 = timezone(timedelta(hours=-8))
NEWFOUNDLAND = ZoneInfo("America/St_Johns")

Rows = list[dict[str, Any]]
StoredRow = list[tuple[Any, str]]


# Rows that every database gets before a test: one bundle, two cases and
# revision 1 of each, so that revisions and child rows have parents. The
# ids are 1 and 2 in both files.
def _bundle_row() -> dict[str, Any]:
    return {
        "bundle_id": "bundle-1",
        "sequence": 1,
        "recipient_force": "force-a",
        "exporter": "exporter",
        "exported_at": datetime(2026, 2, 1, 8, 0, tzinfo=UTC),
        "imported_at": datetime(2026, 2, 1, 9, 0, tzinfo=UTC),
        "imported_by": "A1",
        "file_name": "bundle.age",
        "file_sha256": "0" * 64,
        "file_size": 100,
        "stored_name": "stored.age",
        "armored": False,
        "reports_total": 2,
        "reports_imported": 2,
        "reports_unchanged": 0,
        "reports_quarantined": 0,
        "manifest_extra": {},
    }


def _parent_case_rows() -> Rows:
    stamp = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    return [
        {
            "reference": f"PARENT-{number}",
            "case_number": f"2026-{number:06d}",
            "version": 1,
            "status": "new",
            "received_at": stamp,
            "created_at": stamp,
            "updated_at": stamp,
            "latest_revision": 1,
            "has_update": False,
            "immediate_danger": False,
            "follow_up_to": None,
        }
        for number in (1, 2)
    ]


def _revision_row(case_id: int, revision: int, **values: Any) -> dict[str, Any]:
    row = {
        "case_id": case_id,
        "revision": revision,
        "bundle_id": 1,
        "imported_at": datetime(2026, 2, 1, 9, 0, tzinfo=UTC),
        "received_at": datetime(2026, 1, 31, 23, 15, tzinfo=UTC_MINUS_0800),
        "channel": "web",
        "anonymous": False,
        "on_duty": "unknown",
        "setting": "street",
        "incident_from": None,
        "incident_to": None,
        "incident_location": None,
        "narrative": "A report.",
        "persons_at_risk": [],
        "immediate_danger": False,
        "follow_up_to": None,
        "extra_fields": {},
        "has_contact": False,
        "contact_sealed": None,
        "content_sha256": f"{case_id:032x}{revision:032x}",
    }
    row.update(values)
    return row


def _case_rows() -> Rows:
    return [
        {
            "reference": "R-Ä-0001",
            "case_number": "2026-000101",
            "version": 1,
            "status": "new",
            "assigned_to": None,
            "category": "gewalt-ß",
            "received_at": datetime(
                2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC_PLUS_0530
            ),
            "created_at": datetime(2026, 3, 1, 4, 1, tzinfo=UTC),
            "updated_at": datetime(2026, 3, 1, 4, 1, tzinfo=UTC),
            "latest_revision": 1,
            "has_update": False,
            "immediate_danger": True,
            "follow_up_to": None,
        },
        {
            "reference": "R-0002",
            "case_number": "2026-000102",
            "version": 3,
            "status": "assigned",
            "assigned_to": "analyst-é",
            "category": None,
            "received_at": datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC_MINUS_0800),
            "created_at": datetime(2026, 7, 1, 12, 0, tzinfo=NEWFOUNDLAND),
            "updated_at": datetime(2026, 7, 1, 12, 0, 0, 1, tzinfo=NEWFOUNDLAND),
            "latest_revision": 2,
            "has_update": True,
            "immediate_danger": False,
            "follow_up_to": "R-Ä-0001",
        },
        {
            "reference": "R-0003 猫",
            "case_number": "2026-000103",
            "version": 1,
            "status": "new",
            "assigned_to": None,
            "category": None,
            "received_at": datetime(2026, 1, 1, 0, 0, tzinfo=NEWFOUNDLAND),
            "created_at": datetime(2026, 1, 1, 3, 30, tzinfo=UTC),
            "updated_at": datetime(2026, 1, 1, 3, 30, tzinfo=UTC),
            "latest_revision": 1,
            "has_update": False,
            "immediate_danger": False,
            "follow_up_to": None,
        },
    ]


def _revision_rows() -> Rows:
    return [
        _revision_row(
            1,
            2,
            anonymous=True,
            incident_from=date(2025, 12, 31),
            incident_location="Straße 5, Köln",
            narrative="Er sagte: «Halt!» 🚓\nZeile zwei.",
            persons_at_risk=[
                {"name": "Zoë", "ages": [3, None], "immediate_danger": True}
            ],
            immediate_danger=True,
            extra_fields={"nested": {"ключ": ["значение", 1.5, None, False]}},
            has_contact=True,
            contact_sealed=b"\x00age\xff\x10",
        ),
        _revision_row(
            2,
            2,
            received_at=datetime(2026, 2, 1, 1, 0, tzinfo=UTC_PLUS_0530),
            incident_to=date(2026, 1, 2),
            follow_up_to="PARENT-1",
            extra_fields=None,
        ),
        _revision_row(
            2,
            3,
            received_at=datetime(2026, 6, 30, 22, 0, tzinfo=NEWFOUNDLAND),
            incident_from=date(2026, 6, 1),
            incident_to=date(2026, 6, 2),
            persons_at_risk=[{"name": None, "notes": ""}],
            extra_fields={"list": [[], {}, "\u0000"]},
        ),
    ]


def _theme_rows() -> Rows:
    return [
        {"revision_id": 1, "theme": "racism"},
        {"revision_id": 1, "theme": "sexisme-é"},
        {"revision_id": 2, "theme": "force"},
    ]


def _subject_rows() -> Rows:
    return [
        {
            "revision_id": 1,
            "position": 0,
            "name": "PC Müller",
            "role": "officer",
            "force": "force-a",
            "rank": None,
            "collar_number": "1234",
            "station": None,
            "description": "tall, 约 180 cm",
        },
        {
            "revision_id": 1,
            "position": 1,
            "name": None,
            "role": "staff",
            "force": "force-b",
            "rank": "Sergeant",
            "collar_number": None,
            "station": "Central",
            "description": None,
        },
    ]


def _attachment_rows() -> Rows:
    return [
        {
            "revision_id": 1,
            "path": "attachments/R-Ä-0001/photo é.jpg",
            "name": "photo é.jpg",
            "media_type": "image/jpeg",
            "size": 2**40,
            "sha256": "a" * 64,
            "sealed": bytes(range(256)),
        },
        {
            "revision_id": 2,
            "path": "attachments/R-0002/empty.txt",
            "name": "empty.txt",
            "media_type": "text/plain",
            "size": 0,
            "sha256": "b" * 64,
            "sealed": b"",
        },
    ]


def _quarantine_rows() -> Rows:
    return [
        {
            "bundle_id": 1,
            "path": "reports/bad.json",
            "reference": None,
            "reason": "invalid JSON: unexpected «}»",
            "size": 12,
            "attachment_count": 0,
            "sealed": b"\x01\x02",
        },
        {
            "bundle_id": 1,
            "path": "reports/R-9.json",
            "reference": "R-9",
            "reason": "revision 1 of R-9 was already imported",
            "size": 4096,
            "attachment_count": 2,
            "sealed": b"\xff" * 10,
        },
    ]


def _recipient_rows() -> Rows:
    return [
        {
            "recipient": "age1first",
            "added_at": datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/London")),
            "added_by": "A1",
        },
        {
            "recipient": "age1second",
            "added_at": datetime(2026, 3, 29, 2, 30, tzinfo=ZoneInfo("Europe/London")),
            "added_by": "Å2",
        },
    ]


def _table(model: type[SQLModel]) -> Table:
    return SQLModel.metadata.tables[str(model.__tablename__)]


def _seed(database: Database) -> None:
    with database.write_session() as session:
        session.execute(insert(_table(Bundle)), [_bundle_row()])
        session.execute(insert(_table(Case)), _parent_case_rows())
        parents = [_revision_row(1, 1), _revision_row(2, 1)]
        session.execute(insert(_table(ReportRevision)), parents)


def _open(path: Path) -> Database:
    database = open_database(location.sqlite_url(path), create=True)
    _seed(database)
    return database


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    """Yield a database for SQLAlchemy's executemany and one for bulk inserts."""
    reference = _open(tmp_path / "data" / "reference.db")
    fast = _open(tmp_path / "data" / "bulk.db")
    yield reference, fast
    reference.close()
    fast.close()


def _path(database: Database) -> Path:
    path = location.sqlite_path(database.url)
    assert path is not None
    return path


def _stored(path: Path, table_name: str) -> list[StoredRow]:
    """Read every row of a table with the sqlite3 module, as (value, typeof) pairs."""
    with closing(sqlite3.connect(path)) as connection:
        columns = [
            str(row[1])
            for row in connection.execute(f'PRAGMA table_info("{table_name}")')
        ]
        selected = ", ".join(f'"{name}", typeof("{name}")' for name in columns)
        # The table and column names come from the schema, not from input.
        query = f'SELECT {selected} FROM "{table_name}" ORDER BY rowid'  # noqa: S608
        rows = connection.execute(query).fetchall()
    return [list(zip(row[0::2], row[1::2], strict=True)) for row in rows]


def _insert_with_repository(
    session: Session, model: type[SQLModel], rows: Rows
) -> None:
    if model is Case:
        repository.insert_cases(session, rows)
    elif model is ReportRevision:
        repository.insert_revisions(session, rows)
    else:
        repository.insert_rows(session, model, rows)


TABLE_CASES: list[tuple[type[SQLModel], Callable[[], Rows]]] = [
    (Case, _case_rows),
    (ReportRevision, _revision_rows),
    (ReportTheme, _theme_rows),
    (ReportSubject, _subject_rows),
    (Attachment, _attachment_rows),
    (QuarantinedReport, _quarantine_rows),
    (StorageRecipient, _recipient_rows),
]


@pytest.mark.parametrize(
    ("model", "make_rows"),
    TABLE_CASES,
    ids=[str(model.__tablename__) for model, _ in TABLE_CASES],
)
def test_repository_insert_stores_same_values(
    databases: tuple[Database, Database],
    model: type[SQLModel],
    make_rows: Callable[[], Rows],
) -> None:
    reference, fast = databases
    table = _table(model)
    with reference.write_session() as session:
        session.execute(insert(table), make_rows())
    with fast.write_session() as session:
        _insert_with_repository(session, model, make_rows())

    expected = _stored(_path(reference), table.name)
    stored = _stored(_path(fast), table.name)
    assert len(expected) >= len(make_rows())
    assert stored == expected


def test_left_out_python_defaults_are_filled(
    databases: tuple[Database, Database],
) -> None:
    defaulted = {"status", "version", "has_update", "immediate_danger"}
    rows = [
        {key: value for key, value in row.items() if key not in defaulted}
        for row in _case_rows()
    ]
    reference, fast = databases
    with reference.write_session() as session:
        session.execute(insert(_table(Case)), rows)
    with fast.write_session() as session:
        bulk.insert_many(session, _table(Case), rows)
        dialect = session.connection().dialect
    # The defaults are computed by SQLAlchemy's executemany, not by bulk.
    assert bulk.compile_insert(_table(Case), tuple(rows[0]), dialect) is None

    stored = _stored(_path(fast), "case")
    assert stored == _stored(_path(reference), "case")
    with fast.read_session() as session:
        statuses = session.scalars(
            select(_table(Case).c.status).where(_table(Case).c.reference == "R-0002")
        ).all()
    assert statuses == ["new"]


def test_insert_cases_returns_ids_in_input_order(
    databases: tuple[Database, Database],
) -> None:
    _, database = databases
    rows = _case_rows()
    rows.reverse()
    with database.write_session() as session:
        ids = repository.insert_cases(session, rows)
        table = _table(Case)
        stored = dict(session.execute(select(table.c.id, table.c.reference)).all())
    assert len(set(ids)) == len(rows)
    assert [stored[row_id] for row_id in ids] == [row["reference"] for row in rows]


def test_insert_cases_ids_span_select_batches(
    databases: tuple[Database, Database],
) -> None:
    _, database = databases
    template = _case_rows()[0]
    count = bulk.SELECT_BATCH_SIZE * 2 + 7
    rows = [
        {**template, "reference": f"R-{number:05d}", "case_number": f"C-{number:05d}"}
        for number in random.Random(7).sample(range(count), count)
    ]
    with database.write_session() as session:
        ids = repository.insert_cases(session, rows)
        table = _table(Case)
        stored = dict(session.execute(select(table.c.id, table.c.reference)).all())
    assert len(ids) == count
    assert [stored[row_id] for row_id in ids] == [row["reference"] for row in rows]


def test_insert_revisions_returns_ids_in_input_order(
    databases: tuple[Database, Database],
) -> None:
    _, database = databases
    # Cases 1 and 2 already have revision 1, which the id look-up also reads
    # back and must ignore.
    rows = [_revision_row(2, 3), _revision_row(1, 2), _revision_row(2, 2)]
    with database.write_session() as session:
        ids = repository.insert_revisions(session, rows)
        table = _table(ReportRevision)
        query = select(table.c.id, table.c.case_id, table.c.revision)
        stored = {
            row_id: (case_id, rev) for row_id, case_id, rev in session.execute(query)
        }
    assert len(set(ids)) == len(rows)
    assert [stored[row_id] for row_id in ids] == [(2, 3), (1, 2), (2, 2)]


def test_naive_datetime_is_rejected(databases: tuple[Database, Database]) -> None:
    _, database = databases
    rows = _case_rows()
    rows[1]["received_at"] = datetime(2026, 1, 1, 12, 0)
    with (
        pytest.raises(ValueError, match="naive datetime"),
        database.write_session() as session,
    ):
        repository.insert_cases(session, rows)

    with database.read_session() as session:
        count = session.scalar(select(func.count()).select_from(_table(Case)))
    assert count == len(_parent_case_rows())


def test_missing_key_in_later_row_raises(
    databases: tuple[Database, Database],
) -> None:
    _, database = databases
    rows = _theme_rows()
    del rows[2]["theme"]
    with pytest.raises(KeyError, match="theme"), database.write_session() as session:
        repository.insert_rows(session, ReportTheme, rows)


def test_empty_lists_insert_nothing(databases: tuple[Database, Database]) -> None:
    _, database = databases
    statements: list[str] = []

    def record(*arguments: Any) -> None:
        statements.append(arguments[2])

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        with database.write_session() as session:
            assert repository.insert_cases(session, []) == []
            assert repository.insert_revisions(session, []) == []
            for model in (ReportTheme, ReportSubject, Attachment, QuarantinedReport):
                repository.insert_rows(session, model, [])
    finally:
        event.remove(database.engine, "before_cursor_execute", record)

    assert statements == []
    for model, _ in TABLE_CASES:
        table_name = str(model.__tablename__)
        before = _stored(_path(databases[0]), table_name)
        assert _stored(_path(database), table_name) == before


ODD_METADATA = MetaData()
ODD_TABLE = Table(
    "odd_names",
    ODD_METADATA,
    Column("id", Integer, primary_key=True),
    Column("first name", Text),
    Column("size.bytes", Integer),
    Column("per%cent", Text),
    Column("stamp", UTCDateTime),
    Column("flag", Boolean),
    Column("data", JSON),
    Column("blob", LargeBinary),
)


@pytest.mark.parametrize("paramstyle", ["qmark", "named"])
def test_paramstyles_store_same_values(tmp_path: Path, paramstyle: str) -> None:
    rows = [
        {
            "first name": "Ådne",
            "size.bytes": 10,
            "per%cent": None,
            "stamp": datetime(2026, 5, 5, 5, 5, tzinfo=UTC_PLUS_0530),
            "flag": True,
            "data": {"a": [1, "é"]},
            "blob": b"\x00",
        },
        {
            "first name": None,
            "size.bytes": None,
            "per%cent": "50%",
            "stamp": None,
            "flag": None,
            "data": None,
            "blob": None,
        },
    ]
    paths = [tmp_path / "reference.db", tmp_path / "bulk.db"]
    engines = [
        create_engine(f"sqlite:///{path}", paramstyle=paramstyle) for path in paths
    ]
    for engine in engines:
        ODD_METADATA.create_all(engine)
    with Session(engines[0]) as session, session.begin():
        session.execute(insert(ODD_TABLE), rows)
    with Session(engines[1]) as session, session.begin():
        bulk.insert_many(session, ODD_TABLE, rows)
    compiled = bulk.compile_insert(ODD_TABLE, tuple(rows[0]), engines[1].dialect)
    for engine in engines:
        engine.dispose()

    assert compiled is not None
    assert (compiled.names is None) == (paramstyle == "qmark")
    stored = _stored(paths[1], "odd_names")
    assert len(stored) == len(rows)
    assert stored == _stored(paths[0], "odd_names")


# Fixed offsets of up to a day either way, and named zones with daylight
# saving time.
AWARE_DATETIMES = st.datetimes(
    min_value=datetime(2, 1, 1),
    max_value=datetime(9998, 12, 31),
    timezones=st.one_of(
        st.timedeltas(
            min_value=timedelta(hours=-23, minutes=-59),
            max_value=timedelta(hours=23, minutes=59),
        ).map(timezone),
        st.timezones(),
    ),
)


@given(value=AWARE_DATETIMES)
def test_sqlite_datetime_text_matches_sqlalchemy(value: datetime) -> None:
    dialect = sqlite.dialect()
    column_type = UTCDateTime()
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    assert process is not None
    sqlalchemy_process = sqlite.DATETIME().bind_processor(dialect)
    naive_utc = column_type.process_bind_param(value, dialect)
    assert process(value) == sqlalchemy_process(naive_utc)


def test_sqlite_datetime_processor_rejects_naive() -> None:
    dialect = sqlite.dialect()
    process = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert process is not None
    assert process(None) is None
    with pytest.raises(ValueError, match="naive datetime"):
        process(datetime(2026, 1, 1))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
OPTIONAL_TEXT = st.none() | st.text(max_size=20)
REVISION_VALUES = st.fixed_dictionaries(
    {
        "imported_at": AWARE_DATETIMES,
        "received_at": AWARE_DATETIMES,
        "anonymous": st.booleans(),
        "incident_from": st.none() | st.dates(),
        "incident_to": st.none() | st.dates(),
        "incident_location": OPTIONAL_TEXT,
        "narrative": st.text(max_size=50),
        "persons_at_risk": JSON_VALUES,
        "immediate_danger": st.booleans(),
        "follow_up_to": OPTIONAL_TEXT,
        "extra_fields": JSON_VALUES,
        "has_contact": st.booleans(),
        "contact_sealed": st.none() | st.binary(max_size=20),
    }
)


def test_generated_revisions_store_same_values(
    databases: tuple[Database, Database],
) -> None:
    reference, fast = databases
    table = _table(ReportRevision)

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(values=st.lists(REVISION_VALUES, min_size=1, max_size=8))
    def check(values: list[dict[str, Any]]) -> None:
        rows = [
            _revision_row(1, number + 2, **row) for number, row in enumerate(values)
        ]
        with reference.write_session() as session:
            session.execute(insert(table), rows)
        with fast.write_session() as session:
            ids = repository.insert_revisions(session, rows)
        try:
            assert len(ids) == len(rows)
            stored = _stored(_path(fast), table.name)
            assert stored == _stored(_path(reference), table.name)
        finally:
            for database in databases:
                with database.write_session() as session:
                    session.execute(table.delete().where(table.c.revision > 1))

    check()


def test_postgresql_insert_uses_named_parameters() -> None:
    table = _table(ReportSubject)
    keys = tuple(_subject_rows()[0])
    compiled = bulk.compile_insert(table, keys, postgresql.psycopg.dialect())
    assert compiled is not None
    assert compiled.names == keys
    assert "%(revision_id)s" in compiled.sql
    values = compiled.parameter_sets(_subject_rows())
    assert values == _subject_rows()
