"""Everything specific to SQLite lives here.

The rest of the storage layer uses SQLAlchemy constructs only, so that a
PostgreSQL URL works without changes there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from psdcli.core.errors import ConfigError, DatabaseError

BUSY_TIMEOUT_MS = 15_000

# The execution option that makes a transaction start with BEGIN IMMEDIATE,
# taking SQLite's write lock at the start. A deferred transaction that reads
# and then writes can fail with "database is locked" when another process
# wrote in between; an immediate one waits up to the busy timeout instead.
WRITE_OPTION = "psdcli_write"


def create_database_file(path: Path) -> None:
    """Create an empty database file with mode 0600 unless it exists.

    SQLite creates its -wal and -shm files with the mode of the database, so
    they are private too.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as error:
        raise ConfigError(
            f"cannot create the database {path}: {error.strerror}; "
            "choose a writable location with --db."
        ) from None
    os.close(descriptor)


def check_database_file(path: Path) -> None:
    """Reject a database file that other users can read or that is not a file."""
    if not path.is_file():
        raise DatabaseError(f"{path} is not a database file; check --db.")
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise DatabaseError(
            f"the database {path} is readable by other users (mode {mode:o}); "
            f"run `chmod 600 {path}` and try again."
        )


def configure_engine(engine: Engine) -> None:
    """Set WAL mode, the busy timeout, foreign keys and explicit BEGIN."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Stop the sqlite3 module from issuing its own BEGIN, so that the
        # "begin" listener below decides how each transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


@contextmanager
def foreign_keys_suspended(connection: Connection) -> Iterator[None]:
    """Turn foreign key checks off for a migration, then check every reference.

    Altering a table on SQLite copies it, drops the original and renames the
    copy; with foreign keys on, dropping a referenced table fails. The pragma
    only takes effect outside a transaction, so it goes straight to the
    driver connection, before the migration's transaction begins.
    """
    driver = connection.connection.dbapi_connection
    if driver is None:
        raise DatabaseError("the database connection closed before the migration.")
    driver.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
        problems = driver.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise DatabaseError(
                f"the schema upgrade left {len(problems)} broken references; the "
                "database was not changed. Report this with the database's schema."
            )
    finally:
        driver.execute("PRAGMA foreign_keys = ON")


def truncate_wal(engine: Engine) -> bool:
    """Copy the write-ahead log into the database file and empty it.

    After sealed data is re-encrypted, the database file still holds the old
    pages until a checkpoint copies the new ones over them; secure_delete
    then leaves no trace of the old ones. Returns False when another
    connection's read kept the checkpoint from finishing, so the caller
    can say that old ciphertext remains.
    """
    with engine.connect() as connection:
        driver = connection.connection.dbapi_connection
        if driver is None:
            return False
        busy, _log_frames, _copied = driver.execute(
            "PRAGMA wal_checkpoint(TRUNCATE)"
        ).fetchone()
    return int(busy) == 0
