"""Store the validated reports of one bundle, in batches, inside one transaction."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from sqlmodel import Session

from psdcli.core import numbering
from psdcli.core.outcome import ReportCounts
from psdcli.crypto.seal import seal
from psdcli.intake.archive import AcceptedReport, QuarantinedReport
from psdcli.storage import repository
from psdcli.storage.models import Attachment, ReportSubject, ReportTheme
from psdcli.storage.models import QuarantinedReport as QuarantineRow
from psdcli.storage.types import utc_now

SUBJECT_FIELDS = (
    "name",
    "role",
    "force",
    "rank",
    "collar_number",
    "station",
    "description",
)


@dataclass
class IngestContext:
    """Everything a batch needs besides the reports themselves."""

    session: Session
    bundle_row_id: int
    recipients: Sequence[str]
    analyst: str
    counts: ReportCounts = field(default_factory=ReportCounts)
    follow_ups: set[str] = field(default_factory=set)
    # Ids rather than references, which took 10 MB for 100,000 new cases.
    new_case_ids: array[int] = field(default_factory=lambda: array("q"))


def store_reports(
    context: IngestContext,
    reports: Iterable[AcceptedReport | QuarantinedReport],
    batch_size: int,
    advance: Callable[[int], None],
) -> None:
    """Store every report, ``batch_size`` at a time, so memory stays bounded."""
    for batch in _batched(iter(reports), batch_size):
        accepted = [item for item in batch if isinstance(item, AcceptedReport)]
        for item in batch:
            if isinstance(item, QuarantinedReport):
                _quarantine(context, item, item.reference, item.reason)
        _store_accepted(context, accepted)
        advance(len(batch))


def store_unreferenced_attachments(
    context: IngestContext, attachments: Sequence[Any]
) -> None:
    """Quarantine attachments that sit in a folder no report is named after."""
    for attachment in attachments:
        reason = (
            f"attachment {attachment.path} belongs to no report in this bundle; "
            "it is kept so that nothing the bundle carried is lost"
        )
        _quarantine_members(
            context,
            attachment.path,
            None,
            reason,
            [(attachment.path, attachment.data)],
            size=attachment.size,
        )


def _batched(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while batch := list(islice(items, size)):
        yield batch


@dataclass(frozen=True)
class _DumpedReport:
    """An accepted report in JSON form, dumped once for all the rows made from it.

    ``fields`` is the report without its contact details, which are in
    ``contact``. ``digest`` is the report's ``content_digest``.
    """

    item: AcceptedReport
    fields: dict[str, Any]
    contact: dict[str, Any] | None
    digest: str


def _dump(item: AcceptedReport) -> _DumpedReport:
    fields = item.report.model_dump(mode="json", by_alias=True)
    contact = fields.pop("contact", None)
    return _DumpedReport(item, fields, contact, _canonical_digest(fields))


def _store_accepted(context: IngestContext, accepted: list[AcceptedReport]) -> None:
    session = context.session
    known = repository.known_cases(
        session, (item.report.reference for item in accepted)
    )
    new_cases: list[_DumpedReport] = []
    added: list[tuple[int, _DumpedReport]] = []
    updates: list[dict[str, Any]] = []
    for item in accepted:
        report = item.report
        dumped = _dump(item)
        case = known.get(report.reference)
        if case is None:
            new_cases.append(dumped)
            context.counts.imported += 1
            continue
        previous = case.revision_hashes.get(report.revision)
        if previous == dumped.digest:
            context.counts.unchanged += 1
            continue
        if previous is not None:
            reason = (
                f"revision {report.revision} of {report.reference} was already "
                "imported with different content; ask the exporter to send a "
                "higher revision"
            )
            _quarantine(context, item, report.reference, reason)
            continue
        added.append((case.case_id, dumped))
        case.revision_hashes[report.revision] = dumped.digest
        context.counts.revisions_added += 1
        # Any added revision is news to the analyst and makes older views
        # of the case stale; only a higher one becomes the latest.
        change: dict[str, Any] = {"case_id": case.case_id}
        if report.revision > case.latest_revision:
            case.latest_revision = report.revision
            change.update(
                revision=report.revision, immediate_danger=_immediate_danger(report)
            )
        updates.append(change)

    numbers = numbering.allocate(session, utc_now().year, len(new_cases))
    rows = [
        _case_row(dumped.item, number)
        for dumped, number in zip(new_cases, numbers, strict=True)
    ]
    case_ids = repository.insert_cases(session, rows)
    context.new_case_ids.extend(case_ids)
    added.extend(zip(case_ids, new_cases, strict=True))
    repository.mark_cases_updated(session, updates, context.analyst)
    _insert_revisions(context, added)


def _insert_revisions(
    context: IngestContext, added: list[tuple[int, _DumpedReport]]
) -> None:
    session = context.session
    now = utc_now()
    rows = [_revision_row(context, case_id, dumped, now) for case_id, dumped in added]
    revision_ids = repository.insert_revisions(session, rows)
    themes: list[dict[str, Any]] = []
    subjects: list[dict[str, Any]] = []
    attachments: list[dict[str, Any]] = []
    for revision_id, (_case_id, dumped) in zip(revision_ids, added, strict=True):
        report = dumped.item.report
        themes.extend(
            {"revision_id": revision_id, "theme": str(theme)} for theme in report.themes
        )
        subjects.extend(_subject_rows(revision_id, dumped.fields["subjects"]))
        attachments.extend(
            _attachment_row(context, revision_id, file)
            for file in dumped.item.attachments
        )
        if report.follow_up_to:
            context.follow_ups.add(report.follow_up_to)
    repository.insert_rows(session, ReportTheme, themes)
    repository.insert_rows(session, ReportSubject, subjects)
    repository.insert_rows(session, Attachment, attachments)


def content_digest(report: Any) -> str:
    """Return the SHA-256 of a report's canonical JSON without its contact details.

    Two revisions with the same number are compared by this digest. A digest
    of the raw bytes would include the contact details, and anyone holding a
    copy of the database could then test guesses of them against it.
    """
    fields = report.model_dump(mode="json", by_alias=True, exclude={"contact"})
    return _canonical_digest(fields)


def _canonical_digest(fields: dict[str, Any]) -> str:
    canonical = json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _immediate_danger(report: Any) -> bool:
    return any(person.immediate_danger for person in report.persons_at_risk)


def _case_row(item: AcceptedReport, case_number: str) -> dict[str, Any]:
    report = item.report
    now = utc_now()
    return {
        "reference": report.reference,
        "case_number": case_number,
        "version": 1,
        "status": "new",
        "received_at": report.received_at,
        "created_at": now,
        "updated_at": now,
        "latest_revision": report.revision,
        "has_update": False,
        "immediate_danger": _immediate_danger(report),
        "follow_up_to": report.follow_up_to,
    }


def _revision_row(
    context: IngestContext, case_id: int, dumped: _DumpedReport, now: datetime
) -> dict[str, Any]:
    report = dumped.item.report
    fields = dumped.fields
    contact = dumped.contact
    return {
        "case_id": case_id,
        "revision": report.revision,
        "bundle_id": context.bundle_row_id,
        "imported_at": now,
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
        "immediate_danger": _immediate_danger(report),
        "follow_up_to": report.follow_up_to,
        "extra_fields": report.unknown_fields(),
        "has_contact": contact is not None,
        "contact_sealed": None
        if contact is None
        else seal(json.dumps(contact, ensure_ascii=False).encode(), context.recipients),
        "content_sha256": dumped.digest,
    }


def _subject_rows(
    revision_id: int, subjects: list[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    for position, subject in enumerate(subjects):
        row = {name: subject.get(name) for name in SUBJECT_FIELDS}
        yield {"revision_id": revision_id, "position": position, **row}


def _attachment_row(
    context: IngestContext, revision_id: int, file: Any
) -> dict[str, Any]:
    return {
        "revision_id": revision_id,
        "path": file.path,
        "name": file.name,
        "media_type": file.media_type,
        "size": file.size,
        "sha256": file.sha256,
        "sealed": seal(file.data, context.recipients),
    }


def _quarantine(
    context: IngestContext,
    item: AcceptedReport | QuarantinedReport,
    reference: str | None,
    reason: str,
) -> None:
    """Store a report that cannot become a case, sealed with its attachments."""
    members = [(item.path, item.raw)]
    members.extend((file.path, file.data) for file in item.attachments)
    _quarantine_members(
        context, item.path, reference, reason, members, size=len(item.raw)
    )


def _quarantine_members(
    context: IngestContext,
    path: str,
    reference: str | None,
    reason: str,
    members: list[tuple[str, bytes]],
    *,
    size: int,
) -> None:
    """Seal ``members`` into one quarantine row with the reason."""
    context.counts.quarantined += 1
    row = {
        "bundle_id": context.bundle_row_id,
        "path": path,
        "reference": reference,
        "reason": reason,
        "size": size,
        "attachment_count": sum(
            1 for name, _ in members if name.startswith("attachments/")
        ),
        "sealed": seal(_pack(members), context.recipients),
    }
    repository.insert_rows(context.session, QuarantineRow, [row])


def _pack(members: Iterable[tuple[str, bytes]]) -> bytes:
    """Pack a report and its attachments into one ZIP, to be sealed as a unit."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()
