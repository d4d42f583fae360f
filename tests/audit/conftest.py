"""Fixtures for audit tests: a real SQLite database and a CLI runner."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from audit_helpers import make_app
from typer.testing import CliRunner, Result

from psdcli.storage import location
from psdcli.storage.database import Database, open_database


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """A new, migrated SQLite database file in a private folder."""
    db = open_database(location.sqlite_url(tmp_path / "data" / "audit.db"), create=True)
    yield db
    db.close()


@pytest.fixture
def invoke(database: Database) -> Callable[..., Result]:
    """Run ``psdcli --db DATABASE ...`` in-process and return the Result."""
    runner = CliRunner()
    app = make_app()
    db_path = location.sqlite_path(database.url)

    def run(*args: str, analyst: str | None = "S9001") -> Result:
        argv = ["--db", str(db_path)]
        if analyst is not None:
            argv += ["--analyst", analyst]
        return runner.invoke(app, [*argv, *args])

    return run
