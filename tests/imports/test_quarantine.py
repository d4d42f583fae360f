"""Reports that fail validation are quarantined, sealed, and shown with a reason."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from psdcli import output
from tests.bundles import hand_zip, manifest_for, report_members, reports, write_bundle
from tests.imports.conftest import Workspace

CONTACT = {
    "name": "Nguyễn Thị Lan",
    "phone": "07700 900456",
    "email": "lan.nguyen@example.net",
    "preferred_method": "phone",
    "safe_to_contact_times": "after six",
    "notes": None,
}


def _bundle_with(
    workspace: Workspace, bad: dict[str, object], good_count: int = 2
) -> str:
    members = report_members([*reports(good_count), bad])
    manifest = manifest_for(members)
    archive = hand_zip(
        [("manifest.json", json.dumps(manifest).encode()), *members.items()]
    )
    write_bundle(workspace.bundles, archive, name="mixed.age")
    return str(manifest["bundle_id"])


BAD_REPORTS = [
    ("unknown-theme", {"themes": ["bribery"]}, "themes"),
    ("no-subjects", {"subjects": []}, "subjects"),
    ("string-revision", {"revision": "2"}, "revision"),
    ("naive-timestamp", {"received_at": "2026-05-01T10:00:00"}, "received_at"),
    ("unknown-force", {"subjects": [{"role": "officer", "force": "gotham"}]}, "force"),
    ("anonymous-with-contact", {"anonymous": True, "contact": CONTACT}, "anonymous"),
]


@pytest.mark.parametrize(
    ("change", "field"), [c[1:] for c in BAD_REPORTS], ids=[c[0] for c in BAD_REPORTS]
)
def test_invalid_report_is_quarantined_and_others_imported(
    workspace: Workspace, change: dict[str, object], field: str
) -> None:
    (bad,) = reports(1, start=90)
    bad.update(change)
    bundle_id = _bundle_with(workspace, bad)

    result = workspace.import_(workspace.bundles, extra=("--json",))

    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout.splitlines()[0])
    assert summary["status"] == "imported"
    assert summary["reports_imported"] == 2
    assert summary["reports_quarantined"] == 1
    shown = json.loads(workspace.run("bundle", "show", bundle_id, "--json").stdout)
    (quarantined,) = shown["quarantined"]
    assert quarantined["path"] == f"reports/{bad['reference']}.json"
    assert field in quarantined["reason"]
    listed = json.loads(workspace.run("case", "list", "--json").stdout)
    assert bad["reference"] not in {row["reference"] for row in listed}


def test_quarantined_report_is_stored_sealed(workspace: Workspace) -> None:
    (bad,) = reports(1, start=90)
    bad["themes"] = ["bribery"]
    bad["narrative"] = "A distinctive sentence about Sergeant Quimby-Fforde."
    _bundle_with(workspace, bad)
    workspace.import_(workspace.bundles)
    engine = create_engine(f"sqlite:///{workspace.db}")
    with engine.connect() as connection:
        sealed = connection.execute(
            text("SELECT sealed FROM quarantined_report")
        ).scalar_one()
    engine.dispose()
    assert sealed.startswith(b"age-encryption.org/v1\n")
    database_bytes = b"".join(
        p.read_bytes() for p in workspace.db.parent.glob("cases.db*")
    )
    assert b"Quimby-Fforde" not in database_bytes


def test_anonymous_report_with_contact_keeps_details_out_of_messages(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A wide console keeps the reason on one line of the table.
    monkeypatch.setattr(output.stdout, "width", 400)
    (bad,) = reports(1, start=90, anonymous=True)
    bad["contact"] = CONTACT
    bundle_id = _bundle_with(workspace, bad)
    result = workspace.import_(workspace.bundles)
    shown = workspace.run("bundle", "show", bundle_id)
    shown_json = workspace.run("bundle", "show", bundle_id, "--json")
    database_bytes = b"".join(
        p.read_bytes() for p in workspace.db.parent.glob("cases.db*")
    )
    assert "anonymous but carries contact details" in shown.stdout
    # preferred_method is a word such as "phone" that appears elsewhere anyway.
    identifying = [
        CONTACT[key] for key in ("name", "phone", "email", "safe_to_contact_times")
    ]
    for value in identifying:
        assert isinstance(value, str)
        assert value not in result.output
        assert value not in shown.output
        assert value not in shown_json.output
        assert value.encode() not in database_bytes


def test_unreferenced_attachment_is_quarantined(workspace: Workspace) -> None:
    members = report_members(reports(1))
    members["attachments/CS-2026-999999/orphan.txt"] = b"synthetic orphan\n"
    manifest = manifest_for(members)
    archive = hand_zip(
        [("manifest.json", json.dumps(manifest).encode()), *members.items()]
    )
    write_bundle(workspace.bundles, archive)
    result = workspace.import_(workspace.bundles, extra=("--json",))
    assert result.exit_code == 1
    assert json.loads(result.stdout.splitlines()[0])["reports_quarantined"] == 1
    shown = json.loads(
        workspace.run("bundle", "show", str(manifest["bundle_id"]), "--json").stdout
    )
    (row,) = shown["quarantined"]
    assert row["path"] == "attachments/CS-2026-999999/orphan.txt"
    assert "belongs to no report" in row["reason"]
