"""Store the validated reports of one bundle, in batches, inside one transaction."""

from __future__ import annotations

import io
import zipfile
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from psdcli.core import numbering
from psdcli.core.outcome import ReportCounts
from psdcli.core.prepare import PreparedReport, RejectedReport
from psdcli.core.preparer import PreparedBatch
from psdcli.crypto.seal import seal
from psdcli.intake.reports import Attachment as IntakeAttachment
from psdcli.intake.reports import ReportFile
from psdcli.storage import repository
from psdcli.storage.models import Attachment, ReportSubject, ReportTheme
from psdcli.storage.models import QuarantinedReport as QuarantineRow
from psdcli.storage.types import utc_now


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
    batches: Iterable[PreparedBatch],
    advance: Callable[[int], None],
) -> None:
    """Store each batch of prepared reports; rejected ones are quarantined."""
    for files, results in batches:
        accepted: list[tuple[ReportFile, PreparedReport]] = []
        for file, result in zip(files, results, strict=True):
            if isinstance(result, RejectedReport):
                _quarantine(context, file, file.safe_reference, result.reason)
            else:
                accepted.append((file, result))
        _store_accepted(context, accepted)
        advance(len(files))


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


def _store_accepted(
    context: IngestContext, accepted: list[tuple[ReportFile, PreparedReport]]
) -> None:
    session = context.session
    known = repository.known_cases(
        session, (prepared.reference for _, prepared in accepted)
    )
    new_cases: list[tuple[ReportFile, PreparedReport]] = []
    added: list[tuple[int, ReportFile, PreparedReport]] = []
    updates: list[dict[str, Any]] = []
    for file, prepared in accepted:
        case = known.get(prepared.reference)
        if case is None:
            new_cases.append((file, prepared))
            context.counts.imported += 1
            continue
        previous = case.revision_hashes.get(prepared.revision)
        if previous == prepared.digest:
            context.counts.unchanged += 1
            continue
        if previous is not None:
            reason = (
                f"revision {prepared.revision} of {prepared.reference} was already "
                "imported with different content; ask the exporter to send a "
                "higher revision"
            )
            _quarantine(context, file, prepared.reference, reason)
            continue
        added.append((case.case_id, file, prepared))
        case.revision_hashes[prepared.revision] = prepared.digest
        context.counts.revisions_added += 1
        # Any added revision is news to the analyst and makes older views
        # of the case stale; only a higher one becomes the latest.
        change: dict[str, Any] = {"case_id": case.case_id}
        if prepared.revision > case.latest_revision:
            case.latest_revision = prepared.revision
            change.update(
                revision=prepared.revision, immediate_danger=prepared.immediate_danger
            )
        updates.append(change)

    now = utc_now()
    numbers = numbering.allocate(session, now.year, len(new_cases))
    rows = [
        _case_row(prepared, number, now)
        for (_, prepared), number in zip(new_cases, numbers, strict=True)
    ]
    case_ids = repository.insert_cases(session, rows)
    context.new_case_ids.extend(case_ids)
    added.extend(
        (case_id, file, prepared)
        for case_id, (file, prepared) in zip(case_ids, new_cases, strict=True)
    )
    repository.mark_cases_updated(session, updates, context.analyst)
    _insert_revisions(context, added)


def _insert_revisions(
    context: IngestContext, added: list[tuple[int, ReportFile, PreparedReport]]
) -> None:
    session = context.session
    now = utc_now()
    rows = [
        {
            **prepared.revision_values,
            "case_id": case_id,
            "bundle_id": context.bundle_row_id,
            "imported_at": now,
        }
        for case_id, _, prepared in added
    ]
    revision_ids = repository.insert_revisions(session, rows)
    themes: list[dict[str, Any]] = []
    subjects: list[dict[str, Any]] = []
    attachments: list[dict[str, Any]] = []
    for revision_id, (_, file, prepared) in zip(revision_ids, added, strict=True):
        themes.extend(
            {"revision_id": revision_id, "theme": theme} for theme in prepared.themes
        )
        subjects.extend(
            {"revision_id": revision_id, **subject} for subject in prepared.subjects
        )
        if prepared.attachment_paths:
            by_path = {attachment.path: attachment for attachment in file.attachments}
            attachments.extend(
                _attachment_row(context, revision_id, by_path[path])
                for path in prepared.attachment_paths
            )
        if prepared.follow_up_to:
            context.follow_ups.add(prepared.follow_up_to)
    repository.insert_rows(session, ReportTheme, themes)
    repository.insert_rows(session, ReportSubject, subjects)
    repository.insert_rows(session, Attachment, attachments)


def _case_row(
    prepared: PreparedReport, case_number: str, now: datetime
) -> dict[str, Any]:
    return {
        "reference": prepared.reference,
        "case_number": case_number,
        "version": 1,
        "status": "new",
        "received_at": prepared.received_at,
        "created_at": now,
        "updated_at": now,
        "latest_revision": prepared.revision,
        "has_update": False,
        "immediate_danger": prepared.immediate_danger,
        "follow_up_to": prepared.follow_up_to,
    }


def _attachment_row(
    context: IngestContext, revision_id: int, file: IntakeAttachment
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
    context: IngestContext, file: ReportFile, reference: str | None, reason: str
) -> None:
    """Store a report that cannot become a case, sealed with its attachments."""
    members = [(file.path, file.raw)]
    members.extend((item.path, item.data) for item in file.attachments)
    _quarantine_members(
        context, file.path, reference, reason, members, size=len(file.raw)
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
