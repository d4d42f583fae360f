"""A new database's schema, created from the models, against the migrated one."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select
from sqlmodel import SQLModel

from psdcli.core.errors import DatabaseError
from psdcli.storage import location, migrate, sqlite
from psdcli.storage.database import open_database

APPEND_ONLY_TRIGGERS = {
    "audit_event_check_append",
    "audit_event_reject_delete",
    "audit_event_reject_update",
}

# A migration after the head, for checking that a new database takes later
# migrations. Its batch operation rebuilds "case", and dropping
# uq_case_case_number by name fails unless the constraint has that name.
NEXT_MIGRATION = '''"""Add the case priority and rename the case number constraint."""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Integer(), nullable=True))
        batch_op.drop_constraint("uq_case_case_number", type_="unique")
        batch_op.create_unique_constraint("uq_case_number", ["case_number"])


def downgrade() -> None:
    raise NotImplementedError
'''


def _new_database(path: Path) -> Path:
    """Create a database the way ``psdcli init`` and a first import do."""
    open_database(location.sqlite_url(path), create=True).close()
    return path


def _migrated_database(path: Path, revision: str = "head") -> Path:
    """Create a database by running the Alembic migrations one by one."""
    sqlite.create_database_file(path)
    engine = create_engine(location.sqlite_url(path))
    sqlite.configure_engine(engine)
    try:
        migrate.run_migrations(engine, revision)
    finally:
        engine.dispose()
    return path


def _query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql).fetchall()


def _normalise(sql: str | None) -> str | None:
    return None if sql is None else " ".join(sql.split())


def _schema_objects(path: Path) -> list[tuple[str, str, str, str | None]]:
    """Return every table, index and trigger from sqlite_master, SQL normalised."""
    rows = _query(path, "SELECT type, name, tbl_name, sql FROM sqlite_master")
    return sorted(
        (kind, name, table, _normalise(sql)) for kind, name, table, sql in rows
    )


def _describe_tables(path: Path) -> dict[str, dict[str, object]]:
    """Return each table's structure as SQLAlchemy's inspector reflects it."""
    engine = create_engine(location.sqlite_url(path))
    try:
        inspector = inspect(engine)
        return {
            table: {
                "columns": [
                    (
                        column["name"],
                        str(column["type"]),
                        column["nullable"],
                        column["default"],
                        column.get("primary_key"),
                    )
                    for column in inspector.get_columns(table)
                ],
                "primary key": inspector.get_pk_constraint(table),
                "indexes": sorted(
                    (index["name"] or "", tuple(index["column_names"]), index["unique"])
                    for index in inspector.get_indexes(table)
                ),
                "unique constraints": sorted(
                    (unique["name"] or "", tuple(unique["column_names"]))
                    for unique in inspector.get_unique_constraints(table)
                ),
                "check constraints": sorted(
                    (check["name"] or "", check["sqltext"])
                    for check in inspector.get_check_constraints(table)
                ),
                "foreign keys": sorted(
                    (
                        key["name"] or "",
                        tuple(key["constrained_columns"]),
                        key["referred_table"],
                        tuple(key["referred_columns"]),
                        tuple(sorted(key["options"].items())),
                    )
                    for key in inspector.get_foreign_keys(table)
                ),
            }
            for table in inspector.get_table_names()
        }
    finally:
        engine.dispose()


def _sqlite_details(path: Path) -> dict[str, dict[str, object]]:
    """Return each table's indexes, automatic ones included, and foreign keys.

    PRAGMA index_list lists the indexes that SQLite makes for UNIQUE and
    PRIMARY KEY constraints, which the inspector leaves out, and PRAGMA
    foreign_key_list gives every ON UPDATE and ON DELETE action.
    """
    details: dict[str, dict[str, object]] = {}
    tables = _query(path, "SELECT name FROM sqlite_master WHERE type = 'table'")
    for (table,) in tables:
        indexes = []
        for _, name, unique, origin, partial in _query(
            path, f'PRAGMA index_list("{table}")'
        ):
            columns = _query(path, f'PRAGMA index_info("{name}")')
            indexes.append((name, unique, origin, partial, tuple(columns)))
        keys = _query(path, f'PRAGMA foreign_key_list("{table}")')
        details[table] = {
            "indexes": sorted(indexes),
            "foreign keys": sorted(row[2:] for row in keys),
        }
    return details


def _count_rows(path: Path) -> dict[str, int | None]:
    engine = create_engine(location.sqlite_url(path))
    try:
        with engine.connect() as connection:
            return {
                name: connection.scalar(select(func.count()).select_from(table))
                for name, table in SQLModel.metadata.tables.items()
            }
    finally:
        engine.dispose()


def _triggers(path: Path) -> list[tuple[str, str, str | None]]:
    rows = _query(
        path, "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
    )
    return sorted((name, table, _normalise(sql)) for name, table, sql in rows)


@pytest.fixture(scope="module")
def database_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A new database from ``open_database`` and one from every migration."""
    folder = tmp_path_factory.mktemp("schemas")
    return _new_database(folder / "new.db"), _migrated_database(folder / "migrated.db")


def test_schema_sql_matches_migrations(database_pair: tuple[Path, Path]) -> None:
    new, migrated = database_pair
    assert _schema_objects(new) == _schema_objects(migrated)


def test_every_table_matches_migrations(database_pair: tuple[Path, Path]) -> None:
    new, migrated = database_pair
    new_tables = _describe_tables(new)
    migrated_tables = _describe_tables(migrated)
    expected = {*SQLModel.metadata.tables, "alembic_version"}
    assert set(new_tables) == expected
    assert set(migrated_tables) == expected
    for table, aspects in migrated_tables.items():
        for aspect, value in aspects.items():
            assert new_tables[table][aspect] == value, f"{table}: {aspect} differ"


def test_sqlite_indexes_match_migrations(database_pair: tuple[Path, Path]) -> None:
    new, migrated = database_pair
    new_details = _sqlite_details(new)
    migrated_details = _sqlite_details(migrated)
    assert set(new_details) == set(migrated_details)
    for table, aspects in migrated_details.items():
        for aspect, value in aspects.items():
            assert new_details[table][aspect] == value, f"{table}: {aspect} differ"


def test_triggers_match_migrations(database_pair: tuple[Path, Path]) -> None:
    new, migrated = database_pair
    new_triggers = _triggers(new)
    assert {name for name, _, _ in new_triggers} == APPEND_ONLY_TRIGGERS
    assert new_triggers == _triggers(migrated)


def test_revision_row_matches_migrations(database_pair: tuple[Path, Path]) -> None:
    new, migrated = database_pair
    expected = [(migrate.HEAD_REVISION,)]
    assert _query(migrated, "SELECT version_num FROM alembic_version") == expected
    assert _query(new, "SELECT version_num FROM alembic_version") == expected


def test_new_database_has_no_rows(database_pair: tuple[Path, Path]) -> None:
    new, migrated = database_pair
    expected = dict.fromkeys(SQLModel.metadata.tables, 0)
    assert _count_rows(migrated) == expected
    assert _count_rows(new) == expected


def test_migrated_database_matches_models(database_pair: tuple[Path, Path]) -> None:
    _, migrated = database_pair
    engine = create_engine(location.sqlite_url(migrated))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True}
            )
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_new_database_skips_alembic(tmp_path: Path) -> None:
    url = location.sqlite_url(tmp_path / "data" / "cases.db")
    script = (
        "import sys\n"
        "from psdcli.storage.database import open_database\n"
        f"open_database({url!r}, create=True).close()\n"
        "print('ALEMBIC', 'alembic' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert "ALEMBIC False" in result.stdout, result.stdout + result.stderr
    assert _query(tmp_path / "data" / "cases.db", "SELECT * FROM alembic_version")


def test_upgrade_of_new_database_is_no_op(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _new_database(tmp_path / "new.db")
    schema_version = _query(path, "PRAGMA schema_version")
    objects = _schema_objects(path)

    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the migrations ran on a database at the head")

    monkeypatch.setattr(migrate, "run_migrations", fail)
    monkeypatch.setattr(migrate, "create_head_schema", fail)
    engine = create_engine(location.sqlite_url(path))
    sqlite.configure_engine(engine)
    try:
        migrate.upgrade_to_head(engine)
    finally:
        engine.dispose()
    assert _query(path, "PRAGMA schema_version") == schema_version
    assert _schema_objects(path) == objects


def test_head_schema_skips_nonempty_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE unrelated (id INTEGER PRIMARY KEY)")
    objects = _schema_objects(path)
    engine = create_engine(location.sqlite_url(path))
    sqlite.configure_engine(engine)
    try:
        created = migrate.create_head_schema(engine)
    finally:
        engine.dispose()
    assert created is False
    assert _schema_objects(path) == objects


def test_failed_creation_leaves_no_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data" / "cases.db"

    def broken_statements(_dialect_name: str) -> tuple[str, ...]:
        return ("CREATE TRIGGER broken",)

    monkeypatch.setattr(migrate.append_only, "install_statements", broken_statements)
    with pytest.raises(DatabaseError, match="database error"):
        open_database(location.sqlite_url(path), create=True)
    assert _schema_objects(path) == []


def test_database_behind_head_runs_migrations(tmp_path: Path) -> None:
    path = _migrated_database(tmp_path / "old.db", revision="0002")
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        connection.execute(
            'INSERT INTO "case" (reference, status, received_at, created_at, '
            "updated_at, latest_revision, has_update, immediate_danger) VALUES "
            "('R-1', 'new', '2026-03-01 09:00:00', '2026-03-02 10:00:00', "
            "'2026-03-02 10:00:00', 1, 0, 0)"
        )
    open_database(location.sqlite_url(path), create=False).close()
    new = _new_database(tmp_path / "new.db")
    assert _query(path, "SELECT version_num FROM alembic_version") == [("0003",)]
    assert _query(path, 'SELECT case_number FROM "case"') == [("PSD-2026-0001",)]
    assert _query(path, "SELECT year, last_number FROM case_counter") == [(2026, 1)]
    assert _schema_objects(path) == _schema_objects(new)


def test_later_migration_applies_to_new_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _new_database(tmp_path / "new.db")
    migrations = tmp_path / "migrations"
    shutil.copytree(
        migrate.MIGRATIONS_DIR,
        migrations,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (migrations / "versions" / "0004_add_the_case_priority.py").write_text(
        NEXT_MIGRATION
    )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", migrations)
    monkeypatch.setattr(migrate, "HEAD_REVISION", "0004")

    open_database(location.sqlite_url(path), create=False).close()

    assert _query(path, "SELECT version_num FROM alembic_version") == [("0004",)]
    columns = [row[1] for row in _query(path, 'PRAGMA table_info("case")')]
    assert columns[-1] == "priority"
    unique_names = [
        unique["name"] for unique in _describe_unique_constraints(path, "case")
    ]
    assert "uq_case_number" in unique_names
    assert "uq_case_case_number" not in unique_names
    assert {name for name, _, _ in _triggers(path)} == APPEND_ONLY_TRIGGERS


def _describe_unique_constraints(path: Path, table: str) -> list[dict[str, Any]]:
    engine = create_engine(location.sqlite_url(path))
    try:
        return list(inspect(engine).get_unique_constraints(table))
    finally:
        engine.dispose()
