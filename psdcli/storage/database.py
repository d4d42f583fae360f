"""Open the database, bring its schema up to date and hand out sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import Session

from psdcli.core.errors import DatabaseError, NotFoundError
from psdcli.storage import location, migrate, sqlite


@dataclass
class Database:
    """An open database and the folder that keeps its bundle files."""

    url: str
    engine: Engine
    bundle_dir: Path

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """Yield a session for reading; it is rolled back at the end."""
        with _translate_errors(self.url), Session(self.engine) as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """Yield a session whose transaction holds the write lock from the start.

        The transaction commits when the block ends and rolls back on any
        exception, so that a failed command changes nothing.
        """
        engine = self.engine.execution_options(**{sqlite.WRITE_OPTION: True})
        with _translate_errors(self.url), Session(engine) as session, session.begin():
            yield session

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return _safe_url(self.url)

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()


def open_database(url: str, *, create: bool) -> Database:
    """Open the database at ``url`` and upgrade its schema to the latest.

    With ``create`` false, a missing SQLite file is an error that says how to
    create one, so that a mistyped ``--db`` does not start an empty database.
    """
    path = location.sqlite_path(url)
    if path is not None:
        _prepare_sqlite_file(path, create=create)
    try:
        engine = create_engine(url)
    except (SQLAlchemyError, ImportError, ValueError) as error:
        raise DatabaseError(
            f"cannot use the database URL {_safe_url(url)}: {error}; check --db "
            "or PSDCLI_DB."
        ) from None
    if path is not None:
        sqlite.configure_engine(engine)
    with _translate_errors(url):
        migrate.upgrade_to_head(engine)
    return Database(url=url, engine=engine, bundle_dir=location.bundle_store_dir(url))


def _prepare_sqlite_file(path: Path, *, create: bool) -> None:
    if path.exists():
        sqlite.check_database_file(path)
        return
    if not create:
        raise NotFoundError(
            f"no database at {path}; run `psdcli init` to create it, or check "
            "--db and PSDCLI_DB."
        )
    location.ensure_private_dir(path.parent)
    sqlite.create_database_file(path)


def _safe_url(url: str) -> str:
    """Return the URL with any password hidden."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (SQLAlchemyError, ValueError):
        return "(unparsable URL)"


@contextmanager
def _translate_errors(url: str) -> Iterator[None]:
    """Turn driver errors into one-line DatabaseErrors."""
    try:
        yield
    except DBAPIError as error:
        detail = str(error.orig) if error.orig is not None else type(error).__name__
        hint = "try again in a moment" if "locked" in detail else "check the path"
        raise DatabaseError(
            f"database error on {_safe_url(url)}: {detail}; {hint}."
        ) from None
