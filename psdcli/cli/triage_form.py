"""The questions of one triage assessment, and the summary shown before it is saved.

Typed answers pass the same validators as the ``psdcli case`` options, so a
bad value is rejected at the prompt with the validator's message, and the
analyst corrects it there.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from psdcli import output
from psdcli.cli import triage_safeguarding
from psdcli.cli.prompts import ask_text, ask_value, choose, confirm, required
from psdcli.core import categories, forces, grading, triage
from psdcli.core.dates import default_review_date, require_future_date
from psdcli.core.errors import UsageError
from psdcli.core.outcomes import MAX_TEAM_CHARS
from psdcli.core.workflow import Step

SEVERITIES = {
    "gross-misconduct": "Gross misconduct (would justify dismissal)",
    "misconduct": "Misconduct (would justify disciplinary action)",
    "practice-requiring-improvement": "Practice requiring improvement",
    "none": "None",
}
OUTCOMES = {
    Step.ESCALATE: "Escalate to an investigating team",
    Step.RECORD_INTEL: "Record as intelligence",
    Step.TRANSFER: "Transfer to another force",
    Step.REFER_COMPLAINTS: "Refer to the complaints procedure",
    Step.NFA: "No further action",
}


def ask_assessment(detail: dict[str, Any]) -> triage.TriageAssessment:
    """Prompt for each decision of an assessment of the case in ``detail``."""
    category = choose(
        "National category:",
        [(f"{label} ({key})", key) for key, label in categories.CATEGORIES.items()],
        default=detail["category"],
    )
    tags = ask_value("Tags, comma-separated (optional, e.g. ppda):", _parse_tags)

    graded = _ask_grading()
    severity = choose(
        "Severity if the conduct is proven:",
        [(SEVERITIES[level.value], level.value) for level in grading.Severity],
    )

    iopc = None
    if triage.iopc_decision_needed(detail, category, tags):
        iopc = _ask_iopc()
    outcome = _ask_outcome()

    request = None
    if confirm("Record safeguarding for someone at risk?"):
        request = triage_safeguarding.ask_safeguarding(
            triage.concerns_partner_abuse(detail, tags)
        )

    rationale = ask_text(
        "Rationale for this assessment and outcome:",
        check=required("rationale"),
    )
    return triage.TriageAssessment(
        category=category,
        tags=tags,
        grading=str(graded),
        conditions=graded.conditions,
        severity=severity,
        outcome=outcome,
        rationale=rationale,
        iopc=iopc,
        safeguarding_request=request,
    )


def summary_fields(assessment: triage.TriageAssessment) -> dict[str, str]:
    """Return the label and value of each decision, for the confirmation table."""
    return {
        "category": assessment.category,
        "tags": ", ".join(assessment.tags) or "-",
        "grading": assessment.grading,
        "handling conditions": assessment.conditions or "-",
        "severity": assessment.severity,
        "IOPC decision": _describe_iopc(assessment.iopc),
        "outcome": _describe_outcome(assessment.outcome),
        "safeguarding": triage_safeguarding.describe_safeguarding(
            assessment.safeguarding_request
        ),
        "rationale": assessment.rationale,
    }


def _parse_tags(text: str) -> list[str]:
    parts = [part for part in text.split(",") if part.strip()]
    return sorted({categories.check_tag(part) for part in parts})


def _ask_grading() -> grading.Grading:
    source = choose(
        "Source evaluation:",
        [(f"{key} - {text}", key) for key, text in grading.SOURCE_EVALUATIONS.items()],
    )
    intelligence = choose(
        "Intelligence assessment:",
        [
            (f"{key} - {text}", key)
            for key, text in grading.INTELLIGENCE_ASSESSMENTS.items()
        ],
    )
    handling = choose(
        "Handling code:",
        [(f"{key} - {text}", key) for key, text in grading.HANDLING_CODES.items()],
    )
    code = f"{source}/{intelligence}/{handling}"
    if handling != "C":
        return grading.parse_grading(code)
    return ask_value(
        "Conditions on sharing (required with handling code C):",
        lambda text: grading.parse_grading(
            code, required("condition on sharing")(text)
        ),
    )


def _ask_iopc() -> triage.IopcChoice:
    output.info("The category or tags call for an IOPC referral decision.")
    referred = choose(
        "IOPC referral decision:",
        [("Referred to the IOPC", True), ("Referral not required", False)],
    )
    reference = None
    if referred:
        reference = ask_text(
            "IOPC reference:",
            check=required("IOPC reference"),
        )
    reason = ask_text(
        "Reason for the IOPC decision:",
        check=required("reason for the IOPC decision"),
    )
    return triage.IopcChoice(referred=reference, rationale=reason)


def _ask_outcome() -> triage.OutcomeChoice:
    step = choose("Outcome:", [(title, step) for step, title in OUTCOMES.items()])
    if step is Step.ESCALATE:
        team = ask_text("Investigating team:", check=_check_team)
        return triage.OutcomeChoice(step, team=team)
    if step is Step.RECORD_INTEL:
        review = ask_value(
            "Review date (YYYY-MM-DD):",
            _parse_review_date,
            default=default_review_date().isoformat(),
        )
        return triage.OutcomeChoice(step, review_on=review)
    if step is Step.TRANSFER:
        force = ask_value("Receiving force id (e.g. kent):", _check_receiving_force)
        return triage.OutcomeChoice(step, force=force)
    return triage.OutcomeChoice(step)


def _check_team(text: str) -> str:
    team = required("team name")(text)
    if len(team) > MAX_TEAM_CHARS:
        raise UsageError(f"the team name is longer than {MAX_TEAM_CHARS} characters.")
    return team


def _parse_review_date(text: str) -> date:
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"invalid date {text!r}; use YYYY-MM-DD, e.g. 2032-01-31."
        ) from None
    return require_future_date(value, "review date", "a review date")


def _check_receiving_force(text: str) -> str:
    force = forces.check_force_id(text.strip())
    if force == forces.UNKNOWN_FORCE:
        raise UsageError("cannot transfer to force 'unknown'; name the force id.")
    return force


def _describe_iopc(choice: triage.IopcChoice | None) -> str:
    if choice is None:
        return "not asked: not due, or already recorded"
    if choice.referred is None:
        return f"not required: {choice.rationale}"
    return f"referred ({choice.referred}): {choice.rationale}"


def _describe_outcome(outcome: triage.OutcomeChoice) -> str:
    title = OUTCOMES[outcome.step]
    if outcome.team is not None:
        return f"{title}: {outcome.team}"
    if outcome.force is not None:
        return f"{title}: {outcome.force}"
    if outcome.review_on is not None:
        return f"{title}, review on {outcome.review_on.isoformat()}"
    return title
