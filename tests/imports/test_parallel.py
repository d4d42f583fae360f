"""Large bundles: a second process prepares reports, and the stored rows match."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import random
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

from psdcli.core.errors import ConfigError
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


def _children(pid: int) -> list[int]:
    """Return the live (not zombie) child processes of ``pid``."""
    return [
        child
        for child, state, parent, _ in _process_table()
        if parent == pid and state != "Z"
    ]


def _alive(pid: int) -> bool:
    return any(child == pid and state != "Z" for child, state, _, _ in _process_table())


def _wait_until_gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(pid)


def _stop_worker(preparer: ReportPreparer) -> None:
    """Kill the second process, as the kernel's out-of-memory killer would."""
    pid = preparer.worker_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert _wait_until_gone(pid)


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
    assert _children(os.getpid()) == []


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


def test_stopped_worker_batches_prepared_here() -> None:
    files = _files(6)
    batches = [files[:3], files[3:]]
    with ReportPreparer(ImportLimits(parallel_min_bytes=2**40)) as serial:
        expected = [
            _summary(out) for _, out in serial.prepare(batches, [SAMPLE_RECIPIENT])
        ]
    with ReportPreparer(ImportLimits(parallel_min_bytes=0)) as preparer:
        preparer.expect_bundle(1)
        _stop_worker(preparer)
        got = [
            _summary(out) for _, out in preparer.prepare(batches, [SAMPLE_RECIPIENT])
        ]
        assert not preparer.parallel
        preparer.expect_bundle(1)
        assert preparer.parallel
    assert got == expected
    assert _children(os.getpid()) == []


def test_import_goes_on_after_worker_stops(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = dataclasses.replace(workspace, db=tmp_path / "other" / "cases.db")
    bundles = [_first_bundle(workspace.bundles), _second_bundle(workspace.bundles)]
    serial_outputs = _import_each(other, monkeypatch, IN_PROCESS, bundles)
    send = ReportPreparer._send

    def stop_worker_first(preparer: ReportPreparer, *args: Any) -> Any:
        if preparer.parallel:
            _stop_worker(preparer)
        return send(preparer, *args)

    monkeypatch.setattr(ReportPreparer, "_send", stop_worker_first)
    monkeypatch.setenv("PSDCLI_PARALLEL_MIN_MIB", SECOND_PROCESS)
    results = [workspace.import_(bundle) for bundle in bundles]

    assert [result.stdout for result in results] == serial_outputs
    assert _stored_rows(workspace.db) == _stored_rows(other.db)
    for result in results:
        assert "the second process stopped" in result.stderr
        assert "the import went on in one process" in result.stderr
    assert workspace.leftover_temporary_files() == []


def test_rejected_reports_keep_their_reason() -> None:
    files = _files(3)
    with ReportPreparer(ImportLimits(parallel_min_bytes=0)) as preparer:
        preparer.expect_bundle(1)
        ((_, batch),) = preparer.prepare([files], [SAMPLE_RECIPIENT])
    assert isinstance(batch[1], RejectedReport)
    assert "revision: Input should be a valid integer" in batch[1].reason


def _started_import(
    workspace: Workspace, reports_count: int
) -> subprocess.Popen[bytes]:
    """Start ``psdcli import`` of a new bundle in a session of its own."""
    bundle = write_bundle(workspace.bundles, zip_bytes(reports(reports_count)))
    env = {
        **os.environ,
        "PSDCLI_PARALLEL_MIN_MIB": SECOND_PROCESS,
        "PSDCLI_ANALYST": "T0001",
    }
    command = [PSDCLI, "--db", str(workspace.db), "import", "-i", str(SAMPLE_KEY)]
    return subprocess.Popen(
        [*command, str(bundle)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _started_worker(pid: int) -> list[int]:
    """Wait for the second process of the import ``pid`` and return its id."""
    deadline = time.monotonic() + 30
    while not _children(pid):
        assert time.monotonic() < deadline, "the second process did not start"
        time.sleep(0.02)
    return _children(pid)


def test_interrupt_stops_both_processes(workspace: Workspace) -> None:
    process = _started_import(workspace, 6000)
    (worker,) = _started_worker(process.pid)
    time.sleep(0.3)
    # Ctrl-C signals the terminal's process group; the second process runs in
    # a session of its own, so only the first receives it.
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == INTERRUPTED, stderr
    assert b"Traceback" not in stderr
    assert stdout == b""
    assert _wait_until_gone(worker)
    assert 'INSERT INTO "case"' not in "\n".join(workspace.snapshot())
    assert workspace.leftover_temporary_files() == []


def test_killed_import_stops_second_process(workspace: Workspace) -> None:
    process = _started_import(workspace, 6000)
    (worker,) = _started_worker(process.pid)
    time.sleep(0.5)
    process.kill()
    process.communicate(timeout=60)

    assert _wait_until_gone(worker)
    assert 'INSERT INTO "case"' not in "\n".join(workspace.snapshot())


def _bundle_failing_late(folder: Path) -> Path:
    """Twenty reports whose last one does not match the manifest's SHA-256."""
    members = report_members(reports(20, start=500))
    manifest = manifest_for(members)
    last = list(members)[-1]
    members[last] = members[last].replace(b'"revision": 1', b'"revision": 2')
    archive = hand_zip(
        [("manifest.json", json.dumps(manifest).encode()), *members.items()]
    )
    return write_bundle(folder, archive, name="a-fails-late.age")


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

    # Four batches of four reports go to the second process before the
    # fifth batch fails.
    result = workspace.import_(_bundle_failing_late(workspace.bundles))

    assert result.exit_code == 1
    assert "does not match manifest.json" in result.stderr
    assert workspace.snapshot() == before
    assert workspace.leftover_temporary_files() == []
    assert _children(os.getpid()) == []


def test_bundle_above_maximum_stays_in_process() -> None:
    limits = ImportLimits(parallel_min_bytes=10, parallel_max_bytes=100)
    with ReportPreparer(limits) as preparer:
        preparer.expect_bundle(9)
        assert not preparer.parallel
        preparer.expect_bundle(101)
        assert not preparer.parallel
        preparer.expect_bundle(100)
        assert preparer.parallel
    assert _children(os.getpid()) == []


def test_parallel_limits_read_from_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PSDCLI_PARALLEL_MIN_MIB", "2")
    monkeypatch.setenv("PSDCLI_PARALLEL_MAX_MIB", "0")
    limits = ImportLimits.from_env()
    assert limits.parallel_min_bytes == 2 * 1024 * 1024
    assert limits.parallel_max_bytes == 0


def test_failed_start_falls_back_to_one_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The second process runs sys.executable; a missing one fails the start.
    monkeypatch.setattr(sys, "executable", "/nonexistent/python3")
    files = _files(3)
    with ReportPreparer(ImportLimits(parallel_min_bytes=0)) as preparer:
        preparer.expect_bundle(1)
        assert not preparer.parallel
        ((_, batch),) = preparer.prepare([files], [SAMPLE_RECIPIENT])
        (warning,) = preparer.take_warnings()
    assert warning.startswith("the second process could not start")
    assert [type(item).__name__ for item in batch] == [
        "PreparedReport",
        "RejectedReport",
        "PreparedReport",
    ]


@pytest.mark.parametrize("mode", [SECOND_PROCESS, IN_PROCESS])
def test_time_beyond_year_9999_is_quarantined(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.setenv("PSDCLI_PARALLEL_MIN_MIB", mode)
    items = reports(6)
    # Valid RFC 3339, but its UTC time is in year 10000.
    items[4]["received_at"] = "9999-12-31T23:59:59-01:00"

    bundle = write_bundle(workspace.bundles, zip_bytes(items))
    result = workspace.import_(bundle, extra=("--json",))

    assert result.exit_code == 1
    assert "unexpected internal error" not in result.stderr
    summary = json.loads(result.stdout.splitlines()[0])
    assert summary["reports_imported"] == 5
    assert summary["reports_quarantined"] == 1
    details = workspace.run("bundle", "show", summary["bundle_id"], "--json")
    assert "falls outside the years 1 to 9999" in details.stdout


def test_large_reports_make_smaller_batches(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches: list[int] = []
    prepare = ReportPreparer.prepare

    def record(preparer: ReportPreparer, groups: Any, recipients: Any) -> Any:
        for files, prepared in prepare(preparer, groups, recipients):
            batches.append(len(files))
            yield files, prepared

    monkeypatch.setattr(ReportPreparer, "prepare", record)
    # The default batch of 250 reports, not the small one of the other tests.
    monkeypatch.setattr(ImportLimits, "from_env", staticmethod(ImportLimits))
    items = reports(12)
    rng = random.Random(3)
    for item in items:
        # Random text, so that it does not compress past the ratio limit,
        # under the 1 MiB limit on a narrative.
        item["narrative"] = rng.randbytes(450_000).hex()
    result = workspace.import_(write_bundle(workspace.bundles, zip_bytes(items)))

    assert "12 new case(s)" in result.stdout
    # A batch ends once its reports reach 8 MiB: ten of about 0.9 MB each.
    assert batches == [10, 2]


# "\u0661" is ARABIC-INDIC DIGIT ONE, which int() accepts.
@pytest.mark.parametrize("value", ["\u0661", "1_0", "1.5", "--1", "one"])
def test_setting_takes_ascii_digits_only(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("PSDCLI_PARALLEL_MAX_MIB", value)
    with pytest.raises(
        ConfigError, match=r"PSDCLI_PARALLEL_MAX_MIB=.* is not an integer"
    ):
        ImportLimits.from_env()


def test_next_bundle_after_late_failure(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The failing bundle leaves batches with the second process. The next
    # bundle of the run must not store their results.
    _bundle_failing_late(workspace.bundles)
    write_bundle(workspace.bundles, zip_bytes(reports(12)), name="b-sound.age")
    other = dataclasses.replace(workspace, db=tmp_path / "other" / "cases.db")

    serial = _import_each(other, monkeypatch, IN_PROCESS, [workspace.bundles])
    parallel = _import_each(workspace, monkeypatch, SECOND_PROCESS, [workspace.bundles])

    assert parallel == serial
    assert "b-sound.age" in parallel[0]
    assert "12 new case(s)" in parallel[0]
    assert _stored_rows(workspace.db) == _stored_rows(other.db)
