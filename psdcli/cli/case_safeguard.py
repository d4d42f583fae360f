"""``psdcli case safeguard`` and ``case complete-action``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from psdcli.cli.case_common import (
    CaseArgument,
    ExpectedVersion,
    JsonOption,
    RationaleOption,
    run_step,
)


def register(app: typer.Typer) -> None:
    """Add the safeguarding commands to the ``case`` group."""
    app.command("safeguard")(case_safeguard)
    app.command("complete-action")(case_complete_action)


def case_safeguard(
    ctx: typer.Context,
    case: CaseArgument,
    at_risk: Annotated[
        str, typer.Option("--at-risk", help="victim, child, adult-at-risk or reporter.")
    ],
    risk: Annotated[str, typer.Option("--risk", help="standard, medium or high.")],
    tool: Annotated[
        str, typer.Option("--tool", help="Risk tool: dash, dara, other or judgement.")
    ],
    action: Annotated[
        list[str],
        typer.Option(
            "--action", help="Action taken, e.g. 'MASH referral'; repeatable."
        ),
    ],
    rationale: RationaleOption,
    score: Annotated[
        int | None,
        typer.Option("--score", help="Score from the risk tool (DASH: 0-27)."),
    ] = None,
    urgency: Annotated[
        str | None,
        typer.Option("--urgency", help="How urgent, e.g. immediate or routine."),
    ] = None,
    referral_ref: Annotated[
        str | None, typer.Option("--referral-ref", help="Reference of a referral made.")
    ] = None,
    review_on: Annotated[
        datetime | None,
        typer.Option(
            "--review-on", formats=["%Y-%m-%d"], help="Review date, YYYY-MM-DD."
        ),
    ] = None,
    subject_system_access: Annotated[
        str | None,
        typer.Option(
            "--subject-system-access",
            help="Partner abuse: can the subject reach police systems about the person "
            "at risk? yes, no or unknown.",
        ),
    ] = None,
    conflict_of_interest: Annotated[
        str | None,
        typer.Option(
            "--conflict-of-interest", help="Any conflict with the handling team."
        ),
    ] = None,
    expected_version: ExpectedVersion = None,
    json_: JsonOption = False,
) -> None:
    """Record safeguarding for someone at risk; each action stays open until complete.

    Example: psdcli case safeguard PSD-2026-0042 --at-risk victim --risk high
    --tool dash --score 16 --action "MARAC referral" --rationale "..."
    """
    from psdcli.core import safeguarding

    request = safeguarding.SafeguardingRequest(
        at_risk=at_risk,
        risk=risk,
        tool=tool,
        actions=action,
        rationale=rationale,
        score=score,
        urgency=urgency,
        referral_ref=referral_ref,
        review_on=None if review_on is None else review_on.date(),
        subject_system_access=subject_system_access,
        conflict_of_interest=conflict_of_interest,
    )
    run_step(
        ctx,
        expected_version,
        json_,
        lambda s, actor: safeguarding.safeguard(s, case, actor, request),
    )


def case_complete_action(
    ctx: typer.Context,
    case: CaseArgument,
    action_id: Annotated[
        int, typer.Argument(help="Action id, as listed by case show.")
    ],
    expected_version: ExpectedVersion = None,
    json_: JsonOption = False,
) -> None:
    """Mark a safeguarding action complete.

    Example: psdcli case complete-action PSD-2026-0042 3
    """
    from psdcli.core import safeguarding

    run_step(
        ctx,
        expected_version,
        json_,
        lambda s, actor: safeguarding.complete_action(s, case, action_id, actor),
    )
