"""A copy of the database, without a team key, must not confirm who a reporter is.

Everything in a report except its contact details is stored in plaintext, so
someone holding a copy can rebuild a report's JSON text. The test plays that
person: it learns the exporter's JSON layout from an anonymous report, then
checks whether any stored value distinguishes a right guess of a reporter's
contact details from a wrong one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from psdcli.core.prepare import content_digest
from psdcli.intake.validation import validate_report
from tests.bundles import SAMPLE_KEY, reports, write_bundle, zip_bytes
from tests.confidentiality.conftest import Desk, query

SUBJECT_FIELDS = (
    "name",
    "role",
    "force",
    "rank",
    "collar_number",
    "station",
    "description",
)
# Contact details that the subject of a report could guess, such as an
# ex-partner's name and phone number.
TRUE_CONTACT = {
    "name": "Ceri Vaughan-Price",
    "phone": "07700 900412",
    "email": None,
    "preferred_method": "phone",
    "safe_to_contact_times": None,
    "notes": None,
}
WRONG_CONTACT = {**TRUE_CONTACT, "name": "Ceri Vaughan-Pryce"}

# Layouts an exporter might use, tried until one reproduces a known report.
Layout = Callable[[dict[str, Any]], bytes]
LAYOUTS: dict[str, Layout] = {
    "compact": lambda doc: json.dumps(doc).encode(),
    "compact-utf8": lambda doc: json.dumps(doc, ensure_ascii=False).encode(),
    "indent-2": lambda doc: (
        json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    ).encode(),
}


def rebuild_report(db: Path, reference: str, contact: Any) -> dict[str, Any]:
    """Rebuild a report's JSON object from plaintext columns, with ``contact``."""
    ((revision_id, revision, received, channel, anonymous, on_duty, setting,
      incident_from, incident_to, location, narrative, persons_at_risk,
      follow_up_to),) = query(
        db,
        "SELECT r.id, r.revision, r.received_at, r.channel, r.anonymous, r.on_duty, "
        "r.setting, r.incident_from, r.incident_to, r.incident_location, "
        "r.narrative, r.persons_at_risk, r.follow_up_to FROM report_revision r "
        'JOIN "case" c ON c.id = r.case_id WHERE c.reference = ?',
        reference,
    )  # fmt: skip
    themes = query(
        db, "SELECT theme FROM report_theme WHERE revision_id = ? ORDER BY rowid",
        revision_id,
    )  # fmt: skip
    subjects = query(
        db,
        f"SELECT {', '.join(SUBJECT_FIELDS)} FROM report_subject "  # noqa: S608
        "WHERE revision_id = ? ORDER BY position",
        revision_id,
    )
    attachments = query(
        db, "SELECT path FROM attachment WHERE revision_id = ? ORDER BY id",
        revision_id,
    )  # fmt: skip
    # The reporting line writes times in UK local time, but the database stores UTC.
    received_local = (
        datetime.fromisoformat(received)
        .replace(tzinfo=UTC)
        .astimezone(ZoneInfo("Europe/London"))
    )
    return {
        "reference": reference,
        "revision": revision,
        "received_at": received_local.isoformat(),
        "channel": channel,
        "anonymous": bool(anonymous),
        "contact": contact,
        "themes": [theme for (theme,) in themes],
        "subjects": [dict(zip(SUBJECT_FIELDS, row, strict=True)) for row in subjects],
        "on_duty": on_duty,
        "setting": setting,
        "incident": {"from": incident_from, "to": incident_to, "location": location},
        "narrative": narrative,
        "persons_at_risk": json.loads(persons_at_risk),
        "follow_up_to": follow_up_to,
        "attachments": [path for (path,) in attachments],
    }


def stored_hashes(db: Path) -> set[str]:
    """Return every 64-character hexadecimal value stored in a text column."""
    found = set()
    for (table,) in query(db, "SELECT name FROM sqlite_master WHERE type = 'table'"):
        for (column,) in query(db, "SELECT name FROM pragma_table_info(?)", table):
            # Names come from the schema itself, not from input.
            values = query(db, f'SELECT "{column}" FROM "{table}"')  # noqa: S608
            found.update(
                value
                for (value,) in values
                if isinstance(value, str) and len(value) == 64
            )
    return found


@pytest.fixture
def copied_db(tmp_path: Path) -> tuple[Path, str, str]:
    """A database with one anonymous and one contactable report.

    Returns the database path, the anonymous reference and the contactable one.
    """
    anonymous, contactable = reports(2, seed=9, start=300)
    anonymous["anonymous"] = True
    anonymous["contact"] = None
    contactable["anonymous"] = False
    contactable["contact"] = TRUE_CONTACT
    bundle = write_bundle(tmp_path / "incoming", zip_bytes([anonymous, contactable]))
    desk = Desk(tmp_path / "data" / "cases.db")
    result = desk.run("import", "-i", SAMPLE_KEY, bundle)
    assert result.exit_code == 0, result.output
    return desk.db, anonymous["reference"], contactable["reference"]


def test_copy_cannot_confirm_guessed_contact(copied_db: tuple[Path, str, str]) -> None:
    db, _anonymous, contactable = copied_db
    hashes = stored_hashes(db)
    # No hash of the report file, in any usual layout, with either guess.
    for name, layout in LAYOUTS.items():
        for contact in (TRUE_CONTACT, WRONG_CONTACT):
            text = layout(rebuild_report(db, contactable, contact))
            assert hashlib.sha256(text).hexdigest() not in hashes, name
    # The stored content digest is the same whatever the contact, so it
    # cannot tell a right guess from a wrong one.
    digests = {
        content_digest(validate_report(rebuild_report(db, contactable, c), "guess"))
        for c in (TRUE_CONTACT, WRONG_CONTACT)
    }
    assert len(digests) == 1
    assert digests <= hashes
