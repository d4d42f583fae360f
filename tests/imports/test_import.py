"""Importing sound bundles: cases, revisions, follow-ups, sequences, re-imports."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

from tests.bundles import reports, write_bundle, zip_bytes
from tests.conftest import SAMPLE_DATA
from tests.imports.conftest import Workspace

SAMPLE_BUNDLES = SAMPLE_DATA / "bundles"


def _json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_sample_bundles_import_cleanly(workspace: Workspace) -> None:
    result = workspace.import_(SAMPLE_BUNDLES, extra=("--json",))
    assert result.exit_code == 0, result.output
    summaries = _json_lines(result.stdout)
    assert len(summaries) == 4
    assert {s["status"] for s in summaries} == {"imported"}
    assert all(s["reports_quarantined"] == 0 for s in summaries)
    assert all(s["error"] is None for s in summaries)
    every = json.loads(
        workspace.run("case", "list", "--include-follow-ups", "--json").stdout
    )
    assert len(every) == sum(int(s["reports_imported"]) for s in summaries)
    # The sample set's three follow-ups are listed under the cases they answer.
    queue = json.loads(workspace.run("case", "list", "--json").stdout)
    assert len(queue) == len(every) - 3
    assert all(row["follow_up_to"] is None for row in queue)


def test_json_summary_has_every_field(workspace: Workspace) -> None:
    bundle = write_bundle(workspace.bundles, zip_bytes(reports(3)))
    result = workspace.import_(bundle, extra=("--json",))
    assert result.exit_code == 0, result.output
    (summary,) = _json_lines(result.stdout)
    assert summary["path"] == str(bundle)
    assert summary["status"] == "imported"
    assert summary["reports_imported"] == 3
    assert summary["reports_quarantined"] == 0
    assert summary["error"] is None
    assert isinstance(summary["bundle_id"], str)


def test_reimport_is_a_no_op(workspace: Workspace) -> None:
    bundle = write_bundle(workspace.bundles, zip_bytes(reports(3)))
    assert workspace.import_(bundle).exit_code == 0
    before = workspace.snapshot()
    again = workspace.import_(bundle, extra=("--json",))
    assert again.exit_code == 0, again.output
    assert _json_lines(again.stdout)[0]["status"] == "already imported"
    assert workspace.snapshot() == before


def test_reencrypted_copy_of_same_bundle_is_a_no_op(workspace: Workspace) -> None:
    archive = zip_bytes(reports(2))
    first = write_bundle(workspace.bundles, archive, name="first.age")
    second = write_bundle(workspace.bundles, archive, name="second.age")
    assert first.read_bytes() != second.read_bytes()
    assert workspace.import_(first).exit_code == 0
    before = workspace.snapshot()
    result = workspace.import_(second, extra=("--json",))
    assert _json_lines(result.stdout)[0]["status"] == "already imported"
    assert workspace.snapshot() == before
    assert len(workspace.kept_bundles()) == 1


def test_original_bundle_is_kept_encrypted_and_private(workspace: Workspace) -> None:
    bundle = write_bundle(workspace.bundles, zip_bytes(reports(2)))
    assert workspace.import_(bundle).exit_code == 0
    (kept,) = workspace.kept_bundles()
    digest = hashlib.sha256(bundle.read_bytes()).hexdigest()
    assert kept.name == f"{digest}.age"
    assert kept.read_bytes() == bundle.read_bytes()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    shown = json.loads(workspace.run("bundle", "list", "--json").stdout)
    assert shown["bundles"][0]["file_sha256"] == digest


def test_higher_revision_joins_existing_case(workspace: Workspace) -> None:
    (original,) = reports(1)
    corrected = {
        **original,
        "revision": 2,
        "narrative": original["narrative"] + " Corrected.",
    }
    first = write_bundle(workspace.bundles, zip_bytes([original], sequence=1))
    second = write_bundle(workspace.bundles, zip_bytes([corrected], sequence=2))
    assert workspace.import_(first).exit_code == 0
    result = workspace.import_(second, extra=("--json",))
    assert result.exit_code == 0, result.output
    assert _json_lines(result.stdout)[0]["revisions_added"] == 1
    shown = json.loads(
        workspace.run("case", "show", original["reference"], "--json").stdout
    )
    assert shown["latest_revision"] == 2
    assert shown["has_update"] is True
    assert [r["revision"] for r in shown["revisions"]] == [1, 2]
    assert shown["report"]["narrative"].endswith("Corrected.")
    old = json.loads(
        workspace.run(
            "case", "show", original["reference"], "--revision", "1", "--json"
        ).stdout
    )
    assert old["report"]["narrative"] == original["narrative"]


def test_same_revision_with_new_content_is_quarantined(workspace: Workspace) -> None:
    (original,) = reports(1)
    altered = {**original, "narrative": "A different account."}
    assert (
        workspace.import_(
            write_bundle(workspace.bundles, zip_bytes([original]))
        ).exit_code
        == 0
    )
    result = workspace.import_(
        write_bundle(workspace.bundles, zip_bytes([altered], sequence=2)),
        extra=("--json",),
    )
    assert result.exit_code == 1
    assert _json_lines(result.stdout)[0]["reports_quarantined"] == 1
    shown = json.loads(
        workspace.run("case", "show", original["reference"], "--json").stdout
    )
    assert shown["report"]["narrative"] == original["narrative"]


def test_follow_up_flags_the_original_case(workspace: Workspace) -> None:
    (original,) = reports(1)
    (reply,) = reports(1, start=500, follow_up_to=original["reference"])
    workspace.import_(
        write_bundle(workspace.bundles, zip_bytes([original], sequence=1))
    )
    result = workspace.import_(
        write_bundle(workspace.bundles, zip_bytes([reply], sequence=2))
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(
        workspace.run("case", "show", original["reference"], "--json").stdout
    )
    assert shown["has_update"] is True
    assert shown["follow_ups"] == [reply["reference"]]


def test_follow_up_to_unknown_case_warns(workspace: Workspace) -> None:
    (reply,) = reports(1, follow_up_to="CS-2020-000001")
    result = workspace.import_(write_bundle(workspace.bundles, zip_bytes([reply])))
    assert result.exit_code == 0, result.output
    assert "CS-2020-000001" in result.stderr
    assert "not in the database" in result.stderr
    shown = json.loads(
        workspace.run("case", "show", reply["reference"], "--json").stdout
    )
    assert shown["follow_up_to"] == "CS-2020-000001"


def test_sequence_gap_is_reported(workspace: Workspace) -> None:
    first = write_bundle(workspace.bundles, zip_bytes(reports(1), sequence=1))
    third = write_bundle(workspace.bundles, zip_bytes(reports(1, start=3), sequence=3))
    result = workspace.import_(first, third)
    assert result.exit_code == 0, result.output
    assert "missing 2" in result.stderr
    listed = json.loads(workspace.run("bundle", "list", "--json").stdout)
    assert any("missing 2" in warning for warning in listed["warnings"])


def test_reused_sequence_number_warns(workspace: Workspace) -> None:
    one = write_bundle(workspace.bundles, zip_bytes(reports(1), sequence=5))
    other = write_bundle(workspace.bundles, zip_bytes(reports(1, start=9), sequence=5))
    result = workspace.import_(one, other)
    assert result.exit_code == 0, result.output
    assert "sequence 5" in result.stderr
    assert "already used" in result.stderr


def test_folder_import_takes_every_age_file(workspace: Workspace) -> None:
    for number in range(1, 4):
        write_bundle(
            workspace.bundles, zip_bytes(reports(2, start=number * 10), sequence=number)
        )
    (workspace.bundles / "notes.txt").write_text("not a bundle")
    result = workspace.import_(workspace.bundles, extra=("--json",))
    assert result.exit_code == 0, result.output
    assert len(_json_lines(result.stdout)) == 3


def test_unknown_fields_are_kept_and_shown(workspace: Workspace) -> None:
    (report,) = reports(1, language_preference="cy")
    workspace.import_(write_bundle(workspace.bundles, zip_bytes([report])))
    shown = json.loads(
        workspace.run("case", "show", report["reference"], "--json").stdout
    )
    assert shown["report"]["other_fields"] == {"language_preference": "cy"}
    table = workspace.run("case", "show", report["reference"]).stdout
    assert "language_preference" in table


def test_attachments_are_listed_by_name_size_and_type(workspace: Workspace) -> None:
    (report,) = reports(1)
    path = f"attachments/{report['reference']}/screenshot-notes.txt"
    report["attachments"] = [path]
    archive = zip_bytes(
        [report], attachments={path: (b"synthetic note\n", "text/plain")}
    )
    workspace.import_(write_bundle(workspace.bundles, archive))
    shown = json.loads(
        workspace.run("case", "show", report["reference"], "--json").stdout
    )
    (attachment,) = shown["report"]["attachments"]
    assert attachment["name"] == "screenshot-notes.txt"
    assert attachment["size"] == len(b"synthetic note\n")
    assert attachment["media_type"] == "text/plain"


def test_case_list_filters(workspace: Workspace) -> None:
    abuse = reports(2, themes=["partner_abuse"])
    other = reports(2, start=50, themes=["personal_advantage"])
    for report in other:
        report["subjects"][0]["force"] = "kent"
    workspace.import_(write_bundle(workspace.bundles, zip_bytes(abuse + other)))
    by_theme = json.loads(
        workspace.run("case", "list", "--theme", "partner_abuse", "--json").stdout
    )
    assert {row["reference"] for row in by_theme} == {r["reference"] for r in abuse}
    by_force = json.loads(
        workspace.run("case", "list", "--force", "kent", "--json").stdout
    )
    assert {r["reference"] for r in other} <= {row["reference"] for row in by_force}
    by_status = json.loads(
        workspace.run("case", "list", "--status", "new", "--json").stdout
    )
    assert len(by_status) == 4


def test_case_list_rejects_unknown_filter_values(workspace: Workspace) -> None:
    workspace.import_(write_bundle(workspace.bundles, zip_bytes(reports(1))))
    for option, value in (
        ("--theme", "bribery"),
        ("--force", "gotham"),
        ("--status", "odd"),
    ):
        result = workspace.run("case", "list", option, value)
        assert result.exit_code == 2, (option, result.output)
        assert value in result.stderr


def test_case_show_of_unknown_reference_fails(workspace: Workspace) -> None:
    workspace.import_(write_bundle(workspace.bundles, zip_bytes(reports(1))))
    result = workspace.run("case", "show", "CS-1999-000000")
    assert result.exit_code == 1
    assert "no case with reference or number 'CS-1999-000000'" in result.stderr


def test_read_commands_need_an_existing_database(workspace: Workspace) -> None:
    result = workspace.run("case", "list")
    assert result.exit_code == 1
    assert "psdcli init" in result.stderr
    assert not workspace.db.exists()


def test_contact_details_never_reach_case_views(workspace: Workspace) -> None:
    (report,) = reports(1, anonymous=False)
    report["contact"] = {
        "name": "Gwenllian Prys-Jenkins",
        "phone": "07700 900123",
        "email": "gwenllian.pj@example.org",
        "preferred_method": "email",
        "safe_to_contact_times": "weekday evenings",
        "notes": "uses a shared laptop",
    }
    workspace.import_(write_bundle(workspace.bundles, zip_bytes([report])))
    outputs = [
        workspace.run("case", "show", report["reference"]).output,
        workspace.run("case", "show", report["reference"], "--json").output,
        workspace.run("case", "list").output,
        workspace.run("case", "list", "--json").output,
    ]
    database_bytes = b"".join(
        p.read_bytes() for p in workspace.db.parent.glob("cases.db*")
    )
    for secret in report["contact"].values():
        for text in outputs:
            assert secret not in text
        assert secret.encode() not in database_bytes


def test_imported_at_and_received_at_are_utc(workspace: Workspace) -> None:
    (report,) = reports(1, received_at="2026-07-01T09:15:00+01:00")
    workspace.import_(write_bundle(workspace.bundles, zip_bytes([report])))
    shown = json.loads(
        workspace.run("case", "show", report["reference"], "--json").stdout
    )
    assert shown["received_at"] == "2026-07-01T08:15:00+00:00"


def test_kept_bundle_folder_follows_the_database(
    workspace: Workspace, tmp_path: Path
) -> None:
    bundle = write_bundle(workspace.bundles, zip_bytes(reports(1)))
    workspace.import_(bundle)
    assert (workspace.db.parent / "cases-bundles").is_dir()


def test_follow_up_belongs_to_its_original(workspace: Workspace) -> None:
    (original,) = reports(1)
    (reply,) = reports(1, start=500, follow_up_to=original["reference"])
    workspace.import_(write_bundle(workspace.bundles, zip_bytes([original, reply])))
    listed = json.loads(workspace.run("case", "list", "--json").stdout)
    assert [row["reference"] for row in listed] == [original["reference"]]
    shown = json.loads(
        workspace.run("case", "show", original["reference"], "--json").stdout
    )
    (follow_up,) = shown["follow_up_reports"]
    assert follow_up["reference"] == reply["reference"]
    assert follow_up["report"]["narrative"] == reply["narrative"]
    reply_shown = json.loads(
        workspace.run("case", "show", reply["reference"], "--json").stdout
    )
    assert reply_shown["attached_to"]["reference"] == original["reference"]
    refused = workspace.run("case", "note", reply["reference"], "a note")
    assert refused.exit_code == 1
    assert f"is a follow-up to case {shown['case_number']}" in refused.stderr
