"""Link follow-up reports to the cases they answer, in whatever order they arrive.

Bundles in a folder are imported in file-name order, which need not be their
sequence order, so a follow-up can arrive before the report it answers. The
link is the ``follow_up_to`` reference itself, so it holds in both orders;
this module flags the answered case as updated either way.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlmodel import Session, col

from psdcli.storage import repository
from psdcli.storage.models import Case


def flag_answered_cases(
    session: Session, answered: Iterable[str], analyst: str
) -> set[str]:
    """Flag the cases that these follow-ups answer; return the references not found."""
    wanted = sorted(set(answered))
    if not wanted:
        return set()
    found = _case_ids(session, wanted)
    repository.flag_cases_updated(session, list(found.values()), analyst)
    return set(wanted) - set(found)


def flag_cases_with_earlier_follow_ups(
    session: Session, references: Iterable[str], analyst: str
) -> None:
    """Flag new cases whose follow-ups were imported before them."""
    wanted = sorted(set(references))
    if not wanted:
        return
    query = select(col(Case.follow_up_to)).where(col(Case.follow_up_to).in_(wanted))
    answered = {reference for reference in session.scalars(query) if reference}
    repository.flag_cases_updated(
        session, list(_case_ids(session, answered).values()), analyst
    )


def missing_originals(session: Session, references: Iterable[str]) -> list[str]:
    """Return the references, among ``references``, that have no case."""
    wanted = sorted(set(references))
    if not wanted:
        return []
    found = _case_ids(session, wanted)
    return [reference for reference in wanted if reference not in found]


def missing_original_warning(reference: str) -> str:
    """Return the warning for a follow-up whose original report is unknown."""
    return (
        f"a report follows up {reference}, which is not in the database; "
        "it was imported as a case of its own."
    )


def _case_ids(session: Session, references: Iterable[str]) -> dict[str, int]:
    query = select(col(Case.reference), col(Case.id)).where(
        col(Case.reference).in_(sorted(references))
    )
    return {reference: case_id for reference, case_id in session.execute(query)}
