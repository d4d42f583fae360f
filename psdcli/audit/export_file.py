"""Read a JSON Lines audit export strictly, one line at a time.

Every line ends with a line feed. Each line but the last is one event: its
chained fields plus ``hash``. The last line is ``{"checkpoint": {...}}``.
Duplicate keys, NaN and lines longer than ``MAX_LINE_BYTES`` are rejected.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from psdcli.audit.chain import CHAINED_FIELDS
from psdcli.audit.checkpoint import (
    CHECKPOINT_KEY,
    Checkpoint,
    describe_key_mismatch,
    parse_checkpoint,
)

# Far above the longest event that record_event accepts (about 12,500
# characters of text, at most 4 bytes each in UTF-8), so only a damaged or
# hostile file reaches it.
MAX_LINE_BYTES = 256 * 1024

_EVENT_KEYS = frozenset((*CHAINED_FIELDS, "hash"))
_HEX_HASH = re.compile(r"[0-9a-f]{64}")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
_REQUIRED_TEXT = ("action", "analyst", "event_id", "operation", "tool_version")
_OPTIONAL_TEXT = ("bundle_id", "case_reference", "reason", "recipient")


class ExportFormatError(ValueError):
    """A line of the export is not a well-formed event or checkpoint."""

    def __init__(self, line: int | None, problem: str) -> None:
        where = "the file" if line is None else f"line {line}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class EventRecord:
    """One event line: its chained fields, its stored hash and its line number."""

    line: int
    fields: dict[str, Any]
    hash: str


def read_checkpoint(path: Path) -> Checkpoint:
    """Return the checkpoint on the last line, or raise ExportFormatError."""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if size == 0:
            raise ExportFormatError(None, "the file is empty")
        start = max(0, size - MAX_LINE_BYTES - 1)
        handle.seek(start)
        tail = handle.read()
    if not tail.endswith(b"\n"):
        raise ExportFormatError(
            None, "the last line has no line break, so the export may be truncated"
        )
    body = tail[:-1]
    if start > 0 and b"\n" not in body:
        raise ExportFormatError(None, "the last line is too long to be a checkpoint")
    record = _parse_json(body.rsplit(b"\n", 1)[-1], None)
    if set(record) != {CHECKPOINT_KEY} or not isinstance(record[CHECKPOINT_KEY], dict):
        raise ExportFormatError(
            None, "the last line is not a checkpoint, so the export may be truncated"
        )
    try:
        return parse_checkpoint(record[CHECKPOINT_KEY])
    except ValueError as error:
        raise ExportFormatError(None, str(error)) from None


def iter_event_records(path: Path) -> Iterator[EventRecord]:
    """Yield every event line before the final checkpoint line, in file order."""
    with path.open("rb") as handle:
        lines = _numbered_lines(handle)
        pending = next(lines, None)
        while pending is not None:
            following = next(lines, None)
            if following is None:
                return  # the last line is the checkpoint
            yield _parse_event(*pending)
            pending = following


def _numbered_lines(handle: BinaryIO) -> Iterator[tuple[int, bytes]]:
    number = 0
    while raw := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise ExportFormatError(number, f"longer than {MAX_LINE_BYTES} bytes")
        yield number, raw.rstrip(b"\n")


def _parse_event(line: int, raw: bytes) -> EventRecord:
    record = _parse_json(raw, line)
    if CHECKPOINT_KEY in record:
        raise ExportFormatError(line, "a checkpoint appears before the last line")
    if set(record) != _EVENT_KEYS:
        raise ExportFormatError(line, describe_key_mismatch(_EVENT_KEYS, record))
    _check_event_types(line, record)
    stored_hash = record.pop("hash")
    return EventRecord(line=line, fields=record, hash=stored_hash)


def _check_event_types(line: int, record: dict[str, Any]) -> None:
    sequence = record["sequence"]
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1:
        raise ExportFormatError(line, "sequence is not a positive whole number")
    for key in ("hash", "prev_hash"):
        if not isinstance(record[key], str) or not _HEX_HASH.fullmatch(record[key]):
            raise ExportFormatError(line, f"{key} is not 64 lower-case hex digits")
    if not isinstance(record["occurred_at"], str) or not _TIMESTAMP.fullmatch(
        record["occurred_at"]
    ):
        raise ExportFormatError(line, "occurred_at is not RFC 3339 UTC with 'Z'")
    if not isinstance(record["details"], dict):
        raise ExportFormatError(line, "details is not an object")
    for key in _REQUIRED_TEXT:
        if not isinstance(record[key], str):
            raise ExportFormatError(line, f"{key} is not text")
    for key in _OPTIONAL_TEXT:
        if record[key] is not None and not isinstance(record[key], str):
            raise ExportFormatError(line, f"{key} is neither text nor null")


def _parse_json(raw: bytes, line: int | None) -> dict[str, Any]:
    try:
        value = json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_reject_duplicate_keys,
            parse_constant=_reject_constant,
        )
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as error:
        raise ExportFormatError(line, f"not valid UTF-8 JSON ({error})") from None
    if not isinstance(value, dict):
        raise ExportFormatError(line, "not a JSON object")
    return value


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")
