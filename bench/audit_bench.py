"""Benchmark the audit trail: export and verification of a large chain.

    python bench/audit_bench.py [--events 1000000] [--keep DIR]

Builds a throwaway SQLite database holding ``--events`` chained audit
events, then runs each measured operation in its own child process. Each
result gives the in-process time of the operation alone (after imports and
opening the database), the whole-process wall time of the child, and the
child's peak resident memory from ``wait4``. The ``idle`` child only imports
psdcli and opens the database, which shows the fixed cost in both.

The parent process imports only the standard library and builds the
database in a child too. On Linux a child's peak memory can include what it
shared with its parent between fork and exec, so a large parent would
inflate every figure.

``sha256`` times plain ``hashlib.sha256`` over the canonical bytes of every
event, building the bytes outside the timed part, so that the verify time
can be compared with the hashing it cannot avoid. Results are printed as
JSON; docs/benchmarks.md records them with the machine they came from.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

OPERATIONS = (
    "idle",
    "export-jsonl",
    "export-csv",
    "verify-database",
    "verify-file",
    "verify-file-only",
    "sha256",
)


def bench_rows(count: int) -> Iterator[dict[str, Any]]:
    """Yield ``count`` chained events shaped like everyday case consultations."""
    from psdcli import __version__
    from psdcli.audit import chain
    from psdcli.storage.models import AUDIT_OPERATIONS

    start = datetime(2026, 1, 1, tzinfo=UTC)
    prev_hash = chain.GENESIS_HASH
    for sequence in range(1, count + 1):
        occurred_at = start + timedelta(seconds=sequence * 7)
        fields = {
            "sequence": sequence,
            "event_id": str(uuid.UUID(int=sequence, version=4)),
            "occurred_at": chain.format_timestamp(occurred_at),
            "analyst": f"A{1000 + sequence % 40}",
            "operation": AUDIT_OPERATIONS[sequence % 6],
            "action": "case.show",
            "case_reference": f"CS-2026-{sequence % 20000:06d}",
            "bundle_id": None,
            "recipient": None,
            "reason": "assessment of a new report",
            "details": {"revision": sequence % 3 + 1, "attachments": sequence % 2},
            "tool_version": __version__,
            "prev_hash": prev_hash,
        }
        prev_hash = chain.event_hash(fields)
        yield {**fields, "occurred_at": occurred_at, "hash": prev_hash}


def build_database(path: Path, count: int) -> float:
    """Create the database with ``count`` events; return the insert seconds."""
    from sqlalchemy import insert

    from psdcli.audit.query import AUDIT_TABLE
    from psdcli.storage import location
    from psdcli.storage.database import open_database

    database = open_database(location.sqlite_url(path), create=True)
    rows = bench_rows(count)
    started = time.perf_counter()
    with database.write_session() as session:
        while chunk := list(itertools.islice(rows, 10_000)):
            session.execute(insert(AUDIT_TABLE), chunk)
    elapsed = time.perf_counter() - started
    database.close()
    return elapsed


def child(operation: str, db_path: Path, out_path: Path) -> None:
    """Run one operation and print its in-process seconds and event count."""
    if operation == "build":
        count = int(out_path.name)
        print(json.dumps({"seconds": build_database(db_path, count), "events": count}))
        return
    from psdcli.audit import chain, query
    from psdcli.audit.export import export_csv, export_jsonl
    from psdcli.audit.filters import AuditFilter
    from psdcli.audit.verify import verify_database, verify_file
    from psdcli.storage import location
    from psdcli.storage.database import open_database

    database = open_database(location.sqlite_url(db_path), create=False)
    events = 0
    with database.read_session() as session:
        started = time.perf_counter()
        if operation == "idle":
            query.read_head(session)
        elif operation in ("export-jsonl", "export-csv"):
            writer = export_jsonl if operation == "export-jsonl" else export_csv
            with out_path.open("w", encoding="utf-8", newline="") as out:
                events = writer(session, AuditFilter(), out).count
        elif operation == "verify-database":
            events = _checked(verify_database(session))
        elif operation == "verify-file":
            events = _checked(verify_file(out_path, session))
        elif operation == "verify-file-only":
            events = _checked(verify_file(out_path))
        elif operation == "sha256":
            events, hashing = _hash_only(session, chain, query)
            started = time.perf_counter() - hashing
        elapsed = time.perf_counter() - started
    database.close()
    print(json.dumps({"seconds": elapsed, "events": events}))


def _checked(result: Any) -> int:
    if not result.ok:
        raise SystemExit(f"verification failed: {result.first_break}")
    return int(result.count)


def _hash_only(session: Any, chain: Any, query: Any) -> tuple[int, float]:
    """Return the event count and the seconds spent in sha256 alone."""
    hashing = 0.0
    events = 0
    rows = query.iter_events(session)
    while batch := list(itertools.islice(rows, query.CHUNK_SIZE)):
        encoded = [chain.canonical_bytes(chain.event_fields(row)) for row in batch]
        started = time.perf_counter()
        for data in encoded:
            hashlib.sha256(data).hexdigest()
        hashing += time.perf_counter() - started
        events += len(batch)
    return events, hashing


def measure(operation: str, db_path: Path, out_path: Path) -> dict[str, Any]:
    """Run one child process; return its timings and peak memory."""
    argv = [sys.executable, __file__, "--child", operation, str(db_path), str(out_path)]
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stdout = process.stdout.read().decode() if process.stdout else ""
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{operation} failed: {stderr}")
    result = json.loads(stdout)
    events = result["events"]
    return {
        "operation": operation,
        "events": events,
        "in_process_seconds": round(result["seconds"], 3),
        "in_process_events_per_second": _rate(events, result["seconds"]),
        "whole_process_seconds": round(wall, 3),
        "whole_process_peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
    }


def _rate(events: int, seconds: float) -> int | None:
    return round(events / seconds) if events and seconds > 0 else None


def machine() -> dict[str, Any]:
    """Describe the CPU, memory, Python and SQLite of this machine."""
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as handle:
        total_kib = int(handle.readline().split()[1])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(total_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def main() -> None:
    """Build the database, run every operation and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="Build in this folder and keep it.")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        operation, db_path, out_path = arguments.child
        child(operation, Path(db_path), Path(out_path))
        return
    folder = arguments.keep or Path(tempfile.mkdtemp(prefix="audit-bench-"))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        print(json.dumps(run_all(folder, arguments.events), indent=2))
    finally:
        if arguments.keep is None:
            shutil.rmtree(folder)


def run_all(folder: Path, count: int) -> dict[str, Any]:
    """Build the database in ``folder`` and measure every operation."""
    db_path = folder / "data" / "audit.db"
    # The build runs in a child so that this process stays small (see the
    # module docstring).
    build = measure("build", db_path, Path(str(count)))
    results = {}
    for operation in OPERATIONS:
        suffix = "csv" if operation == "export-csv" else "jsonl"
        results[operation] = measure(operation, db_path, folder / f"export.{suffix}")
    verify = results["verify-database"]["in_process_seconds"]
    hashing = results["sha256"]["in_process_seconds"]
    return {
        "machine": machine(),
        "events": count,
        "bulk_insert_seconds": build["in_process_seconds"],
        "database_mib": round(db_path.stat().st_size / 2**20, 1),
        "jsonl_mib": round((folder / "export.jsonl").stat().st_size / 2**20, 1),
        "csv_mib": round((folder / "export.csv").stat().st_size / 2**20, 1),
        "results": list(results.values()),
        "verify_to_sha256_ratio": round(verify / hashing, 1) if hashing else None,
    }


if __name__ == "__main__":
    main()
