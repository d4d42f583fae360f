"""The supervisor summary: volumes, outcomes, timeliness and reporting milestones.

An investigation not finished 12 months after the matter came to notice, and
every 6 months after that, must be reported to the local policing body; the
summary lists escalated cases still open past those milestones.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from psdcli.core.dates import assessment_due_before
from psdcli.core.decisions import OUTCOMES, active_decisions
from psdcli.core.workflow import UNASSESSED, CaseStatus
from psdcli.storage import queries
from psdcli.storage.casework_models import Decision
from psdcli.storage.models import Case, row_id


@dataclass(frozen=True)
class Period:
    """Cases received in [since, until); either bound may be open."""

    since: datetime | None = None
    until: datetime | None = None


def _cases(session: Session, period: Period) -> list[Case]:
    query = select(Case)
    if period.since is not None:
        query = query.where(col(Case.received_at) >= period.since)
    if period.until is not None:
        query = query.where(col(Case.received_at) < period.until)
    return list(session.scalars(query.order_by(col(Case.received_at))))


def months_between(start: datetime, end: datetime) -> int:
    """Return the whole calendar months from ``start`` to ``end``."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def milestone(months: int) -> int | None:
    """Return the latest reporting milestone passed: 12, 18, 24, ... months."""
    if months < 12:
        return None
    return 12 + (months - 12) // 6 * 6


def summary(session: Session, period: Period, now: datetime) -> dict[str, Any]:
    """Return the counts, distributions and lists of the supervisor summary.

    NOTE: this runs a few queries per case, which is quick for a force's
    yearly volume (thousands); summarising hundreds of thousands of cases
    would need the counts done in SQL.
    """
    cases = _cases(session, period)
    ids = [row_id(case) for case in cases]
    themes, forces = _themes_and_forces(session, cases)
    outcomes: Counter[str] = Counter()
    decision_days: list[float] = []
    overdue_list: list[dict[str, Any]] = []
    due_before = assessment_due_before()
    for case in cases:
        active = active_decisions(session, row_id(case))
        for kind in active:
            if kind in OUTCOMES:
                outcomes[kind.value] += 1
        first = _first_outcome_time(session, row_id(case))
        if first is not None:
            decision_days.append((first - case.received_at).total_seconds() / 86400)
        if case.status in UNASSESSED and case.received_at < due_before:
            overdue_list.append(
                {"case_number": case.case_number, "days": (now - case.received_at).days}
            )
    return {
        "period": {"since": _iso(period.since), "until": _iso(period.until)},
        "cases_received": len(cases),
        "by_status": dict(Counter(case.status for case in cases)),
        "by_theme": dict(themes),
        "by_category": dict(
            Counter(case.category or "not categorised" for case in cases)
        ),
        "by_subject_force": dict(forces),
        "by_outcome": dict(outcomes),
        "open_safeguarding_actions": sum(
            queries.open_action_counts(session, ids).values()
        ),
        "days_to_decision": _percentiles(decision_days),
        "overdue_assessments": overdue_list,
        "reporting_milestones": _milestones(session, cases, now),
    }


def _themes_and_forces(
    session: Session, cases: list[Case]
) -> tuple[Counter[str], Counter[str]]:
    revision_ids = [queries.latest_revision_id(session, case) for case in cases]
    themes: Counter[str] = Counter()
    forces: Counter[str] = Counter()
    for values in queries.themes_by_revision(session, revision_ids).values():
        themes.update(values)
    for subjects in queries.subjects_by_revision(session, revision_ids).values():
        forces.update({subject.force for subject in subjects})
    return themes, forces


def _first_outcome_time(session: Session, case_id: int) -> datetime | None:
    query = (
        select(col(Decision.decided_at))
        .where(
            col(Decision.case_id) == case_id,
            col(Decision.kind).in_([kind.value for kind in OUTCOMES]),
        )
        .order_by(col(Decision.id))
        .limit(1)
    )
    return session.scalars(query).first()


def _milestones(
    session: Session, cases: list[Case], now: datetime
) -> list[dict[str, Any]]:
    """List escalated cases not closed whose age passed 12 months, then each 6."""
    found = []
    for case in cases:
        if case.status == CaseStatus.CLOSED:
            continue
        active = active_decisions(session, row_id(case))
        if "escalation" not in {kind.value for kind in active}:
            continue
        months = months_between(case.received_at, now)
        passed = milestone(months)
        if passed is not None:
            found.append(
                {"case_number": case.case_number, "months": months, "milestone": passed}
            )
    return found


def _percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"count": 0, "median": None, "p90": None}
    ordered = sorted(values)
    p90 = (
        ordered[0]
        if len(ordered) == 1
        else statistics.quantiles(ordered, n=10, method="inclusive")[-1]
    )
    return {
        "count": len(ordered),
        "median": round(statistics.median(ordered), 1),
        "p90": round(p90, 1),
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
