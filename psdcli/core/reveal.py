"""Reveal sealed data to an analyst who holds a team identity, and log it.

Contact details and attachments are decrypted only here. Decryption comes
first and the audit event is appended in the same transaction, so a failed
attempt (no identity, wrong identity) leaves no event saying anything was
revealed, and a successful one always leaves one.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from psdcli.audit.log import record_event
from psdcli.core.case_lookup import find_case
from psdcli.core.decisions import require_text
from psdcli.core.errors import NotFoundError, UsageError
from psdcli.crypto.identities import IdentitySet
from psdcli.crypto.seal import unseal
from psdcli.storage import queries
from psdcli.storage.models import Attachment, ReportRevision, row_id


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
        RevealedContact(revision, json.loads(unseal(blob, identities)))
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


@dataclass(frozen=True)
class AttachmentExport:
    """Where an attachment was written."""

    case_number: str
    name: str
    path: Path
    size: int


def export_attachment(
    session: Session,
    identifier: str,
    name: str,
    target: Path,
    identities: IdentitySet,
    analyst: str,
    *,
    reason: str,
    recipient: str,
) -> AttachmentExport:
    """Write an attachment to a new 0600 file and log the disclosure."""
    why = require_text(reason, "reason", "--reason")
    to = require_text(recipient, "recipient", "--recipient")
    case = find_case(session, identifier)
    attachment = _find_attachment(session, row_id(case), name)
    data = unseal(attachment.sealed, identities)
    _write_new_private_file(target, data)
    try:
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
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return AttachmentExport(case.case_number, attachment.name, target, len(data))


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


def _write_new_private_file(target: Path, data: bytes) -> None:
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UsageError(
            f"{target} already exists; choose a new file name (psdcli never "
            "overwrites an export)."
        ) from None
    except OSError as error:
        raise UsageError(f"cannot create {target}: {error.strerror}.") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
    except OSError as error:
        target.unlink(missing_ok=True)
        raise UsageError(f"cannot write {target}: {error.strerror}.") from None
