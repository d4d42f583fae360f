"""Dates given by analysts: review dates and the assessment-due period."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

from psdcli.core.errors import ConfigError, UsageError


def today() -> date:
    """Return today's date in UTC."""
    return datetime.now(UTC).date()


def require_future_date(value: date, what: str, option: str) -> date:
    """Return ``value`` if it is today or later; a review in the past is an error."""
    if value < today():
        raise UsageError(
            f"the {what} {value.isoformat()} is in the past; pass {option} with "
            f"today ({today().isoformat()}) or a later date."
        )
    return value


def default_review_date() -> date:
    """Return today plus the retention period in ``PSDCLI_RETENTION_YEARS``."""
    start = today()
    years = retention_years()
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a year that has none
        return start.replace(year=start.year + years, day=28)


def assessment_due_days() -> int:
    """Return the days from receipt within which a case should be assessed."""
    raw = os.environ.get("PSDCLI_ASSESSMENT_DUE_DAYS", "28")
    if not raw.isdigit() or not 1 <= int(raw) <= 365:
        raise ConfigError(
            f"PSDCLI_ASSESSMENT_DUE_DAYS={raw!r} is invalid; set a whole number of "
            "days from 1 to 365."
        )
    return int(raw)


def assessment_due_before() -> datetime:
    """Return the receipt time before which an unassessed case is overdue."""
    return datetime.now(UTC) - timedelta(days=assessment_due_days())


def retention_years() -> int:
    """Return the years before an intelligence record's first review (default 6)."""
    raw = os.environ.get("PSDCLI_RETENTION_YEARS", "6")
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise ConfigError(
            f"PSDCLI_RETENTION_YEARS={raw!r} is invalid; set a whole number of years "
            "from 1 to 100."
        )
    return int(raw)
