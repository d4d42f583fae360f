"""Manifest and report models: field types, timestamps, limits and unknown fields."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from psdcli.core.errors import ManifestError, ReportInvalidError
from psdcli.core.themes import Theme
from psdcli.intake.choices import Channel, SubjectRole
from psdcli.intake.fieldtypes import MAX_NARRATIVE_BYTES
from psdcli.intake.manifest import Manifest
from psdcli.intake.models import Report
from psdcli.intake.validation import (
    describe_validation_error,
    format_location,
    validate_manifest,
    validate_report,
)
from tests.intake.builders import (
    NARRATIVE_TEXT,
    REPORTER_EMAIL,
    REPORTER_NAME,
    REPORTER_PHONE,
    report_document,
    valid_bundle,
)


def manifest_document(**changes: Any) -> dict[str, Any]:
    document = valid_bundle().manifest()
    document.update(changes)
    return document


def report_error(**changes: Any) -> str:
    with pytest.raises(ReportInvalidError) as caught:
        validate_report(
            report_document(**changes), source="reports/CS-2026-000001.json"
        )
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T14:30:00Z", datetime(2026, 3, 1, 14, 30, tzinfo=UTC)),
        ("2026-03-01t14:30:00z", datetime(2026, 3, 1, 14, 30, tzinfo=UTC)),
        ("2026-03-01T14:30:00+01:00", datetime(2026, 3, 1, 13, 30, tzinfo=UTC)),
        ("2026-03-01T00:10:00+05:30", datetime(2026, 2, 28, 18, 40, tzinfo=UTC)),
        ("2026-03-01T14:30:00-00:00", datetime(2026, 3, 1, 14, 30, tzinfo=UTC)),
        (
            "2026-03-01T14:30:00.123456789Z",
            datetime(2026, 3, 1, 14, 30, 0, 123456, tzinfo=UTC),
        ),
    ],
    ids=[
        "utc",
        "lowercase",
        "plus-one",
        "half-hour-offset",
        "unknown-offset",
        "nanoseconds",
    ],
)
def test_timestamp_normalised_to_utc(text: str, expected: datetime) -> None:
    report = validate_report(report_document(received_at=text), source="r.json")
    assert report.received_at == expected
    assert report.received_at.utcoffset() is not None
    assert report.received_at.tzinfo == UTC


@pytest.mark.parametrize(
    ("text", "expected_message"),
    [
        ("2026-03-01T14:30:00", "has no UTC offset"),
        ("2026-03-01", "should be an RFC 3339 timestamp"),
        ("2026-03-01 14:30:00Z", "should be an RFC 3339 timestamp"),
        ("2026-03-01T14:30Z", "should be an RFC 3339 timestamp"),
        ("2026-03-01T14:30:00+0100", "should be an RFC 3339 timestamp"),
        ("2026-03-01T24:00:00Z", "is not a valid date and time"),
        ("2026-03-01T23:59:60Z", "is not a valid date and time"),
        ("2026-03-01T14:30:00+24:00", "is not a valid date and time"),
        ("\uff12\uff10\uff12\uff16-03-01T14:30:00Z", "should be an RFC 3339 timestamp"),
    ],
    ids=[
        "naive",
        "date-only",
        "space-separator",
        "no-seconds",
        "offset-without-colon",
        "hour-24",
        "leap-second",
        "offset-out-of-range",
        "fullwidth-digits",
    ],
)
def test_timestamp_rejected(text: str, expected_message: str) -> None:
    message = report_error(received_at=text)
    assert f"received_at: Input {expected_message}" in message


def test_narrative_limit_counts_utf8_bytes() -> None:
    three_byte_char = "\u2603"
    at_limit = three_byte_char * (MAX_NARRATIVE_BYTES // 3) + "x"
    assert len(at_limit.encode("utf-8")) == MAX_NARRATIVE_BYTES
    report = validate_report(report_document(narrative=at_limit), source="r.json")
    assert report.narrative == at_limit

    message = report_error(narrative=at_limit + "y")
    assert (
        "narrative: Input is 1048577 bytes of UTF-8, over the limit of 1048576"
        in message
    )
    assert three_byte_char not in message


def test_enums_parsed_from_strings() -> None:
    report = validate_report(report_document(), source="r.json")
    assert report.channel is Channel.ONLINE
    assert report.themes == [Theme.PARTNER_ABUSE]
    assert report.subjects[0].role is SubjectRole.OFFICER
    assert report.incident.from_ == date(2026, 1, 10)


def test_nullable_fields_may_be_omitted() -> None:
    document = report_document(
        subjects=[{"role": "unknown", "force": "unknown"}],
        incident={},
        persons_at_risk=[{"immediate_danger": True}],
    )
    del document["follow_up_to"]
    report = validate_report(document, source="r.json")
    assert report.subjects[0].name is None
    assert report.incident.from_ is None
    assert report.follow_up_to is None


def test_errors_hide_contact_and_narrative() -> None:
    bad_contact = {
        "name": REPORTER_NAME,
        "phone": [REPORTER_PHONE],
        "email": {"x": REPORTER_EMAIL},
    }
    message = report_error(contact=bad_contact, narrative=[NARRATIVE_TEXT])
    for private_value in (
        REPORTER_NAME,
        REPORTER_PHONE,
        REPORTER_EMAIL,
        NARRATIVE_TEXT,
    ):
        assert private_value not in message
    assert "contact.phone: Input should be a valid string" in message
    assert "narrative: Input should be a valid string" in message


def test_repr_hides_contact_and_narrative() -> None:
    report = validate_report(
        report_document(contact={"phone": REPORTER_PHONE, "address": "1 Secret Road"}),
        source="r.json",
    )
    text = repr(report)
    assert REPORTER_PHONE not in text
    assert NARRATIVE_TEXT not in text
    assert repr(report.contact) == "Contact(unknown_fields=['address'])"


def test_manifest_valid() -> None:
    upper_case_id = "0F8FAD5B-D9CB-469F-A165-70867728950E"
    manifest = validate_manifest(manifest_document(bundle_id=upper_case_id))
    assert isinstance(manifest, Manifest)
    assert manifest.bundle_id == upper_case_id.lower()
    assert manifest.exported_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert manifest.recipient_force == "west-mercia"


@pytest.mark.parametrize(
    ("changes", "expected_message"),
    [
        ({"sequence": True}, "sequence: Input should be a valid integer"),
        ({"sequence": 0}, "sequence: Input should be greater than or equal to 1"),
        ({"exporter": ""}, "exporter: String should have at least 1 character"),
        ({"reports": {}}, "reports: Input should be a valid list"),
        (
            {
                "attachments": [
                    {"path": "a", "sha256": "A" * 64, "size": 1, "media_type": "x/y"}
                ]
            },
            "attachments[0].sha256: Input should be 64 lowercase hexadecimal digits",
        ),
        (
            {
                "attachments": [
                    {"path": "a", "sha256": "a" * 64, "size": 1, "media_type": "jpeg"}
                ]
            },
            "attachments[0].media_type: Input should be a media type",
        ),
        (
            {"reports": [{"path": "a", "sha256": "a" * 64, "size": -1}]},
            "reports[0].size: Input should be greater than or equal to 0",
        ),
        ({"recipient_force": "Metropolitan"}, "did you mean metropolitan?"),
    ],
    ids=[
        "sequence-bool",
        "sequence-zero",
        "exporter-empty",
        "reports-not-list",
        "sha256-uppercase",
        "media-type-invalid",
        "size-negative",
        "recipient-case",
    ],
)
def test_manifest_rejected(changes: dict[str, Any], expected_message: str) -> None:
    with pytest.raises(ManifestError) as caught:
        validate_manifest(manifest_document(**changes))
    message = str(caught.value)
    assert message.startswith("manifest.json is invalid: ")
    assert expected_message in message
    assert message.endswith("ask the sender to export the bundle again")


def test_manifest_unknown_fields_exposed() -> None:
    document = manifest_document(batch_label="night run")
    document["reports"][0]["compressed"] = False
    manifest = validate_manifest(document)
    assert manifest.unknown_fields() == {
        "batch_label": "night run",
        "reports[0].compressed": False,
    }


def test_media_type_with_parameters_accepted() -> None:
    document = manifest_document()
    document["attachments"][0]["media_type"] = 'text/plain; charset="utf-8"'
    assert (
        validate_manifest(document).attachments[0].media_type.startswith("text/plain")
    )


def test_models_are_frozen() -> None:
    report = validate_report(report_document(), source="r.json")
    with pytest.raises(ValidationError):
        report.revision = 2  # type: ignore[misc]


def test_describe_validation_error_formats_paths() -> None:
    assert format_location(("subjects", 0, "role")) == "subjects[0].role"
    assert format_location(()) == ""
    with pytest.raises(ValidationError) as caught:
        Report.model_validate({"reference": "CS-1"})
    text = describe_validation_error(caught.value)
    assert text.startswith("revision: Field required; received_at: Field required")
    assert text.endswith("more")
