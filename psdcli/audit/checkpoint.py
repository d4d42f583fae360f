"""The checkpoint that ends every audit export.

A checkpoint records what an export contains (its filters, the count and the
first and last sequence numbers) and the head of the chain in the database
when it was written. JSON Lines exports end with it as
``{"checkpoint": {...}}``; CSV exports keep the same object in a sidecar
file, or print it on stderr when the CSV goes to stdout.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from psdcli.audit.filters import AuditFilter

FORMAT = "psdcli-audit-export/1"
CHECKPOINT_KEY = "checkpoint"

_HEX_HASH = re.compile(r"[0-9a-f]{64}")
_KEYS = frozenset(
    {
        "format",
        "exported_at",
        "filters",
        "count",
        "first_sequence",
        "last_sequence",
        "head_sequence",
        "head_hash",
        "disclosure_sequence",
        "tool_version",
    }
)


@dataclass(frozen=True)
class Checkpoint:
    """The summary line of an export and the database head it was taken from.

    ``first_sequence`` and ``last_sequence`` are None when no event matched.
    ``disclosure_sequence`` is the event that logged this export.
    """

    exported_at: str
    filters: AuditFilter
    count: int
    first_sequence: int | None
    last_sequence: int | None
    head_sequence: int
    head_hash: str
    disclosure_sequence: int | None
    tool_version: str

    def to_json(self) -> dict[str, Any]:
        """Return the checkpoint object, without the outer ``checkpoint`` key."""
        return {
            "format": FORMAT,
            "exported_at": self.exported_at,
            "filters": self.filters.to_json(),
            "count": self.count,
            "first_sequence": self.first_sequence,
            "last_sequence": self.last_sequence,
            "head_sequence": self.head_sequence,
            "head_hash": self.head_hash,
            "disclosure_sequence": self.disclosure_sequence,
            "tool_version": self.tool_version,
        }

    def to_line(self) -> str:
        """Return the checkpoint as one JSON line without the line break."""
        return json.dumps(
            {CHECKPOINT_KEY: self.to_json()},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )


def parse_checkpoint(data: Mapping[str, Any]) -> Checkpoint:
    """Build a Checkpoint from the object under ``checkpoint``.

    Raises ValueError naming the first key that is missing or malformed.
    """
    if set(data) != _KEYS:
        missing = sorted(_KEYS - set(data))
        unexpected = sorted(set(data) - _KEYS)
        raise ValueError(
            f"the checkpoint has missing keys {missing} or unexpected keys {unexpected}"
        )
    if data["format"] != FORMAT:
        raise ValueError(f"the checkpoint format is not {FORMAT!r}")
    if not isinstance(data["head_hash"], str) or not _HEX_HASH.fullmatch(
        data["head_hash"]
    ):
        raise ValueError("the checkpoint head_hash is not 64 lower-case hex digits")
    if not isinstance(data["filters"], Mapping):
        raise ValueError("the checkpoint filters are not an object")
    return Checkpoint(
        exported_at=_text(data, "exported_at"),
        filters=AuditFilter.from_json(data["filters"]),
        count=_count(data, "count"),
        first_sequence=_optional_count(data, "first_sequence"),
        last_sequence=_optional_count(data, "last_sequence"),
        head_sequence=_count(data, "head_sequence"),
        head_hash=data["head_hash"],
        disclosure_sequence=_optional_count(data, "disclosure_sequence"),
        tool_version=_text(data, "tool_version"),
    )


def describe_key_mismatch(expected: Iterable[str], found: Iterable[str]) -> str:
    """Return "missing keys [...]" and/or "unexpected keys [...]" for two key sets."""
    missing = sorted(set(expected) - set(found))
    unexpected = sorted(set(found) - set(expected))
    parts = []
    if missing:
        parts.append(f"missing keys {missing}")
    if unexpected:
        parts.append(f"unexpected keys {unexpected}")
    return " and ".join(parts)


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise ValueError(f"the checkpoint {key} is not text")
    return value


def _count(data: Mapping[str, Any], key: str) -> int:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"the checkpoint {key} is not a whole number")
    return value


def _optional_count(data: Mapping[str, Any], key: str) -> int | None:
    return None if data[key] is None else _count(data, key)
