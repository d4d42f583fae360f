"""Checks of a JSON Lines export against its checkpoint and the database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row
from sqlmodel import Session

from psdcli.audit import chain, export_file, query
from psdcli.audit.checker import ChainBreak, ChainChecker, unreadable
from psdcli.audit.checkpoint import Checkpoint


def filter_problem(
    checkpoint: Checkpoint, record: export_file.EventRecord
) -> ChainBreak | None:
    if checkpoint.filters.matches(record.fields):
        return None
    return ChainBreak(
        record.fields["sequence"],
        "the event does not match the filters recorded in the checkpoint",
    )


def checkpoint_problem(
    checker: ChainChecker, checkpoint: Checkpoint
) -> ChainBreak | None:
    expected = (checkpoint.count, checkpoint.first_sequence, checkpoint.last_sequence)
    found = (checker.count, checker.first_sequence, checker.last_sequence or None)
    if expected != found:
        return ChainBreak(
            None,
            f"the checkpoint lists (count, first, last) = {expected} but the file "
            f"holds {found}",
        )
    if checker.last_sequence > checkpoint.head_sequence:
        return ChainBreak(None, "the file has events after the checkpoint head")
    if checker.contiguous and checker.last_sequence != checkpoint.head_sequence:
        return ChainBreak(
            checker.last_sequence + 1,
            f"the export has no filters but ends before the checkpoint head "
            f"{checkpoint.head_sequence}",
        )
    if (
        checker.last_sequence == checkpoint.head_sequence
        and checker.last_hash != checkpoint.head_hash
    ):
        return ChainBreak(
            checker.last_sequence,
            "the hash of the last event differs from the checkpoint head hash",
        )
    return None


@dataclass(frozen=True)
class _StoredEvent:
    sequence: int
    encoded: bytes
    hash: str

    @classmethod
    def from_row(cls, row: Row[Any]) -> _StoredEvent:
        encoded = chain.canonical_bytes(chain.event_fields(row))
        return cls(sequence=row.sequence, encoded=encoded, hash=row.hash)


class DatabaseEvents:
    """The database events an export should contain, read alongside the file."""

    def __init__(self, session: Session, checkpoint: Checkpoint) -> None:
        self.session = session
        self.checkpoint = checkpoint
        self.rows: Iterator[Row[Any]] = query.iter_events(
            session, checkpoint.filters, max_sequence=checkpoint.head_sequence
        )
        self.pending: _StoredEvent | None = None
        self.read_error: Exception | None = None
        self._advance()

    def compare(self, record: export_file.EventRecord) -> ChainBreak | None:
        """Check that the file's event equals the next matching database event."""
        sequence = record.fields["sequence"]
        pending = self.pending
        if pending is not None and pending.sequence < sequence:
            return _missing_from_file(pending.sequence)
        if self.read_error is not None:
            return ChainBreak(
                sequence, "in the database, " + unreadable(self.read_error)
            )
        if pending is None or pending.sequence > sequence:
            return ChainBreak(
                sequence,
                f"the database has no event {sequence} that matches the export's "
                "filters",
            )
        if pending.encoded != chain.canonical_bytes(record.fields):
            return ChainBreak(
                sequence, f"the event differs from database event {sequence}"
            )
        if pending.hash != record.hash:
            return ChainBreak(
                sequence, f"the hash differs from database event {sequence}"
            )
        self._advance()
        return None

    def finish(self) -> ChainBreak | None:
        """Check the leftover database events and the checkpoint head."""
        if self.pending is not None:
            return _missing_from_file(self.pending.sequence)
        if self.read_error is not None:
            return ChainBreak(None, "in the database, " + unreadable(self.read_error))
        head = self.checkpoint.head_sequence
        if head == 0:
            return None
        if query.read_hash(self.session, head) != self.checkpoint.head_hash:
            return ChainBreak(
                head, f"the checkpoint head hash differs from database event {head}"
            )
        return None

    def _advance(self) -> None:
        try:
            row = next(self.rows, None)
            self.pending = None if row is None else _StoredEvent.from_row(row)
        except (ValueError, TypeError) as error:
            self.pending = None
            self.read_error = error


def _missing_from_file(sequence: int) -> ChainBreak:
    return ChainBreak(
        sequence,
        f"database event {sequence} matches the export's filters but is missing "
        "from the file",
    )
