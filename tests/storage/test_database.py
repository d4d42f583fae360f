"""The database: file modes, UTC timestamps, migrations and write locking."""

from __future__ import annotations

import os
import stat
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

import psdcli.storage.casework_models  # noqa: F401  (registers the tables)
from psdcli.core.errors import ConfigError, DatabaseError, NotFoundError
from psdcli.storage import location, migrate
from psdcli.storage.database import Database, open_database
from psdcli.storage.models import StorageRecipient
from psdcli.storage.types import UTCDateTime


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def database(tmp_path: Path) -> Database:
    db = open_database(location.sqlite_url(tmp_path / "data" / "cases.db"), create=True)
    yield db
    db.close()


def test_new_database_and_folder_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    db = open_database(location.sqlite_url(folder / "cases.db"), create=True)
    with db.write_session() as session:
        session.execute(text("SELECT 1"))
    db.close()
    assert _mode(folder) == 0o700
    assert _mode(folder / "cases.db") == 0o600
    for suffix in ("-wal", "-shm"):
        side_file = folder / f"cases.db{suffix}"
        if side_file.exists():
            assert _mode(side_file) == 0o600


def test_default_database_lives_in_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PSDCLI_DATA_DIR", str(tmp_path / "d"))
    url = location.database_url(None)
    assert url == f"sqlite:///{(tmp_path / 'd' / 'psdcli.db').resolve()}"


def test_database_url_prefers_option_then_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PSDCLI_DB", str(tmp_path / "env.db"))
    assert location.database_url(None).endswith("env.db")
    assert location.database_url(str(tmp_path / "opt.db")).endswith("opt.db")
    assert location.database_url("postgresql://u@localhost/psd") == (
        "postgresql://u@localhost/psd"
    )


def test_read_of_missing_database_says_how_to_create(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="psdcli init"):
        open_database(location.sqlite_url(tmp_path / "absent.db"), create=False)
    assert not (tmp_path / "absent.db").exists()


def test_database_readable_by_others_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "open.db"
    open_database(location.sqlite_url(path), create=True).close()
    os.chmod(path, 0o644)
    with pytest.raises(DatabaseError, match="chmod 600"):
        open_database(location.sqlite_url(path), create=False)


def test_data_folder_readable_by_others_is_rejected(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    with pytest.raises(ConfigError, match="chmod 700"):
        location.ensure_private_dir(folder)


def test_file_that_is_not_a_database_gives_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are not SQLite pages " * 200)
    os.chmod(path, 0o600)
    with pytest.raises(DatabaseError, match="not a database"):
        open_database(location.sqlite_url(path), create=False)


def test_timestamps_round_trip_as_aware_utc(database: Database) -> None:
    stamp = datetime(
        2026, 3, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=5, minutes=30))
    )
    with database.write_session() as session:
        session.add(
            StorageRecipient(recipient="age1example", added_at=stamp, added_by="A1")
        )
    with database.read_session() as session:
        stored = session.scalars(select(StorageRecipient.added_at)).one()
    assert stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)
    assert stored == stamp
    assert stored == datetime(2026, 3, 1, 4, 0, 15, 123456, tzinfo=UTC)


def test_naive_timestamp_is_rejected(database: Database) -> None:
    column_type = UTCDateTime()
    with pytest.raises(ValueError, match="naive datetime"):
        column_type.process_bind_param(datetime(2026, 1, 1), database.engine.dialect)


def test_head_revision_constant_matches_scripts() -> None:
    script = ScriptDirectory(str(migrate.MIGRATIONS_DIR))
    assert script.get_current_head() == migrate.HEAD_REVISION


def test_database_from_newer_psdcli_is_rejected(database: Database) -> None:
    with database.write_session() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    database.close()
    with pytest.raises(DatabaseError, match="upgrade psdcli"):
        open_database(database.url, create=False)


def test_sqlite_runs_in_wal_mode(database: Database) -> None:
    with database.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    assert mode == "wal"


def test_concurrent_read_then_write_never_reports_locked(database: Database) -> None:
    """Two writers that read, pause, then write must both succeed.

    With deferred transactions the second writer's upgrade from a read lock
    fails at once with "database is locked"; BEGIN IMMEDIATE makes it wait.
    """
    others = [open_database(database.url, create=False) for _ in range(2)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def worker(db: Database, name: str) -> None:
        try:
            barrier.wait()
            for index in range(10):
                with db.write_session() as session:
                    count = session.scalar(
                        select(func.count()).select_from(StorageRecipient)
                    )
                    session.add(
                        StorageRecipient(
                            recipient=f"{name}-{index}-{count}",
                            added_at=datetime.now(UTC),
                            added_by=name,
                        )
                    )
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=worker, args=(db, f"w{n}"))
        for n, db in enumerate(others)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for db in others:
        db.close()
    assert errors == []
    with database.read_session() as session:
        assert session.scalar(select(func.count()).select_from(StorageRecipient)) == 20
