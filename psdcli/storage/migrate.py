"""Schema migrations with Alembic, run from code with no alembic.ini."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from psdcli.core.errors import DatabaseError
from psdcli.storage import sqlite

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# The newest migration. Checking the stored version against this constant
# avoids loading Alembic on every command; a test keeps it equal to the head
# of the migration scripts.
HEAD_REVISION = "0003"


def current_revision(connection: Connection) -> str | None:
    """Return the schema revision stored in the database, or None when empty."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


def upgrade_to_head(engine: Engine) -> None:
    """Apply every pending migration in one write transaction."""
    with engine.connect() as connection:
        revision = current_revision(connection)
    if revision == HEAD_REVISION:
        return
    if revision is not None and revision not in _known_revisions():
        raise DatabaseError(
            f"the database schema is at revision {revision!r}, newer than this "
            "psdcli knows; upgrade psdcli to use this database."
        )
    _run_alembic_upgrade(engine)


def _known_revisions() -> set[str]:
    return {script.revision for script in _script_directory().walk_revisions()}


def _script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR))


def _run_alembic_upgrade(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    write_engine = engine.execution_options(**{sqlite.WRITE_OPTION: True})
    with write_engine.connect() as connection:
        suspended: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
        if engine.dialect.name == "sqlite":
            suspended = sqlite.foreign_keys_suspended(connection)
        with suspended, connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
