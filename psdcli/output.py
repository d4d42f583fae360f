"""All terminal output. This is the only module that imports Rich.

Report text comes from the public and may carry Rich markup, ANSI escape
sequences or other control characters. Every untrusted string passes through
``safe_text`` before it reaches the terminal: markup is never interpreted
(strings become ``Text`` objects, not markup) and control characters are
replaced by visible escapes such as ``\\x1b``.
"""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

# Output that is not a terminal has no width of its own; Rich would assume
# 80 columns and fold wide tables, so piped output gets a wider default.
# COLUMNS still overrides it.
_PIPE_WIDTH = 160 if not sys.stdout.isatty() and "COLUMNS" not in os.environ else None


class _Console(Console):
    """A Rich console that leaves a closed pipe to the CLI edge."""

    def on_broken_pipe(self) -> None:
        # Rich exits with 1 here. The CLI edge exits with 141 instead, as a
        # shell does for a program whose reader closed the pipe.
        raise BrokenPipeError


stdout = _Console(highlight=False, soft_wrap=True, width=_PIPE_WIDTH)
stderr = _Console(stderr=True, highlight=False, soft_wrap=True)

# Characters that change how a terminal shows the text after them: the bidi
# embedding, override and isolate controls, and the line and paragraph
# separators. They are shown escaped, like control characters.
_FORMAT_CHARS = frozenset(
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\u2028\u2029\ufeff"
)


def _escape_char(char: str, keep_newlines: bool) -> str:
    if char == "\n" and keep_newlines:
        return char
    if char == "\t":
        return "    " if keep_newlines else " "
    if unicodedata.category(char) == "Cc" or char in _FORMAT_CHARS:
        code = ord(char)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    return char


def safe_text(value: object, *, keep_newlines: bool = False) -> Text:
    """Return ``value`` as Rich Text that shows every character literally."""
    raw = "" if value is None else str(value)
    cleaned = "".join(_escape_char(char, keep_newlines) for char in raw)
    return Text(cleaned)


def error(message: str) -> None:
    """Print ``Error: message`` on stderr."""
    stderr.print(Text("Error: ") + safe_text(message))


def warning(message: str) -> None:
    """Print ``Warning: message`` on stderr."""
    stderr.print(Text("Warning: ", style="yellow") + safe_text(message))


def info(message: str) -> None:
    """Print an informational line on stderr, leaving stdout for data."""
    stderr.print(safe_text(message))


def line(message: str) -> None:
    """Print one line of plain result text on stdout."""
    stdout.print(safe_text(message))


def emit_json(data: Any) -> None:
    """Write ``data`` as JSON on stdout, bypassing Rich so nothing is styled."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")
    sys.stdout.flush()


def emit_json_line(data: Any) -> None:
    """Write ``data`` as one line of JSON on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str))
    sys.stdout.write("\n")
    sys.stdout.flush()


def table(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    title: str = "",
    no_wrap: Sequence[str] = (),
) -> None:
    """Print a table whose every cell is untrusted text.

    Columns named in ``no_wrap`` hold identifiers that stay on one line.
    """
    grid = Table(title=title or None, title_justify="left")
    for column in columns:
        grid.add_column(column, overflow="fold", no_wrap=column in no_wrap)
    for row in rows:
        grid.add_row(*(safe_text(cell) for cell in row))
    stdout.print(grid)


def fields(pairs: Mapping[str, object], *, title: str = "") -> None:
    """Print label/value pairs as a two-column table."""
    grid = Table(title=title or None, title_justify="left", show_header=False)
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for label, value in pairs.items():
        grid.add_row(label, safe_text(value, keep_newlines=True))
    stdout.print(grid)


def heading(text: str) -> None:
    """Print a section heading."""
    stdout.print()
    stdout.print(safe_text(text), style="bold underline")


def block(text: str) -> None:
    """Print a long untrusted text, such as a narrative, keeping its lines."""
    stdout.print(safe_text(text, keep_newlines=True))


def is_terminal() -> bool:
    """Return True when stderr is a terminal, where progress bars belong."""
    return stderr.is_terminal


def _no_progress(_count: int = 1) -> None:
    return None


@contextmanager
def progress(description: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """Yield an ``advance(count)`` callable; shows a bar only on a terminal."""
    if not is_terminal():
        yield _no_progress
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=stderr,
        transient=True,
    )
    with bar:
        task = bar.add_task(str(safe_text(description)), total=total)

        def advance(count: int = 1) -> None:
            bar.advance(task, count)

        yield advance
