"""Safeguarding: who is at risk, how much, what was done, and when to review."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlmodel import Session

from psdcli.core.casework import Actor, StepResult, begin, finish
from psdcli.core.dates import require_future_date
from psdcli.core.decisions import require_text
from psdcli.core.errors import NotFoundError, UsageError
from psdcli.core.iopc import ClosureRefusedError
from psdcli.core.workflow import Step
from psdcli.storage import case_repository, queries
from psdcli.storage.casework_models import Safeguarding
from psdcli.storage.models import Case, row_id
from psdcli.storage.types import utc_now

MAX_SCORES = {"dash": 27, "dara": 100, "other": 1000}


class AtRisk(StrEnum):
    """The person at risk."""

    VICTIM = "victim"
    CHILD = "child"
    ADULT_AT_RISK = "adult-at-risk"
    REPORTER = "reporter"


class RiskLevel(StrEnum):
    """The assessed level of risk."""

    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"


class RiskTool(StrEnum):
    """The risk tool used: DASH, DARA, another tool or professional judgement."""

    DASH = "dash"
    DARA = "dara"
    OTHER = "other"
    JUDGEMENT = "judgement"


@dataclass
class SafeguardingRequest:
    """Everything ``case safeguard`` records."""

    at_risk: str
    risk: str
    tool: str
    actions: list[str]
    rationale: str
    score: int | None = None
    urgency: str | None = None
    referral_ref: str | None = None
    review_on: date | None = None
    subject_system_access: str | None = None
    conflict_of_interest: str | None = None


def _choice(enum: type[StrEnum], value: str, option: str) -> str:
    try:
        return enum(value.strip().lower()).value
    except ValueError:
        accepted = ", ".join(member.value for member in enum)
        raise UsageError(
            f"invalid {option} {value!r}; use one of: {accepted}."
        ) from None


def _check_score(tool: str, score: int | None) -> int | None:
    if score is None:
        return None
    if tool == RiskTool.JUDGEMENT:
        raise UsageError(
            "--score applies to a risk tool, not to professional judgement."
        )
    limit = MAX_SCORES[tool]
    if not 0 <= score <= limit:
        raise UsageError(f"invalid --score {score} for {tool}; use 0 to {limit}.")
    return score


SYSTEM_ACCESS_ANSWERS = ("yes", "no", "unknown")
PARTNER_ABUSE_THEME = "partner_abuse"
PARTNER_ABUSE_TAG = "ppda"


def concerns_partner_abuse(themes: Iterable[str], tags: Iterable[str]) -> bool:
    """Return True when safeguarding must record the subject's system access.

    That is when the reporter chose the partner abuse theme or the analyst
    tagged the case as police-perpetrated domestic abuse.
    """
    return PARTNER_ABUSE_THEME in set(themes) or PARTNER_ABUSE_TAG in set(tags)


def _partner_abuse(session: Session, case: Case) -> bool:
    revision_id = queries.latest_revision_id(session, case)
    themes = queries.themes_by_revision(session, [revision_id])[revision_id]
    return concerns_partner_abuse(
        themes, case_repository.tags_of(session, row_id(case))
    )


def _limited(value: str | None, option: str, limit: int) -> str | None:
    cleaned = (value or "").strip() or None
    if cleaned is not None and len(cleaned) > limit:
        raise UsageError(
            f"{option} is {len(cleaned)} characters long; use at most {limit}."
        )
    return cleaned


def _system_access(answer: str | None) -> str | None:
    if answer is None:
        return None
    cleaned = answer.strip().lower()
    if cleaned not in SYSTEM_ACCESS_ANSWERS:
        raise UsageError(
            f"invalid --subject-system-access {answer!r}; use yes, no or unknown."
        )
    return cleaned


def safeguard(
    session: Session, identifier: str, actor: Actor, request: SafeguardingRequest
) -> StepResult:
    """Record a safeguarding assessment and its actions, each open until complete."""
    tool = _choice(RiskTool, request.tool, "--tool")
    actions = [require_text(action, "action", "--action") for action in request.actions]
    if not actions:
        raise UsageError("record at least one safeguarding action with --action TEXT.")
    record = Safeguarding(
        case_id=0,
        at_risk=_choice(AtRisk, request.at_risk, "--at-risk"),
        risk=_choice(RiskLevel, request.risk, "--risk"),
        tool=tool,
        score=_check_score(tool, request.score),
        urgency=_limited(request.urgency, "--urgency", 16),
        referral_ref=_limited(request.referral_ref, "--referral-ref", 100),
        review_on=None
        if request.review_on is None
        else require_future_date(request.review_on, "review date", "--review-on"),
        subject_system_access=_system_access(request.subject_system_access),
        conflict_of_interest=request.conflict_of_interest,
        rationale=require_text(request.rationale, "rationale", "--rationale"),
        decided_by=actor.analyst,
        decided_at=utc_now(),
    )
    case, after = begin(session, identifier, Step.SAFEGUARD, actor)
    if request.subject_system_access is None and _partner_abuse(session, case):
        raise UsageError(
            f"case {case.case_number} concerns partner abuse: record whether the "
            "subject can reach police systems about the person at risk with "
            "--subject-system-access yes|no|unknown."
        )
    record.case_id = row_id(case)
    case_repository.add_safeguarding(session, record, actions)
    return finish(
        session,
        case,
        Step.SAFEGUARD,
        after,
        actor,
        details={"safeguarding_id": record.id, "actions": len(actions)},
    )


def complete_action(
    session: Session, identifier: str, action_id: int, actor: Actor
) -> StepResult:
    """Mark one safeguarding action complete."""
    case, after = begin(session, identifier, Step.COMPLETE_ACTION, actor)
    action = case_repository.find_action(session, row_id(case), action_id)
    if action is None:
        raise NotFoundError(
            f"case {case.case_number} has no safeguarding action {action_id}; "
            f"`psdcli case show {case.case_number}` lists them."
        )
    if action.completed_at is not None:
        raise ClosureRefusedError(
            f"safeguarding action {action_id} was already completed by "
            f"{action.completed_by} on {action.completed_at:%Y-%m-%d}."
        )
    action.completed_at = utc_now()
    action.completed_by = actor.analyst
    session.add(action)
    return finish(
        session,
        case,
        Step.COMPLETE_ACTION,
        after,
        actor,
        details={"action_id": action_id},
    )
