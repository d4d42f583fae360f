"""Reveal sealed data to an analyst with a team identity, and log it.

Contact details and attachments are decrypted only here. Decryption comes
first and the audit event is appended in the same transaction, so a failed
attempt (no identity, wrong identity) leaves no event saying anything was
revealed, and a successful one always leaves one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from psdcli.audit.log import record_event
from psdcli.core.case_lookup import find_case
from psdcli.core.decisions import require_text
from psdcli.core.errors import NotFoundError, PsdError, UsageError
from psdcli.crypto.identities import IdentitySet
from psdcli.crypto.seal import unseal
from psdcli.storage import queries
from psdcli.storage.models import Attachment, Case, ReportRevision, row_id


@dataclass(frozen=True)
class RevealedContact:
    """The contact details of one revision of a report."""

    revision: int
    contact: dict[str, Any]


def reveal_contact(
    session: Session,
    identifier: str,
    identities: IdentitySet,
    analyst: str,
    reason: str,
) -> tuple[str, list[RevealedContact]]:
    """Decrypt the contact details of every revision of a case and log the view."""
    why = require_text(reason, "reason", "--reason")
    case = find_case(session, identifier)
    rows = session.scalars(
        select(ReportRevision)
        .where(col(ReportRevision.case_id) == row_id(case))
        .order_by(col(ReportRevision.revision))
    ).all()
    sealed = [(row.revision, row.contact_sealed) for row in rows if row.contact_sealed]
    if not sealed:
        raise NotFoundError(
            f"case {case.case_number} has no contact details: the reporter chose "
            "to stay anonymous."
        )
    revealed = [
        RevealedContact(revision, _contact(unseal(blob, identities), case, revision))
        for revision, blob in sealed
    ]
    record_event(
        session,
        analyst=analyst,
        operation="consultation",
        action="reporter.show",
        case_reference=case.reference,
        reason=why,
        details={"revisions": len(revealed)},
    )
    return case.case_number, revealed


def _contact(plaintext: bytes, case: Case, revision: int) -> dict[str, Any]:
    try:
        contact = json.loads(plaintext)
    except ValueError:
        contact = None
    if not isinstance(contact, dict):
        raise PsdError(
            f"the sealed contact details of case {case.case_number}, revision "
            f"{revision}, are damaged; restore the database from a backup, or "
            "re-import the kept bundle into a new database to recover them."
        )
    return contact


@dataclass(frozen=True)
class AttachmentExport:
    """An attachment decrypted for export, and the event that logged it."""

    case_number: str
    name: str
    data: bytes


def export_attachment(
    session: Session,
    identifier: str,
    name: str,
    identities: IdentitySet,
    analyst: str,
    *,
    reason: str,
    recipient: str,
) -> AttachmentExport:
    """Decrypt an attachment and log its disclosure; the caller writes it out.

    The caller writes the file only after this transaction commits, so that
    no attachment ever leaves the tool without its disclosure event.
    """
    why = require_text(reason, "reason", "--reason")
    to = require_text(recipient, "recipient", "--recipient")
    case = find_case(session, identifier)
    attachment = _find_attachment(session, row_id(case), name)
    data = unseal(attachment.sealed, identities)
    record_event(
        session,
        analyst=analyst,
        operation="disclosure",
        action="attachment.export",
        case_reference=case.reference,
        recipient=to,
        reason=why,
        details={"attachment": attachment.name, "size": len(data)},
    )
    return AttachmentExport(case.case_number, attachment.name, data)


def _find_attachment(session: Session, case_id: int, name: str) -> Attachment:
    query = (
        select(Attachment)
        .join(ReportRevision, col(ReportRevision.id) == col(Attachment.revision_id))
        .where(col(ReportRevision.case_id) == case_id, col(Attachment.name) == name)
        .order_by(col(ReportRevision.revision).desc())
    )
    found = session.scalars(query).first()
    if found is None:
        names = sorted({a.name for a in queries.attachments_of_case(session, case_id)})
        listed = ", ".join(names) or "none"
        raise NotFoundError(f"no attachment named {name!r}; this case has: {listed}.")
    return found


class ReservedFile:
    """A new, empty 0600 file that receives an export once it is logged."""

    def __init__(self, path: Path, descriptor: int) -> None:
        self.path = path
        self._descriptor = descriptor

    def write(self, data: bytes) -> None:
        """Write the whole export and close the file."""
        try:
            with os.fdopen(self._descriptor, "wb") as handle:
                handle.write(data)
        except OSError as error:
            raise UsageError(f"cannot write {self.path}: {error.strerror}.") from None


@contextmanager
def reserved_file(target: Path) -> Iterator[ReservedFile]:
    """Create ``target`` (never replacing a file) and remove it if the block fails."""
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UsageError(
            f"{target} already exists; choose a new file name (psdcli never "
            "overwrites an export)."
        ) from None
    except OSError as error:
        raise UsageError(f"cannot create {target}: {error.strerror}.") from None
    reserved = ReservedFile(target, descriptor)
    try:
        yield reserved
    except BaseException:
        with suppress(OSError):
            os.close(descriptor)
        target.unlink(missing_ok=True)
        raise
