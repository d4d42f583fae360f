"""Fixtures for confidentiality tests: the real psdcli program and private databases.

``cli`` runs psdcli in a subprocess, so that the program's own umask, its
stdin and its exit path are the ones a user gets. ``desk`` runs it in-process
against a copy of a database that already contains the sample bundles, which is
faster for tests that only need the commands' results.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.session import SessionTransaction
from typer.testing import CliRunner, Result

from psdcli.cli.app import app
from tests.bundles import SAMPLE_KEY
from tests.confidentiality.leak_scan import SAMPLE_BUNDLE_DIR

ANALYST = "T0001"
AUDIT_COLUMNS = (
    "sequence",
    "analyst",
    "operation",
    "action",
    "case_reference",
    "recipient",
    "reason",
    "details",
)

# Runs psdcli with every logger, SQLAlchemy's included, writing DEBUG records
# to stderr, so that a test can search any log output the program produces.
DEBUG_LOGGING_DRIVER = """
import logging, sys
logging.basicConfig(
    level=logging.DEBUG,
    stream=sys.stderr,
    format="%(levelname)s %(name)s: %(message)s",
)
logging.getLogger("sqlalchemy").setLevel(logging.DEBUG)
from psdcli.__main__ import main
main()
"""


@dataclass(frozen=True)
class Run:
    """One finished psdcli process."""

    args: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: bytes

    @property
    def out(self) -> str:
        """Standard output as text."""
        return self.stdout.decode("utf-8")

    @property
    def err(self) -> str:
        """Standard error as text."""
        return self.stderr.decode("utf-8")


@dataclass
class Cli:
    """A runner of the real psdcli program against one private data folder."""

    root: Path
    env: dict[str, str]
    debug_logging: bool = False
    runs: list[Run] = field(default_factory=list)

    @property
    def data(self) -> Path:
        """The data folder, which contains the database and the kept bundles."""
        return Path(self.env["PSDCLI_DATA_DIR"])

    @property
    def db(self) -> Path:
        """The default database file in the data folder."""
        return self.data / "psdcli.db"

    @property
    def kept_bundles(self) -> Path:
        """The folder of kept bundle files beside the database."""
        return self.data / "psdcli-bundles"

    @property
    def tmp(self) -> Path:
        """The private TMPDIR of every run."""
        return Path(self.env["TMPDIR"])

    def run(
        self,
        *args: str | Path,
        expect: int | None = 0,
        pass_fds: Sequence[int] = (),
        env: Mapping[str, str] | None = None,
        driver: str | None = None,
    ) -> Run:
        """Run ``psdcli ARGS`` with umask 022 and stdin not a terminal.

        ``expect`` is the exit code to assert, or None to accept any.
        ``driver`` is Python source that runs psdcli in place of ``-m psdcli``.
        """
        if driver is None and self.debug_logging:
            driver = DEBUG_LOGGING_DRIVER
        program = ["-m", "psdcli"] if driver is None else ["-c", driver]
        text_args = tuple(str(arg) for arg in args)
        completed = subprocess.run(
            [sys.executable, *program, *text_args],
            cwd=self.root,
            env={**self.env, **(env or {})},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            pass_fds=tuple(pass_fds),
            umask=0o022,
            timeout=300,
            check=False,
        )
        run = Run(text_args, completed.returncode, completed.stdout, completed.stderr)
        self.runs.append(run)
        if expect is not None:
            assert run.returncode == expect, (
                f"psdcli {' '.join(text_args)} exited {run.returncode}\n"
                f"stdout: {run.out[-2000:]}\nstderr: {run.err[-2000:]}"
            )
        return run


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """A psdcli runner with its own data folder, TMPDIR and analyst id."""
    tmp = tmp_path / "tmp"
    tmp.mkdir(mode=0o700)
    env = dict(os.environ)
    env.pop("PSDCLI_DEBUG", None)
    env.update(
        {
            "PSDCLI_DATA_DIR": str(tmp_path / "data"),
            "PSDCLI_ANALYST": ANALYST,
            "TMPDIR": str(tmp),
        }
    )
    return Cli(root=tmp_path, env=env)


@dataclass
class Desk:
    """An analyst's in-process psdcli against a private database."""

    db: Path

    def run(self, *args: str | Path, analyst: str = ANALYST) -> Result:
        """Run psdcli in-process and return its Result."""
        return CliRunner().invoke(
            app,
            ["--db", str(self.db), "--analyst", analyst, *(str(a) for a in args)],
            catch_exceptions=False,
        )

    def events(self, action: str | None = None) -> list[dict[str, Any]]:
        """Return audit events in order, optionally only those of one action."""
        return audit_events(self.db, action)

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Run a read-only query on the database file and return its rows."""
        return query(self.db, sql, *params)


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run a query on a database file with a short-lived connection."""
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute(sql, params).fetchall()


def execute(db: Path, sql: str, *params: Any) -> None:
    """Run one statement that changes a database file, and commit it."""
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute(sql, params)


def audit_events(db: Path, action: str | None = None) -> list[dict[str, Any]]:
    """Return the audit_event rows in sequence order as dicts."""
    rows = query(
        db,
        "SELECT sequence, analyst, operation, action, case_reference, recipient, "
        "reason, details FROM audit_event ORDER BY sequence",
    )
    events = []
    for row in rows:
        event = dict(zip(AUDIT_COLUMNS, row, strict=True))
        event["details"] = json.loads(event["details"])
        if action is None or event["action"] == action:
            events.append(event)
    return events


@pytest.fixture
def failing_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the commit of every outermost transaction fail as on a full disk.

    Flushes and nested transactions still work, so a command runs to its end
    and fails only when its write session commits.
    """
    real_commit = SessionTransaction.commit

    def commit(self: SessionTransaction, _to_root: bool = False) -> None:
        if self._parent is not None or self.nested:
            real_commit(self, _to_root)
            return
        full = sqlite3.OperationalError("database or disk is full")
        raise OperationalError("COMMIT", {}, full)

    monkeypatch.setattr(SessionTransaction, "commit", commit)


@pytest.fixture(scope="session")
def sample_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file, built once, holding the four committed sample bundles.

    The sample key is its only storage recipient.
    """
    folder = tmp_path_factory.mktemp("sample-db") / "data"
    desk = Desk(folder / "cases.db")
    init = desk.run("init")
    assert init.exit_code == 0, init.output
    imported = desk.run("import", "-i", SAMPLE_KEY, SAMPLE_BUNDLE_DIR)
    assert imported.exit_code == 0, imported.output
    return desk.db


@pytest.fixture
def desk(sample_database: Path, tmp_path: Path) -> Desk:
    """A private copy of the sample database, with its kept bundles."""
    folder = tmp_path / "desk"
    folder.mkdir(mode=0o700)
    target = folder / sample_database.name
    shutil.copy2(sample_database, target)
    kept = sample_database.parent / f"{sample_database.stem}-bundles"
    shutil.copytree(kept, folder / kept.name)
    return Desk(target)
