"""``psdcli triage``: walk through the cases waiting for assessment, one by one.

Nothing is written for a case until the analyst accepts the summary of its
assessment. Then every decision is recorded in one write transaction that
expects the case version the analyst was shown, so a change made meanwhile
by someone else rolls the whole assessment back. Each case shown is logged
as a consultation, like ``case show``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from psdcli.cli.state import get_state

if TYPE_CHECKING:
    from psdcli.storage.database import Database

# 128 + SIGINT, as shells report a command ended by Ctrl-C.
INTERRUPTED_EXIT_CODE = 130

ACTIONS = [
    ("Assess this case", "assess"),
    ("Add a note", "note"),
    ("Skip to the next case", "skip"),
    ("Stop triage", "stop"),
]


@dataclass
class TriageRun:
    """The analyst, the logged reason and the counts of one triage session."""

    database: Database
    analyst: str
    reason: str | None
    recorded: int = 0
    skipped: int = 0
    notes: int = 0
    notes_on_current_case: int = 0


def triage_command(
    ctx: typer.Context,
    limit: Annotated[
        int | None,
        typer.Option(min=1, help="Visit at most this many cases of the queue."),
    ] = None,
    theme: Annotated[
        str | None,
        typer.Option(help="Only cases with this reporting theme, e.g. partner_abuse."),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help="Why you are viewing the cases; logged with each case shown. "
            "Required when PSDCLI_REQUIRE_REASON=1.",
        ),
    ] = None,
) -> None:
    """Assess the cases waiting for assessment one by one, with questions.

    Cases with a person in immediate danger come first, then cases with open
    safeguarding actions, then the oldest report. For each case, choose to
    assess it, add a note, skip it or stop. An assessment is recorded only
    after you accept its summary, all at once or not at all.

    Needs a terminal. Exit codes: 0 when the queue ends or you stop, 1 on an
    error, and 2 on a usage error or when standard input or output is not a
    terminal. Ctrl-C or Ctrl-D exits with 130, and the assessment in progress
    is not recorded.

    Example: psdcli --analyst A1234 triage --limit 10
    """
    from psdcli.cli.prompts import require_terminal
    from psdcli.core import consult

    require_terminal("psdcli triage")
    state = get_state(ctx)
    analyst = state.require_analyst()
    checked_reason = consult.check_reason(reason)
    with state.database() as database:
        run = TriageRun(database, analyst, checked_reason)
        try:
            _walk(run, _queue(run, theme, limit))
        except (KeyboardInterrupt, EOFError):
            _report_stop(run)
            raise typer.Exit(INTERRUPTED_EXIT_CODE) from None


def _queue(run: TriageRun, theme: str | None, limit: int | None) -> list[str]:
    from psdcli.core import consult, triage

    with run.database.write_session() as session:
        numbers = triage.triage_queue(session, theme=theme, limit=limit)
        consult.log_consultation(
            session,
            run.analyst,
            "triage.queue",
            reason=run.reason,
            details={"cases": len(numbers)},
        )
    return numbers


def _walk(run: TriageRun, numbers: list[str]) -> None:
    from psdcli import output

    if not numbers:
        output.line("No cases are waiting for assessment.")
        return
    for position, number in enumerate(numbers, start=1):
        if not _visit(run, number, f"{position} of {len(numbers)}"):
            break
    else:
        output.line("That was the last case in the queue.")
    _print_counts(run)


def _visit(run: TriageRun, number: str, position: str) -> bool:
    """Show one case and act on it; return False when the analyst stops."""
    from psdcli import output
    from psdcli.cli import triage_view
    from psdcli.cli.prompts import choose

    run.notes_on_current_case = 0
    detail = _show(run, number)
    if detail is None:
        output.info(f"{number} no longer waits for assessment; moving on.")
        return True
    triage_view.render_case(detail, position)
    version: int | None = detail["version"]
    while version is not None:
        action = choose(f"What do you want to do with {number}?", ACTIONS)
        if action == "stop":
            return False
        if action == "skip":
            break
        if action == "note":
            version = _add_note(run, number, version)
            continue
        outcome = _assess(run, detail, version)
        if outcome == "recorded":
            run.recorded += 1
            return True
        if outcome == "refused":
            break
    run.skipped += 1
    return True


def _show(run: TriageRun, number: str) -> dict[str, Any] | None:
    """Load a case that still waits for assessment, and log the view."""
    from psdcli.core import browse, consult, triage

    with run.database.write_session() as session:
        detail = browse.case_detail(session, number)
        if not triage.still_waiting(detail):
            return None
        consult.log_consultation(
            session,
            run.analyst,
            "triage.show",
            reason=run.reason,
            case_reference=detail["reference"],
            details={"revision": detail["report"]["revision"]},
        )
    return detail


def _add_note(run: TriageRun, number: str, version: int) -> int | None:
    """Add a note; return the case's new version, or None when it was refused."""
    from psdcli import output
    from psdcli.cli.prompts import ask_text, required
    from psdcli.core import casework
    from psdcli.core.case_lookup import StaleCaseError

    text = ask_text("Note:", check=required("note"))
    actor = casework.Actor(run.analyst, version)
    try:
        with run.database.write_session() as session:
            result = casework.add_note(session, number, text, actor)
    except StaleCaseError as error:
        output.warning(f"note not added: {error}")
        return None
    run.notes += 1
    run.notes_on_current_case += 1
    output.line(f"Note added to {number}; now version {result.version}.")
    return result.version


def _assess(run: TriageRun, detail: dict[str, Any], version: int) -> str:
    """Ask, confirm and record an assessment.

    Return "recorded", "refused" when the core rejected it, or "declined"
    when the analyst did not accept the summary.
    """
    from psdcli import output
    from psdcli.cli import triage_form
    from psdcli.cli.prompts import confirm
    from psdcli.core import casework, triage
    from psdcli.core.case_lookup import StaleCaseError
    from psdcli.core.errors import NotFoundError, UsageError
    from psdcli.core.iopc import ClosureRefusedError
    from psdcli.core.workflow import TransitionError

    number = detail["case_number"]
    assessment = triage_form.ask_assessment(detail)
    output.fields(
        triage_form.summary_fields(assessment), title=f"Assessment of {number}"
    )
    if not confirm(f"Record this assessment of {number}?"):
        output.info(f"Nothing was recorded for {number}.")
        return "declined"
    actor = casework.Actor(run.analyst, version)
    refusals = (
        StaleCaseError,
        UsageError,
        TransitionError,
        ClosureRefusedError,
        NotFoundError,
    )
    try:
        with run.database.write_session() as session:
            results = triage.record_assessment(session, number, assessment, actor)
    except refusals as error:
        output.warning(f"nothing was recorded for {number}: {error}")
        return "refused"
    last = results[-1]
    steps = ", ".join(result.step for result in results)
    output.line(
        f"{number}: recorded {steps}; status {last.status}, version {last.version}."
    )
    return "recorded"


def _report_stop(run: TriageRun) -> None:
    from psdcli import output

    if run.notes_on_current_case:
        output.info("Stopped; only the notes added to the current case were kept.")
    else:
        output.info("Stopped; nothing was recorded for the current case.")
    _print_counts(run)


def _print_counts(run: TriageRun) -> None:
    from psdcli import output

    output.line(
        f"Triage ended: {run.recorded} recorded, {run.skipped} skipped, "
        f"{run.notes} note(s) added."
    )
