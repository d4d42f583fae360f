"""Filters that select audit events for ``audit show`` and ``audit export``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from psdcli.audit.chain import format_timestamp
from psdcli.audit.validation import check_operation
from psdcli.core.errors import UsageError

# RFC 3339 date-time: seconds are required, a fraction of up to six digits
# (microseconds, the resolution of stored timestamps) is optional, and the
# offset is required so that the instant is unambiguous.
_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class AuditFilter:
    """Conditions on audit events; None means no condition.

    ``since`` is an inclusive and ``before`` an exclusive bound on
    ``occurred_at``. The other fields must equal the event's column.
    """

    since: datetime | None = None
    before: datetime | None = None
    case_reference: str | None = None
    analyst: str | None = None
    operation: str | None = None

    def is_empty(self) -> bool:
        """Return True when the filter selects every event."""
        return all(value is None for value in asdict(self).values())

    def to_json(self) -> dict[str, str | None]:
        """Return the filter as JSON values, with bounds as RFC 3339 UTC text."""
        return {
            "analyst": self.analyst,
            "before": _format_optional(self.before),
            "case_reference": self.case_reference,
            "operation": self.operation,
            "since": _format_optional(self.since),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AuditFilter:
        """Build a filter from ``to_json`` output; raise ValueError if malformed."""
        if set(data) != {"since", "before", "case_reference", "analyst", "operation"}:
            raise ValueError("the filters object has missing or unexpected keys")
        for key, value in data.items():
            if value is not None and not isinstance(value, str):
                raise ValueError(f"the filter {key!r} is not text or null")
        return cls(
            since=_parse_stored_time(data["since"]),
            before=_parse_stored_time(data["before"]),
            case_reference=data["case_reference"],
            analyst=data["analyst"],
            operation=data["operation"],
        )

    def matches(self, fields: Mapping[str, Any]) -> bool:
        """Return True when an event's chained fields satisfy every condition."""
        occurred_at = datetime.fromisoformat(fields["occurred_at"])
        return (
            (self.since is None or occurred_at >= self.since)
            and (self.before is None or occurred_at < self.before)
            and _equal_or_unset(self.case_reference, fields["case_reference"])
            and _equal_or_unset(self.analyst, fields["analyst"])
            and _equal_or_unset(self.operation, fields["operation"])
        )


def build_filter(
    *,
    since: str | None = None,
    until: str | None = None,
    case_reference: str | None = None,
    analyst: str | None = None,
    operation: str | None = None,
) -> AuditFilter:
    """Turn command-line filter options into an AuditFilter.

    ``since`` and ``until`` take a date (``2026-03-01``, a UTC calendar day)
    or an RFC 3339 time (``2026-03-01T09:30:00+01:00``). Both ends are
    inclusive: ``--until 2026-03-31`` keeps the whole of 31 March UTC.
    Raises UsageError for a malformed value or an empty range.
    """
    start = None if since is None else parse_time_bound(since, "--since", end=False)
    before = None if until is None else parse_time_bound(until, "--until", end=True)
    if start is not None and before is not None and start >= before:
        raise UsageError(
            f"--since {since} is not earlier than --until {until}, so no event "
            "can match; swap or correct them."
        )
    if operation is not None:
        check_operation(operation)
    return AuditFilter(
        since=start,
        before=before,
        case_reference=case_reference,
        analyst=analyst,
        operation=operation,
    )


def parse_time_bound(value: str, option: str, *, end: bool) -> datetime:
    """Parse a date or an RFC 3339 time into an aware UTC datetime.

    With ``end`` true the result is an exclusive bound: the start of the
    next day for a date, or one microsecond after a time.
    """
    text = value.strip()
    if _DATE.fullmatch(text):
        day = _parse_date(text, option)
        moment = datetime.combine(day, time(), tzinfo=UTC)
        return moment + timedelta(days=1) if end else moment
    if _RFC3339.fullmatch(text):
        try:
            moment = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            moment = moment.astimezone(UTC)
            return moment + _MICROSECOND if end else moment
    raise UsageError(
        f"invalid {option} value {value!r}; use a date such as 2026-03-01 or an "
        "RFC 3339 time with an offset such as 2026-03-01T09:30:00Z."
    )


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"invalid {option} date {text!r}; the day does not exist."
        ) from None


def _parse_stored_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"the filter time {value!r} has no UTC offset")
    return moment.astimezone(UTC)


def _format_optional(moment: datetime | None) -> str | None:
    return None if moment is None else format_timestamp(moment)


def _equal_or_unset(expected: str | None, actual: object) -> bool:
    return expected is None or expected == actual
