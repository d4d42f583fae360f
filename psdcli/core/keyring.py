"""The team's storage recipients, and re-encryption of sealed data after a change.

Sealed data (contact details, attachments, quarantined reports) is encrypted
to every recipient recorded in ``storage_recipient``. Adding or removing a
recipient changes what new data is sealed to. ``rewrap`` then re-encrypts
everything already stored, in one transaction, so that a removed key opens
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session, col

from psdcli.audit.log import record_event
from psdcli.core.errors import UsageError
from psdcli.crypto.identities import IdentitySet, recipient_label
from psdcli.crypto.seal import parse_recipient, seal, unseal
from psdcli.storage import repository
from psdcli.storage.models import (
    Attachment,
    QuarantinedReport,
    ReportRevision,
    StorageRecipient,
)

# Each sealed column, with the table's primary key.
SEALED_COLUMNS: tuple[tuple[Any, Any, Any], ...] = (
    (ReportRevision, ReportRevision.id, ReportRevision.contact_sealed),
    (Attachment, Attachment.id, Attachment.sealed),
    (QuarantinedReport, QuarantinedReport.id, QuarantinedReport.sealed),
)
BATCH = 200


def add_recipient(session: Session, recipient: str, analyst: str) -> str:
    """Record a recipient for sealed data; existing data needs ``rewrap``."""
    text = recipient.strip()
    parse_recipient(text)
    if text in repository.storage_recipients(session):
        raise UsageError(f"{recipient_label(text)} is already a storage recipient.")
    repository.add_storage_recipients(session, [text], analyst)
    _log(session, analyst, "keys.add-recipient", text)
    return text


def add_missing_recipients(
    session: Session, recipients: list[str], analyst: str
) -> list[str]:
    """Record each recipient not yet recorded; return those added."""
    current = set(repository.storage_recipients(session))
    added = []
    for recipient in recipients:
        text = recipient.strip()
        if text not in current:
            add_recipient(session, text, analyst)
            current.add(text)
            added.append(text)
    return added


def remove_recipient(session: Session, recipient: str, analyst: str) -> str:
    """Remove a recipient; the last one cannot go, or nothing could be sealed."""
    text = recipient.strip()
    current = repository.storage_recipients(session)
    if text not in current:
        raise UsageError(
            f"{recipient_label(text)} is not a storage recipient; `psdcli keys "
            "recipients` lists them."
        )
    if len(current) == 1:
        raise UsageError(
            "cannot remove the only storage recipient; add its replacement first."
        )
    row = session.scalars(
        select(StorageRecipient).where(col(StorageRecipient.recipient) == text)
    ).one()
    session.delete(row)
    session.flush()
    _log(session, analyst, "keys.remove-recipient", text)
    return text


@dataclass(frozen=True)
class RewrapResult:
    """How many sealed values were re-encrypted, and to how many recipients."""

    rewrapped: int
    recipients: int


def rewrap(session: Session, identities: IdentitySet, analyst: str) -> RewrapResult:
    """Re-encrypt every sealed value to the current recipients, all or nothing."""
    recipients = repository.storage_recipients(session)
    if not recipients:
        raise UsageError("no storage recipients are recorded; add one first.")
    count = 0
    for table, key, column in SEALED_COLUMNS:
        for row_key, blob in _sealed_rows(session, key, column):
            fresh = seal(unseal(blob, identities), recipients)
            session.execute(update(table).where(key == row_key).values({column: fresh}))
            count += 1
    record_event(
        session,
        analyst=analyst,
        operation="alteration",
        action="keys.rewrap",
        details={"values": count, "recipients": len(recipients)},
    )
    return RewrapResult(count, len(recipients))


def _sealed_rows(
    session: Session, key: Any, column: Any
) -> Iterator[tuple[int, bytes]]:
    """Yield (id, sealed bytes) in batches by id, so memory stays bounded."""
    last = 0
    while True:
        batch = session.execute(
            select(key, column)
            .where(key > last, column.is_not(None))
            .order_by(key)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        yield from ((int(row_key), bytes(blob)) for row_key, blob in batch)
        last = int(batch[-1][0])


def _log(session: Session, analyst: str, action: str, recipient: str) -> None:
    record_event(
        session,
        analyst=analyst,
        operation="alteration",
        action=action,
        details={"recipient": recipient_label(recipient)},
    )
