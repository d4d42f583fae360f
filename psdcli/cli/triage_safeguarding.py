"""The safeguarding questions of a triage assessment, and their summary."""

from __future__ import annotations

from collections.abc import Callable

from psdcli.cli.prompts import ask_text, ask_value, choose, required
from psdcli.core import safeguarding
from psdcli.core.errors import UsageError

RISK_TOOLS = {
    "dash": "DASH",
    "dara": "DARA",
    "other": "Another risk tool",
    "judgement": "Professional judgement",
}


def ask_safeguarding(partner_abuse: bool) -> safeguarding.SafeguardingRequest:
    """Prompt for who is at risk, the risk level and tool, actions and reason.

    With ``partner_abuse`` it also prompts for whether the subject can reach police
    systems about the person at risk.
    """
    at_risk = choose(
        "Who is at risk?",
        [
            (member.value.replace("-", " "), member.value)
            for member in safeguarding.AtRisk
        ],
    )
    risk = choose(
        "Risk level:", [(level.value, level.value) for level in safeguarding.RiskLevel]
    )
    tool = choose("Risk tool:", [(title, key) for key, title in RISK_TOOLS.items()])
    score = None
    if tool != "judgement":
        score = ask_value(f"{RISK_TOOLS[tool]} score (optional):", _score_parser(tool))
    actions = _ask_actions()
    access = None
    if partner_abuse:
        access = choose(
            "Can the subject reach police systems about the person at risk?",
            [(answer, answer) for answer in safeguarding.SYSTEM_ACCESS_ANSWERS],
        )
    reason = ask_text(
        "Reason for the safeguarding decision:",
        check=required("reason for safeguarding"),
    )
    return safeguarding.SafeguardingRequest(
        at_risk=at_risk,
        risk=risk,
        tool=tool,
        actions=actions,
        rationale=reason,
        score=score,
        subject_system_access=access,
    )


def _score_parser(tool: str) -> Callable[[str], int | None]:
    limit = safeguarding.MAX_SCORES[tool]

    def parse(text: str) -> int | None:
        cleaned = text.strip()
        if not cleaned:
            return None
        if not (cleaned.isascii() and cleaned.isdigit()) or int(cleaned) > limit:
            raise UsageError(f"invalid score {cleaned!r}; use 0 to {limit}.")
        return int(cleaned)

    return parse


def _ask_actions() -> list[str]:
    actions = [
        ask_text(
            "Action taken (e.g. MARAC referral):",
            check=required("action"),
        )
    ]
    while True:
        more = ask_text("Another action (leave empty when done):")
        if not more:
            return actions
        actions.append(more)


def describe_safeguarding(request: safeguarding.SafeguardingRequest | None) -> str:
    """Return the safeguarding request as lines for the summary table."""
    if request is None:
        return "none"
    lines = [
        f"{request.at_risk} at {request.risk} risk ({request.tool}"
        + ("" if request.score is None else f", score {request.score}")
        + ")",
        *(f"action: {action}" for action in request.actions),
    ]
    if request.subject_system_access is not None:
        access = request.subject_system_access
        lines.append(f"subject can reach police systems: {access}")
    lines.append(f"reason: {request.rationale}")
    return "\n".join(lines)
