"""Change a case: each function is one step of the workflow in one transaction.

Every step checks the analyst's view is current, moves the case through the
state machine in ``workflow``, records who did what in the decision history
and appends an ``alteration`` event to the audit trail, all in the caller's
write session. The audit event contains ids only, and rationales stay in the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from psdcli.audit.log import record_event
from psdcli.core import categories, iopc
from psdcli.core.case_lookup import check_version, find_case
from psdcli.core.decisions import DecisionKind, record_decision, require_text
from psdcli.core.workflow import CaseStatus, Step, TransitionError, next_status
from psdcli.storage import case_repository, queries
from psdcli.storage.models import Case, row_id
from psdcli.storage.types import utc_now


@dataclass(frozen=True)
class Actor:
    """The acting analyst and the case version their change is based on."""

    analyst: str
    expected_version: int | None = None


@dataclass(frozen=True)
class StepResult:
    """The result of one step, for the confirmation line and ``--json``."""

    case_number: str
    reference: str
    step: str
    status: str
    version: int
    decision_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the result as plain data."""
        return dict(self.__dict__)


def begin(
    session: Session, identifier: str, step: Step, actor: Actor
) -> tuple[Case, CaseStatus]:
    """Load the case, check the analyst's view is current and the step allowed."""
    case = find_case(session, identifier)
    original = queries.original_of(session, case)
    if original is not None:
        raise TransitionError(
            f"case {case.case_number} is a follow-up to case {original.case_number} "
            f"({original.reference}) and belongs to it; record decisions and notes "
            f"on {original.case_number}, where this report is shown."
        )
    check_version(case, actor.expected_version)
    after = next_status(case.case_number, CaseStatus(case.status), step)
    return case, after


def finish(
    session: Session,
    case: Case,
    step: Step,
    after: CaseStatus,
    actor: Actor,
    *,
    decision_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> StepResult:
    """Store the new state, bump the version and log the change."""
    case.status = after.value
    case.version += 1
    case.updated_by = actor.analyst
    case.updated_at = utc_now()
    case.last_step = step.value
    session.add(case)
    event_details: dict[str, Any] = {"status": after.value, "version": case.version}
    if decision_id is not None:
        event_details["decision_id"] = decision_id
    event_details.update(details or {})
    record_event(
        session,
        analyst=actor.analyst,
        operation="alteration",
        action=f"case.{step.value}",
        case_reference=case.reference,
        details=event_details,
    )
    return StepResult(
        case.case_number,
        case.reference,
        step.value,
        after.value,
        case.version,
        decision_id,
    )


def decide(
    session: Session,
    identifier: str,
    step: Step,
    kind: DecisionKind,
    actor: Actor,
    *,
    details: dict[str, Any],
    rationale: str | None,
) -> StepResult:
    """Run a step that is recorded as a decision with a rationale."""
    case, after = begin(session, identifier, step, actor)
    if step in (Step.ESCALATE, Step.CLOSE):
        iopc.require_decision_if_due(session, case, step)
    decision = record_decision(
        session, case, kind, actor.analyst, details=details, rationale=rationale
    )
    return finish(session, case, step, after, actor, decision_id=decision.id)


def assign(
    session: Session, identifier: str, assignee: str, actor: Actor
) -> StepResult:
    """Assign the case to an analyst."""
    case, after = begin(session, identifier, Step.ASSIGN, actor)
    case.assigned_to = assignee
    decision = record_decision(
        session,
        case,
        DecisionKind.ASSIGNMENT,
        actor.analyst,
        details={"assigned_to": assignee},
    )
    return finish(session, case, Step.ASSIGN, after, actor, decision_id=decision.id)


def categorise(
    session: Session, identifier: str, category: str, tags: list[str], actor: Actor
) -> StepResult:
    """Set the national category and add tags; the reporter's themes stay as given."""
    checked = categories.check_category(category)
    clean_tags = sorted({categories.check_tag(tag) for tag in tags})
    case, after = begin(session, identifier, Step.CATEGORISE, actor)
    case.category = checked
    case_repository.add_tags(session, row_id(case), clean_tags, actor.analyst)
    decision = record_decision(
        session,
        case,
        DecisionKind.CATEGORISATION,
        actor.analyst,
        details={"category": checked, "tags": clean_tags},
    )
    return finish(session, case, Step.CATEGORISE, after, actor, decision_id=decision.id)


def add_note(session: Session, identifier: str, text: str, actor: Actor) -> StepResult:
    """Append a note to the case."""
    body = require_text(text, "note", "the note text")
    case, after = begin(session, identifier, Step.NOTE, actor)
    note_id = case_repository.add_note(session, row_id(case), body, actor.analyst)
    return finish(session, case, Step.NOTE, after, actor, details={"note_id": note_id})


def close(session: Session, identifier: str, actor: Actor) -> StepResult:
    """Close a decided case with no open safeguarding actions."""
    case, after = begin(session, identifier, Step.CLOSE, actor)
    open_actions = case_repository.open_action_count(session, row_id(case))
    if open_actions:
        raise iopc.ClosureRefusedError(
            f"cannot close case {case.case_number}: {open_actions} safeguarding "
            "action(s) are still open; mark each complete with `psdcli case "
            "complete-action` first."
        )
    iopc.require_decision_if_due(session, case, Step.CLOSE)
    decision = record_decision(session, case, DecisionKind.CLOSURE, actor.analyst)
    return finish(session, case, Step.CLOSE, after, actor, decision_id=decision.id)


def reopen(session: Session, identifier: str, reason: str, actor: Actor) -> StepResult:
    """Reopen a closed case for more assessment."""
    why = require_text(reason, "reason", "--reason")
    case, after = begin(session, identifier, Step.REOPEN, actor)
    decision = record_decision(
        session, case, DecisionKind.REOPENING, actor.analyst, rationale=why
    )
    return finish(session, case, Step.REOPEN, after, actor, decision_id=decision.id)
