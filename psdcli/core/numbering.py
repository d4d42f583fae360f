"""Force-local case numbers such as ``PSD-2026-0042``, one sequence per year."""

from __future__ import annotations

import os

from sqlalchemy import select
from sqlmodel import Session, col

from psdcli.core.errors import ConfigError
from psdcli.storage.casework_models import CaseCounter

DEFAULT_FORMAT = "PSD-{year}-{number:04d}"


def number_format() -> str:
    """Return the case number format (``PSDCLI_CASE_NUMBER_FORMAT``), checked."""
    template = os.environ.get("PSDCLI_CASE_NUMBER_FORMAT") or DEFAULT_FORMAT
    try:
        sample = template.format(year=2026, number=1)
    except (KeyError, IndexError, ValueError) as error:
        raise ConfigError(
            f"PSDCLI_CASE_NUMBER_FORMAT={template!r} is invalid ({error}); use the "
            f"fields {{year}} and {{number}}, for example {DEFAULT_FORMAT!r}."
        ) from None
    # Numbers restart each year, so without {year} a new year would repeat
    # the numbers of the last one.
    if "{number" not in template or "{year" not in template or len(sample) > 32:
        raise ConfigError(
            f"PSDCLI_CASE_NUMBER_FORMAT={template!r} must contain {{year}} and "
            "{number} and give numbers of at most 32 characters."
        )
    return template


def allocate(session: Session, year: int, count: int) -> list[str]:
    """Reserve ``count`` consecutive case numbers for ``year`` and return them.

    The caller's write transaction holds the database's write lock, so two
    imports never hand out the same number.
    """
    if count == 0:
        return []
    template = number_format()
    counter = session.scalars(
        select(CaseCounter).where(col(CaseCounter.year) == year)
    ).first()
    if counter is None:
        counter = CaseCounter(year=year, last_number=0)
    first = counter.last_number + 1
    counter.last_number += count
    session.add(counter)
    session.flush()
    return [
        template.format(year=year, number=n).upper()
        for n in range(first, first + count)
    ]
