"""Plain-data views of bundles and cases, shared by the tables and ``--json``.

Contact details never appear here: a view only states whether a report has any.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from psdcli.core import sequence
from psdcli.core.case_lookup import find_case
from psdcli.core.case_story import workflow_fields
from psdcli.core.dates import assessment_due_before
from psdcli.core.errors import NotFoundError, UsageError
from psdcli.core.workflow import UNASSESSED
from psdcli.storage import queries
from psdcli.storage.models import Bundle, Case, ReportRevision, row_id
from psdcli.storage.types import utc_now


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def bundle_summary(bundle: Bundle) -> dict[str, Any]:
    """Return the fields of one imported bundle."""
    return {
        "bundle_id": bundle.bundle_id,
        "sequence": bundle.sequence,
        "recipient_force": bundle.recipient_force,
        "exporter": bundle.exporter,
        "exported_at": _iso(bundle.exported_at),
        "imported_at": _iso(bundle.imported_at),
        "imported_by": bundle.imported_by,
        "file_name": bundle.file_name,
        "file_sha256": bundle.file_sha256,
        "file_size": bundle.file_size,
        "kept_as": bundle.stored_name,
        "armored": bundle.armored,
        "reports_total": bundle.reports_total,
        "reports_imported": bundle.reports_imported,
        "reports_unchanged": bundle.reports_unchanged,
        "reports_quarantined": bundle.reports_quarantined,
        "manifest_extra": bundle.manifest_extra,
    }


def bundle_list(session: Session) -> dict[str, Any]:
    """Return every bundle and the sequence gaps of each force."""
    bundles = queries.list_bundles(session)
    forces = sorted({bundle.recipient_force for bundle in bundles})
    gaps = {force: sequence.gap_warnings(session, force) for force in forces}
    return {
        "bundles": [bundle_summary(bundle) for bundle in bundles],
        "warnings": [message for force in forces for message in gaps[force]],
    }


def bundle_detail(session: Session, identifier: str) -> dict[str, Any]:
    """Return one bundle with its quarantined reports and their reasons."""
    matches = queries.find_bundles(session, identifier.strip())
    if not matches:
        raise NotFoundError(
            f"no bundle with id {identifier!r}; `psdcli bundle list` shows them."
        )
    if len(matches) > 1:
        raise UsageError(
            f"bundle id {identifier!r} matches several bundles; give more characters."
        )
    bundle = matches[0]
    quarantined = [
        {
            "path": row.path,
            "reference": row.reference,
            "reason": row.reason,
            "size": row.size,
            "attachments": row.attachment_count,
        }
        for row in queries.quarantined_reports(session, row_id(bundle))
    ]
    return {**bundle_summary(bundle), "quarantined": quarantined}


def case_rows(session: Session, filters: queries.CaseFilters) -> list[dict[str, Any]]:
    """Return one summary per case for ``case list``."""
    pairs = queries.list_cases(session, filters)
    revision_ids = [row_id(revision) for _, revision in pairs]
    themes = queries.themes_by_revision(session, revision_ids)
    subjects = queries.subjects_by_revision(session, revision_ids)
    open_actions = queries.open_action_counts(
        session, [row_id(case) for case, _ in pairs]
    )
    now = utc_now()
    due_before = assessment_due_before()
    rows = []
    for case, revision in pairs:
        forces = sorted({subject.force for subject in subjects[row_id(revision)]})
        rows.append(
            {
                **_case_core(case),
                "age_days": (now - case.received_at).days,
                "overdue": case.status in UNASSESSED and case.received_at < due_before,
                "open_safeguarding_actions": open_actions.get(row_id(case), 0),
                "themes": themes[row_id(revision)],
                "subject_forces": forces,
                "channel": revision.channel,
                "anonymous": revision.anonymous,
            }
        )
    return rows


def _case_core(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "case_number": case.case_number,
        "status": case.status,
        "assigned_to": case.assigned_to,
        "category": case.category,
        "received_at": _iso(case.received_at),
        "latest_revision": case.latest_revision,
        "has_update": case.has_update,
        "immediate_danger": case.immediate_danger,
        "follow_up_to": case.follow_up_to,
    }


def case_detail(
    session: Session, reference: str, revision: int | None = None
) -> dict[str, Any]:
    """Return every field of a case's report, its revisions, decisions and history."""
    case = find_case(session, reference)
    revisions = queries.case_revisions(session, row_id(case))
    wanted = case.latest_revision if revision is None else revision
    chosen = next((rev for rev, _ in revisions if rev.revision == wanted), None)
    if chosen is None:
        available = ", ".join(str(rev.revision) for rev, _ in revisions)
        raise NotFoundError(
            f"case {case.reference} has no revision {wanted}; it has {available}."
        )
    return {
        **_case_core(case),
        **workflow_fields(session, case),
        "follow_ups": queries.follow_ups_of(session, case.reference),
        "follow_up_reports": [
            {
                "case_number": follow_up.case_number,
                "reference": follow_up.reference,
                "received_at": _iso(follow_up.received_at),
                "report": _report_fields(session, _latest_revision(session, follow_up)),
            }
            for follow_up in queries.follow_up_cases(session, case.reference)
        ],
        "attached_to": _attached_to(session, case),
        "revisions": [
            {
                "revision": rev.revision,
                "bundle_id": bundle.bundle_id,
                "imported_at": _iso(rev.imported_at),
                "received_at": _iso(rev.received_at),
            }
            for rev, bundle in revisions
        ],
        "report": _report_fields(session, chosen),
    }


def _report_fields(session: Session, revision: ReportRevision) -> dict[str, Any]:
    revision_id = row_id(revision)
    subjects = queries.subjects_by_revision(session, [revision_id])[revision_id]
    return {
        "revision": revision.revision,
        "received_at": _iso(revision.received_at),
        "channel": revision.channel,
        "anonymous": revision.anonymous,
        "contact": "held, encrypted" if revision.has_contact else None,
        "themes": queries.themes_by_revision(session, [revision_id])[revision_id],
        "subjects": [
            {
                "name": subject.name,
                "role": subject.role,
                "force": subject.force,
                "rank": subject.rank,
                "collar_number": subject.collar_number,
                "station": subject.station,
                "description": subject.description,
            }
            for subject in subjects
        ],
        "on_duty": revision.on_duty,
        "setting": revision.setting,
        "incident": {
            "from": revision.incident_from.isoformat()
            if revision.incident_from
            else None,
            "to": revision.incident_to.isoformat() if revision.incident_to else None,
            "location": revision.incident_location,
        },
        "narrative": revision.narrative,
        "persons_at_risk": revision.persons_at_risk,
        "follow_up_to": revision.follow_up_to,
        "attachments": [
            {
                "name": item.name,
                "path": item.path,
                "size": item.size,
                "media_type": item.media_type,
                "sha256": item.sha256,
            }
            for item in queries.attachments_of(session, revision_id)
        ],
        "other_fields": revision.extra_fields,
    }


def _latest_revision(session: Session, case: Case) -> ReportRevision:
    revisions = queries.case_revisions(session, row_id(case))
    return next(rev for rev, _ in revisions if rev.revision == case.latest_revision)


def _attached_to(session: Session, case: Case) -> dict[str, str] | None:
    """Return the original case of a follow-up, when it is in the database."""
    original = queries.original_of(session, case)
    if original is None:
        return None
    return {"case_number": original.case_number, "reference": original.reference}
