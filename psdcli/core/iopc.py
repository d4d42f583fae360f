"""The rule that some matters need an IOPC referral decision before they move on."""

from __future__ import annotations

from sqlmodel import Session

from psdcli.core import categories
from psdcli.core.decisions import DecisionKind, active_decisions
from psdcli.core.errors import PsdError
from psdcli.core.workflow import Step
from psdcli.storage import case_repository
from psdcli.storage.models import Case, row_id


class ClosureRefusedError(PsdError):
    """A step that the case's open obligations do not yet allow."""


def decision_due(session: Session, case: Case) -> bool:
    """Return True when the case's category or tags call for an IOPC decision."""
    tags = set(case_repository.tags_of(session, row_id(case)))
    return categories.iopc_decision_required(case.category, tags)


def require_decision_if_due(session: Session, case: Case, step: Step) -> None:
    """Refuse ``step`` while a due IOPC referral decision is missing."""
    if not decision_due(session, case):
        return
    if DecisionKind.IOPC in active_decisions(session, row_id(case)):
        return
    raise ClosureRefusedError(
        f"cannot {step.value} case {case.case_number}: its category or tags call "
        "for an IOPC referral decision; record it first with `psdcli case iopc "
        f"{case.case_number} --referred IOPC_REF` or `--not-required`, with "
        "--rationale."
    )
