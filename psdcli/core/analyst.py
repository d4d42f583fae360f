"""The acting analyst's staff id."""

from __future__ import annotations

import re

from psdcli.core.errors import UsageError

_STAFF_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def validate_analyst(value: str | None) -> str:
    """Return a valid staff id, or raise UsageError saying how to give one."""
    if value is None or not value.strip():
        raise UsageError(
            "this command changes data and needs the acting analyst; pass "
            "--analyst STAFF_ID or set PSDCLI_ANALYST."
        )
    staff_id = value.strip()
    if not _STAFF_ID.fullmatch(staff_id):
        raise UsageError(
            f"invalid analyst id {staff_id!r}; use 1-64 letters, digits, '.', "
            "'_' or '-', starting with a letter or digit."
        )
    return staff_id
