"""Check the audit chain in the database or in a JSON Lines export.

Both checks stream events in sequence order, so memory stays bounded by the
query chunk size, and stop at the first break they find.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Row
from sqlmodel import Session

from psdcli.audit import chain, export_file, query
from psdcli.audit.checker import ChainBreak, ChainChecker, VerifyResult, unreadable
from psdcli.audit.compare import DatabaseEvents, checkpoint_problem, filter_problem
from psdcli.core.errors import NotFoundError

__all__ = ["ChainBreak", "VerifyResult", "verify_database", "verify_file"]


def verify_database(
    session: Session, *, chunk_size: int = query.CHUNK_SIZE
) -> VerifyResult:
    """Check the whole chain in the database: 1..N, every link and every hash."""
    checker = ChainChecker(contiguous=True)
    try:
        problem = _check_rows(
            checker, query.iter_events(session, chunk_size=chunk_size)
        )
    except (ValueError, TypeError):
        # A malformed stored value fails the whole chunk that contains it, so
        # read on one row at a time from there to name the event at fault.
        resume = checker.last_sequence + 1
        rows = query.iter_events(session, min_sequence=resume, chunk_size=1)
        try:
            problem = _check_rows(checker, rows)
        except (ValueError, TypeError) as error:
            at = query.next_sequence(session, checker.last_sequence)
            problem = ChainBreak(at, unreadable(error))
    return checker.result(problem)


def _check_rows(checker: ChainChecker, rows: Iterator[Row[Any]]) -> ChainBreak | None:
    for row in rows:
        try:
            fields = chain.event_fields(row)
        except (ValueError, TypeError) as error:
            return ChainBreak(row.sequence, unreadable(error))
        problem = checker.check(fields, row.hash)
        if problem is not None:
            return problem
    return None


def verify_file(path: Path, session: Session | None = None) -> VerifyResult:
    """Check a JSON Lines export against itself and, given a session, the database.

    The file's events must hash correctly, come in increasing sequence order,
    link wherever sequence numbers are consecutive, match the filters in the
    checkpoint, and agree with its counts and head. A complete (unfiltered)
    export must hold every event from 1 to the checkpoint head. With a session,
    each event must equal the database's event with the same sequence number,
    and every database event matching the filters up to the head must be in
    the file.
    """
    if not path.is_file():
        raise NotFoundError(f"no audit export at {path}; check the file name.")
    checker = ChainChecker(contiguous=True)
    try:
        checkpoint = export_file.read_checkpoint(path)
    except export_file.ExportFormatError as error:
        return checker.result(ChainBreak(None, str(error)))
    checker.contiguous = checkpoint.filters.is_empty()
    database = None if session is None else DatabaseEvents(session, checkpoint)
    try:
        for record in export_file.iter_event_records(path):
            problem = checker.check(record.fields, record.hash)
            problem = problem or filter_problem(checkpoint, record)
            if problem is None and database is not None:
                problem = database.compare(record)
            if problem is not None:
                return checker.result(problem, checkpoint)
    except export_file.ExportFormatError as error:
        return checker.result(ChainBreak(None, str(error)), checkpoint)
    problem = checkpoint_problem(checker, checkpoint)
    if problem is None and database is not None:
        problem = database.finish()
    compared = database is not None
    return checker.result(problem, checkpoint, compared_with_database=compared)
