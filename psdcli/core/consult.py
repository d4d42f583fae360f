"""Log each consultation of identifiable case data, with its reason.

UK law-enforcement processing must log who viewed what and when. Reads of
case data therefore run in a write transaction that appends a
``consultation`` event. ``PSDCLI_REQUIRE_REASON=1`` makes the reason
compulsory; otherwise it is recorded when given.
"""

from __future__ import annotations

import os
from typing import Any

from sqlmodel import Session

from psdcli.audit.log import record_event
from psdcli.core.errors import UsageError

MAX_REASON_CHARS = 1000


def check_reason(reason: str | None) -> str | None:
    """Return the cleaned reason; raise UsageError when one is required but missing."""
    cleaned = (reason or "").strip() or None
    if cleaned is None and os.environ.get("PSDCLI_REQUIRE_REASON") == "1":
        raise UsageError(
            "a reason is required to view case data here (PSDCLI_REQUIRE_REASON=1); "
            "pass --reason TEXT."
        )
    if cleaned is not None and len(cleaned) > MAX_REASON_CHARS:
        raise UsageError(f"the reason is longer than {MAX_REASON_CHARS} characters.")
    return cleaned


def log_consultation(
    session: Session,
    analyst: str,
    action: str,
    *,
    reason: str | None,
    case_reference: str | None = None,
    bundle_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append a consultation event for a read of case data."""
    record_event(
        session,
        analyst=analyst,
        operation="consultation",
        action=action,
        case_reference=case_reference,
        bundle_id=bundle_id,
        reason=reason,
        details=details,
    )
