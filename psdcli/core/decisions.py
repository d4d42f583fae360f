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

from psdcli.core.errors import PsdError, UsageError
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


class OutcomeConflictError(PsdError):
    """An outcome that cannot stand beside the case's active outcomes."""


OUTCOMES = frozenset(
    {
        DecisionKind.ESCALATION,
        DecisionKind.INTELLIGENCE,
        DecisionKind.TRANSFER,
        DecisionKind.COMPLAINTS,
        DecisionKind.NFA,
    }
)


# The kind whose active decision a new decision replaces when it has no
# active decision of its own kind: any outcome replaces "no further action",
# and closing and reopening replace each other.
REPLACES = {
    DecisionKind.ESCALATION: DecisionKind.NFA,
    DecisionKind.INTELLIGENCE: DecisionKind.NFA,
    DecisionKind.TRANSFER: DecisionKind.NFA,
    DecisionKind.COMPLAINTS: DecisionKind.NFA,
    DecisionKind.REOPENING: DecisionKind.CLOSURE,
    DecisionKind.CLOSURE: DecisionKind.REOPENING,
}


def require_text(value: str | None, what: str, option: str) -> str:
    """Return non-empty text, or raise UsageError naming the option to pass."""
    text = (value or "").strip()
    if not text:
        raise UsageError(f"the {what} is empty; pass {option} with some text.")
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
            raise OutcomeConflictError(
                f"case {case.case_number} has active outcomes ({', '.join(others)}); "
                "no further action cannot stand beside them. To change an outcome, "
                "record a new one of the same kind, which replaces it."
            )
    replaced = active.get(kind)
    if replaced is None and kind in REPLACES:
        replaced = active.get(REPLACES[kind])
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
