"""Prepare the reports of large bundles in a second process.

Checking, digesting and sealing reports (core.prepare) takes most of an
import's time and needs no database, so for a bundle file between
``ImportLimits.parallel_min_bytes`` and ``parallel_max_bytes`` a second
process (core.worker) prepares batches while this one stores the batches
before them. The batches come back in order, so the import stores the same
rows either way, and if the second process cannot start or stops, this one
prepares the rest. Report bytes and contact details pass between the two
processes through pipes, never through a file.
"""

from __future__ import annotations

import logging
import os
import pickle
import select
import subprocess
import sys
from collections import deque
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import psdcli
from psdcli.core.prepare import Prepared, ReportInput, prepare_batch
from psdcli.core.settings import ImportLimits
from psdcli.core.worker import read_frame, write_frame
from psdcli.intake.reports import ReportFile

logger = logging.getLogger(__name__)

# Batches given to the second process at a time. When it has this many, this
# process prepares the next batch itself, so that neither waits long for the
# other.
_BATCHES_AHEAD = 4
# Batches prepared or being prepared but not yet stored, at most, which
# bounds memory together with ImportLimits.batch_bytes.
_MAX_HELD = _BATCHES_AHEAD + 1
# Seconds to wait for the second process to end after its pipes are closed.
_STOP_SECONDS = 5

PreparedBatch = tuple[list[ReportFile], list[Prepared]]


@dataclass
class _Pending:
    """A batch not yet stored: prepared here, or sent to the second process."""

    files: list[ReportFile]
    prepared: list[Prepared] | None


class ReportPreparer:
    """Preparer of batches of report files, in a second process for large bundles.

    Use it as a context manager: leaving the block stops the second process.
    """

    def __init__(self, limits: ImportLimits) -> None:
        self._limits = limits
        self._worker: _Worker | None = None
        self._warnings: list[str] = []

    def __enter__(self) -> ReportPreparer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def parallel(self) -> bool:
        """Whether a second process prepares the reports."""
        return self._worker is not None

    @property
    def worker_pid(self) -> int | None:
        """Process id of the second process, or None when there is none."""
        return None if self._worker is None else self._worker.pid

    def expect_bundle(self, size: int) -> None:
        """Start the second process for a bundle file of ``size`` bytes if it pays.

        It starts before the bundle is decrypted and checked, so that it loads
        its modules in the meantime.
        """
        limits = self._limits
        if self._worker is not None or os.name != "posix" or _usable_cores() < 2:
            return
        if not limits.parallel_min_bytes <= size <= limits.parallel_max_bytes:
            return
        try:
            self._worker = _Worker()
        except OSError as error:
            self._fall_back(f"the second process could not start ({error})")

    def prepare(
        self, batches: Iterable[list[ReportFile]], recipients: Sequence[str]
    ) -> Generator[PreparedBatch, None, None]:
        """Yield each batch with its prepared reports, in the order given.

        If the second process stops, this process prepares the batches that
        it had not returned, and the rest.
        """
        pending: deque[_Pending] = deque()
        try:
            for files in batches:
                item = _Pending(files, None)
                sent = sum(1 for held in pending if held.prepared is None)
                if not (sent < _BATCHES_AHEAD and self._send(files, recipients)):
                    # The second process is busy or gone, so this one does it.
                    item.prepared = self._prepare_here(files, recipients)
                pending.append(item)
                while pending and (
                    self._is_ready(pending[0]) or len(pending) > _MAX_HELD
                ):
                    yield self._take(pending.popleft(), recipients)
            while pending:
                yield self._take(pending.popleft(), recipients)
        finally:
            if any(item.prepared is None for item in pending):
                # A bundle that failed part-way leaves replies in the pipe,
                # which the next bundle would read as its own. The next large
                # bundle starts a new process instead.
                self.close()

    def take_warnings(self) -> list[str]:
        """Return and forget the warnings about the second process."""
        warnings, self._warnings = self._warnings, []
        return warnings

    def close(self) -> None:
        """Stop the second process, dropping any batch not yet prepared."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()

    def _prepare_here(
        self, files: list[ReportFile], recipients: Sequence[str]
    ) -> list[Prepared]:
        return prepare_batch(_inputs(files), recipients, self._limits)

    def _send(self, files: list[ReportFile], recipients: Sequence[str]) -> bool:
        """Send a batch to the second process; return False if there is none."""
        if self._worker is None:
            return False
        request = (_inputs(files), tuple(recipients), self._limits)
        try:
            self._worker.send(pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as error:
            self._fall_back(f"the second process stopped ({error})")
            return False
        return True

    def _is_ready(self, item: _Pending) -> bool:
        if item.prepared is not None or self._worker is None:
            return True
        return self._worker.has_reply()

    def _take(self, item: _Pending, recipients: Sequence[str]) -> PreparedBatch:
        if item.prepared is not None:
            return item.files, item.prepared
        reply = None if self._worker is None else self._worker.receive()
        if reply is None:
            if self._worker is not None:
                self._fall_back("the second process stopped")
            return item.files, self._prepare_here(item.files, recipients)
        status, value = reply
        if status != "ok":
            raise value
        prepared: list[Prepared] = value
        return item.files, prepared

    def _fall_back(self, reason: str) -> None:
        # The import goes on in this process, as it does for a small bundle.
        message = f"{reason}; the import went on in one process"
        logger.warning(message)
        self._warnings.append(message)
        self.close()


class _Worker:
    """The second process and the pipes to it."""

    def __init__(self) -> None:
        # The process starts in a session of its own, so that a Ctrl-C at the
        # terminal reaches only this process, which then stops it.
        package_root = str(Path(psdcli.__file__).resolve().parent.parent)
        path = os.pathsep.join(
            part for part in (package_root, os.environ.get("PYTHONPATH")) if part
        )
        debug = os.environ.get("PSDCLI_DEBUG") == "1"
        self._process = subprocess.Popen(
            [sys.executable, "-m", "psdcli.core.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if debug else subprocess.DEVNULL,
            bufsize=0,
            start_new_session=True,
            env={**os.environ, "PYTHONPATH": path},
        )

    @property
    def pid(self) -> int:
        """Process id of the second process."""
        return self._process.pid

    def send(self, payload: bytes) -> None:
        """Send one request; raise OSError when the process has gone."""
        write_frame(_pipe(self._process.stdin), payload)

    def has_reply(self) -> bool:
        """Return whether a reply, or the end of the stream, can be read now."""
        stream = _pipe(self._process.stdout)
        readable, _, _ = select.select([stream], [], [], 0)
        return bool(readable)

    def receive(self) -> tuple[str, Any] | None:
        """Return the next reply, or None when the process has gone."""
        try:
            frame = read_frame(_pipe(self._process.stdout))
        except OSError:
            return None
        if frame is None:
            return None
        reply: tuple[str, Any] = pickle.loads(frame)  # noqa: S301 - our own child
        return reply

    def stop(self) -> None:
        """Close the pipes, so that the process ends, and wait for it."""
        try:
            for stream in (self._process.stdin, self._process.stdout):
                if stream is not None:
                    stream.close()
            self._process.wait(timeout=_STOP_SECONDS)
        except (OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait()


def _pipe(stream: IO[bytes] | None) -> IO[bytes]:
    if stream is None:
        raise OSError("the pipe to the second process is closed")
    return stream


def _inputs(files: Sequence[ReportFile]) -> list[ReportInput]:
    return [ReportInput(file.path, file.raw, file.attachment_paths) for file in files]


def _usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
