"""Schema creation for new databases, and Alembic migrations for older ones.

Alembic runs from code, with no alembic.ini.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    inspect,
    text,
)
from sqlalchemy.engine import Connection, Engine

from psdcli.core.errors import DatabaseError
from psdcli.storage import append_only, sqlite

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
    """Bring the schema to ``HEAD_REVISION`` in one write transaction.

    A database with no tables gets the whole schema at once from the models,
    by ``create_head_schema``. A database that is behind runs the pending
    Alembic migrations.
    """
    with engine.connect() as connection:
        revision = current_revision(connection)
        is_empty = revision is None and not inspect(connection).get_table_names()
    if revision == HEAD_REVISION:
        return
    if is_empty and create_head_schema(engine):
        return
    if revision is not None and revision not in _known_revisions():
        raise DatabaseError(
            f"the database schema is at revision {revision!r}, newer than this "
            "psdcli knows; upgrade psdcli to use this database."
        )
    run_migrations(engine)


def _known_revisions() -> set[str]:
    return {script.revision for script in _script_directory().walk_revisions()}


def _script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR))


def create_head_schema(engine: Engine) -> bool:
    """Create the schema of ``HEAD_REVISION`` in a database that has no tables.

    Creates the model tables, the append-only triggers on ``audit_event`` and
    the ``alembic_version`` table holding ``HEAD_REVISION``, in one write
    transaction and without loading Alembic. The result is the schema that
    running every migration on an empty database gives, so later migrations
    apply on top of it. Returns False, changing nothing, when the database
    has tables once the transaction has begun, as when another process
    created the schema first.

    A migration that inserts rows into an empty database needs the same rows
    inserted here. Those up to ``HEAD_REVISION`` insert none.
    """
    # Imported here so that opening a database at the head does not load the
    # models. The model modules register their tables in SQLModel.metadata.
    from sqlmodel import SQLModel

    import psdcli.storage.casework_models
    import psdcli.storage.models  # noqa: F401

    # NOTE: the test that compares this schema with the migrated one runs on
    # SQLite only, so on PostgreSQL this path has never run.
    write_engine = engine.execution_options(**{sqlite.WRITE_OPTION: True})
    with write_engine.begin() as connection:
        if inspect(connection).get_table_names():
            return False
        SQLModel.metadata.create_all(connection, checkfirst=False)
        for statement in append_only.install_statements(connection.dialect.name):
            connection.exec_driver_sql(statement)
        version_table = _alembic_version_table()
        version_table.create(connection)
        connection.execute(version_table.insert().values(version_num=HEAD_REVISION))
    return True


def _alembic_version_table() -> Table:
    """Return the table that Alembic stores the revision in, as Alembic defines it.

    The definition is that of ``DefaultImpl.version_table_impl`` in Alembic
    1.20 with its defaults: the name ``alembic_version`` and a primary key.
    """
    return Table(
        "alembic_version",
        MetaData(),
        Column("version_num", String(32), nullable=False),
        PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
    )


def run_migrations(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` with Alembic, in one write transaction.

    Unlike ``upgrade_to_head``, this runs the migrations on an empty database
    too, one by one from the first.
    """
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
            command.upgrade(config, revision)
