"""Options and the run-and-report helper shared by the case workflow commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from psdcli.cli.state import get_state

if TYPE_CHECKING:
    from sqlmodel import Session

    from psdcli.core.casework import Actor, StepResult

CaseArgument = Annotated[
    str, typer.Argument(help="Case number (PSD-2026-0042) or intake reference.")
]
RationaleOption = Annotated[
    str,
    typer.Option("--rationale", help="Why: the reason for this decision, in words."),
]
ExpectedVersion = Annotated[
    int | None,
    typer.Option(
        "--expected-version",
        min=1,
        help="Refuse the change unless the case is still at this version "
        "(shown by case show), so that another analyst's change is not overlooked.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def run_step(
    ctx: typer.Context,
    expected_version: int | None,
    json_: bool,
    step: Callable[[Session, Actor], StepResult],
) -> None:
    """Run one workflow step in a write transaction and report what it did."""
    from psdcli import output
    from psdcli.core.casework import Actor

    state = get_state(ctx)
    actor = Actor(state.require_analyst(), expected_version)
    with state.database() as database, database.write_session() as session:
        result = step(session, actor)
    if json_:
        output.emit_json(result.to_json())
        return
    output.line(
        f"{result.case_number} ({result.reference}): {result.step} recorded; "
        f"status {result.status}, version {result.version}."
    )


def split_values(values: list[str] | None) -> list[str]:
    """Return repeated option values, also split at commas."""
    found: list[Any] = []
    for value in values or []:
        found.extend(part for part in value.split(",") if part.strip())
    return found
