"""Reads and writes of the case workflow tables, each taking the session first."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlmodel import Session, col

from psdcli.storage.casework_models import (
    CaseNote,
    CaseTag,
    Decision,
    Safeguarding,
    SafeguardingAction,
)
from psdcli.storage.models import row_id
from psdcli.storage.types import utc_now


def add_tags(session: Session, case_id: int, tags: Sequence[str], analyst: str) -> None:
    """Add tags to a case, skipping those it already has."""
    existing = set(tags_of(session, case_id))
    now = utc_now()
    for tag in tags:
        if tag not in existing:
            session.add(
                CaseTag(case_id=case_id, tag=tag, added_by=analyst, added_at=now)
            )
    session.flush()


def tags_of(session: Session, case_id: int) -> list[str]:
    """Return a case's tags in alphabetical order."""
    query = select(col(CaseTag.tag)).where(col(CaseTag.case_id) == case_id)
    return sorted(session.scalars(query))


def add_note(session: Session, case_id: int, text: str, author: str) -> int:
    """Append a note and return its id."""
    note = CaseNote(case_id=case_id, text=text, author=author, created_at=utc_now())
    session.add(note)
    session.flush()
    return row_id(note)


def notes_of(session: Session, case_id: int) -> list[CaseNote]:
    """Return a case's notes, oldest first."""
    query = select(CaseNote).where(col(CaseNote.case_id) == case_id)
    return list(session.scalars(query.order_by(col(CaseNote.id))))


def decisions_of(session: Session, case_id: int) -> list[Decision]:
    """Return every decision on a case, oldest first, superseded ones included."""
    query = select(Decision).where(col(Decision.case_id) == case_id)
    return list(session.scalars(query.order_by(col(Decision.id))))


def add_safeguarding(
    session: Session, record: Safeguarding, actions: Sequence[str]
) -> Safeguarding:
    """Store a safeguarding record with its actions, all open."""
    session.add(record)
    session.flush()
    for description in actions:
        session.add(
            SafeguardingAction(safeguarding_id=row_id(record), description=description)
        )
    session.flush()
    return record


def safeguarding_of(
    session: Session, case_id: int
) -> list[tuple[Safeguarding, list[SafeguardingAction]]]:
    """Return a case's safeguarding records, each with its actions."""
    records = list(
        session.scalars(
            select(Safeguarding)
            .where(col(Safeguarding.case_id) == case_id)
            .order_by(col(Safeguarding.id))
        )
    )
    ids = [record.id for record in records]
    actions = list(
        session.scalars(
            select(SafeguardingAction)
            .where(col(SafeguardingAction.safeguarding_id).in_(ids))
            .order_by(col(SafeguardingAction.id))
        )
    )
    return [
        (record, [a for a in actions if a.safeguarding_id == record.id])
        for record in records
    ]


def find_action(
    session: Session, case_id: int, action_id: int
) -> SafeguardingAction | None:
    """Return a safeguarding action of this case by id."""
    query = (
        select(SafeguardingAction)
        .join(
            Safeguarding,
            col(Safeguarding.id) == col(SafeguardingAction.safeguarding_id),
        )
        .where(
            col(Safeguarding.case_id) == case_id,
            col(SafeguardingAction.id) == action_id,
        )
    )
    return session.scalars(query).first()


def open_action_count(session: Session, case_id: int) -> int:
    """Return how many safeguarding actions of a case are not yet complete."""
    query = (
        select(func.count())
        .select_from(SafeguardingAction)
        .join(
            Safeguarding,
            col(Safeguarding.id) == col(SafeguardingAction.safeguarding_id),
        )
        .where(
            col(Safeguarding.case_id) == case_id,
            col(SafeguardingAction.completed_at).is_(None),
        )
    )
    return int(session.scalar(query) or 0)
