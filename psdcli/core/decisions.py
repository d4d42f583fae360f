"""Record decisions so that a changed decision supersedes, never overwrites.

Each kind of decision has at most one active entry per case: a new entry of
the same kind supersedes the active one. "No further action" excludes every
other outcome, so it is refused while another outcome is active, and a later
outcome supersedes it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from psdcli.core.errors import UsageError
from psdcli.storage.casework_models import Decision
from psdcli.storage.models import Case, row_id
from psdcli.storage.types import utc_now

MAX_RATIONALE_CHARS = 20_000


class DecisionKind(StrEnum):
    """The kinds of decision a case records."""

    ASSIGNMENT = "assignment"
    CATEGORISATION = "categorisation"
    ASSESSMENT = "assessment"
    IOPC = "iopc"
    ESCALATION = "escalation"
    INTELLIGENCE = "intelligence"
    TRANSFER = "transfer"
    COMPLAINTS = "complaints"
    NFA = "nfa"
    CLOSURE = "closure"
    REOPENING = "reopening"


OUTCOMES = frozenset(
    {
        DecisionKind.ESCALATION,
        DecisionKind.INTELLIGENCE,
        DecisionKind.TRANSFER,
        DecisionKind.COMPLAINTS,
        DecisionKind.NFA,
    }
)


def require_text(value: str | None, what: str, option: str) -> str:
    """Return non-empty text, or raise UsageError naming the option to pass."""
    text = (value or "").strip()
    if not text:
        raise UsageError(
            f"the {what} is empty; pass {option} with the reason in words."
        )
    if len(text) > MAX_RATIONALE_CHARS:
        raise UsageError(
            f"the {what} is {len(text)} characters long; "
            f"keep it under {MAX_RATIONALE_CHARS}."
        )
    return text


def active_decisions(session: Session, case_id: int) -> dict[DecisionKind, Decision]:
    """Return the active (not superseded) decision of each kind for a case."""
    rows = list(
        session.scalars(
            select(Decision)
            .where(col(Decision.case_id) == case_id)
            .order_by(col(Decision.id))
        )
    )
    superseded = {row.supersedes_id for row in rows if row.supersedes_id is not None}
    return {DecisionKind(row.kind): row for row in rows if row.id not in superseded}


def record_decision(
    session: Session,
    case: Case,
    kind: DecisionKind,
    analyst: str,
    *,
    details: dict[str, Any] | None = None,
    rationale: str | None = None,
) -> Decision:
    """Add a decision that supersedes the active one it replaces, if any."""
    active = active_decisions(session, row_id(case))
    if kind is DecisionKind.NFA:
        others = sorted(k.value for k in active if k in OUTCOMES and k is not kind)
        if others:
            raise UsageError(
                f"case {case.case_number} has active outcomes ({', '.join(others)}); "
                "no further action cannot stand beside them. Record a new outcome "
                "of the same kind instead, or reopen and reassess."
            )
    replaced = active.get(kind)
    if replaced is None and kind in OUTCOMES:
        replaced = active.get(DecisionKind.NFA)
    decision = Decision(
        case_id=row_id(case),
        kind=kind.value,
        details=details or {},
        rationale=rationale,
        decided_by=analyst,
        decided_at=utc_now(),
        supersedes_id=None if replaced is None else replaced.id,
    )
    session.add(decision)
    session.flush()
    return decision
