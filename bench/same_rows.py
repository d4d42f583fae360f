"""The rows psdcli stores for a bundle, built the raw way for the baseline.

Each report becomes a case, a revision, its themes and its subjects, in
psdcli's tables and columns. Nothing is checked or sealed: the contact
details go into the revision as plain JSON, and the content hash is the
SHA-256 of the report's bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

COLUMNS = {
    "bundle": (
        "id",
        "bundle_id",
        "sequence",
        "recipient_force",
        "exporter",
        "exported_at",
        "imported_at",
        "imported_by",
        "file_name",
        "file_sha256",
        "file_size",
        "stored_name",
        "armored",
        "reports_total",
        "reports_imported",
        "reports_unchanged",
        "reports_quarantined",
        "manifest_extra",
    ),
    "case": (
        "id",
        "reference",
        "status",
        "received_at",
        "created_at",
        "updated_at",
        "latest_revision",
        "has_update",
        "immediate_danger",
        "follow_up_to",
        "case_number",
        "version",
    ),
    "report_revision": (
        "id",
        "case_id",
        "revision",
        "bundle_id",
        "imported_at",
        "received_at",
        "channel",
        "anonymous",
        "on_duty",
        "setting",
        "incident_from",
        "incident_to",
        "incident_location",
        "narrative",
        "persons_at_risk",
        "immediate_danger",
        "follow_up_to",
        "extra_fields",
        "has_contact",
        "contact_sealed",
        "content_sha256",
    ),
    "report_theme": ("revision_id", "theme"),
    "report_subject": (
        "revision_id",
        "position",
        "name",
        "role",
        "force",
        "rank",
        "collar_number",
        "station",
        "description",
    ),
}
SUBJECT_FIELDS = COLUMNS["report_subject"][2:]


def table_rows(plaintext: bytes, file_name: str) -> dict[str, list[tuple[Any, ...]]]:
    """Return the rows of each table for the bundle in ``plaintext``."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    tables: dict[str, list[tuple[Any, ...]]] = {name: [] for name in COLUMNS}
    with zipfile.ZipFile(io.BytesIO(plaintext)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        tables["bundle"].append(_bundle_row(manifest, plaintext, file_name, now))
        for number, entry in enumerate(manifest["reports"], start=1):
            raw = archive.read(entry["path"])
            _add_report(tables, number, json.loads(raw), raw, now)
    return tables


def insert_tables(
    database: Path, schema: Path, tables: dict[str, list[tuple[Any, ...]]]
) -> None:
    """Create ``schema``'s tables in ``database`` and insert every row in one commit."""
    source = sqlite3.connect(schema)
    try:
        statements = [
            sql
            for (sql,) in source.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
            )
        ]
    finally:
        source.close()
    connection = sqlite3.connect(database)
    try:
        for statement in statements:
            connection.execute(statement)
        for table, rows in tables.items():
            columns = COLUMNS[table]
            placeholders = ", ".join("?" for _ in columns)
            connection.executemany(
                f'INSERT INTO "{table}" ({", ".join(columns)}) '  # noqa: S608
                f"VALUES ({placeholders})",
                rows,
            )
        connection.commit()
    finally:
        connection.close()


def _bundle_row(
    manifest: dict[str, Any], plaintext: bytes, file_name: str, now: str
) -> tuple[Any, ...]:
    digest = hashlib.sha256(plaintext).hexdigest()
    count = len(manifest["reports"])
    return (
        1,
        manifest["bundle_id"],
        manifest["sequence"],
        manifest["recipient_force"],
        manifest["exporter"],
        manifest["exported_at"],
        now,
        "baseline",
        file_name,
        digest,
        len(plaintext),
        digest,
        False,
        count,
        count,
        0,
        0,
        "{}",
    )


def _add_report(
    tables: dict[str, list[tuple[Any, ...]]],
    number: int,
    report: dict[str, Any],
    raw: bytes,
    now: str,
) -> None:
    danger = any(person["immediate_danger"] for person in report["persons_at_risk"])
    contact = report.get("contact")
    incident = report["incident"]
    tables["case"].append(
        (
            number,
            report["reference"],
            "new",
            report["received_at"],
            now,
            now,
            report["revision"],
            False,
            danger,
            report.get("follow_up_to"),
            f"PSD-2026-{number:06d}",
            1,
        )
    )
    tables["report_revision"].append(
        (
            number,
            number,
            report["revision"],
            1,
            now,
            report["received_at"],
            report["channel"],
            report["anonymous"],
            report["on_duty"],
            report["setting"],
            incident.get("from"),
            incident.get("to"),
            incident.get("location"),
            report["narrative"],
            json.dumps(report["persons_at_risk"], ensure_ascii=False),
            danger,
            report.get("follow_up_to"),
            "{}",
            contact is not None,
            None if contact is None else json.dumps(contact).encode(),
            hashlib.sha256(raw).hexdigest(),
        )
    )
    tables["report_theme"].extend((number, theme) for theme in report["themes"])
    tables["report_subject"].extend(
        (number, position, *(subject.get(name) for name in SUBJECT_FIELDS))
        for position, subject in enumerate(report["subjects"])
    )
