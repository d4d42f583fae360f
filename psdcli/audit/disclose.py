"""Run an audit export: create the output, log the disclosure, write the events.

The disclosure event is committed before any event is written, so that an
export that cannot be logged discloses nothing. If writing fails afterwards,
the partly written files are removed but the disclosure event stays, which
records the attempt.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from sqlmodel import Session

from psdcli.audit import export
from psdcli.audit.checkpoint import CHECKPOINT_KEY, Checkpoint
from psdcli.audit.errors import ExportError
from psdcli.audit.filters import AuditFilter
from psdcli.audit.log import record_event
from psdcli.storage.database import Database

FORMATS = ("jsonl", "csv")
STDOUT_RECIPIENT = "stdout"
ACTION = "audit.export"


@dataclass(frozen=True)
class ExportRequest:
    """What to export, where to, who requests it and why.

    ``path`` None means the caller's stream, usually stdout.
    """

    analyst: str
    filters: AuditFilter
    format: str = "jsonl"
    path: Path | None = None
    bom: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class ExportOutcome:
    """The checkpoint written, the logged recipient and any CSV sidecar file."""

    checkpoint: Checkpoint
    recipient: str
    format: str
    checkpoint_path: Path | None


def sidecar_path(path: Path) -> Path:
    """Return the checkpoint file that accompanies a CSV export at ``path``."""
    return path.with_name(path.name + ".checkpoint.json")


def run_export(
    database: Database, request: ExportRequest, stream: BinaryIO | None = None
) -> ExportOutcome:
    """Export audit events as ``request`` describes and log it as a disclosure.

    Files are created with mode 0600 and never overwrite an existing file.
    With no ``request.path`` the export goes to ``stream``. Raises
    ExportError when an output file exists or cannot be created.
    """
    if request.format not in FORMATS:
        raise ValueError(f"unknown export format {request.format!r}")
    recipient = STDOUT_RECIPIENT
    if request.path is not None:
        recipient = str(request.path.absolute())
    with ExitStack() as stack:
        out, sidecar = _open_outputs(stack, request, stream)
        sequence = _record_disclosure(database, request, recipient)
        with database.read_session() as session:
            checkpoint = _write_events(session, request, out, sequence)
        if sidecar is not None:
            sidecar.write(json.dumps({CHECKPOINT_KEY: checkpoint.to_json()}, indent=2))
            sidecar.write("\n")
    checkpoint_path = None
    if request.path is not None and request.format == "csv":
        checkpoint_path = sidecar_path(request.path)
    return ExportOutcome(checkpoint, recipient, request.format, checkpoint_path)


def _open_outputs(
    stack: ExitStack, request: ExportRequest, stream: BinaryIO | None
) -> tuple[TextIO, TextIO | None]:
    if request.path is None:
        if stream is None:
            raise ValueError("no output path and no stream given")
        return stack.enter_context(_wrap_stream(stream)), None
    out = stack.enter_context(_new_private_file(request.path))
    if request.format != "csv":
        return out, None
    return out, stack.enter_context(_new_private_file(sidecar_path(request.path)))


def _record_disclosure(
    database: Database, request: ExportRequest, recipient: str
) -> int:
    filters = request.filters.to_json()
    details = {
        "format": request.format,
        "bom": request.bom,
        "filter_since": filters["since"],
        "filter_before": filters["before"],
        "filter_analyst": filters["analyst"],
        "filter_operation": filters["operation"],
    }
    with database.write_session() as session:
        event = record_event(
            session,
            analyst=request.analyst,
            operation="disclosure",
            action=ACTION,
            case_reference=request.filters.case_reference,
            recipient=recipient,
            reason=request.reason,
            details=details,
        )
        return event.sequence


def _write_events(
    session: Session, request: ExportRequest, out: TextIO, sequence: int
) -> Checkpoint:
    if request.format == "csv":
        return export.export_csv(
            session, request.filters, out, bom=request.bom, disclosure_sequence=sequence
        )
    return export.export_jsonl(
        session, request.filters, out, disclosure_sequence=sequence
    )


@contextmanager
def _new_private_file(path: Path) -> Iterator[TextIO]:
    """Create ``path`` with mode 0600, yield it for text, and remove it on error."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ExportError(
            f"{path} already exists; exports never overwrite a file, so choose "
            "another name with -o."
        ) from None
    except OSError as error:
        raise ExportError(
            f"cannot create {path}: {error.strerror}; choose a writable location."
        ) from None
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as handle:
            yield handle
    except BaseException:
        path.unlink(missing_ok=True)
        raise


@contextmanager
def _wrap_stream(stream: BinaryIO) -> Iterator[TextIO]:
    """Yield a UTF-8 text view of ``stream`` and leave the stream open."""
    wrapper = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    try:
        yield wrapper
    finally:
        wrapper.flush()
        wrapper.detach()
