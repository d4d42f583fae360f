"""Rendering of import results: a line per bundle, or JSON Lines."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path

from psdcli import output
from psdcli.core.outcome import BundleOutcome, BundleStatus

_bars = ExitStack()


def start_progress(label: str, total: int) -> Callable[[int], None]:
    """Start a progress bar for one bundle; it ends when the next one starts."""
    _bars.close()
    return _bars.enter_context(output.progress(f"Importing {label}", total))


def render(outcomes: Iterable[BundleOutcome], *, as_json: bool) -> bool:
    """Show each outcome as it arrives; return True if any bundle failed."""
    failed = False
    tally = {status: 0 for status in BundleStatus}
    for outcome in outcomes:
        _bars.close()
        failed = failed or outcome.failed
        tally[outcome.status] += 1
        if as_json:
            output.emit_json_line(outcome.to_json())
        else:
            _show(outcome)
    _bars.close()
    if not as_json:
        parts = [f"{count} {status.value}" for status, count in tally.items() if count]
        output.info(f"{sum(tally.values())} bundle file(s): " + ", ".join(parts) + ".")
    return failed


def _show(outcome: BundleOutcome) -> None:
    if outcome.status is BundleStatus.REJECTED:
        message = outcome.error or "rejected"
        # Errors from the decryption layer already name the file.
        if Path(outcome.path).name not in message:
            message = f"{outcome.path}: {message}"
        output.error(message)
        return
    label = (
        f"{outcome.path}: bundle {outcome.bundle_id} "
        f"({outcome.recipient_force} #{outcome.sequence})"
    )
    if outcome.status is BundleStatus.ALREADY_IMPORTED:
        output.line(f"{label} was already imported; nothing to do.")
    else:
        counts = outcome.counts
        output.line(
            f"{label} imported: {counts.imported} new case(s), "
            f"{counts.revisions_added} new revision(s), {counts.unchanged} unchanged, "
            f"{counts.quarantined} quarantined."
        )
        if counts.quarantined:
            output.warning(
                f"{counts.quarantined} report(s) quarantined; see "
                f"`psdcli bundle show {outcome.bundle_id}` for the reasons."
            )
    for message in outcome.warnings:
        output.warning(message)


def render_warnings(messages: list[str], *, as_json: bool) -> None:
    """Show warnings about the run as a whole, such as unanswered follow-ups."""
    if as_json and messages:
        output.emit_json_line({"warnings": messages})
        return
    for message in messages:
        output.warning(message)
