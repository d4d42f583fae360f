"""Warnings about gaps and reuse in a force's bundle sequence numbers."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from psdcli.storage import repository


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
