"""Concurrent writers, each with its own connection, keep one unbroken chain."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import select

from psdcli.audit.log import record_event
from psdcli.audit.verify import verify_database
from psdcli.storage.database import Database, open_database
from psdcli.storage.models import AuditEvent

REPO = Path(__file__).resolve().parents[2]

WRITER_SCRIPT = """
import sys
from psdcli.audit.log import record_event
from psdcli.storage.database import open_database

url, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
database = open_database(url, create=False)
for index in range(count):
    with database.write_session() as session:
        record_event(session, analyst=name, operation="consultation",
                     action="case.show", details={"index": index})
database.close()
"""


def _sequences(database: Database) -> list[int]:
    with database.read_session() as session:
        return list(session.scalars(select(AuditEvent.sequence)))


def _assert_one_chain(database: Database, expected: int) -> None:
    sequences = _sequences(database)
    assert len(sequences) == expected
    assert sorted(sequences) == list(range(1, expected + 1))
    with database.read_session() as session:
        result = verify_database(session)
    assert result.ok, result.first_break
    assert result.count == expected


def test_threads_append_one_chain(database: Database) -> None:
    writers, per_writer = 4, 25
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def append(name: str) -> None:
        own = open_database(database.url, create=False)
        try:
            barrier.wait()
            for index in range(per_writer):
                with own.write_session() as session:
                    record_event(
                        session,
                        analyst=name,
                        operation="alteration",
                        action="case.update",
                        details={"index": index},
                    )
        except BaseException as error:
            errors.append(error)
        finally:
            own.close()

    threads = [
        threading.Thread(target=append, args=(f"T{number}",))
        for number in range(writers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    _assert_one_chain(database, writers * per_writer)


def test_processes_append_one_chain(database: Database) -> None:
    writers, per_writer = 3, 20
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER_SCRIPT,
                database.url,
                f"P{n}",
                str(per_writer),
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(writers)
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    _assert_one_chain(database, writers * per_writer)
    with database.read_session() as session:
        analysts = set(session.scalars(select(AuditEvent.analyst)))
    assert analysts == {"P0", "P1", "P2"}
