"""No reporter contact value reaches disk, exports, output or logs in readable form.

A realistic session runs the real program on the sample bundles and a bundle
of many contactable reports. Then every file it wrote and everything it
printed or logged is searched, byte for byte, for every contact name, phone
number and e-mail address. Only the stdout of ``reporter show`` may hold them.
"""

from __future__ import annotations

import json
import random
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from synthetic_reports import make_contact

from tests.bundles import SAMPLE_KEY, reports, write_bundle, zip_bytes
from tests.confidentiality.conftest import Cli, Run
from tests.confidentiality.leak_scan import (
    SAMPLE_BUNDLE_DIR,
    Scanner,
    contact_values,
    describe,
    encoded_forms,
    read_sample_bundles,
    reports_by_reference,
    values_shared_with_report_text,
)

# Reporter names for the generated bundle. None of these given or family
# names is in the generator's pool, so no subject or narrative shares them.
GIVEN_NAMES = (
    "Zoë", "Søren", "Bronwen", "Oisín", "Żaneta", "Chiamaka",
    "Mairéad", "Rhiannon", "Björn", "Ngọc Ánh",
)  # fmt: skip
FAMILY_NAMES = (
    "Ó Dálaigh", "Wójcik-Pryce", "Adébáyọ̀", "Farquharson", "Szczęsna",
    "Mac Cárthaigh", "Quennell", "Lương", "Ekwueme", "Penhaligon",
)  # fmt: skip
ARABIC_SCRIPT_NAMES = ("فرزانہ بٹ", "ذیشان ملک", "رخسانہ گل")
GENERATED_COUNT = len(GIVEN_NAMES) * len(FAMILY_NAMES) + len(ARABIC_SCRIPT_NAMES)
# Sample cases shown in the session: an Urdu-script name, a Welsh name with a
# second revision, and a follow-up's original with two attachments.
SHOWN_SAMPLE_CASES = ("CS-2026-004552", "CS-2026-004103", "CS-2026-004882")
REVEALED_CASE = "CS-2026-004552"
REVEALED_AS_JSON = "CS-2026-004103"
EXPORTED_ATTACHMENT = ("CS-2026-004882", "reporter-note.txt")
# Sample names come from a small pool, so a few reporters share a name with a
# subject of another report. Subject names are stored in plaintext on purpose.
MAX_SHARED_VALUES = 3


def generated_reports() -> list[dict[str, Any]]:
    """Return contactable reports and one anonymous report that carries contact.

    Subjects stay unnamed, so that no subject shares a sample reporter's name.
    """
    names = [f"{g} {f}" for g in GIVEN_NAMES for f in FAMILY_NAMES]
    names += ARABIC_SCRIPT_NAMES
    made = reports(GENERATED_COUNT, seed=31, start=700)
    rng = random.Random(2718)
    for report, name in zip(made, names, strict=True):
        report["anonymous"] = False
        report["contact"] = make_contact(rng, name)
        for subject in report["subjects"]:
            subject["name"] = None
    (hidden,) = reports(1, seed=32, start=699, anonymous=True)
    hidden["contact"] = make_contact(rng, "Siobhán Ní Dhuibhir-Ekwueme")
    hidden["subjects"][0]["name"] = None
    return [hidden, *made]


def run_session(cli: Cli, exports: Path, generated: Path) -> dict[str, Run]:
    """Run the commands of an analyst's day and return the two reveals by name."""
    sample_key = str(SAMPLE_KEY)
    cli.run("import", "-i", sample_key, SAMPLE_BUNDLE_DIR)
    imported = cli.run("import", "-i", sample_key, "--json", generated, expect=1)
    bundle_id = json.loads(imported.out.splitlines()[0])["bundle_id"]

    cli.run("case", "list")
    cli.run("case", "list", "--json")
    cli.run("case", "list", "--theme", "partner_abuse", "--reason", "Weekly review")
    last_generated = f"CS-2026-9{700 + GENERATED_COUNT - 1:05d}"
    for reference in (*SHOWN_SAMPLE_CASES, last_generated):
        cli.run("case", "show", reference)
        cli.run("case", "show", reference, "--json", "--reason", "Assessment")
    cli.run("case", "show", "CS-2026-004103", "--revision", "1")

    cli.run("bundle", "list")
    cli.run("bundle", "list", "--json")
    cli.run("bundle", "show", bundle_id)
    cli.run("bundle", "show", bundle_id, "--json")

    case, name = EXPORTED_ATTACHMENT
    cli.run(
        "case", "attachment", "export", case, name,
        "-o", exports / name,
        "--reason", "For the investigating officer",
        "--recipient", "DS Example",
        "-i", sample_key,
    )  # fmt: skip
    revealed = cli.run(
        "reporter", "show", REVEALED_CASE, "--reason", "Arrange a call",
        "-i", sample_key,
    )  # fmt: skip
    revealed_json = cli.run(
        "reporter", "show", REVEALED_AS_JSON, "--reason", "Arrange a call",
        "-i", sample_key, "--json",
    )  # fmt: skip

    cli.run("audit", "show")
    cli.run("audit", "show", "--json", "--limit", "500")
    reason = ("--reason", "Quarterly self-monitoring")
    cli.run("audit", "export", "-o", exports / "audit.jsonl", *reason)
    cli.run("audit", "export", "--format", "csv", "-o", exports / "audit.csv", *reason)
    cli.run(
        "audit", "export", "--format", "csv", "--bom",
        "-o", exports / "audit-excel.csv", *reason,
    )  # fmt: skip
    cli.run("audit", "export", *reason)
    cli.run("audit", "verify", exports / "audit.jsonl")
    cli.run("keys", "recipients")
    return {"reveal": revealed, "reveal-json": revealed_json}


def scanned_values(all_reports: list[dict[str, Any]]) -> list[str]:
    """Return the contact values to search for, after checking there are enough."""
    candidates = contact_values(all_reports)
    shared = values_shared_with_report_text(candidates, all_reports)
    values = [value for value in candidates if value not in shared]
    assert len(shared) <= MAX_SHARED_VALUES, f"too many values to skip: {shared}"
    assert len(values) > GENERATED_COUNT, "the fixture has too few contact values"
    assert any(not value.isascii() for value in values), "no non-ASCII contact value"
    assert any("\u0600" <= ch <= "\u06ff" for value in values for ch in value), (
        "no contact name in Arabic script"
    )
    carried = "".join(json.dumps(report) for report in all_reports).encode()
    found = {leak.value for leak in Scanner(values).in_bytes("reports", carried)}
    assert found == set(values), "the scanner cannot find some values in the reports"
    return values


@pytest.mark.parametrize("debug", [False, True], ids=["default", "psdcli-debug"])
def test_session_leaves_no_contact_value(cli: Cli, tmp_path: Path, debug: bool) -> None:
    cli.debug_logging = True
    if debug:
        cli.env["PSDCLI_DEBUG"] = "1"
    sample_reports = [r for b in read_sample_bundles() for r in b.reports]
    made = generated_reports()
    scanner = Scanner(scanned_values([*sample_reports, *made]))
    generated = write_bundle(tmp_path / "incoming", zip_bytes(made))
    exports = tmp_path / "exports"
    exports.mkdir(mode=0o700)

    cli.run("init")
    # An idle reader keeps the -wal and -shm files on disk until the scan.
    with closing(sqlite3.connect(cli.db)) as reader:
        reader.execute("SELECT count(*) FROM sqlite_master").fetchall()
        reveals = run_session(cli, exports, generated)
        assert cli.db.with_name(cli.db.name + "-wal").exists(), "no -wal to scan"
        leaks = scanner.in_tree(cli.data)
    leaks += scanner.in_tree(exports)
    leaks += scanner.in_tree(cli.tmp)
    for number, run in enumerate(cli.runs):
        place = f"run {number} (psdcli {' '.join(run.args)})"
        if run not in reveals.values():
            leaks += scanner.in_output(f"{place} stdout", run.stdout)
        leaks += scanner.in_output(f"{place} stderr", run.stderr)

    assert not leaks, describe(leaks)
    assert len(list(cli.kept_bundles.glob("*.age"))) == 5
    written = {path.name for path in exports.iterdir()}
    expected = {"audit-excel.csv", "audit.csv", "audit.jsonl", "reporter-note.txt"}
    assert expected <= written, f"the session wrote only {sorted(written)}"
    latest = reports_by_reference(sample_reports)
    for key, reference in (
        ("reveal", REVEALED_CASE),
        ("reveal-json", REVEALED_AS_JSON),
    ):
        contact = contact_values([latest[reference]])
        printed = Scanner(contact).in_output(key, reveals[key].stdout)
        assert {leak.value for leak in printed} == set(contact), f"{key} of {reference}"


@pytest.mark.parametrize(
    "form",
    ["utf-8", "utf-16-le", "json-escaped", "bytes-repr", "no-spaces"],
)
def test_scanner_finds_each_encoded_form(form: str) -> None:
    value = "Małgorzata Żmijewska"
    needle = encoded_forms(value)[form]
    scanner = Scanner([value])

    leaks = scanner.in_bytes("planted", b"\x00 before " + needle + b" after \xff")

    assert [leak.form for leak in leaks] == [form]


def test_scanner_finds_value_spread_over_table_lines() -> None:
    rendered = "│ name │ Małgorzata    │\n│      │ Żmijewska     │\n".encode()
    scanner = Scanner(["Małgorzata Żmijewska"])

    leaks = scanner.in_output("table", rendered)

    assert [leak.form for leak in leaks] == ["squashed-text"]
