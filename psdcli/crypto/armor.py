"""The ASCII armor of age files: strict streaming decoder and encoder.

The format is PEM with the type ``AGE ENCRYPTED FILE``, no headers, standard
padded base64 in lines of 64 columns, and LF or CRLF line endings. The decoder
follows the Go reference decoder (filippo.io/age/armor) and the age test
vectors: every line but the last is exactly 64 columns, the last contains 1 to
64 columns, and about 1 KiB of whitespace may come before and after the block.
"""

from __future__ import annotations

import base64
from typing import IO, Protocol

from psdcli.core.errors import ArmorError
from psdcli.crypto.base64_strict import decode_canonical

ARMOR_BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
ARMOR_END = b"-----END AGE ENCRYPTED FILE-----"
COLUMNS_PER_LINE = 64
BYTES_PER_LINE = 48
# Whitespace allowed before and after the block, as in the Go reference.
MAX_WHITESPACE_BYTES = 1024
# Enough of a file's start to find the BEGIN line after the leading whitespace.
SNIFF_BYTES = MAX_WHITESPACE_BYTES + len(ARMOR_BEGIN) + 2
# NOTE: Go's bytes.TrimSpace also counts Unicode spaces such as U+00A0 as
# whitespace around the block, but this decoder accepts ASCII whitespace only.
_WHITESPACE = b" \t\n\r\v\f"
# Decoded lines are collected and written in pieces of about this size.
_WRITE_BYTES = 64 * 1024


class BinaryWriter(Protocol):
    """Anything with a ``write(bytes)`` method, such as a binary file."""

    def write(self, data: bytes, /) -> object: ...


def is_armored(first_bytes: bytes) -> bool:
    """Return whether the start of a file looks like a PEM block, even a broken one.

    A file that starts with ``-----`` after whitespace, or that has a
    ``-----BEGIN`` line near its start, goes to the armor decoder so that the
    error names what is wrong with the armor instead of calling it a bad header.
    """
    if first_bytes.lstrip(_WHITESPACE).startswith(b"-----"):
        return True
    return b"-----BEGIN" in first_bytes


def dearmor(reader: IO[bytes], writer: BinaryWriter) -> int:
    """Decode an armored age file from ``reader`` into ``writer``, line by line.

    Memory use is bounded by one line plus a 64 KiB write buffer, whatever the
    file size. Returns the number of bytes written. Raises ArmorError on the
    first violation, after some decoded bytes may already have been written.
    """
    lines = _ArmorLines(reader)
    lines.skip_to_begin()
    pending = bytearray()
    written = 0
    while True:
        line = lines.next_line("before the END line")
        if line == ARMOR_END:
            break
        data = _decode_line(line, lines.number)
        pending += data
        if len(pending) >= _WRITE_BYTES:
            writer.write(bytes(pending))
            written += len(pending)
            pending.clear()
        if len(line) < COLUMNS_PER_LINE or len(data) < BYTES_PER_LINE:
            _expect_end(lines)
            break
    if pending:
        writer.write(bytes(pending))
        written += len(pending)
    _check_trailing(reader)
    return written


def armor(data: bytes) -> bytes:
    """Encode an age file in ASCII armor the way ``age -a`` writes it."""
    encoded = base64.b64encode(data)
    lines = [ARMOR_BEGIN]
    for start in range(0, len(encoded), COLUMNS_PER_LINE):
        lines.append(encoded[start : start + COLUMNS_PER_LINE])
    lines.append(ARMOR_END)
    return b"\n".join(lines) + b"\n"


class _ArmorLines:
    """Lines of an armored file without their LF or CRLF, with line numbers."""

    def __init__(self, reader: IO[bytes]) -> None:
        self._reader = reader
        self.number = 0

    def read(self, max_columns: int) -> bytes | None:
        raw = self._reader.readline(max_columns + 2)
        if not raw:
            return None
        self.number += 1
        if not raw.endswith(b"\n") and len(raw) == max_columns + 2:
            raise _too_long(self.number, max_columns)
        line = raw.removesuffix(b"\n").removesuffix(b"\r")
        if len(line) > max_columns:
            raise _too_long(self.number, max_columns)
        return line

    def next_line(self, place: str) -> bytes:
        line = self.read(COLUMNS_PER_LINE)
        if line is None:
            raise _invalid(f"the file ends {place}")
        return line

    def skip_to_begin(self) -> None:
        skipped = 0
        while True:
            line = self.read(MAX_WHITESPACE_BYTES)
            if line is None:
                raise _invalid(
                    f"no line is {ARMOR_BEGIN.decode()}, because the file is "
                    "empty or contains only whitespace"
                )
            if line.strip(_WHITESPACE):
                break
            skipped += len(line) + 1
            if skipped > MAX_WHITESPACE_BYTES:
                raise _invalid(
                    f"more than {MAX_WHITESPACE_BYTES} bytes of whitespace come "
                    "before the BEGIN line"
                )
        if line != ARMOR_BEGIN:
            raise _invalid(
                f"line {self.number} must be exactly {ARMOR_BEGIN.decode()} "
                "with nothing before or after it"
            )


def _decode_line(line: bytes, number: int) -> bytes:
    if not line:
        raise _invalid(f"line {number} is empty")
    # NOTE: Go's base64 decoder skips a CR inside a line, but this one rejects it.
    try:
        return decode_canonical(line, padded=True)
    except ValueError:
        raise _invalid(
            f"line {number} is not canonical padded base64 (spaces, wrong "
            "characters, missing padding or a misplaced line break)"
        ) from None


def _expect_end(lines: _ArmorLines) -> None:
    line = lines.next_line("after the last base64 line, before the END line")
    if line != ARMOR_END:
        raise _invalid(
            f"line {lines.number} must be {ARMOR_END.decode()}, because the "
            "line before it is shorter than 64 columns or padded"
        )


def _check_trailing(reader: IO[bytes]) -> None:
    rest = reader.read(MAX_WHITESPACE_BYTES)
    if rest.strip(_WHITESPACE):
        raise _invalid("there is data after the END line")
    if len(rest) == MAX_WHITESPACE_BYTES:
        raise _invalid(
            f"{MAX_WHITESPACE_BYTES} or more bytes of whitespace follow the END line"
        )


def _too_long(number: int, max_columns: int) -> ArmorError:
    return _invalid(f"line {number} is longer than {max_columns} columns")


def _invalid(detail: str) -> ArmorError:
    return ArmorError(
        f"Invalid armor: {detail}. The armored file was changed or cut short "
        "after it was written. Ask for a new copy."
    )
