"""CSV cells that spreadsheet programs show as text instead of running them.

A cell is changed in two steps, so that it cannot start a formula:

1. psdcli puts an apostrophe in front of text that starts with a tab or a
   carriage return, which some spreadsheet programs skip before looking for
   a formula.
2. defusedcsv (version 3.0.0) puts an apostrophe in front of text that starts
   with ``=``, ``+``, ``-``, ``@``, ``|`` or ``%``, unless the whole cell is a
   plain number such as ``-12`` or ``3.5``. In a cell it changes, it also
   writes every ``|`` as ``\\|``.

Integers are written unchanged and None becomes an empty cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TextIO

from defusedcsv import csv as defused_csv  # type: ignore[import-untyped]

_SKIPPED_LEADING = ("\t", "\r")


class RowWriter(Protocol):
    """The part of a ``csv.writer`` that exports use."""

    def writerow(self, row: Iterable[Any]) -> Any:
        """Write one row."""


def neutralise_leading_control(value: str) -> str:
    """Return ``value`` with an apostrophe in front if it starts with tab or CR."""
    if value.startswith(_SKIPPED_LEADING):
        return "'" + value
    return value


class SafeWriter:
    """A CSV writer that applies both steps of the module docstring to each cell."""

    def __init__(self, out: TextIO) -> None:
        self._writer: RowWriter = defused_csv.writer(out)

    def writerow(self, row: Iterable[object]) -> None:
        """Write one row, neutralising every text cell."""
        self._writer.writerow(
            neutralise_leading_control(cell) if isinstance(cell, str) else cell
            for cell in row
        )
