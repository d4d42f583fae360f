"""``psdcli case`` workflow commands: assign, categorise, assess, decide, close."""

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
    split_values,
)

GradingOption = Annotated[
    str,
    typer.Option(
        "--grading", help="3x5x2 grading SOURCE/INTELLIGENCE/HANDLING, e.g. 2/B/P."
    ),
]
ConditionsOption = Annotated[
    str | None,
    typer.Option(
        "--handling-conditions",
        help="Conditions on sharing; required with handling code C.",
    ),
]
ReviewOption = Annotated[
    datetime | None,
    typer.Option(
        "--review-on",
        formats=["%Y-%m-%d"],
        help="Review date, YYYY-MM-DD, today or later.",
    ),
]


def register(app: typer.Typer) -> None:
    """Add the workflow commands to the ``case`` group."""
    for function in (
        case_assign,
        case_categorise,
        case_assess,
        case_iopc,
        case_escalate,
        case_record_intel,
        case_transfer,
        case_refer_complaints,
        case_nfa,
        case_note,
        case_close,
        case_reopen,
    ):
        app.command(function.__name__.removeprefix("case_").replace("_", "-"))(function)


def case_assign(
    ctx: typer.Context,
    case: CaseArgument,
    analyst: Annotated[str, typer.Argument(help="Staff id of the analyst to assign.")],
    expected_version: ExpectedVersion = None,
    json_: JsonOption = False,
) -> None:
    """Assign a case to an analyst.

    Example: psdcli case assign PSD-2026-0042 A1234
    """
    from psdcli.core import casework
    from psdcli.core.analyst import validate_analyst

    assignee = validate_analyst(analyst)
    run_step(
        ctx,
        expected_version,
        json_,
        lambda s, actor: casework.assign(s, case, assignee, actor),
    )


def case_categorise(
    ctx: typer.Context,
    case: CaseArgument,
    category: Annotated[
        str, typer.Argument(help="National category id, e.g. abuse-of-authority.")
    ],
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", help="Free-form tag such as ppda; repeatable."),
    ] = None,
    expected_version: ExpectedVersion = None,
    json_: JsonOption = False,
) -> None:
    """Set the national counter-corruption category and add tags.

    Example: psdcli case categorise PSD-2026-0042 sexual-misconduct --tag ppda
    """
    from psdcli.core import casework

    tags = split_values(tag)
    run_step(
        ctx,
        expected_version,
        json_,
        lambda s, actor: casework.categorise(s, case, category, tags, actor),
    )


def case_assess(
    ctx: typer.Context,
    case: CaseArgument,
    grading: GradingOption,
    severity: Annotated[
        str,
        typer.Option(
            help="gross-misconduct, misconduct, practice-requiring-improvement or none."
        ),
    ],
    rationale: RationaleOption,
    handling_conditions: ConditionsOption = None,
    expected_version: ExpectedVersion = None,
    json_: JsonOption = False,
) -> None:
    """Record the 3x5x2 grading and the severity of the conduct if proven.

    Example: psdcli case assess PSD-2026-0042 --grading 2/B/P
    --severity misconduct --rationale "Two consistent accounts"
    """
    from psdcli.core import outcomes

    run_step(
        ctx,
        expected_version,
        json_,
        lambda s, actor: outcomes.assess(
            s,
            case,
            actor,
            grading=grading,
            conditions=handling_conditions,
            severity=severity,
            rationale=rationale,
        ),
    )


def case_iopc(
    ctx: typer.Context,
    case: CaseArgument,
    rationale: RationaleOption,
    referred: Annotated[
        str | None,
        typer.Option("--referred", help="IOPC reference of the referral made."),
    ] = None,
    not_required: Annotated[
        bool,
        typer.Option(
            "--not-required", help="No referral is required; say why in the rationale."
        ),
    ] = False,
    expected_version: ExpectedVersion = None,
    json_: JsonOption = False,
) -> None:
    """Record the IOPC referral decision: referred, or not required.

    Example: psdcli case iopc PSD-2026-0042 --referred 2026/012345 --rationale "..."
    """
    from psdcli.core import outcomes

    run_step(
        ctx,
        expected_version,
        json_,
        lambda s, actor: outcomes.record_iopc(
            s,
            case,
            actor,
            referred=referred,
            not_required=not_required,
            rationale=rationale,
        ),
    )


def case_escalate(
    ctx: typer.Context,
    case: CaseArgument,
    team: Annotated[
        str, typer.Option("--team", help="Investigating team the case goes to.")
    ],
    rationale: RationaleOption,
    expected_version: ExpectedVersion = None,
    json_: JsonOption = False,
) -> None:
    """Pass the case to detectives for investigation.

    Example: psdcli case escalate PSD-2026-0042 --team ACU --rationale "Corroborated"
    """
    from psdcli.core import outcomes

    run_step(
        ctx,
        expected_version,
        json_,
        lambda s, actor: outcomes.escalate(
            s, case, actor, team=team, rationale=rationale
        ),
    )


def case_record_intel(
    ctx: typer.Context,
    case: CaseArgument,
    grading: GradingOption,
    rationale: RationaleOption,
    handling_conditions: ConditionsOption = None,
    review_on: ReviewOption = None,
    expected_version: ExpectedVersion = None,
    json_: JsonOption = False,
) -> None:
    """Record the report as intelligence, with a review date.

    The review date defaults to today plus PSDCLI_RETENTION_YEARS (6).

    Example: psdcli case record-intel PSD-2026-0042 --grading 3/C/P --rationale "..."
    """
    from psdcli.core import outcomes

    review = None if review_on is None else review_on.date()
    run_step(
        ctx,
        expected_version,
        json_,
        lambda s, actor: outcomes.record_intel(
            s,
            case,
            actor,
            grading=grading,
            conditions=handling_conditions,
            review_on=review,
            rationale=rationale,
        ),
    )


def case_transfer(
    ctx: typer.Context,
    case: CaseArgument,
    force: Annotated[
        str, typer.Argument(help="Force id of the receiving force, e.g. kent.")
    ],
    rationale: RationaleOption,
    expected_version: ExpectedVersion = None,
    json_: JsonOption = False,
) -> None:
    """Pass the case to another force.

    Example: psdcli case transfer PSD-2026-0042 kent --rationale "Serves in Kent"
    """
    from psdcli.core import outcomes

    run_step(
        ctx,
        expected_version,
        json_,
        lambda s, actor: outcomes.transfer(
            s, case, actor, force=force, rationale=rationale
        ),
    )


def case_refer_complaints(
    ctx: typer.Context,
    case: CaseArgument,
    rationale: RationaleOption,
    expected_version: ExpectedVersion = None,
    json_: JsonOption = False,
) -> None:
    """Refer the case to the ordinary complaints procedure.

    Example: psdcli case refer-complaints PSD-2026-0042 --rationale "..."
    """
    from psdcli.core import outcomes

    run_step(
        ctx,
        expected_version,
        json_,
        lambda s, actor: outcomes.refer_complaints(s, case, actor, rationale=rationale),
    )


def case_nfa(
    ctx: typer.Context,
    case: CaseArgument,
    rationale: RationaleOption,
    expected_version: ExpectedVersion = None,
    json_: JsonOption = False,
) -> None:
    """Record that no further action will be taken, and why.

    Example: psdcli case nfa PSD-2026-0042 --rationale "..."
    """
    from psdcli.core import outcomes

    run_step(
        ctx,
        expected_version,
        json_,
        lambda s, actor: outcomes.no_further_action(
            s, case, actor, rationale=rationale
        ),
    )


def case_note(
    ctx: typer.Context,
    case: CaseArgument,
    text: Annotated[str, typer.Argument(help="The note; notes are only ever added.")],
    expected_version: ExpectedVersion = None,
    json_: JsonOption = False,
) -> None:
    """Add a note to a case.

    Example: psdcli case note PSD-2026-0042 "Spoke to the duty inspector."
    """
    from psdcli.core import casework

    run_step(
        ctx,
        expected_version,
        json_,
        lambda s, actor: casework.add_note(s, case, text, actor),
    )


def case_close(
    ctx: typer.Context,
    case: CaseArgument,
    expected_version: ExpectedVersion = None,
    json_: JsonOption = False,
) -> None:
    """Close a decided case that has no open safeguarding actions.

    Example: psdcli case close PSD-2026-0042
    """
    from psdcli.core import casework

    run_step(
        ctx, expected_version, json_, lambda s, actor: casework.close(s, case, actor)
    )


def case_reopen(
    ctx: typer.Context,
    case: CaseArgument,
    reason: Annotated[str, typer.Option("--reason", help="Why the case is reopened.")],
    expected_version: ExpectedVersion = None,
    json_: JsonOption = False,
) -> None:
    """Reopen a closed case for further assessment.

    Example: psdcli case reopen PSD-2026-0042 --reason "New information"
    """
    from psdcli.core import casework

    run_step(
        ctx,
        expected_version,
        json_,
        lambda s, actor: casework.reopen(s, case, reason, actor),
    )
