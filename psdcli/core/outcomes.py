"""Assessment and outcome steps: grading, IOPC, escalation and the other outcomes."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from psdcli.core import forces
from psdcli.core.casework import Actor, StepResult, decide
from psdcli.core.dates import default_review_date, require_future_date
from psdcli.core.decisions import DecisionKind, require_text
from psdcli.core.errors import UsageError
from psdcli.core.grading import Severity, parse_grading
from psdcli.core.workflow import Step

MAX_TEAM_CHARS = 100


def assess(
    session: Session,
    identifier: str,
    actor: Actor,
    *,
    grading: str,
    conditions: str | None,
    severity: str,
    rationale: str,
) -> StepResult:
    """Record the 3x5x2 grading and the severity assessment."""
    graded = parse_grading(grading, conditions)
    checked_severity = _severity(severity)
    why = require_text(rationale, "rationale", "--rationale")
    details = {
        "grading": str(graded),
        "handling_conditions": graded.conditions,
        "severity": checked_severity,
    }
    return decide(
        session,
        identifier,
        Step.ASSESS,
        DecisionKind.ASSESSMENT,
        actor,
        details=details,
        rationale=why,
    )


def record_iopc(
    session: Session,
    identifier: str,
    actor: Actor,
    *,
    referred: str | None,
    not_required: bool,
    rationale: str,
) -> StepResult:
    """Record the IOPC referral decision: referred with a reference, or not required."""
    if (referred is None) == (not not_required):
        raise UsageError(
            "pass exactly one of --referred IOPC_REFERENCE or --not-required."
        )
    reference = (
        None
        if referred is None
        else require_text(referred, "IOPC reference", "--referred")
    )
    why = require_text(rationale, "rationale", "--rationale")
    details = {"referred": reference is not None, "iopc_reference": reference}
    return decide(
        session,
        identifier,
        Step.IOPC,
        DecisionKind.IOPC,
        actor,
        details=details,
        rationale=why,
    )


def escalate(
    session: Session, identifier: str, actor: Actor, *, team: str, rationale: str
) -> StepResult:
    """Pass the case to detectives for investigation."""
    checked_team = require_text(team, "team", "--team")
    if len(checked_team) > MAX_TEAM_CHARS:
        raise UsageError(f"the team name is longer than {MAX_TEAM_CHARS} characters.")
    why = require_text(rationale, "rationale", "--rationale")
    return decide(
        session,
        identifier,
        Step.ESCALATE,
        DecisionKind.ESCALATION,
        actor,
        details={"team": checked_team},
        rationale=why,
    )


def record_intel(
    session: Session,
    identifier: str,
    actor: Actor,
    *,
    grading: str,
    conditions: str | None,
    review_on: date | None,
    rationale: str,
) -> StepResult:
    """Record the report as intelligence with a grading and a review date."""
    graded = parse_grading(grading, conditions)
    review = (
        default_review_date()
        if review_on is None
        else require_future_date(review_on, "review date", "--review-on")
    )
    why = require_text(rationale, "rationale", "--rationale")
    details = {
        "grading": str(graded),
        "handling_conditions": graded.conditions,
        "review_on": review.isoformat(),
    }
    return decide(
        session,
        identifier,
        Step.RECORD_INTEL,
        DecisionKind.INTELLIGENCE,
        actor,
        details=details,
        rationale=why,
    )


def transfer(
    session: Session, identifier: str, actor: Actor, *, force: str, rationale: str
) -> StepResult:
    """Pass the case to another force."""
    checked = forces.check_force_id(force)
    if checked == forces.UNKNOWN_FORCE:
        raise UsageError(
            "cannot transfer to force 'unknown'; name the receiving force id."
        )
    why = require_text(rationale, "rationale", "--rationale")
    return decide(
        session,
        identifier,
        Step.TRANSFER,
        DecisionKind.TRANSFER,
        actor,
        details={"force": checked},
        rationale=why,
    )


def refer_complaints(
    session: Session, identifier: str, actor: Actor, *, rationale: str
) -> StepResult:
    """Refer the case to the ordinary complaints procedure."""
    why = require_text(rationale, "rationale", "--rationale")
    return decide(
        session,
        identifier,
        Step.REFER_COMPLAINTS,
        DecisionKind.COMPLAINTS,
        actor,
        details={},
        rationale=why,
    )


def no_further_action(
    session: Session, identifier: str, actor: Actor, *, rationale: str
) -> StepResult:
    """Record that no further action will be taken, with the reason."""
    why = require_text(rationale, "rationale", "--rationale")
    return decide(
        session,
        identifier,
        Step.NFA,
        DecisionKind.NFA,
        actor,
        details={},
        rationale=why,
    )


def _severity(value: str) -> str:
    try:
        return Severity(value.strip().lower()).value
    except ValueError:
        accepted = ", ".join(s.value for s in Severity)
        raise UsageError(
            f"unknown severity {value!r}; use one of: {accepted}."
        ) from None
