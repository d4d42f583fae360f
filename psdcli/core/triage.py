"""The triage queue, and recording a whole triage assessment in one transaction.

The queue contains the cases that still wait for an assessment: status ``new`` or
``in_assessment`` with no active outcome. Cases with a person in immediate
danger come first, then cases with open safeguarding actions, then the
others, each group with the oldest report first.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from psdcli.core import casework, categories, outcomes, safeguarding
from psdcli.core.casework import Actor, StepResult
from psdcli.core.decisions import OUTCOMES, DecisionKind, active_decisions
from psdcli.core.validate import case_filters
from psdcli.core.workflow import UNASSESSED, CaseStatus, Step
from psdcli.storage import queries
from psdcli.storage.models import Case, row_id


@dataclass(frozen=True)
class IopcChoice:
    """An IOPC referral decision: ``referred`` is the IOPC reference, or None."""

    referred: str | None
    rationale: str


@dataclass(frozen=True)
class OutcomeChoice:
    """The outcome step and the one detail that it needs, if any."""

    step: Step
    team: str | None = None
    force: str | None = None
    review_on: date | None = None


@dataclass
class TriageAssessment:
    """Every decision that one triage visit records for a case."""

    category: str
    tags: list[str]
    grading: str
    conditions: str | None
    severity: str
    outcome: OutcomeChoice
    rationale: str
    iopc: IopcChoice | None = None
    safeguarding_request: safeguarding.SafeguardingRequest | None = None


def triage_queue(
    session: Session, *, theme: str | None = None, limit: int | None = None
) -> list[str]:
    """Return the case numbers waiting for assessment, in triage order."""
    filters = case_filters(status=None, theme=theme, force=None, limit=None)
    cases = [
        case
        for status in sorted(UNASSESSED)
        for case, _ in queries.list_cases(
            session, dataclasses.replace(filters, status=status)
        )
        if not _has_outcome(session, case)
    ]
    open_actions = queries.open_action_counts(session, [row_id(c) for c in cases])
    cases.sort(
        key=lambda case: (
            not case.immediate_danger,
            open_actions.get(row_id(case), 0) == 0,
            case.received_at,
            case.case_number,
        )
    )
    return [case.case_number for case in cases[:limit]]


def _has_outcome(session: Session, case: Case) -> bool:
    # A new case has no decisions, because an outcome would have made it
    # decided; only cases in assessment need the query.
    if case.status == CaseStatus.NEW:
        return False
    return any(kind in OUTCOMES for kind in active_decisions(session, row_id(case)))


def still_waiting(detail: dict[str, Any]) -> bool:
    """Return True while a case shown by ``browse.case_detail`` awaits assessment."""
    if detail["status"] not in UNASSESSED:
        return False
    return not any(
        decision["active"] and decision["kind"] in OUTCOMES
        for decision in detail["decisions"]
    )


def iopc_decision_needed(
    detail: dict[str, Any], category: str, tags: list[str]
) -> bool:
    """Return True when the chosen category or tags call for an IOPC decision.

    The case's earlier tags count too. An IOPC decision that is already
    active makes another one unnecessary.
    """
    if any(
        decision["active"] and decision["kind"] == DecisionKind.IOPC
        for decision in detail["decisions"]
    ):
        return False
    all_tags = set(detail["tags"]) | set(tags)
    return categories.iopc_decision_required(category, all_tags)


def concerns_partner_abuse(detail: dict[str, Any], tags: list[str]) -> bool:
    """Return True when safeguarding must record the subject's system access."""
    all_tags = set(detail["tags"]) | set(tags)
    return safeguarding.concerns_partner_abuse(detail["report"]["themes"], all_tags)


def record_assessment(
    session: Session, identifier: str, assessment: TriageAssessment, actor: Actor
) -> list[StepResult]:
    """Record the category, grading, IOPC decision, safeguarding and outcome.

    Call it inside one write session, because a step that raises then rolls
    back the steps before it. The first step checks ``actor.expected_version``,
    and each later step expects the version that the step before it produced.
    """
    results: list[StepResult] = []

    def next_actor() -> Actor:
        if not results:
            return actor
        return Actor(actor.analyst, results[-1].version)

    results.append(
        casework.categorise(
            session, identifier, assessment.category, assessment.tags, next_actor()
        )
    )
    results.append(
        outcomes.assess(
            session,
            identifier,
            next_actor(),
            grading=assessment.grading,
            conditions=assessment.conditions,
            severity=assessment.severity,
            rationale=assessment.rationale,
        )
    )
    if assessment.iopc is not None:
        results.append(
            outcomes.record_iopc(
                session,
                identifier,
                next_actor(),
                referred=assessment.iopc.referred,
                not_required=assessment.iopc.referred is None,
                rationale=assessment.iopc.rationale,
            )
        )
    if assessment.safeguarding_request is not None:
        results.append(
            safeguarding.safeguard(
                session, identifier, next_actor(), assessment.safeguarding_request
            )
        )
    results.append(_record_outcome(session, identifier, assessment, next_actor()))
    return results


def _record_outcome(
    session: Session, identifier: str, assessment: TriageAssessment, actor: Actor
) -> StepResult:
    outcome = assessment.outcome
    rationale = assessment.rationale
    if outcome.step is Step.ESCALATE:
        return outcomes.escalate(
            session, identifier, actor, team=outcome.team or "", rationale=rationale
        )
    if outcome.step is Step.RECORD_INTEL:
        return outcomes.record_intel(
            session,
            identifier,
            actor,
            grading=assessment.grading,
            conditions=assessment.conditions,
            review_on=outcome.review_on,
            rationale=rationale,
        )
    if outcome.step is Step.TRANSFER:
        return outcomes.transfer(
            session, identifier, actor, force=outcome.force or "", rationale=rationale
        )
    if outcome.step is Step.REFER_COMPLAINTS:
        return outcomes.refer_complaints(
            session, identifier, actor, rationale=rationale
        )
    if outcome.step is Step.NFA:
        return outcomes.no_further_action(
            session, identifier, actor, rationale=rationale
        )
    raise ValueError(f"{outcome.step.value} is not an outcome step")
