"""The workflow side of ``case show``: decisions, safeguarding, notes and history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlmodel import Session, col

from psdcli.core import iopc
from psdcli.core.decisions import DecisionKind, active_decisions
from psdcli.storage import case_repository
from psdcli.storage.models import AuditEvent, Bundle, Case, ReportRevision, row_id


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def workflow_fields(session: Session, case: Case) -> dict[str, Any]:
    """Return the assessment state and the whole decision history of a case."""
    case_id = row_id(case)
    active = active_decisions(session, case_id)
    return {
        "case_number": case.case_number,
        "version": case.version,
        "assigned_to": case.assigned_to,
        "category": case.category,
        "tags": case_repository.tags_of(session, case_id),
        "iopc_decision_due": iopc.decision_due(session, case)
        and DecisionKind.IOPC not in active,
        "decisions": _decisions(session, case_id, {d.id for d in active.values()}),
        "safeguarding": _safeguarding(session, case_id),
        "notes": [
            {
                "id": note.id,
                "author": note.author,
                "created_at": _iso(note.created_at),
                "text": note.text,
            }
            for note in case_repository.notes_of(session, case_id)
        ],
        "history": history(session, case),
    }


def _decisions(
    session: Session, case_id: int, active_ids: set[int | None]
) -> list[dict[str, Any]]:
    return [
        {
            "id": decision.id,
            "kind": decision.kind,
            "details": decision.details,
            "rationale": decision.rationale,
            "decided_by": decision.decided_by,
            "decided_at": _iso(decision.decided_at),
            "supersedes": decision.supersedes_id,
            "active": decision.id in active_ids,
        }
        for decision in case_repository.decisions_of(session, case_id)
    ]


def _safeguarding(session: Session, case_id: int) -> list[dict[str, Any]]:
    found = []
    for record, actions in case_repository.safeguarding_of(session, case_id):
        found.append(
            {
                "id": record.id,
                "at_risk": record.at_risk,
                "risk": record.risk,
                "tool": record.tool,
                "score": record.score,
                "urgency": record.urgency,
                "referral_ref": record.referral_ref,
                "review_on": None
                if record.review_on is None
                else record.review_on.isoformat(),
                "subject_system_access": record.subject_system_access,
                "conflict_of_interest": record.conflict_of_interest,
                "rationale": record.rationale,
                "decided_by": record.decided_by,
                "decided_at": _iso(record.decided_at),
                "actions": [
                    {
                        "id": action.id,
                        "description": action.description,
                        "completed_at": _iso(action.completed_at),
                        "completed_by": action.completed_by,
                    }
                    for action in actions
                ],
            }
        )
    return found


def history(session: Session, case: Case) -> list[dict[str, Any]]:
    """Return the audit events about a case, oldest first: who did what, when.

    Besides the events naming the case, the imports of the bundles that
    brought its revisions are included, so that the history starts with the
    case's arrival.
    """
    bundle_ids = (
        select(col(Bundle.bundle_id))
        .join(ReportRevision, col(ReportRevision.bundle_id) == col(Bundle.id))
        .where(col(ReportRevision.case_id) == row_id(case))
    )
    query = (
        select(AuditEvent)
        .where(
            or_(
                col(AuditEvent.case_reference) == case.reference,
                and_(
                    col(AuditEvent.action) == "bundle.import",
                    col(AuditEvent.bundle_id).in_(bundle_ids),
                ),
            )
        )
        .order_by(col(AuditEvent.sequence))
    )
    return [
        {
            "sequence": event.sequence,
            "at": _iso(event.occurred_at),
            "analyst": event.analyst,
            "operation": event.operation,
            "action": event.action,
            "reason": event.reason,
        }
        for event in session.scalars(query)
    ]
