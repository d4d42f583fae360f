"""A report marked anonymous never carries contact details into a case.

Such a report, and a report whose contact object is malformed, is
quarantined. The quarantine reason names the fault but no value, and the
values are stored only inside the sealed quarantine row.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pyrage
import pytest

from tests.bundles import (
    SAMPLE_KEY,
    hand_zip,
    manifest_for,
    report_members,
    reports,
    write_bundle,
)
from tests.confidentiality.conftest import Desk
from tests.confidentiality.leak_scan import Scanner, describe, load_sample_identity

NAME = "Gwenllïan Ó Súilleabháin"
PHONE = "+44 7700 900765"
EMAIL = "gwen.osuilleabhain@example.org"

BAD_CONTACTS = [
    (
        "anonymous-full-contact",
        {"anonymous": True, "contact": {"name": NAME, "phone": PHONE, "email": EMAIL}},
        "anonymous",
    ),
    (
        "anonymous-phone-only",
        {"anonymous": True, "contact": {"phone": PHONE}},
        "anonymous",
    ),
    (
        "anonymous-contact-with-bad-types",
        {"anonymous": True, "contact": {"name": NAME, "phone": 7700900765}},
        "anonymous",
    ),
    (
        "contact-without-phone-or-email",
        {"anonymous": False, "contact": {"name": NAME, "notes": EMAIL}},
        "contact",
    ),
    (
        "contact-email-not-a-string",
        {"anonymous": False, "contact": {"name": NAME, "email": [EMAIL]}},
        "contact.email",
    ),
]


def import_bad_report(desk: Desk, folder: Path, members: dict[str, bytes]) -> str:
    """Import a bundle of one good report plus ``members``; return its bundle id."""
    (good,) = reports(1, seed=3, start=950)
    members = {**report_members([good]), **members}
    manifest = manifest_for(members)
    archive = hand_zip(
        [("manifest.json", json.dumps(manifest).encode()), *members.items()]
    )
    bundle = write_bundle(folder, archive)
    result = desk.run("import", "-i", SAMPLE_KEY, "--json", bundle)
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout.splitlines()[0])
    assert summary["reports_quarantined"] == 1
    scanner = Scanner([NAME, PHONE, EMAIL])
    leaks = scanner.in_output("import", result.stdout_bytes + result.stderr_bytes)
    assert not leaks, describe(leaks)
    return str(manifest["bundle_id"])


def quarantined_report_json(desk: Desk, reference: str) -> bytes:
    """Open the sealed quarantine row of ``reference`` and return the report bytes."""
    ((sealed,),) = desk.rows(
        "SELECT sealed FROM quarantined_report WHERE reference = ?", reference
    )
    packed = pyrage.decrypt(bytes(sealed), [load_sample_identity()])
    with zipfile.ZipFile(io.BytesIO(packed)) as archive:
        return archive.read(f"reports/{reference}.json")


def assert_values_only_sealed(desk: Desk, bundle_id: str, values: list[str]) -> None:
    """Check bundle show, case list and the database files for the values."""
    scanner = Scanner(values)
    leaks = scanner.in_tree(desk.db.parent)
    for args in (("bundle", "show", bundle_id), ("case", "list", "--json")):
        listing = desk.run(*args)
        assert listing.exit_code == 0, listing.output
        leaks += scanner.in_output(" ".join(args), listing.stdout_bytes)
    as_json = desk.run("bundle", "show", bundle_id, "--json")
    leaks += scanner.in_output("bundle show --json", as_json.stdout_bytes)
    assert not leaks, describe(leaks)


@pytest.mark.parametrize(
    ("change", "reason_word"),
    [case[1:] for case in BAD_CONTACTS],
    ids=[case[0] for case in BAD_CONTACTS],
)
def test_bad_contact_is_quarantined_without_values(
    desk: Desk, tmp_path: Path, change: dict[str, Any], reason_word: str
) -> None:
    (bad,) = reports(1, seed=4, start=951)
    bad.update(change)
    reference = bad["reference"]
    members = report_members([bad])

    bundle_id = import_bad_report(desk, tmp_path / "incoming", members)

    ((reason,),) = desk.rows(
        "SELECT reason FROM quarantined_report WHERE reference = ?", reference
    )
    assert reason_word in reason
    for value in (NAME, PHONE, EMAIL, "7700900765"):
        assert value not in reason
    assert desk.rows('SELECT id FROM "case" WHERE reference = ?', reference) == []
    assert_values_only_sealed(desk, bundle_id, [NAME, PHONE, EMAIL])
    assert (
        quarantined_report_json(desk, reference) == members[f"reports/{reference}.json"]
    )


def test_duplicate_contact_key_is_quarantined_without_values(
    desk: Desk, tmp_path: Path
) -> None:
    (bad,) = reports(1, seed=4, start=952, anonymous=True)
    reference = bad["reference"]
    # Two "phone" keys: a strict parser must reject it without quoting either.
    text = json.dumps(bad).replace(
        '"contact": null',
        f'"contact": {{"phone": "{PHONE}", "phone": "07700 900766"}}',
    )
    assert "07700 900766" in text
    members = {f"reports/{reference}.json": text.encode()}

    bundle_id = import_bad_report(desk, tmp_path / "incoming", members)

    ((reason,),) = desk.rows(
        "SELECT reason FROM quarantined_report WHERE reference = ?", reference
    )
    assert "duplicate key" in reason
    assert PHONE not in reason
    assert "07700 900766" not in reason
    assert_values_only_sealed(desk, bundle_id, [PHONE, "07700 900766"])
