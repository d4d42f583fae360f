"""Warnings about bundle sequence numbers and follow-up references."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from psdcli.storage import repository
from psdcli.storage.models import Case


def missing_sequences(sequences: list[int]) -> list[int]:
    """Return the numbers missing between the lowest and highest of ``sequences``."""
    if not sequences:
        return []
    present = set(sequences)
    return [n for n in range(min(present), max(present) + 1) if n not in present]


def describe_numbers(numbers: list[int], limit: int = 10) -> str:
    """Return numbers as a short list, e.g. ``3, 5, 6 and 4 more``."""
    shown = ", ".join(str(number) for number in numbers[:limit])
    rest = len(numbers) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


def gap_warnings(session: Session, force: str) -> list[str]:
    """Return a warning when the force's imported sequence numbers have gaps."""
    sequences = [number for number, _ in repository.bundle_sequences(session, force)]
    missing = missing_sequences(sequences)
    if not missing:
        return []
    return [
        f"bundle sequence for {force} is missing {describe_numbers(missing)}; "
        "a bundle may have been lost: ask the intake service to resend it."
    ]


def reused_sequence_warnings(session: Session, manifest: Any) -> list[str]:
    """Return a warning when another bundle already used this sequence number."""
    for number, bundle_id in repository.bundle_sequences(
        session, manifest.recipient_force
    ):
        if number == manifest.sequence:
            return [
                f"sequence {number} for {manifest.recipient_force} was already "
                f"used by bundle {bundle_id}; check with the intake service."
            ]
    return []


def follow_up_warnings(session: Session, context: Any) -> list[str]:
    """Flag cases that received a follow-up; warn about unknown originals."""
    if not context.follow_ups:
        return []
    wanted = sorted(context.follow_ups)
    rows = session.execute(
        select(col(Case.id), col(Case.reference)).where(col(Case.reference).in_(wanted))
    ).all()
    found = {reference: case_id for case_id, reference in rows}
    repository.flag_cases_updated(session, list(found.values()))
    return [
        f"a report follows up {reference}, which is not in the database; "
        "it was imported as a case of its own."
        for reference in wanted
        if reference not in found
    ]
