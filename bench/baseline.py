"""Measure the raw baseline for importing a bundle, without psdcli.

The baseline does the least work an import needs. The Go ``age`` program
decrypts the bundle into memory and zipfile opens it. json.loads parses each
report, and sqlite3 ``executemany`` inserts the rows into a fresh database
file before one commit. The baseline does not check manifest hashes,
validate reports or encrypt anything at rest, so psdcli is expected to be
slower by the cost of those steps.

With ``--same-rows SCHEMA_DB``, the new file gets the tables, indexes and
triggers of SCHEMA_DB, an empty psdcli database, and the baseline inserts the
rows that psdcli stores: one bundle row, and for each report a case, a
revision (contact details as plain JSON), its themes and its subjects.
Without it, one row per report goes into a single table.

    python bench/baseline.py BUNDLE.age IDENTITY.txt [--database FILE]
        [--same-rows SCHEMA_DB]

The result is printed as one JSON object, with times in seconds.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import same_rows

# Scalar fields get their own columns, and "details" keeps the rest as JSON.
SCALAR_FIELDS = (
    "reference",
    "revision",
    "received_at",
    "channel",
    "anonymous",
    "on_duty",
    "setting",
    "follow_up_to",
)
CREATE_TABLE = """
CREATE TABLE reports (
    reference TEXT NOT NULL,
    revision INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    channel TEXT NOT NULL,
    anonymous INTEGER NOT NULL,
    on_duty TEXT NOT NULL,
    setting TEXT NOT NULL,
    follow_up_to TEXT,
    narrative TEXT NOT NULL,
    details TEXT NOT NULL,
    PRIMARY KEY (reference, revision)
)
"""
INSERT_ROW = "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


class BaselineError(Exception):
    """Failure of one baseline step. The message names the step and the cause."""


def decrypt_bundle(bundle: Path, identity: Path) -> bytes:
    """Decrypt ``bundle`` with the Go age program and return the plaintext."""
    age = shutil.which("age")
    if age is None:
        raise BaselineError("the Go age program is not on PATH: install age")
    result = subprocess.run(
        [age, "-d", "-i", str(identity), str(bundle)],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise BaselineError(f"age failed to decrypt {bundle}: {message}")
    return result.stdout


def to_row(report: dict[str, Any]) -> tuple[Any, ...]:
    """Return the database row for one parsed report."""
    scalars = [report[name] for name in SCALAR_FIELDS]
    details = {
        key: value
        for key, value in report.items()
        if key not in SCALAR_FIELDS and key != "narrative"
    }
    return (*scalars, report["narrative"], json.dumps(details, ensure_ascii=False))


def parse_reports(plaintext: bytes) -> list[tuple[Any, ...]]:
    """Open the ZIP archive and return one row per reports/*.json member."""
    rows = []
    with zipfile.ZipFile(io.BytesIO(plaintext)) as archive:
        for name in archive.namelist():
            if not (name.startswith("reports/") and name.endswith(".json")):
                continue
            try:
                rows.append(to_row(json.loads(archive.read(name))))
            except (json.JSONDecodeError, KeyError) as error:
                raise BaselineError(f"invalid report {name}: {error!r}") from error
    return rows


def insert_rows(database: Path, rows: list[tuple[Any, ...]]) -> None:
    connection = sqlite3.connect(database)
    try:
        connection.execute(CREATE_TABLE)
        connection.executemany(INSERT_ROW, rows)
        connection.commit()
    finally:
        connection.close()


def run_baseline(
    bundle: Path, identity: Path, database: Path, schema: Path | None = None
) -> dict[str, Any]:
    """Import ``bundle`` into a new SQLite file and return the timings."""
    started = time.perf_counter()
    plaintext = decrypt_bundle(bundle, identity)
    decrypted = time.perf_counter()
    if schema is None:
        rows = parse_reports(plaintext)
        parsed = time.perf_counter()
        insert_rows(database, rows)
    else:
        tables = same_rows.table_rows(plaintext, bundle.name)
        rows = tables["report_revision"]
        parsed = time.perf_counter()
        same_rows.insert_tables(database, schema, tables)
    finished = time.perf_counter()

    elapsed = finished - started
    return {
        "bundle": str(bundle),
        "reports": len(rows),
        "elapsed_seconds": round(elapsed, 4),
        "reports_per_second": round(len(rows) / elapsed, 1) if elapsed else None,
        "decrypt_seconds": round(decrypted - started, 4),
        "parse_seconds": round(parsed - decrypted, 4),
        "insert_seconds": round(finished - parsed, 4),
        "zip_bytes": len(plaintext),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time decrypt, parse and insert of one bundle without psdcli."
    )
    parser.add_argument("bundle", type=Path, help="the .age bundle to import")
    parser.add_argument("identity", type=Path, help="age identity file")
    parser.add_argument(
        "--same-rows",
        type=Path,
        metavar="SCHEMA_DB",
        help="insert the rows psdcli stores, into the schema of this empty "
        "psdcli database",
    )
    parser.add_argument(
        "--database",
        type=Path,
        help="SQLite file to create; it must not exist "
        "(default: a temporary file, deleted afterwards)",
    )
    args = parser.parse_args(argv)

    try:
        if args.database is not None:
            if args.database.exists():
                raise BaselineError(
                    f"{args.database} already exists: choose a new file name"
                )
            result = run_baseline(
                args.bundle, args.identity, args.database, args.same_rows
            )
        else:
            with tempfile.TemporaryDirectory(prefix="psd-baseline-") as folder:
                database = Path(folder) / "baseline.sqlite"
                result = run_baseline(
                    args.bundle, args.identity, database, args.same_rows
                )
    except (BaselineError, OSError, zipfile.BadZipFile, sqlite3.Error) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1

    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
