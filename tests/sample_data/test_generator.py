"""Tests for the sample data generator and the committed sample bundles.

The format checks below are written from the bundle format rules, not taken
from the generator, so that a generator bug cannot hide behind its own
constants.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import re
import stat
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import generator
import pyrage
import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DATA = REPO / "sample_data"
GENERATOR_SCRIPT = SAMPLE_DATA / "generator.py"
BUNDLE_DIR = SAMPLE_DATA / "bundles"
IDENTITY_FILE = SAMPLE_DATA / "sample-identity.txt"
ARMOR_HEADER = b"-----BEGIN AGE ENCRYPTED FILE-----"

THEMES = frozenset(
    {
        "information_for_reward",
        "personal_advantage",
        "sexual_boundaries",
        "partner_abuse",
        "discrimination",
    }
)
# data.police.uk force ids, the national forces and "unknown".
FORCE_IDS = frozenset(
    {
        "avon-and-somerset",
        "bedfordshire",
        "cambridgeshire",
        "cheshire",
        "city-of-london",
        "cleveland",
        "cumbria",
        "derbyshire",
        "devon-and-cornwall",
        "dorset",
        "durham",
        "dyfed-powys",
        "essex",
        "gloucestershire",
        "greater-manchester",
        "gwent",
        "hampshire",
        "hertfordshire",
        "humberside",
        "kent",
        "lancashire",
        "leicestershire",
        "lincolnshire",
        "merseyside",
        "metropolitan",
        "norfolk",
        "north-wales",
        "north-yorkshire",
        "northamptonshire",
        "northumbria",
        "nottinghamshire",
        "south-wales",
        "south-yorkshire",
        "staffordshire",
        "suffolk",
        "surrey",
        "sussex",
        "thames-valley",
        "warwickshire",
        "west-mercia",
        "west-midlands",
        "west-yorkshire",
        "wiltshire",
        "northern-ireland",
        "police-scotland",
        "btp",
        "mod-police",
        "cnc",
        "unknown",
    }
)
REPORT_FIELDS = frozenset(
    {
        "reference",
        "revision",
        "received_at",
        "channel",
        "anonymous",
        "contact",
        "themes",
        "subjects",
        "on_duty",
        "setting",
        "incident",
        "narrative",
        "persons_at_risk",
        "follow_up_to",
        "attachments",
    }
)
CONTACT_FIELDS = frozenset(
    {"name", "phone", "email", "preferred_method", "safe_to_contact_times", "notes"}
)
SUBJECT_FIELDS = frozenset(
    {"name", "role", "force", "rank", "collar_number", "station", "description"}
)
MANIFEST_FIELDS = frozenset(
    {
        "format",
        "version",
        "bundle_id",
        "sequence",
        "exported_at",
        "exporter",
        "recipient_force",
        "reports",
        "attachments",
    }
)
MAX_NARRATIVE_BYTES = 1024 * 1024

RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
# Ofcom's numbers for drama, written the ways the generator writes them.
DRAMA_PHONE = re.compile(r"(07700 900|\+44 7700 900|01632 960)\d{3}")
EXAMPLE_EMAIL = re.compile(r"[a-z0-9.]+@example\.(org|com|net)")


# --- Format checks ------------------------------------------------------------


def _is_int(value: object) -> bool:
    return type(value) is int


def _is_optional_str(value: object) -> bool:
    return value is None or isinstance(value, str)


def _is_rfc3339(value: object) -> bool:
    if not isinstance(value, str) or not RFC3339.fullmatch(value):
        return False
    return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


def _is_optional_date(value: object) -> bool:
    if value is None:
        return True
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def contact_problems(contact: object) -> list[str]:
    if not isinstance(contact, dict):
        return [f"contact is {type(contact).__name__}, expected an object"]
    problems = []
    if set(contact) != CONTACT_FIELDS:
        problems.append(f"contact fields {sorted(contact)}")
    for key in CONTACT_FIELDS & set(contact):
        if not _is_optional_str(contact[key]):
            problems.append(f"contact.{key} is not a string or null")
    if not (contact.get("phone") or contact.get("email")):
        problems.append("contact has neither phone nor email")
    return problems


def subject_problems(subject: object, index: int) -> list[str]:
    if not isinstance(subject, dict):
        return [f"subjects[{index}] is not an object"]
    problems = []
    if set(subject) != SUBJECT_FIELDS:
        problems.append(f"subjects[{index}] fields {sorted(subject)}")
    if subject.get("role") not in {"officer", "staff", "volunteer", "unknown"}:
        problems.append(f"subjects[{index}].role {subject.get('role')!r}")
    if subject.get("force") not in FORCE_IDS:
        problems.append(f"subjects[{index}].force {subject.get('force')!r}")
    for key in ("name", "rank", "collar_number", "station", "description"):
        if not _is_optional_str(subject.get(key)):
            problems.append(f"subjects[{index}].{key} is not a string or null")
    return problems


def incident_problems(incident: object) -> list[str]:
    if not isinstance(incident, dict) or set(incident) != {"from", "to", "location"}:
        return [f"incident is {incident!r}, expected from, to and location"]
    problems = []
    for key in ("from", "to"):
        if not _is_optional_date(incident[key]):
            problems.append(f"incident.{key} {incident[key]!r} is not YYYY-MM-DD")
    if not _is_optional_str(incident["location"]):
        problems.append("incident.location is not a string or null")
    dates = (incident["from"], incident["to"])
    if not problems and all(dates) and dates[0] > dates[1]:
        problems.append("incident.from is after incident.to")
    return problems


def person_at_risk_problems(person: object, index: int) -> list[str]:
    keys = {"description", "relationship", "immediate_danger"}
    if not isinstance(person, dict) or set(person) != keys:
        return [f"persons_at_risk[{index}] is {person!r}"]
    problems = []
    if not isinstance(person["immediate_danger"], bool):
        problems.append(f"persons_at_risk[{index}].immediate_danger is not boolean")
    for key in ("description", "relationship"):
        if not _is_optional_str(person[key]):
            problems.append(f"persons_at_risk[{index}].{key} is not a string or null")
    return problems


def report_problems(report: Mapping[str, Any]) -> list[str]:
    """Return every way ``report`` breaks the intake bundle format, or []."""
    missing = REPORT_FIELDS - set(report)
    if missing:
        return [f"missing fields {sorted(missing)}"]

    problems = []
    reference = report["reference"]
    if not isinstance(reference, str) or not re.fullmatch(r"[A-Z0-9-]+", reference):
        problems.append(f"reference {reference!r} is not a plain string")
    if not _is_int(report["revision"]) or report["revision"] < 1:
        problems.append(f"revision {report['revision']!r}")
    if not _is_rfc3339(report["received_at"]):
        problems.append(f"received_at {report['received_at']!r} is not RFC 3339")
    if report["channel"] not in {"online", "phone"}:
        problems.append(f"channel {report['channel']!r}")
    if not isinstance(report["anonymous"], bool):
        problems.append("anonymous is not boolean")
    elif report["anonymous"] and report["contact"] is not None:
        problems.append("anonymous report has contact details")
    elif not report["anonymous"]:
        problems += contact_problems(report["contact"])

    themes = report["themes"]
    if not isinstance(themes, list) or not themes:
        problems.append("themes is not a non-empty list")
    elif set(themes) - THEMES or len(set(themes)) != len(themes):
        problems.append(f"themes {themes!r}")

    subjects = report["subjects"]
    if not isinstance(subjects, list) or not subjects:
        problems.append("subjects is not a non-empty list")
    else:
        for index, subject in enumerate(subjects):
            problems += subject_problems(subject, index)

    if report["on_duty"] not in {"on", "off", "both", "unknown"}:
        problems.append(f"on_duty {report['on_duty']!r}")
    if report["setting"] not in {"online", "in_person", "both", "unknown"}:
        problems.append(f"setting {report['setting']!r}")
    problems += incident_problems(report["incident"])

    narrative = report["narrative"]
    if not isinstance(narrative, str) or not narrative.strip():
        problems.append("narrative is not a non-empty string")
    elif len(narrative.encode("utf-8")) > MAX_NARRATIVE_BYTES:
        problems.append("narrative is over 1 MiB")

    persons = report["persons_at_risk"]
    if not isinstance(persons, list):
        problems.append("persons_at_risk is not a list")
    else:
        for index, person in enumerate(persons):
            problems += person_at_risk_problems(person, index)

    follow_up_to = report["follow_up_to"]
    if not _is_optional_str(follow_up_to) or follow_up_to == reference:
        problems.append(f"follow_up_to {follow_up_to!r}")

    attachments = report["attachments"]
    prefix = f"attachments/{reference}/"
    if not isinstance(attachments, list) or not all(
        isinstance(path, str) and path.startswith(prefix) for path in attachments
    ):
        problems.append(f"attachments {attachments!r} are not under {prefix}")
    return problems


# --- Opening bundles ----------------------------------------------------------


@dataclass
class OpenedBundle:
    """A decrypted bundle: its manifest, reports and attachment contents."""

    manifest: dict[str, Any]
    reports: dict[str, dict[str, Any]]
    attachments: dict[str, bytes]
    problems: list[str]


def _member_name_problems(info: zipfile.ZipInfo) -> list[str]:
    name = info.filename
    problems = []
    if name.startswith("/") or ".." in name.split("/") or "\\" in name:
        problems.append(f"unsafe member name {name!r}")
    if info.is_dir():
        problems.append(f"directory member {name!r}")
    if info.flag_bits & 0x1:
        problems.append(f"encrypted member {name!r}")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        problems.append(f"member {name!r} uses compression {info.compress_type}")
    if stat.S_ISLNK(info.external_attr >> 16):
        problems.append(f"symbolic link {name!r}")
    layout = (
        name == "manifest.json"
        or re.fullmatch(r"reports/[^/]+\.json", name)
        or re.fullmatch(r"attachments/[^/]+/[^/]+", name)
    )
    if not layout:
        problems.append(f"member {name!r} is outside the bundle layout")
    return problems


def _manifest_header_problems(manifest: Mapping[str, Any]) -> list[str]:
    problems = []
    if set(manifest) != MANIFEST_FIELDS:
        problems.append(f"manifest fields {sorted(manifest)}")
    if manifest.get("format") != "psd-intake-bundle":
        problems.append(f"manifest format {manifest.get('format')!r}")
    if manifest.get("version") != 1 or not _is_int(manifest.get("version")):
        problems.append(f"manifest version {manifest.get('version')!r}")
    try:
        uuid.UUID(str(manifest.get("bundle_id")))
    except ValueError:
        problems.append(f"bundle_id {manifest.get('bundle_id')!r} is not a UUID")
    if not _is_int(manifest.get("sequence")) or manifest["sequence"] < 1:
        problems.append(f"sequence {manifest.get('sequence')!r}")
    if not _is_rfc3339(manifest.get("exported_at")):
        problems.append(f"exported_at {manifest.get('exported_at')!r}")
    if not isinstance(manifest.get("exporter"), str):
        problems.append("exporter is not a string")
    if manifest.get("recipient_force") not in FORCE_IDS - {"unknown"}:
        problems.append(f"recipient_force {manifest.get('recipient_force')!r}")
    return problems


def _entry_problems(
    entry: Mapping[str, Any], contents: Mapping[str, bytes], keys: set[str]
) -> list[str]:
    if not isinstance(entry, dict) or set(entry) != keys:
        return [f"manifest entry {entry!r} does not have fields {sorted(keys)}"]
    path = entry["path"]
    if path not in contents:
        return [f"manifest lists {path!r}, which is not in the archive"]
    data = contents[path]
    problems = []
    if not isinstance(entry["sha256"], str) or not SHA256_HEX.fullmatch(
        entry["sha256"]
    ):
        problems.append(f"{path}: sha256 is not lowercase hex")
    elif hashlib.sha256(data).hexdigest() != entry["sha256"]:
        problems.append(f"{path}: sha256 does not match")
    if not _is_int(entry["size"]) or entry["size"] != len(data):
        problems.append(f"{path}: size {entry['size']!r} is not {len(data)}")
    return problems


def open_bundle(plaintext: bytes) -> OpenedBundle:
    """Read a decrypted bundle and collect every format problem found."""
    problems: list[str] = []
    with zipfile.ZipFile(io.BytesIO(plaintext)) as archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        if len(names) != len(set(names)):
            problems.append("duplicate member names")
        for info in infos:
            problems += _member_name_problems(info)
        contents = {info.filename: archive.read(info) for info in infos}

    manifest = json.loads(contents.pop("manifest.json"))
    problems += _manifest_header_problems(manifest)

    listed: list[str] = []
    for entry in manifest.get("reports", []):
        problems += _entry_problems(entry, contents, {"path", "sha256", "size"})
        listed.append(entry.get("path"))
    attachment_keys = {"path", "sha256", "size", "media_type"}
    for entry in manifest.get("attachments", []):
        problems += _entry_problems(entry, contents, attachment_keys)
        if not isinstance(entry.get("media_type"), str):
            problems.append(f"{entry.get('path')}: media_type is not a string")
        listed.append(entry.get("path"))
    if sorted(listed) != sorted(contents):
        problems.append("manifest does not list every member exactly once")

    reports = {}
    for path, data in contents.items():
        if not path.startswith("reports/"):
            continue
        report = json.loads(data.decode("utf-8"))
        if path != f"reports/{report.get('reference')}.json":
            problems.append(f"{path} does not match its reference")
        problems += [f"{path}: {p}" for p in report_problems(report)]
        for attachment in report.get("attachments", []):
            if attachment not in contents:
                problems.append(f"{path} lists missing attachment {attachment}")
        reports[report["reference"]] = report

    attachments = {p: d for p, d in contents.items() if p.startswith("attachments/")}
    referenced = {a for report in reports.values() for a in report["attachments"]}
    if set(attachments) != referenced:
        problems.append("some attachments belong to no report in the bundle")
    return OpenedBundle(manifest, reports, attachments, problems)


def load_identity(path: Path) -> pyrage.x25519.Identity:
    """Read an age identity file, skipping its comment and blank lines."""
    keys = [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert len(keys) == 1, f"expected one key line in {path}, found {len(keys)}"
    return pyrage.x25519.Identity.from_str(keys[0])


@dataclass
class CommittedBundle:
    path: Path
    raw: bytes
    bundle: OpenedBundle


@pytest.fixture(scope="module")
def sample_identity() -> pyrage.x25519.Identity:
    return load_identity(IDENTITY_FILE)


@pytest.fixture(scope="module")
def committed(sample_identity: pyrage.x25519.Identity) -> list[CommittedBundle]:
    """The committed sample bundles, decrypted and sorted by sequence."""
    loaded = []
    for path in sorted(BUNDLE_DIR.glob("*.age")):
        raw = path.read_bytes()
        plaintext = pyrage.decrypt(raw, [sample_identity])
        loaded.append(CommittedBundle(path, raw, open_bundle(plaintext)))
    return sorted(loaded, key=lambda item: item.bundle.manifest["sequence"])


def _all_reports(committed: list[CommittedBundle]) -> Iterator[dict[str, Any]]:
    for item in committed:
        yield from item.bundle.reports.values()


# --- The generator ------------------------------------------------------------


def _make_reports(seed: int, count: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [generator.make_report(rng, f"CS-2026-{n:06d}") for n in range(count)]


def test_make_report_same_seed_same_reports() -> None:
    assert _make_reports(7, 50) == _make_reports(7, 50)


def test_make_report_other_seed_other_reports() -> None:
    assert _make_reports(7, 50) != _make_reports(8, 50)


def test_make_report_output_is_valid() -> None:
    reports = _make_reports(11, 1000)
    problems = {r["reference"]: report_problems(r) for r in reports}

    assert {ref: p for ref, p in problems.items() if p} == {}


def test_make_report_covers_variety() -> None:
    reports = _make_reports(11, 1000)
    themes = {theme for r in reports for theme in r["themes"]}
    forces = {s["force"] for r in reports for s in r["subjects"]}
    roles = {s["role"] for r in reports for s in r["subjects"]}
    in_danger = [
        r for r in reports if any(p["immediate_danger"] for p in r["persons_at_risk"])
    ]

    assert themes == THEMES
    assert len(forces) >= 30
    assert "unknown" in forces
    assert roles == {"officer", "staff", "volunteer", "unknown"}
    assert {r["channel"] for r in reports} == {"online", "phone"}
    assert any(r["anonymous"] for r in reports)
    assert any(not r["anonymous"] for r in reports)
    assert any("partner_abuse" in r["themes"] for r in in_danger)
    assert len({r["narrative"] for r in reports}) == len(reports)


def test_make_report_contacts_are_fictional() -> None:
    contacts = [r["contact"] for r in _make_reports(5, 1000) if r["contact"]]
    phones = [c["phone"] for c in contacts if c["phone"]]
    emails = [c["email"] for c in contacts if c["email"]]

    assert phones
    assert emails
    assert [p for p in phones if not DRAMA_PHONE.fullmatch(p)] == []
    assert [e for e in emails if not EXAMPLE_EMAIL.fullmatch(e)] == []


def test_make_report_honours_options() -> None:
    report = generator.make_report(
        random.Random(1),
        "CS-2026-000001",
        themes=["partner_abuse"],
        anonymous=False,
        subject_force="btp",
        reporter_name="Zofia Kołodziej",
        immediate_danger=True,
    )

    assert report_problems(report) == []
    assert report["themes"] == ["partner_abuse"]
    assert report["contact"]["name"] == "Zofia Kołodziej"
    assert report["subjects"][0]["force"] == "btp"
    assert any(p["immediate_danger"] for p in report["persons_at_risk"])


def test_sample_bundles_deterministic() -> None:
    first = generator.build_sample_bundles()
    second = generator.build_sample_bundles()

    assert [b.bundle_id for b in first] == [b.bundle_id for b in second]
    assert [b.reports for b in first] == [b.reports for b in second]
    assert [b.attachments for b in first] == [b.attachments for b in second]


def _build_zip(reports: list[dict[str, Any]], **options: Any) -> bytes:
    out = io.BytesIO()
    generator.build_bundle_zip(
        out,
        bundle_id="0f6b6c2e-3f7c-4d0e-9a51-2b8f8f1c9d10",
        sequence=3,
        recipient_force="west-mercia",
        exported_at="2026-02-02T07:00:00+00:00",
        reports=reports,
        **options,
    )
    return out.getvalue()


def test_build_bundle_zip_manifest_matches_members() -> None:
    reports = _make_reports(3, 20)
    reports[0]["attachments"] = [f"attachments/{reports[0]['reference']}/note.txt"]
    attachments = {reports[0]["attachments"][0]: (b"note\n", "text/plain")}

    bundle = open_bundle(_build_zip(reports, attachments=attachments))

    assert bundle.problems == []
    assert bundle.manifest["sequence"] == 3
    assert len(bundle.manifest["reports"]) == 20
    assert bundle.manifest["attachments"][0]["media_type"] == "text/plain"
    assert list(bundle.reports.values()) == reports


def test_build_bundle_zip_same_input_same_bytes() -> None:
    reports = _make_reports(3, 5)

    assert _build_zip(reports) == _build_zip(reports)


def test_build_bundle_zip_consumes_iterator() -> None:
    reports = _make_reports(4, 30)

    bundle = open_bundle(_build_zip(iter(reports)))  # type: ignore[arg-type]

    assert bundle.problems == []
    assert sorted(bundle.reports) == sorted(r["reference"] for r in reports)


class _UnseekableWriter(io.RawIOBase):
    """A write-only stream that cannot seek, like a pipe."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.buffer += data
        return len(data)


def test_build_bundle_zip_to_unseekable_stream() -> None:
    out = _UnseekableWriter()
    generator.build_bundle_zip(
        out,  # type: ignore[arg-type]
        bundle_id="0f6b6c2e-3f7c-4d0e-9a51-2b8f8f1c9d10",
        sequence=1,
        recipient_force="west-mercia",
        exported_at="2026-02-02T07:00:00+00:00",
        reports=_make_reports(6, 10),
    )

    assert open_bundle(bytes(out.buffer)).problems == []


def test_build_bundle_zip_rejects_duplicate_reference() -> None:
    report = _make_reports(3, 1)[0]

    with pytest.raises(ValueError, match="duplicate bundle member"):
        _build_zip([report, report])


def test_build_bundle_zip_rejects_attachment_outside_layout() -> None:
    with pytest.raises(ValueError, match="invalid attachment path"):
        _build_zip([], attachments={"../note.txt": (b"x", "text/plain")})


@pytest.mark.parametrize("armor", [False, True], ids=["binary", "armored"])
def test_encrypt_file_round_trip(
    tmp_path: Path, sample_identity: pyrage.x25519.Identity, armor: bool
) -> None:
    plain = tmp_path / "bundle.zip"
    plain.write_bytes(_build_zip(_make_reports(2, 3)))
    encrypted = tmp_path / "bundle.age"
    recipient = str(sample_identity.to_public())

    generator.encrypt_file(plain, encrypted, [recipient], armor=armor)

    raw = encrypted.read_bytes()
    assert raw.startswith(ARMOR_HEADER) is armor
    assert pyrage.decrypt(raw, [sample_identity]) == plain.read_bytes()


@pytest.mark.needs_age_cli
def test_encrypt_file_with_age_cli(
    tmp_path: Path, sample_identity: pyrage.x25519.Identity, age_cli: str
) -> None:
    plain = tmp_path / "bundle.zip"
    plain.write_bytes(_build_zip(_make_reports(2, 3)))
    encrypted = tmp_path / "bundle.age"
    recipient = str(sample_identity.to_public())

    generator.encrypt_file(plain, encrypted, [recipient], armor=True, use_age_cli=True)

    raw = encrypted.read_bytes()
    assert raw.startswith(ARMOR_HEADER)
    assert pyrage.decrypt(raw, [sample_identity]) == plain.read_bytes()


def test_encrypt_file_rejects_unknown_recipient(tmp_path: Path) -> None:
    plain = tmp_path / "bundle.zip"
    plain.write_bytes(b"PK")

    with pytest.raises(ValueError, match="unsupported recipient"):
        generator.encrypt_file(plain, tmp_path / "out.age", ["not-a-recipient"])


def test_large_command_writes_valid_bundle(
    tmp_path: Path, sample_identity: pyrage.x25519.Identity
) -> None:
    output = tmp_path / "large.age"
    command = [
        sys.executable,
        str(GENERATOR_SCRIPT),
        "large",
        "--reports",
        "2000",
        "--output",
        str(output),
        "--identity",
        str(IDENTITY_FILE),
        "--seed",
        "5",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    bundle = open_bundle(pyrage.decrypt(output.read_bytes(), [sample_identity]))
    assert bundle.problems == []
    assert len(bundle.reports) == 2000
    assert summary["bundle_id"] == bundle.manifest["bundle_id"]
    assert summary["reports"] == 2000
    assert list(tmp_path.iterdir()) == [output]


def _run_large(tmp_path: Path, reports: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        str(GENERATOR_SCRIPT),
        "large",
        "--reports",
        reports,
        "--output",
        str(tmp_path / "large.age"),
    ]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_large_command_rejects_zero_reports(tmp_path: Path) -> None:
    result = _run_large(tmp_path, "0")

    assert result.returncode == 2, result.stderr
    assert "0 is not a positive integer" in result.stderr


def test_large_command_rejects_too_many_reports(tmp_path: Path) -> None:
    result = _run_large(tmp_path, "1000000")

    assert result.returncode == 1, result.stderr
    assert "report count 1000000 is out of range" in result.stderr
    assert list(tmp_path.iterdir()) == []


# --- The committed sample set -------------------------------------------------


def test_sample_identity_is_marked_as_sample() -> None:
    text = IDENTITY_FILE.read_text(encoding="utf-8")

    assert text.startswith("# SAMPLE KEY")
    assert "# created:" in text
    assert "# public key: age1" in text


def test_committed_bundles_decrypt(committed: list[CommittedBundle]) -> None:
    assert len(committed) == 4
    for item in committed:
        assert item.bundle.problems == [], item.path.name


def test_committed_bundles_named_by_bundle_id(
    committed: list[CommittedBundle],
) -> None:
    for item in committed:
        assert item.path.name == f"{item.bundle.manifest['bundle_id']}.age"


def test_committed_bundles_sequence_one_force(
    committed: list[CommittedBundle],
) -> None:
    manifests = [item.bundle.manifest for item in committed]

    assert [m["sequence"] for m in manifests] == [1, 2, 3, 4]
    assert {m["recipient_force"] for m in manifests} == {"west-mercia"}
    assert [m["exported_at"] for m in manifests] == sorted(
        m["exported_at"] for m in manifests
    )


def test_committed_bundles_sizes(committed: list[CommittedBundle]) -> None:
    counts = [len(item.bundle.reports) for item in committed]

    assert all(8 <= count <= 15 for count in counts), counts
    assert sum(counts) == 40


def test_committed_bundle_four_is_armored(committed: list[CommittedBundle]) -> None:
    armored = [item.raw.startswith(ARMOR_HEADER) for item in committed]

    assert armored == [False, False, False, True]


def test_committed_reports_match_generator(
    committed: list[CommittedBundle],
) -> None:
    expected = generator.build_sample_bundles()

    for item, bundle in zip(committed, expected, strict=True):
        assert item.bundle.manifest["bundle_id"] == bundle.bundle_id
        assert item.bundle.reports == {r["reference"]: r for r in bundle.reports}
        assert item.bundle.attachments == {
            path: content for path, (content, _) in bundle.attachments.items()
        }


def test_committed_reports_cover_themes(committed: list[CommittedBundle]) -> None:
    themes = {theme for r in _all_reports(committed) for theme in r["themes"]}

    assert themes == THEMES


def test_committed_reports_cover_forces(committed: list[CommittedBundle]) -> None:
    forces = {s["force"] for r in _all_reports(committed) for s in r["subjects"]}

    assert len(forces) >= 15
    assert "unknown" in forces
    assert forces & {"police-scotland", "btp", "mod-police", "cnc"}
    assert "northern-ireland" in forces


def test_committed_reports_anonymous_and_contactable(
    committed: list[CommittedBundle],
) -> None:
    reports = list(_all_reports(committed))
    contacts = [r["contact"] for r in reports if not r["anonymous"]]

    assert any(r["anonymous"] for r in reports)
    assert contacts
    assert any(c["phone"] and not c["email"] for c in contacts)
    assert any(c["email"] and not c["phone"] for c in contacts)
    assert any(c["phone"] and c["email"] for c in contacts)


def test_committed_follow_ups_point_back(committed: list[CommittedBundle]) -> None:
    first_seen = {}
    for item in committed:
        for reference in item.bundle.reports:
            first_seen.setdefault(reference, item.bundle.manifest["sequence"])

    follow_ups = [
        (item.bundle.manifest["sequence"], report["follow_up_to"])
        for item in committed
        for report in item.bundle.reports.values()
        if report["follow_up_to"]
    ]
    assert follow_ups
    for sequence, original in follow_ups:
        assert original in first_seen
        assert first_seen[original] < sequence


def test_committed_revision_in_later_bundle(
    committed: list[CommittedBundle],
) -> None:
    revisions: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for item in committed:
        for reference, report in item.bundle.reports.items():
            sequence = item.bundle.manifest["sequence"]
            revisions.setdefault(reference, []).append((sequence, report))
    revised = {ref: found for ref, found in revisions.items() if len(found) > 1}

    assert revised
    for found in revised.values():
        first, second = found[0][1], found[1][1]
        assert found[0][0] < found[1][0]
        assert (first["revision"], second["revision"]) == (1, 2)
        assert first["received_at"] == second["received_at"]
        assert first["narrative"] != second["narrative"]


def test_committed_attachments(committed: list[CommittedBundle]) -> None:
    media_types = {}
    for item in committed:
        for entry in item.bundle.manifest["attachments"]:
            content = item.bundle.attachments[entry["path"]]
            media_types[entry["path"]] = entry["media_type"]
            if entry["media_type"] == "image/png":
                assert content.startswith(b"\x89PNG\r\n\x1a\n"), entry["path"]
            if entry["media_type"] == "application/json":
                assert isinstance(json.loads(content), list), entry["path"]
            if entry["media_type"] == "text/plain":
                assert content.decode("utf-8").endswith("\n"), entry["path"]

    assert set(media_types.values()) == {"text/plain", "image/png", "application/json"}


def test_committed_immediate_danger(committed: list[CommittedBundle]) -> None:
    in_danger = [
        r
        for r in _all_reports(committed)
        if any(p["immediate_danger"] for p in r["persons_at_risk"])
    ]

    assert any("partner_abuse" in r["themes"] for r in in_danger)


def test_committed_report_with_unknown_field(
    committed: list[CommittedBundle],
) -> None:
    extras = {
        key: report[key]
        for report in _all_reports(committed)
        for key in set(report) - REPORT_FIELDS
    }

    assert extras == {"language_preference": "cy"}


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param("[âêîôûŵŷäëïöüẅÿ]", id="welsh"),
        pytest.param(r"\b(Ní|Ó|Mac) ", id="irish"),
        pytest.param("[łżśąęćńź]", id="polish"),
        pytest.param("[\u0600-\u06ff]", id="urdu-script"),
        pytest.param(
            "[ễầưđĐạảấậắằẳẵặẹẻẽếềểệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", id="vietnamese"
        ),
    ],
)
def test_committed_non_ascii_names(
    committed: list[CommittedBundle], pattern: str
) -> None:
    names = [
        person["name"]
        for report in _all_reports(committed)
        for person in [report["contact"] or {}, *report["subjects"]]
        if person.get("name")
    ]

    assert any(re.search(pattern, name) for name in names), names


@pytest.mark.needs_age_cli
def test_samples_command_regenerates_same_reports(
    tmp_path: Path,
    sample_identity: pyrage.x25519.Identity,
    committed: list[CommittedBundle],
    age_cli: str,
) -> None:
    command = [
        sys.executable,
        str(GENERATOR_SCRIPT),
        "samples",
        "--output-dir",
        str(tmp_path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr
    written = sorted(path.name for path in tmp_path.glob("*.age"))
    assert written == sorted(item.path.name for item in committed)
    for item in committed:
        raw = (tmp_path / item.path.name).read_bytes()
        regenerated = open_bundle(pyrage.decrypt(raw, [sample_identity]))
        assert regenerated.problems == []
        assert regenerated.manifest == item.bundle.manifest
        assert regenerated.reports == item.bundle.reports
        assert regenerated.attachments == item.bundle.attachments
