"""Large bundles: a second process prepares reports, and the stored rows match."""

from __future__ import annotations

import dataclasses
import io
import json
import multiprocessing
import multiprocessing.spawn
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pyrage
import pytest

from psdcli.core.prepare import PreparedReport, RejectedReport
from psdcli.core.preparer import ReportPreparer
from psdcli.core.settings import ImportLimits
from psdcli.crypto.identities import load_identity_file
from psdcli.intake.reports import ReportFile
from tests.bundles import (
    SAMPLE_KEY,
    SAMPLE_RECIPIENT,
    hand_zip,
    manifest_for,
    report_members,
    reports,
    write_bundle,
    zip_bytes,
)
from tests.imports.conftest import Workspace

PSDCLI = str(Path(sys.executable).parent / "psdcli")
# Typer's exit code for Ctrl-C: 128 + SIGINT.
INTERRUPTED = 130
IN_PROCESS = "1024"  # MiB: larger than any test bundle
SECOND_PROCESS = "0"
SMALL_BATCH = 4


def _first_bundle(folder: Path) -> Path:
    """Thirty reports: contacts, an attachment, a follow-up, one invalid report."""
    items = reports(30)
    with_attachment = items[3]["reference"]
    items[3]["attachments"] = [f"attachments/{with_attachment}/note.txt"]
    items[7]["themes"] = ["bribery"]
    items[12]["follow_up_to"] = items[2]["reference"]
    attachments = {
        f"attachments/{with_attachment}/note.txt": (b"synthetic note", "text/plain")
    }
    return write_bundle(
        folder, zip_bytes(items, attachments=attachments), name="first.age"
    )


def _second_bundle(folder: Path) -> Path:
    """A new revision, a changed revision 1 (quarantined) and an unchanged report."""
    items = reports(3)
    items[0]["revision"] = 2
    items[0]["narrative"] += " The reporter added a date."
    items[1]["narrative"] += " Changed without a new revision."
    return write_bundle(folder, zip_bytes(items, sequence=2), name="second.age")


def _stored_rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Return every table's rows, without times, with sealed values opened."""
    identities = load_identity_file(SAMPLE_KEY, lambda: "")
    connection = sqlite3.connect(db)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            if name not in ("audit_event", "alembic_version")
        ]
        rows: dict[str, list[tuple[Any, ...]]] = {}
        for table in tables:
            cursor = connection.execute(f'SELECT * FROM "{table}" ORDER BY 1')  # noqa: S608
            names = [column[0] for column in cursor.description]
            rows[table] = [
                tuple(
                    _comparable(value, identities.identities)
                    for name, value in zip(names, row, strict=True)
                    if not name.endswith("_at")
                )
                for row in cursor
            ]
        return rows
    finally:
        connection.close()


def _comparable(value: Any, identities: Any) -> Any:
    """Open a sealed value; a sealed ZIP becomes its members, whose dates vary."""
    if not isinstance(value, bytes) or not value.startswith(b"age-encryption.org"):
        return value
    plaintext = pyrage.decrypt(value, list(identities))
    if not plaintext.startswith(b"PK"):
        return plaintext
    with zipfile.ZipFile(io.BytesIO(plaintext)) as archive:
        return tuple((name, archive.read(name)) for name in archive.namelist())


@pytest.fixture
def modes_used(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record, for each bundle imported, whether a second process was used."""
    used: list[bool] = []
    expect_bundle = ReportPreparer.expect_bundle

    def record(preparer: ReportPreparer, size: int) -> None:
        expect_bundle(preparer, size)
        used.append(preparer.parallel)

    monkeypatch.setattr(ReportPreparer, "expect_bundle", record)
    return used


def _import_each(
    workspace: Workspace,
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    bundles: list[Path],
) -> list[str]:
    """Import each bundle with PSDCLI_PARALLEL_MIN_MIB set to ``mode``."""
    monkeypatch.setenv("PSDCLI_PARALLEL_MIN_MIB", mode)
    return [workspace.import_(bundle).stdout for bundle in bundles]


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Store four reports per batch, so that a bundle takes several batches."""
    from_env = ImportLimits.from_env

    def limits() -> ImportLimits:
        return dataclasses.replace(from_env(), batch_size=SMALL_BATCH)

    monkeypatch.setattr(ImportLimits, "from_env", staticmethod(limits))


def test_worker_stores_same_rows(
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    modes_used: list[bool],
) -> None:
    other = dataclasses.replace(workspace, db=tmp_path / "other" / "cases.db")
    bundles = [_first_bundle(workspace.bundles), _second_bundle(workspace.bundles)]

    parallel_outputs = _import_each(workspace, monkeypatch, SECOND_PROCESS, bundles)
    serial_outputs = _import_each(other, monkeypatch, IN_PROCESS, bundles)

    assert modes_used == [True, True, False, False]
    assert parallel_outputs == serial_outputs
    assert (
        "29 new case(s), 0 new revision(s), 0 unchanged, 1 quarantined"
        in (parallel_outputs[0])
    )
    assert (
        "0 new case(s), 1 new revision(s), 1 unchanged, 1 quarantined"
        in (parallel_outputs[1])
    )
    parallel_rows = _stored_rows(workspace.db)
    assert parallel_rows == _stored_rows(other.db)
    assert len(parallel_rows["report_revision"]) == 30
    assert len(parallel_rows["quarantined_report"]) == 2
    assert len(parallel_rows["attachment"]) == 1


def _files(count: int) -> list[ReportFile]:
    items = reports(count)
    items[1]["revision"] = "2"
    archive = zip_bytes(items)
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        return [
            ReportFile(name, bundle.read(name), ())
            for name in bundle.namelist()
            if name.startswith("reports/")
        ]


def _summary(batch: list[Any]) -> list[tuple[str, str]]:
    """Describe prepared reports without their sealed contact, which varies."""
    return [
        (item.reference, item.digest)
        if isinstance(item, PreparedReport)
        else ("rejected", item.reason)
        for item in batch
    ]


def test_worker_keeps_batch_order() -> None:
    files = _files(24)
    batches = [files[start : start + 3] for start in range(0, len(files), 3)]
    limits = ImportLimits(parallel_min_bytes=0)
    with ReportPreparer(ImportLimits(parallel_min_bytes=2**40)) as serial:
        serial.expect_bundle(10**6)
        assert not serial.parallel
        expected = [
            (files_in, _summary(out))
            for files_in, out in serial.prepare(batches, [SAMPLE_RECIPIENT])
        ]
    with ReportPreparer(limits) as preparer:
        preparer.expect_bundle(1)
        assert preparer.parallel
        got = [
            (files_in, _summary(out))
            for files_in, out in preparer.prepare(batches, [SAMPLE_RECIPIENT])
        ]
    assert got == expected
    assert isinstance(expected[0][1][1], tuple)
    assert expected[0][1][1][0] == "rejected"
    assert multiprocessing.active_children() == []


def test_contact_sealed_by_worker_opens() -> None:
    files = _files(12)
    with ReportPreparer(ImportLimits(parallel_min_bytes=0)) as preparer:
        preparer.expect_bundle(1)
        prepared = [
            item
            for _, batch in preparer.prepare([files], [SAMPLE_RECIPIENT])
            for item in batch
            if isinstance(item, PreparedReport)
        ]
    sealed = [
        item.revision_values["contact_sealed"]
        for item in prepared
        if item.revision_values["has_contact"]
    ]
    assert sealed
    identities = load_identity_file(SAMPLE_KEY, lambda: "")
    for value in sealed:
        assert b'"phone"' in pyrage.decrypt(value, list(identities.identities))


def _stop_workers() -> None:
    for worker in multiprocessing.active_children():
        assert worker.pid is not None
        os.kill(worker.pid, signal.SIGKILL)
        worker.join()


def test_stopped_worker_batches_prepared_here() -> None:
    files = _files(6)
    batches = [files[:3], files[3:]]
    with ReportPreparer(ImportLimits(parallel_min_bytes=2**40)) as serial:
        expected = [
            _summary(out) for _, out in serial.prepare(batches, [SAMPLE_RECIPIENT])
        ]
    with ReportPreparer(ImportLimits(parallel_min_bytes=0)) as preparer:
        preparer.expect_bundle(1)
        _stop_workers()
        got = [
            _summary(out) for _, out in preparer.prepare(batches, [SAMPLE_RECIPIENT])
        ]
        assert not preparer.parallel
        preparer.expect_bundle(1)
        assert preparer.parallel
    assert got == expected
    assert multiprocessing.active_children() == []


def test_import_goes_on_after_worker_stops(
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    other = dataclasses.replace(workspace, db=tmp_path / "other" / "cases.db")
    bundles = [_first_bundle(workspace.bundles), _second_bundle(workspace.bundles)]
    serial_outputs = _import_each(other, monkeypatch, IN_PROCESS, bundles)
    submit = ReportPreparer._submit

    def stop_worker_first(preparer: ReportPreparer, *args: Any) -> Any:
        _stop_workers()
        return submit(preparer, *args)

    monkeypatch.setattr(ReportPreparer, "_submit", stop_worker_first)
    outputs = _import_each(workspace, monkeypatch, SECOND_PROCESS, bundles)

    assert outputs == serial_outputs
    assert _stored_rows(workspace.db) == _stored_rows(other.db)
    assert "second process that prepares reports stopped" in caplog.text
    assert workspace.leftover_temporary_files() == []


def test_rejected_reports_keep_their_reason() -> None:
    files = _files(3)
    with ReportPreparer(ImportLimits(parallel_min_bytes=0)) as preparer:
        preparer.expect_bundle(1)
        ((_, batch),) = preparer.prepare([files], [SAMPLE_RECIPIENT])
    assert isinstance(batch[1], RejectedReport)
    assert "revision: Input should be a valid integer" in batch[1].reason


def _process_table() -> list[tuple[int, str, int, int]]:
    """Return (pid, state, parent pid, session id) of each process, from /proc."""
    table = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The fields after the command name: state, ppid, pgrp, session, ...
        fields = stat.rsplit(")", 1)[1].split()
        table.append((int(entry.name), fields[0], int(fields[1]), int(fields[3])))
    return table


def _processes_in_session(session: int) -> list[int]:
    """Return the live processes (not zombies) of a session."""
    return [
        pid
        for pid, state, _, session_id in _process_table()
        if session_id == session and state != "Z"
    ]


def _children(pid: int) -> list[int]:
    return [child for child, _, parent, _ in _process_table() if parent == pid]


def test_interrupt_stops_both_processes(
    workspace: Workspace,
) -> None:
    bundle = write_bundle(workspace.bundles, zip_bytes(reports(6000)))
    env = {
        **os.environ,
        "PSDCLI_PARALLEL_MIN_MIB": SECOND_PROCESS,
        "PSDCLI_ANALYST": "T0001",
    }
    command = [PSDCLI, "--db", str(workspace.db), "import", "-i", str(SAMPLE_KEY)]
    process = subprocess.Popen(
        [*command, str(bundle)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not _children(process.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _children(process.pid), "the second process did not start"
    time.sleep(0.3)
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == INTERRUPTED, stderr
    assert b"Traceback" not in stderr
    assert stdout == b""
    deadline = time.monotonic() + 10
    while _processes_in_session(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_in_session(process.pid) == []
    assert 'INSERT INTO "case"' not in "\n".join(workspace.snapshot())
    assert workspace.leftover_temporary_files() == []


def _imported_then_worker_forced(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """Import the first bundle, force the second process, return the rows."""
    first = _first_bundle(workspace.bundles)
    assert "29 new case(s)" in workspace.import_(first).stdout
    monkeypatch.setenv("PSDCLI_PARALLEL_MIN_MIB", SECOND_PROCESS)
    return workspace.snapshot()


def test_late_hash_mismatch_with_worker_keeps_database(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _imported_then_worker_forced(workspace, monkeypatch)

    members = report_members(reports(20))
    manifest = manifest_for(members)
    last = list(members)[-1]
    members[last] = members[last].replace(b'"revision": 1', b'"revision": 2')
    archive = hand_zip(
        [("manifest.json", json.dumps(manifest).encode()), *members.items()]
    )
    # Four batches of four reports are prepared before the fifth fails.
    result = workspace.import_(write_bundle(workspace.bundles, archive))

    assert result.exit_code == 1
    assert "does not match manifest.json" in result.stderr
    assert workspace.snapshot() == before
    assert workspace.leftover_temporary_files() == []
    assert multiprocessing.active_children() == []


def test_bundle_above_maximum_stays_in_process() -> None:
    limits = ImportLimits(parallel_min_bytes=10, parallel_max_bytes=100)
    with ReportPreparer(limits) as preparer:
        preparer.expect_bundle(9)
        assert not preparer.parallel
        preparer.expect_bundle(101)
        assert not preparer.parallel
        preparer.expect_bundle(100)
        assert preparer.parallel
    assert multiprocessing.active_children() == []


def test_parallel_limits_read_from_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PSDCLI_PARALLEL_MIN_MIB", "2")
    monkeypatch.setenv("PSDCLI_PARALLEL_MAX_MIB", "0")
    limits = ImportLimits.from_env()
    assert limits.parallel_min_bytes == 2 * 1024 * 1024
    assert limits.parallel_max_bytes == 0


def test_failed_start_falls_back_to_one_process() -> None:
    # A missing interpreter makes the second process fail. Depending on
    # whether multiprocessing's resource tracker already runs, the start
    # raises at once or the process exits before its first batch.
    interpreter = multiprocessing.spawn.get_executable()
    multiprocessing.set_executable("/nonexistent/python3")
    files = _files(3)
    try:
        with ReportPreparer(ImportLimits(parallel_min_bytes=0)) as preparer:
            preparer.expect_bundle(1)
            ((_, batch),) = preparer.prepare([files], [SAMPLE_RECIPIENT])
            assert not preparer.parallel
    finally:
        multiprocessing.set_executable(interpreter)
    assert [type(item).__name__ for item in batch] == [
        "PreparedReport",
        "RejectedReport",
        "PreparedReport",
    ]
    assert multiprocessing.active_children() == []
