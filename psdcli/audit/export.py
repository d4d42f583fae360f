"""Stream audit events to JSON Lines or CSV, ending with a checkpoint.

Both writers read the chain head first and then stream only events up to
it, ``query.CHUNK_SIZE`` rows at a time, so memory does not grow with the
number of events and the checkpoint describes exactly what was written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TextIO

from sqlalchemy import Row
from sqlmodel import Session

from psdcli import __version__
from psdcli.audit import chain, query
from psdcli.audit.checkpoint import Checkpoint
from psdcli.audit.csvsafe import SafeWriter
from psdcli.audit.filters import AuditFilter
from psdcli.storage.types import utc_now

CSV_COLUMNS = (
    "sequence",
    "occurred_at",
    "analyst",
    "operation",
    "action",
    "case_reference",
    "bundle_id",
    "recipient",
    "reason",
    "details",
    "event_id",
    "tool_version",
    "prev_hash",
    "hash",
)

BYTE_ORDER_MARK = "\ufeff"


@dataclass
class _Tally:
    count: int = 0
    first: int | None = None
    last: int | None = None

    def add(self, sequence: int) -> None:
        self.count += 1
        self.first = sequence if self.first is None else self.first
        self.last = sequence


def export_jsonl(
    session: Session,
    filters: AuditFilter,
    out: TextIO,
    *,
    disclosure_sequence: int | None = None,
) -> Checkpoint:
    """Write matching events as JSON Lines, then the checkpoint line.

    Each event line is the canonical encoding of the event plus its ``hash``
    (see ``psdcli.audit.chain``). Returns the checkpoint written.
    """
    head = query.read_head(session)
    tally = _Tally()
    for row in query.iter_events(session, filters, max_sequence=head.sequence):
        out.write(chain.export_line(chain.event_fields(row), row.hash))
        out.write("\n")
        tally.add(row.sequence)
    checkpoint = _checkpoint(filters, tally, head, disclosure_sequence)
    out.write(checkpoint.to_line())
    out.write("\n")
    return checkpoint


def export_csv(
    session: Session,
    filters: AuditFilter,
    out: TextIO,
    *,
    bom: bool = False,
    disclosure_sequence: int | None = None,
) -> Checkpoint:
    """Write matching events as CSV with one header row; return the checkpoint.

    ``out`` should be opened with ``newline=""``, as the csv module expects.
    ``bom`` writes a UTF-8 byte order mark first, which Excel needs to read
    the file as UTF-8. Text cells are neutralised as ``psdcli.audit.csvsafe``
    describes, and ``details`` is written as one JSON object per cell. The
    caller stores the checkpoint, because a CSV file has no place for it.
    """
    if bom:
        out.write(BYTE_ORDER_MARK)
    writer = SafeWriter(out)
    writer.writerow(CSV_COLUMNS)
    head = query.read_head(session)
    tally = _Tally()
    for row in query.iter_events(session, filters, max_sequence=head.sequence):
        writer.writerow(_csv_cells(row))
        tally.add(row.sequence)
    return _checkpoint(filters, tally, head, disclosure_sequence)


def _csv_cells(row: Row[Any]) -> list[object]:
    fields = chain.event_fields(row)
    fields["hash"] = row.hash
    fields["details"] = json.dumps(
        fields["details"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return [fields[name] for name in CSV_COLUMNS]


def _checkpoint(
    filters: AuditFilter,
    tally: _Tally,
    head: query.ChainHead,
    disclosure_sequence: int | None,
) -> Checkpoint:
    return Checkpoint(
        exported_at=chain.format_timestamp(utc_now()),
        filters=filters,
        count=tally.count,
        first_sequence=tally.first,
        last_sequence=tally.last,
        head_sequence=head.sequence,
        head_hash=head.hash,
        disclosure_sequence=disclosure_sequence,
        tool_version=__version__,
    )
