"""Report-level faults: the report is quarantined, the rest of the bundle imported."""

from __future__ import annotations

import dataclasses
import io
from typing import Any

import pytest

from psdcli.intake.archive import AcceptedReport, QuarantinedReport, open_bundle
from psdcli.intake.reports import Attachment
from tests.intake.builders import (
    NARRATIVE_TEXT,
    REPORTER_EMAIL,
    REPORTER_NAME,
    REPORTER_PHONE,
    SMALL_LIMITS,
    BundleBuilder,
    encode,
    report_document,
    valid_bundle,
)

BAD_REFERENCE = "CS-2026-000002"
BAD_PATH = f"reports/{BAD_REFERENCE}.json"
PRIVATE_VALUES = (REPORTER_NAME, REPORTER_PHONE, REPORTER_EMAIL, NARRATIVE_TEXT)


def bundle_with_bad_report(raw: bytes, path: str = BAD_PATH) -> BundleBuilder:
    """Return three reports, with ``raw`` at ``path`` in place of a good report."""
    builder = valid_bundle(3)
    del builder.reports[BAD_PATH]
    builder.add_raw_report(path, raw)
    return builder


def check_all(builder: BundleBuilder) -> list[AcceptedReport | QuarantinedReport]:
    with open_bundle(io.BytesIO(builder.build()), SMALL_LIMITS) as bundle:
        items = list(bundle.iter_reports())
        for item in items:
            for attachment in item.attachments:
                assert attachment.data  # readable while the bundle is open
    return items


def changed(**changes: Any) -> bytes:
    return encode(report_document(BAD_REFERENCE, **changes))


def without(field: str) -> bytes:
    document = report_document(BAD_REFERENCE)
    del document[field]
    return encode(document)


def nested(depth: int) -> bytes:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return changed(extension=value)


SCHEMA_CASES: dict[str, tuple[bytes, str]] = {
    "invalid-json": (b'{"reference": ', "invalid JSON at line 1, column 15"),
    "duplicate-key": (
        b'{"reference": "CS-2026-000002", "reference": "CS-2026-000002"}',
        "duplicate key 'reference'",
    ),
    "byte-order-mark": (b"\xef\xbb\xbf" + changed(), "byte order mark"),
    "nan": (
        changed().replace(b'"revision": 1', b'"revision": NaN'),
        "NaN is not a valid",
    ),
    "too-deep": (nested(40), "nesting is deeper than the maximum of 32"),
    "not-an-object": (b"[]", "must be a JSON object, but it is an array"),
    "revision-string": (
        changed(revision="1"),
        "revision: Input should be a valid integer",
    ),
    "revision-bool": (
        changed(revision=True),
        "revision: Input should be a valid integer",
    ),
    "revision-zero": (
        changed(revision=0),
        "revision: Input should be greater than or equal to 1",
    ),
    "missing-channel": (without("channel"), "channel: Field required"),
    "channel-unknown": (
        changed(channel="email"),
        "channel: Input should be 'online' or 'phone'",
    ),
    "on-duty-unknown": (changed(on_duty="yes"), "on_duty: Input should be 'on', 'off'"),
    "setting-unknown": (
        changed(setting="outside"),
        "setting: Input should be 'online'",
    ),
    "received-at-naive": (
        changed(received_at="2026-03-01T14:30:00"),
        "received_at: Input has no UTC offset",
    ),
    "received-at-impossible": (
        changed(received_at="2026-02-30T14:30:00Z"),
        "received_at: Input is not a valid date and time",
    ),
    "received-at-number": (
        changed(received_at=1772375400),
        "received_at: Input should be a string",
    ),
    "incident-date-format": (
        changed(incident={"from": "10/01/2026"}),
        "incident.from: Input should be a calendar date",
    ),
    "incident-dates-reversed": (
        changed(incident={"from": "2026-02-01", "to": "2026-01-01"}),
        "incident: Input should have 'from' on or before 'to'",
    ),
    "themes-empty": (changed(themes=[]), "themes: List should have at least 1 item"),
    "theme-unknown": (
        changed(themes=["bribery"]),
        "themes[0]: Input should be 'information_for_reward'",
    ),
    "theme-repeated": (
        changed(themes=["partner_abuse"] * 2),
        "themes: Input lists a theme twice",
    ),
    "subjects-empty": (
        changed(subjects=[]),
        "subjects: List should have at least 1 item",
    ),
    "subject-role-unknown": (
        changed(subjects=[{"role": "chief", "force": "kent"}]),
        "subjects[0].role: Input should be 'officer', 'staff', 'volunteer' or "
        "'unknown'",
    ),
    "subject-force-unknown": (
        changed(subjects=[{"role": "officer", "force": "Kent Police"}]),
        "subjects[0].force: unknown force id 'Kent Police'; did you mean kent?",
    ),
    "subject-collar-number-integer": (
        changed(subjects=[{"role": "officer", "force": "kent", "collar_number": 1234}]),
        "subjects[0].collar_number: Input should be a valid string",
    ),
    "immediate-danger-missing": (
        changed(persons_at_risk=[{"description": "child"}]),
        "persons_at_risk[0].immediate_danger: Field required",
    ),
    "immediate-danger-string": (
        changed(persons_at_risk=[{"immediate_danger": "true"}]),
        "persons_at_risk[0].immediate_danger: Input should be a valid boolean",
    ),
    "contact-missing": (
        changed(contact=None),
        "contact is null but anonymous is false",
    ),
    "contact-without-phone-or-email": (
        changed(contact={"name": REPORTER_NAME, "phone": " ", "email": None}),
        "contact: Input should have a phone number or an email address",
    ),
    "contact-phone-integer": (
        changed(contact={"phone": 7700900461}),
        "contact.phone: Input should be a valid string",
    ),
    "follow-up-to-invalid": (
        changed(follow_up_to="../CS-1"),
        "follow_up_to: Input should be a reference",
    ),
    "follow-up-to-itself": (
        changed(follow_up_to=BAD_REFERENCE),
        "follow_up_to names the report's own reference",
    ),
    "attachment-outside-folder": (
        changed(attachments=["attachments/CS-2026-000001/photo.jpg"]),
        "attachments: Input item 0 is not a file directly inside "
        "attachments/CS-2026-000002/",
    ),
    "attachment-not-in-bundle": (
        changed(attachments=["attachments/CS-2026-000002/missing.jpg"]),
        "lists attachment 'attachments/CS-2026-000002/missing.jpg', which is not "
        "in the bundle",
    ),
    "reference-not-file-name": (
        encode(report_document("CS-2026-000099")),
        "the file name does not match the report's reference 'CS-2026-000099'",
    ),
    "too-many-problems": (
        changed(revision="1", channel=1, on_duty=1, setting=1, themes=[], subjects=[]),
        "; and 1 more",
    ),
}


@pytest.mark.parametrize(
    ("raw", "expected_reason"), list(SCHEMA_CASES.values()), ids=list(SCHEMA_CASES)
)
def test_schema_violation_quarantines_report(raw: bytes, expected_reason: str) -> None:
    items = check_all(bundle_with_bad_report(raw))

    assert [type(item) for item in items] == [
        AcceptedReport,
        AcceptedReport,
        QuarantinedReport,
    ]
    quarantined = items[2]
    assert isinstance(quarantined, QuarantinedReport)
    assert quarantined.path == BAD_PATH
    assert quarantined.reference == BAD_REFERENCE
    assert quarantined.raw == raw
    assert quarantined.reason.startswith(f"{BAD_PATH}: ")
    assert expected_reason in quarantined.reason
    assert "\n" not in quarantined.reason
    for private_value in PRIVATE_VALUES:
        assert private_value not in quarantined.reason


def test_anonymous_report_with_contact_quarantined() -> None:
    raw = changed(anonymous=True)
    items = check_all(bundle_with_bad_report(raw))

    quarantined = items[2]
    assert isinstance(quarantined, QuarantinedReport)
    assert "marked anonymous but carries contact details" in quarantined.reason
    for private_value in PRIVATE_VALUES:
        assert private_value not in quarantined.reason
    assert quarantined.raw == raw


def test_anonymous_with_invalid_contact_names_anonymity() -> None:
    raw = changed(anonymous=True, contact={"phone": 7700900461, "name": REPORTER_NAME})
    items = check_all(bundle_with_bad_report(raw))

    quarantined = items[2]
    assert isinstance(quarantined, QuarantinedReport)
    assert "marked anonymous but carries contact details" in quarantined.reason
    assert "7700900461" not in quarantined.reason
    assert REPORTER_NAME not in quarantined.reason


def test_anonymous_report_without_contact_accepted() -> None:
    items = check_all(bundle_with_bad_report(changed(anonymous=True, contact=None)))
    assert all(isinstance(item, AcceptedReport) for item in items)


def test_oversized_report_quarantined() -> None:
    raw = changed(narrative="x" * 70_000)
    items = check_all(bundle_with_bad_report(raw))

    quarantined = items[2]
    assert isinstance(quarantined, QuarantinedReport)
    assert (
        f"the report is {len(raw)} bytes, over the limit of 65536" in quarantined.reason
    )


def test_unlisted_attachment_in_folder_quarantines_report() -> None:
    builder = bundle_with_bad_report(changed())
    builder.add_attachment(
        f"attachments/{BAD_REFERENCE}/unlisted.pdf", b"%PDF", "application/pdf"
    )
    items = check_all(builder)

    quarantined = items[2]
    assert isinstance(quarantined, QuarantinedReport)
    assert (
        f"'attachments/{BAD_REFERENCE}/unlisted.pdf' is in the report's attachment "
        "folder but the report does not list it"
    ) in quarantined.reason
    assert [attachment.name for attachment in quarantined.attachments] == [
        "unlisted.pdf"
    ]


def test_quarantined_report_keeps_its_attachments() -> None:
    builder = bundle_with_bad_report(b"not json")
    builder.add_attachment(f"attachments/{BAD_REFERENCE}/a.jpg", b"first")
    builder.add_attachment(f"attachments/{BAD_REFERENCE}/b.jpg", b"second")
    with open_bundle(io.BytesIO(builder.build()), SMALL_LIMITS) as bundle:
        quarantined = list(bundle.iter_reports())[2]
        assert isinstance(quarantined, QuarantinedReport)
        data = [attachment.data for attachment in quarantined.attachments]
    assert data == [b"first", b"second"]


def test_quarantine_without_safe_reference() -> None:
    path = "reports/not a reference!.json"
    builder = bundle_with_bad_report(b"{}", path=path)
    quarantined = check_all(builder)[2]

    assert isinstance(quarantined, QuarantinedReport)
    assert quarantined.reference is None
    assert quarantined.path == path


def test_attachments_follow_report_order() -> None:
    builder = bundle_with_bad_report(b"")
    paths = [f"attachments/{BAD_REFERENCE}/{name}" for name in ("z.jpg", "a.jpg")]
    for path in reversed(paths):
        builder.add_attachment(path, path.encode())
    builder.add_raw_report(BAD_PATH, changed(attachments=paths))
    accepted = check_all(builder)[2]

    assert isinstance(accepted, AcceptedReport)
    assert [attachment.path for attachment in accepted.attachments] == paths
    assert all(
        isinstance(attachment, Attachment) for attachment in accepted.attachments
    )


def test_unknown_fields_preserved() -> None:
    raw = changed(
        risk_score=7,
        subjects=[{"role": "officer", "force": "kent", "unit": "CID"}],
        incident={"from": None, "timezone": "Europe/London"},
        contact={"phone": REPORTER_PHONE, "address": "1 Secret Road"},
    )
    accepted = check_all(bundle_with_bad_report(raw))[2]

    assert isinstance(accepted, AcceptedReport)
    assert accepted.raw == raw
    assert accepted.report.unknown_fields() == {
        "risk_score": 7,
        "subjects[0].unit": "CID",
        "incident.timezone": "Europe/London",
    }
    assert accepted.report.unknown_contact_fields() == {
        "contact.address": "1 Secret Road"
    }
    assert "1 Secret Road" not in repr(accepted.report)


def test_iter_reports_yields_one_at_a_time() -> None:
    # iter_reports is a generator: the first report is yielded before the
    # later ones are read.
    builder = valid_bundle(50)
    limits = dataclasses.replace(SMALL_LIMITS, max_members=100)
    with open_bundle(io.BytesIO(builder.build()), limits) as bundle:
        reports = bundle.iter_reports()
        first = next(reports)
        assert first.path == "reports/CS-2026-000001.json"
        assert sum(1 for _ in reports) == 49
