"""Build bundle files for tests: synthetic reports, zipped and encrypted."""

from __future__ import annotations

import hashlib
import io
import json
import random
import sqlite3
import uuid
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import generator
import pyrage
from synthetic_reports import make_report

from tests.conftest import SAMPLE_DATA

SAMPLE_KEY = SAMPLE_DATA / "sample-identity.txt"
SAMPLE_RECIPIENT = generator.read_identity_recipient(SAMPLE_KEY)
EXPORTED_AT = "2026-11-30T18:00:00+00:00"


def reports(
    count: int, *, seed: int = 7, start: int = 1, **overrides: Any
) -> list[dict[str, Any]]:
    """Return ``count`` valid synthetic reports with references CS-2026-9xxxxx."""
    rng = random.Random(seed)
    made = []
    for number in range(start, start + count):
        report = make_report(rng, f"CS-2026-9{number:05d}")
        report.update(overrides)
        made.append(report)
    return made


def zip_bytes(
    report_list: Sequence[Mapping[str, Any]],
    *,
    bundle_id: str | None = None,
    sequence: int = 1,
    recipient_force: str = "west-mercia",
    attachments: Mapping[str, tuple[bytes, str]] | None = None,
) -> bytes:
    """Return the ZIP archive of a bundle."""
    buffer = io.BytesIO()
    generator.build_bundle_zip(
        buffer,
        bundle_id=bundle_id or str(uuid.uuid4()),
        sequence=sequence,
        recipient_force=recipient_force,
        exported_at=EXPORTED_AT,
        reports=report_list,
        attachments=attachments,
    )
    return buffer.getvalue()


def encrypt(
    plaintext: bytes,
    recipients: Sequence[str] = (SAMPLE_RECIPIENT,),
    *,
    armored: bool = False,
) -> bytes:
    """Encrypt ``plaintext`` with pyrage to ``recipients``."""
    parsed = [pyrage.x25519.Recipient.from_str(r) for r in recipients]
    return bytes(pyrage.encrypt(plaintext, parsed, armored=armored))


def write_bundle(
    folder: Path, plaintext: bytes, name: str | None = None, **kwargs: Any
) -> Path:
    """Encrypt ``plaintext`` to the sample key and write it as an .age file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{uuid.uuid4()}.age")
    path.write_bytes(encrypt(plaintext, **kwargs))
    return path


def database_snapshot(db_path: Path) -> list[str]:
    """Return every row of every table as SQL text, to compare before and after."""
    if not db_path.exists():
        return []
    connection = sqlite3.connect(db_path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def manifest_for(
    members: Mapping[str, bytes],
    *,
    bundle_id: str | None = None,
    version: int = 1,
    sequence: int = 1,
    media_type: str = "text/plain",
) -> dict[str, Any]:
    """Return a correct manifest listing ``members`` with their hashes and sizes."""

    def entry(path: str, data: bytes) -> dict[str, Any]:
        return {
            "path": path,
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        }

    return {
        "format": "psd-intake-bundle",
        "version": version,
        "bundle_id": bundle_id or str(uuid.uuid4()),
        "sequence": sequence,
        "exported_at": EXPORTED_AT,
        "exporter": "psdcli tests",
        "recipient_force": "west-mercia",
        "reports": [
            entry(p, d) for p, d in members.items() if p.startswith("reports/")
        ],
        "attachments": [
            {**entry(p, d), "media_type": media_type}
            for p, d in members.items()
            if p.startswith("attachments/")
        ],
    }


def hand_zip(
    members: Sequence[tuple[str | zipfile.ZipInfo, bytes]],
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """Return a ZIP with exactly these members, in this order, made with zipfile."""
    buffer = io.BytesIO()
    with (
        warnings.catch_warnings(),
        zipfile.ZipFile(buffer, "w", compression) as archive,
    ):
        # zipfile warns about a duplicate name; some tests write one on purpose.
        warnings.simplefilter("ignore", UserWarning)
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def report_members(report_list: Sequence[Mapping[str, Any]]) -> dict[str, bytes]:
    """Return the archive members of some reports, keyed by path."""
    return {
        f"reports/{report['reference']}.json": json.dumps(report).encode()
        for report in report_list
    }
