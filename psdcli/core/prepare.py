"""Turn report files into the values the importer stores, without the database.

Everything here needs only a report's bytes: strict JSON, validation, the
content digest and sealing the contact details. That is most of an import's
work, so for a large bundle it runs in a second process (core.preparer)
while the first one writes to the database. The module imports no database
code, which keeps that process quick to start.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from psdcli.core.errors import ReportInvalidError
from psdcli.core.settings import ImportLimits
from psdcli.crypto.seal import seal
from psdcli.intake.models import Report
from psdcli.intake.reports import parse_report

_SORTED = orjson.OPT_SORT_KEYS

SUBJECT_FIELDS = (
    "name",
    "role",
    "force",
    "rank",
    "collar_number",
    "station",
    "description",
)


@dataclass(frozen=True, slots=True)
class ReportInput:
    """Input for preparing one report: its member path, bytes and folder's files."""

    path: str
    raw: bytes
    attachment_paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PreparedReport:
    """An accepted report, as the values of the rows the importer stores.

    ``revision_values`` are the columns of its revision row except the case
    id, the bundle id and the import time. Its contact details are sealed.
    ``subjects`` are subject rows without the revision id, and ``digest`` is
    the report's ``content_digest``.
    """

    reference: str
    revision: int
    received_at: datetime
    follow_up_to: str | None
    immediate_danger: bool
    digest: str
    revision_values: dict[str, Any]
    themes: tuple[str, ...]
    subjects: tuple[dict[str, Any], ...]
    attachment_paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RejectedReport:
    """A report that failed a check, with the reason, to be quarantined."""

    reason: str


Prepared = PreparedReport | RejectedReport


def prepare_batch(
    inputs: Sequence[ReportInput], recipients: Sequence[str], limits: ImportLimits
) -> list[Prepared]:
    """Prepare each report of a batch, in order."""
    return [prepare_report(item, recipients, limits) for item in inputs]


def prepare_report(
    item: ReportInput, recipients: Sequence[str], limits: ImportLimits
) -> Prepared:
    """Check one report and turn it into row values, sealing its contact details."""
    try:
        report = parse_report(item.path, item.raw, item.attachment_paths, limits)
    except ReportInvalidError as error:
        return RejectedReport(str(error))
    fields = report.model_dump(mode="json", by_alias=True)
    contact = fields.pop("contact", None)
    extra_fields = report.unknown_fields()
    digest = _canonical_digest(fields, may_hold_floats=bool(extra_fields))
    immediate_danger = any(person.immediate_danger for person in report.persons_at_risk)
    sealed = None
    if contact is not None:
        sealed = seal(json.dumps(contact, ensure_ascii=False).encode(), recipients)
    revision_values = {
        "revision": report.revision,
        "received_at": report.received_at,
        "channel": fields["channel"],
        "anonymous": report.anonymous,
        "on_duty": fields["on_duty"],
        "setting": fields["setting"],
        "incident_from": report.incident.from_,
        "incident_to": report.incident.to,
        "incident_location": fields["incident"].get("location"),
        "narrative": report.narrative,
        "persons_at_risk": fields["persons_at_risk"],
        "immediate_danger": immediate_danger,
        "follow_up_to": report.follow_up_to,
        "extra_fields": extra_fields,
        "has_contact": contact is not None,
        "contact_sealed": sealed,
        "content_sha256": digest,
    }
    return PreparedReport(
        reference=report.reference,
        revision=report.revision,
        received_at=report.received_at,
        follow_up_to=report.follow_up_to,
        immediate_danger=immediate_danger,
        digest=digest,
        revision_values=revision_values,
        themes=tuple(str(theme) for theme in report.themes),
        subjects=tuple(_subject_rows(fields["subjects"])),
        attachment_paths=tuple(report.attachments),
    )


def content_digest(report: Report) -> str:
    """Return the SHA-256 of a report's canonical JSON without its contact details.

    Two revisions with the same number are compared by this digest. A digest
    of the raw bytes would include the contact details, and anyone holding a
    copy of the database could then test guesses of them against it.
    """
    fields = report.model_dump(mode="json", by_alias=True, exclude={"contact"})
    return _canonical_digest(fields, may_hold_floats=True)


def canonical_json(fields: dict[str, Any]) -> bytes:
    """Return JSON with sorted keys, no spaces and raw UTF-8: the digest's input."""
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def _canonical_digest(fields: dict[str, Any], *, may_hold_floats: bool) -> str:
    """Return the SHA-256 of ``canonical_json(fields)``.

    orjson writes the same bytes about five times as fast, except for floats,
    which it formats differently (1e+16 against 1e16), and for integers
    outside 64 bits, which it rejects. Only unknown fields can hold a float,
    so a report with any goes through ``canonical_json``.
    """
    if not may_hold_floats:
        try:
            return hashlib.sha256(orjson.dumps(fields, option=_SORTED)).hexdigest()
        except orjson.JSONEncodeError:
            pass
    return hashlib.sha256(canonical_json(fields)).hexdigest()


def _subject_rows(subjects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"position": position, **{name: subject.get(name) for name in SUBJECT_FIELDS}}
        for position, subject in enumerate(subjects)
    ]
