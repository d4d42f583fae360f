"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp.

    SQLite keeps no offset in ``DateTime(timezone=True)`` and returns naive
    values. Values are converted to UTC on the way in and marked as UTC on the
    way out, so that every timestamp read back is aware and equal to the one
    stored. Naive values are rejected because their zone is unknown.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        utc = _to_utc(value)
        if dialect.name == "sqlite":
            return utc.replace(tzinfo=None)
        return utc

    def bind_processor(
        self, dialect: Dialect
    ) -> Callable[[datetime | None], Any] | None:
        """Return the bind processor, which on SQLite writes the stored text itself.

        SQLite's DATETIME bind processor in SQLAlchemy 2.1 formats a naive
        datetime as 'YYYY-MM-DD HH:MM:SS.ffffff'. ``isoformat`` of the UTC
        value gives the same text in one call, where ``process_bind_param``
        followed by that processor builds a naive copy and a dictionary of its
        fields for every value. A test compares the two.
        """
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            # The aware UTC value's text ends in "+00:00", after the 26
            # characters that SQLite's DATETIME processor writes.
            return _to_utc(value).isoformat(sep=" ", timespec="microseconds")[:26]

        return process

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def copy(self, **kwargs: Any) -> UTCDateTime:
        return UTCDateTime()


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime stored; pass an aware UTC datetime")
    return value.astimezone(UTC)


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)
