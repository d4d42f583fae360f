"""Writes made by the importer, and the look-ups it needs.

Reports arrive in batches of hundreds, so inserts pass many parameter sets
to one Core ``insert`` on the table (see ``bulk.insert_many``), instead of
one ORM object per row. The tables are used rather than the mapped classes
because the ORM's bulk insert leaves out the columns whose value is None.
Rows that differ in which columns are None then go to the database in
separate statements, up to one per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlmodel import Session, SQLModel, col

from psdcli.storage import bulk
from psdcli.storage.models import (
    Attachment,
    Bundle,
    Case,
    QuarantinedReport,
    ReportRevision,
    ReportSubject,
    ReportTheme,
    StorageRecipient,
)
from psdcli.storage.types import utc_now


@dataclass
class KnownCase:
    """An existing case as the importer sees it: id, latest revision, digests."""

    case_id: int
    latest_revision: int
    revision_hashes: dict[int, str] = field(default_factory=dict)


def find_bundle(
    session: Session, *, bundle_id: str | None = None, file_sha256: str | None = None
) -> Bundle | None:
    """Return the bundle with this manifest id or this file hash, if imported."""
    query = select(Bundle)
    if bundle_id is not None:
        query = query.where(col(Bundle.bundle_id) == bundle_id)
    if file_sha256 is not None:
        query = query.where(col(Bundle.file_sha256) == file_sha256)
    return session.scalars(query.limit(1)).first()


def insert_bundle(session: Session, values: dict[str, Any]) -> int:
    """Insert a bundle row and return its id."""
    result = session.execute(insert(Bundle).returning(col(Bundle.id)), values)
    return int(result.scalar_one())


def set_bundle_counts(
    session: Session, bundle_row_id: int, counts: dict[str, int]
) -> None:
    """Store the final report counts of an imported bundle."""
    session.execute(
        update(Bundle).where(col(Bundle.id) == bundle_row_id).values(**counts)
    )


def bundle_sequences(session: Session, force: str) -> list[tuple[int, str]]:
    """Return (sequence, bundle id) of every bundle imported for ``force``."""
    rows = session.execute(
        select(col(Bundle.sequence), col(Bundle.bundle_id))
        .where(col(Bundle.recipient_force) == force)
        .order_by(col(Bundle.sequence))
    )
    return [(int(sequence), str(bundle_id)) for sequence, bundle_id in rows]


def known_cases(session: Session, references: Iterable[str]) -> dict[str, KnownCase]:
    """Return the existing cases among ``references`` with their revision hashes."""
    wanted = list(set(references))
    if not wanted:
        return {}
    rows = session.execute(
        select(
            col(Case.reference),
            col(Case.id),
            col(Case.latest_revision),
            col(ReportRevision.revision),
            col(ReportRevision.content_sha256),
        )
        .join(ReportRevision, col(ReportRevision.case_id) == col(Case.id))
        .where(col(Case.reference).in_(wanted))
    )
    found: dict[str, KnownCase] = {}
    for reference, case_id, latest, revision, content_sha256 in rows:
        known = found.setdefault(reference, KnownCase(case_id, latest))
        known.revision_hashes[revision] = content_sha256
    return found


def case_references(session: Session, case_ids: Iterable[int]) -> list[str]:
    """Return the references of the cases with these ids, in no fixed order."""
    query = select(col(Case.reference)).where(col(Case.id).in_(list(case_ids)))
    return list(session.scalars(query))


def insert_cases(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert cases and return their ids in the order given."""
    if not rows:
        return []
    table = _table(Case)
    bulk.insert_many(session, table, rows)
    # The driver's executemany returns no ids, so they are read back by the
    # unique reference.
    keys = [(row["reference"],) for row in rows]
    return bulk.select_ids(session, table.c.id, [table.c.reference], keys)


def insert_revisions(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert report revisions and return their ids in the order given."""
    if not rows:
        return []
    table = _table(ReportRevision)
    bulk.insert_many(session, table, rows)
    # Read back by the unique (case_id, revision), as in insert_cases.
    keys = [(row["case_id"], row["revision"]) for row in rows]
    key_columns = [table.c.case_id, table.c.revision]
    return bulk.select_ids(session, table.c.id, key_columns, keys)


def insert_rows(
    session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]]
) -> None:
    """Insert rows into the table of ``model``, a child table of a revision or bundle.

    Every row must have the keys of the first row, so that the rows go in one
    statement.
    """
    bulk.insert_many(session, _table(model), rows)


def _table(model: type[SQLModel]) -> Table:
    return SQLModel.metadata.tables[str(model.__tablename__)]


def mark_cases_updated(
    session: Session, updates: Sequence[dict[str, Any]], analyst: str
) -> None:
    """Flag cases that received a revision; a higher one becomes the latest.

    Each change bumps the case's version, so that a decision based on a view
    from before the new information arrived is refused as stale.
    """
    for change in updates:
        values: dict[str, Any] = _news(analyst, "import-revision")
        if "revision" in change:
            values["latest_revision"] = change["revision"]
            values["immediate_danger"] = change["immediate_danger"]
        session.execute(
            update(Case).where(col(Case.id) == change["case_id"]).values(**values)
        )


def _news(analyst: str, step: str) -> dict[str, Any]:
    return {
        "has_update": True,
        "updated_at": utc_now(),
        "version": Case.version + 1,
        "updated_by": analyst,
        "last_step": step,
    }


def storage_recipients(session: Session) -> list[str]:
    """Return the recipients that sealed data is encrypted to."""
    return list(
        session.scalars(
            select(col(StorageRecipient.recipient)).order_by(col(StorageRecipient.id))
        )
    )


def add_storage_recipients(
    session: Session, recipients: Iterable[str], analyst: str
) -> None:
    """Record recipients for sealed data, skipping those already recorded."""
    existing = set(storage_recipients(session))
    rows = [
        {"recipient": recipient, "added_at": utc_now(), "added_by": analyst}
        for recipient in recipients
        if recipient not in existing
    ]
    insert_rows(session, StorageRecipient, rows)


CHILD_TABLES = {
    "themes": ReportTheme,
    "subjects": ReportSubject,
    "attachments": Attachment,
    "quarantined": QuarantinedReport,
}


def flag_cases_updated(session: Session, case_ids: Sequence[int], analyst: str) -> None:
    """Flag the originals of follow-up reports as updated, bumping their version."""
    if case_ids:
        session.execute(
            update(Case)
            .where(col(Case.id).in_(case_ids))
            .values(**_news(analyst, "import-follow-up"))
        )
