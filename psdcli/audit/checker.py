"""The chain rules shared by database and file verification."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psdcli.audit import chain
from psdcli.audit.checkpoint import Checkpoint


@dataclass(frozen=True)
class ChainBreak:
    """The first problem found, and the sequence number it concerns if any."""

    sequence: int | None
    problem: str


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of a verification.

    ``count`` events passed, ending at ``last_sequence`` with ``last_hash``;
    when the check succeeds on the database that is its head. For a file,
    ``checkpoint`` is its last line, and ``compared_with_database`` is True
    when each event was also compared with the database.
    """

    count: int
    last_sequence: int
    last_hash: str
    first_break: ChainBreak | None = None
    checkpoint: Checkpoint | None = None
    compared_with_database: bool = False

    @property
    def ok(self) -> bool:
        """True when no break was found."""
        return self.first_break is None


class ChainChecker:
    """Follow events in increasing sequence order and find the first break.

    With ``contiguous`` true the events must be exactly 1, 2, 3, ... (the
    whole chain). Otherwise gaps are allowed, as in a filtered export, and the
    prev_hash link is checked only between consecutive sequence numbers.
    """

    def __init__(self, *, contiguous: bool) -> None:
        self.contiguous = contiguous
        self.count = 0
        self.first_sequence: int | None = None
        self.last_sequence = 0
        self.last_hash = chain.GENESIS_HASH

    def check(self, fields: dict[str, Any], stored_hash: str) -> ChainBreak | None:
        """Check one event against the events before it and its own hash."""
        sequence = fields["sequence"]
        expected = self.last_sequence + 1

        if self.contiguous and sequence > expected:
            return ChainBreak(expected, self._gap_problem(expected, sequence))
        if sequence < expected:
            return ChainBreak(
                sequence,
                f"event {sequence} is repeated or out of order: it comes after "
                f"event {self.last_sequence}",
            )
        if sequence == expected and fields["prev_hash"] != self.last_hash:
            return ChainBreak(sequence, _link_problem(sequence))

        try:
            computed = chain.event_hash(fields)
        except ValueError:
            # A JSON file can escape a lone surrogate, which UTF-8 cannot encode.
            return ChainBreak(
                sequence, "the event contains text that UTF-8 cannot encode"
            )
        if computed != stored_hash:
            return ChainBreak(
                sequence,
                "the stored hash does not match the event's contents, so the "
                "event or its hash was changed after it was written",
            )

        self.count += 1
        self.first_sequence = self.first_sequence or sequence
        self.last_sequence = sequence
        self.last_hash = stored_hash
        return None

    def result(
        self,
        first_break: ChainBreak | None,
        checkpoint: Checkpoint | None = None,
        *,
        compared_with_database: bool = False,
    ) -> VerifyResult:
        """Return the outcome so far, with the break that ended it if any."""
        return VerifyResult(
            count=self.count,
            last_sequence=self.last_sequence,
            last_hash=self.last_hash,
            first_break=first_break,
            checkpoint=checkpoint,
            compared_with_database=compared_with_database,
        )

    def _gap_problem(self, expected: int, found: int) -> str:
        if self.last_sequence == 0:
            return f"event {expected} is missing: the first event is {found}"
        return (
            f"event {expected} is missing or out of place: event {found} comes "
            f"after event {self.last_sequence}"
        )


def _link_problem(sequence: int) -> str:
    if sequence == 1:
        return "the first event's prev_hash is not the genesis value of 64 zeros"
    return f"prev_hash does not match the hash of event {sequence - 1}"


def unreadable(error: Exception) -> str:
    """Return the problem text for an event whose stored values cannot be decoded."""
    return (
        f"the event cannot be read ({type(error).__name__}), so a column holds a "
        "malformed value"
    )
