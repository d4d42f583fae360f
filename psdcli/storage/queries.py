"""Read-only queries behind ``bundle list/show`` and ``case list/show``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased, defer
from sqlmodel import Session, col

from psdcli.storage.casework_models import Safeguarding, SafeguardingAction
from psdcli.storage.models import (
    Attachment,
    Bundle,
    Case,
    QuarantinedReport,
    ReportRevision,
    ReportSubject,
    ReportTheme,
)

SORT_ORDERS = ("received", "newest", "number", "reference", "status")


@dataclass
class CaseFilters:
    """Filters of ``case list``; None means no filter.

    ``overdue_before`` keeps unassessed cases received before that time.
    """

    status: str | None = None
    theme: str | None = None
    force: str | None = None
    category: str | None = None
    assigned_to: str | None = None
    overdue_before: datetime | None = None
    unassessed_statuses: tuple[str, ...] = ()
    safeguarding_open: bool = False
    # Follow-ups whose original case exists belong to that case and are left
    # out unless asked for.
    include_attached: bool = False
    sort: str = "received"
    limit: int | None = None


def list_bundles(session: Session) -> list[Bundle]:
    """Return every imported bundle, newest import first."""
    query = select(Bundle).order_by(
        col(Bundle.imported_at).desc(), col(Bundle.id).desc()
    )
    return list(session.scalars(query))


def find_bundles(session: Session, identifier: str) -> list[Bundle]:
    """Return bundles whose id equals or starts with ``identifier``."""
    query = select(Bundle).where(
        col(Bundle.bundle_id).startswith(identifier, autoescape=True)
    )
    return list(session.scalars(query.limit(5)))


def quarantined_reports(
    session: Session, bundle_row_id: int
) -> list[QuarantinedReport]:
    """Return the quarantined reports of one bundle."""
    query = (
        select(QuarantinedReport)
        .where(col(QuarantinedReport.bundle_id) == bundle_row_id)
        .options(defer(QuarantinedReport.sealed))  # type: ignore[arg-type]
        .order_by(col(QuarantinedReport.id))
    )
    return list(session.scalars(query))


def list_cases(
    session: Session, filters: CaseFilters
) -> list[tuple[Case, ReportRevision]]:
    """Return cases with their latest revision, oldest report first."""
    query = (
        select(Case, ReportRevision)
        .join(
            ReportRevision,
            and_(
                col(ReportRevision.case_id) == col(Case.id),
                col(ReportRevision.revision) == col(Case.latest_revision),
            ),
        )
        .order_by(*_order(filters.sort))
    )
    query = _filter_workflow(query, filters)
    if filters.status is not None:
        query = query.where(col(Case.status) == filters.status)
    if filters.theme is not None:
        query = query.where(
            exists().where(
                col(ReportTheme.revision_id) == col(ReportRevision.id),
                col(ReportTheme.theme) == filters.theme,
            )
        )
    if filters.force is not None:
        query = query.where(
            exists().where(
                col(ReportSubject.revision_id) == col(ReportRevision.id),
                col(ReportSubject.force) == filters.force,
            )
        )
    if filters.limit is not None:
        query = query.limit(filters.limit)
    return [(case, revision) for case, revision in session.execute(query)]


def _order(sort: str) -> list[Any]:
    orders: dict[str, list[Any]] = {
        "received": [col(Case.received_at), col(Case.id)],
        "newest": [col(Case.received_at).desc(), col(Case.id).desc()],
        # Numbers are handed out in insertion order, so the id orders them
        # numerically even when the format does not pad them.
        "number": [col(Case.id)],
        "reference": [col(Case.reference)],
        "status": [col(Case.status), col(Case.received_at)],
    }
    return orders[sort]


def _filter_workflow(query: Any, filters: CaseFilters) -> Any:
    if not filters.include_attached:
        original = aliased(Case)
        query = query.where(
            ~exists().where(col(original.reference) == col(Case.follow_up_to))
        )
    if filters.category is not None:
        query = query.where(col(Case.category) == filters.category)
    if filters.assigned_to is not None:
        query = query.where(col(Case.assigned_to) == filters.assigned_to)
    if filters.overdue_before is not None:
        query = query.where(
            col(Case.status).in_(filters.unassessed_statuses),
            col(Case.received_at) < filters.overdue_before,
        )
    if filters.safeguarding_open:
        query = query.where(
            exists().where(
                col(Safeguarding.case_id) == col(Case.id),
                col(SafeguardingAction.safeguarding_id) == col(Safeguarding.id),
                col(SafeguardingAction.completed_at).is_(None),
            )
        )
    return query


def open_action_counts(session: Session, case_ids: Sequence[int]) -> dict[int, int]:
    """Return the number of open safeguarding actions of each case that has any."""
    if not case_ids:
        return {}
    query = (
        select(col(Safeguarding.case_id), func.count())
        .join(
            SafeguardingAction,
            col(SafeguardingAction.safeguarding_id) == col(Safeguarding.id),
        )
        .where(
            col(Safeguarding.case_id).in_(case_ids),
            col(SafeguardingAction.completed_at).is_(None),
        )
        .group_by(col(Safeguarding.case_id))
    )
    return {int(case_id): int(count) for case_id, count in session.execute(query)}


def themes_by_revision(
    session: Session, revision_ids: Sequence[int]
) -> dict[int, list[str]]:
    """Return the themes of each revision."""
    found: dict[int, list[str]] = defaultdict(list)
    query = (
        select(col(ReportTheme.revision_id), col(ReportTheme.theme))
        .where(col(ReportTheme.revision_id).in_(revision_ids))
        .order_by(col(ReportTheme.revision_id), col(ReportTheme.theme))
    )
    for revision_id, theme in session.execute(query):
        found[revision_id].append(theme)
    return found


def subjects_by_revision(
    session: Session, revision_ids: Sequence[int]
) -> dict[int, list[ReportSubject]]:
    """Return the subjects of each revision in their original order."""
    found: dict[int, list[ReportSubject]] = defaultdict(list)
    query = (
        select(ReportSubject)
        .where(col(ReportSubject.revision_id).in_(revision_ids))
        .order_by(col(ReportSubject.revision_id), col(ReportSubject.position))
    )
    for subject in session.scalars(query):
        found[subject.revision_id].append(subject)
    return found


def get_case(session: Session, reference: str) -> Case | None:
    """Return the case with this intake reference."""
    return session.scalars(select(Case).where(col(Case.reference) == reference)).first()


def case_revisions(
    session: Session, case_id: int
) -> list[tuple[ReportRevision, Bundle]]:
    """Return every revision of a case with the bundle it came in."""
    query = (
        select(ReportRevision, Bundle)
        .join(Bundle, col(Bundle.id) == col(ReportRevision.bundle_id))
        .where(col(ReportRevision.case_id) == case_id)
        .order_by(col(ReportRevision.revision))
    )
    return [(revision, bundle) for revision, bundle in session.execute(query)]


def attachments_of(session: Session, revision_id: int) -> list[Attachment]:
    """Return the attachments of one revision, without loading their content."""
    query = (
        select(Attachment)
        .where(col(Attachment.revision_id) == revision_id)
        .options(defer(Attachment.sealed))  # type: ignore[arg-type]
        .order_by(col(Attachment.id))
    )
    return list(session.scalars(query))


def follow_ups_of(session: Session, reference: str) -> list[str]:
    """Return the references of reports that follow up ``reference``."""
    query = select(col(Case.reference)).where(col(Case.follow_up_to) == reference)
    return list(session.scalars(query.order_by(col(Case.received_at))))


def latest_revision_id(session: Session, case: Case) -> int:
    """Return the id of the latest revision of a case."""
    query = select(col(ReportRevision.id)).where(
        col(ReportRevision.case_id) == case.id,
        col(ReportRevision.revision) == case.latest_revision,
    )
    revision_id = session.scalars(query).one()
    if revision_id is None:
        raise ValueError(f"case {case.reference} has no latest revision")
    return int(revision_id)


def attachments_of_case(session: Session, case_id: int) -> list[Attachment]:
    """Return the attachments of every revision of a case, without their content."""
    query = (
        select(Attachment)
        .join(ReportRevision, col(ReportRevision.id) == col(Attachment.revision_id))
        .where(col(ReportRevision.case_id) == case_id)
        .options(defer(Attachment.sealed))  # type: ignore[arg-type]
    )
    return list(session.scalars(query))


def original_of(session: Session, case: Case) -> Case | None:
    """Return the case that ``case`` follows up, when it is in the database."""
    if case.follow_up_to is None:
        return None
    query = select(Case).where(col(Case.reference) == case.follow_up_to)
    return session.scalars(query).first()


def follow_up_cases(session: Session, reference: str) -> list[Case]:
    """Return the cases that follow up ``reference``, oldest first."""
    query = select(Case).where(col(Case.follow_up_to) == reference)
    return list(session.scalars(query.order_by(col(Case.received_at), col(Case.id))))
