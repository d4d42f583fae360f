"""Find a case by intake reference or case number, and guard against stale views."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlmodel import Session, col

from psdcli.core.errors import NotFoundError, PsdError
from psdcli.storage.models import Case


class StaleCaseError(PsdError):
    """The case changed after the analyst looked at it."""


def find_case(session: Session, identifier: str) -> Case:
    """Return the case with this intake reference or case number."""
    wanted = identifier.strip()
    query = select(Case).where(
        or_(col(Case.reference) == wanted, col(Case.case_number) == wanted.upper())
    )
    case = session.scalars(query).first()
    if case is None:
        raise NotFoundError(
            f"no case with reference or number {identifier!r}; "
            "`psdcli case list` shows them."
        )
    return case


def check_version(case: Case, expected: int | None) -> None:
    """Reject a change based on an older version of the case than the current one."""
    if expected is None or expected == case.version:
        return
    if expected > case.version:
        raise StaleCaseError(
            f"case {case.case_number} is at version {case.version}, not {expected}; "
            f"check the version that `psdcli case show {case.case_number}` prints."
        )
    when = case.updated_at.strftime("%Y-%m-%d %H:%M UTC")
    raise StaleCaseError(
        f"case {case.case_number} changed since version {expected} that you viewed: "
        f"{case.updated_by or 'the importer'} did {case.last_step or 'an update'} "
        f"at {when} (now version {case.version}); review it with "
        f"`psdcli case show {case.case_number}` and try again."
    )
