"""Append events to the audit trail."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from psdcli import __version__
from psdcli.audit import chain, validation
from psdcli.storage import append_only
from psdcli.storage.models import AuditEvent
from psdcli.storage.types import utc_now

logger = logging.getLogger(__name__)


def record_event(
    session: Session,
    *,
    analyst: str,
    operation: str,
    action: str,
    case_reference: str | None = None,
    bundle_id: str | None = None,
    recipient: str | None = None,
    reason: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit trail and return it, flushed but not committed.

    Call it inside the same ``Database.write_session()`` as the change it
    logs, so that the change and its event commit or roll back together. The
    event takes the next sequence number and links to the hash of the last
    event while the transaction holds the append lock, so concurrent writers
    produce one gap-free chain.

    ``operation`` is one of the six kinds in ``AUDIT_OPERATIONS``, ``action``
    a dotted name such as ``case.show``, and ``recipient`` the receiver of a
    disclosure. ``details`` carries ids and counts only, never report text or
    reporter details. Raises InvalidAuditValueError for any other value.
    """
    event = AuditEvent(
        sequence=0,
        event_id=str(uuid.uuid4()),
        occurred_at=utc_now(),
        analyst=validation.check_text("analyst", analyst, validation.MAX_ANALYST),
        operation=validation.check_operation(operation),
        action=validation.check_action(action),
        case_reference=validation.check_optional_text(
            "case reference", case_reference, validation.MAX_REFERENCE
        ),
        bundle_id=validation.check_optional_text(
            "bundle id", bundle_id, validation.MAX_REFERENCE
        ),
        recipient=validation.check_optional_text(
            "recipient", recipient, validation.MAX_RECIPIENT
        ),
        reason=validation.check_optional_text("reason", reason, validation.MAX_REASON),
        details=validation.check_details(details),
        tool_version=__version__,
        prev_hash=chain.GENESIS_HASH,
        hash="",
    )
    append_only.lock_for_append(session.connection())
    last = session.execute(
        select(col(AuditEvent.sequence), col(AuditEvent.hash))
        .order_by(col(AuditEvent.sequence).desc())
        .limit(1)
    ).first()
    if last is not None:
        event.sequence = last.sequence + 1
        event.prev_hash = last.hash
    else:
        event.sequence = 1
    event.hash = chain.event_hash(chain.event_fields(event))
    session.add(event)
    session.flush()
    logger.info("recorded audit event %d: %s %s", event.sequence, operation, action)
    return event
