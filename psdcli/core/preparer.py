"""Prepare the reports of large bundles in a second process.

Checking, digesting and sealing reports (core.prepare) takes most of an
import's time and needs no database, so for a bundle file between
``ImportLimits.parallel_min_bytes`` and ``parallel_max_bytes`` a second
process prepares batches while this one stores the batches before them.
The batches come back in order, so the import stores the same rows either
way, and if the second process cannot start or stops, this one prepares the
rest. Report bytes and contact details pass between the two processes
through a pipe, never through a file.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from psdcli.core.prepare import Prepared, ReportInput, prepare_batch, warm_up
from psdcli.core.settings import ImportLimits
from psdcli.intake.reports import ReportFile

logger = logging.getLogger(__name__)

# Batches given to the second process at a time. When it has this many, this
# process prepares the next batch itself, so that neither waits long for the
# other.
_BATCHES_AHEAD = 4
# Batches prepared but not yet stored, at most, to keep memory bounded.
_MAX_HELD = 6

PreparedBatch = tuple[list[ReportFile], list[Prepared]]
# A batch's prepared reports, or the future of the second process's work.
_Result = list[Prepared] | Future[list[Prepared]]


class ReportPreparer:
    """Preparer of batches of report files, in a second process for large bundles.

    Use it as a context manager: leaving the block stops the second process.
    """

    def __init__(self, limits: ImportLimits) -> None:
        self._limits = limits
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> ReportPreparer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def parallel(self) -> bool:
        """Whether a second process prepares the reports."""
        return self._executor is not None

    def expect_bundle(self, size: int) -> None:
        """Start the second process for a bundle file of ``size`` bytes if it pays.

        It starts before the bundle is decrypted and checked, so that it loads
        its modules in the meantime.
        """
        limits = self._limits
        if self._executor is not None or _usable_cores() < 2:
            return
        if not limits.parallel_min_bytes <= size <= limits.parallel_max_bytes:
            return
        try:
            self._executor = _start_executor()
        except OSError as error:
            # The import still works in this process, only more slowly.
            logger.warning(
                "cannot start a second process (%s); importing in one", error
            )

    def prepare(
        self, batches: Iterable[list[ReportFile]], recipients: Sequence[str]
    ) -> Iterator[PreparedBatch]:
        """Yield each batch with its prepared reports, in the order given.

        If the second process stops, this process prepares the batches that
        it had not returned, and the rest.
        """
        pending: deque[tuple[list[ReportFile], _Result]] = deque()
        for files in batches:
            if self._executor is not None and _in_flight(pending) < _BATCHES_AHEAD:
                result = self._submit(self._executor, files, recipients)
            else:
                # The second process is busy or gone, so this one prepares it.
                result = self._prepare_here(files, recipients)
            pending.append((files, result))
            while pending and (_is_ready(pending[0][1]) or len(pending) > _MAX_HELD):
                yield self._result(*pending.popleft(), recipients)
        while pending:
            yield self._result(*pending.popleft(), recipients)

    def close(self) -> None:
        """Stop the second process, dropping any batch not yet prepared."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _prepare_here(
        self, files: list[ReportFile], recipients: Sequence[str]
    ) -> list[Prepared]:
        return prepare_batch(_inputs(files), recipients, self._limits)

    def _submit(
        self,
        executor: ProcessPoolExecutor,
        files: list[ReportFile],
        recipients: Sequence[str],
    ) -> _Result:
        try:
            return executor.submit(
                prepare_batch, _inputs(files), tuple(recipients), self._limits
            )
        except BrokenProcessPool:
            self._stopped()
            return self._prepare_here(files, recipients)

    def _result(
        self, files: list[ReportFile], result: _Result, recipients: Sequence[str]
    ) -> PreparedBatch:
        if not isinstance(result, Future):
            return files, result
        try:
            return files, result.result()
        except BrokenProcessPool:
            self._stopped()
            return files, self._prepare_here(files, recipients)

    def _stopped(self) -> None:
        # A pool whose process died takes no more work, so it is closed. The
        # import goes on in this process, as it does for a small bundle.
        if self._executor is not None:
            logger.warning(
                "the second process that prepares reports stopped; "
                "going on in one process"
            )
            self.close()


def _in_flight(pending: Iterable[tuple[list[ReportFile], _Result]]) -> int:
    return sum(
        1 for _, result in pending if isinstance(result, Future) and not result.done()
    )


def _is_ready(result: _Result) -> bool:
    return not isinstance(result, Future) or result.done()


def _start_executor() -> ProcessPoolExecutor:
    """Start the second process; raise OSError when it cannot start."""
    executor = ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_ignore_interrupts,
    )
    # The first task starts the process. Interrupts are ignored while it
    # starts, and the new interpreter keeps ignoring them, so that Ctrl-C
    # reaches only this process and never prints the other's traceback.
    try:
        with _interrupts_ignored():
            executor.submit(warm_up)
    except OSError:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    return executor


def _inputs(files: Sequence[ReportFile]) -> list[ReportInput]:
    return [ReportInput(file.path, file.raw, file.attachment_paths) for file in files]


def _usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _interrupts_ignored() -> Iterator[None]:
    """Ignore SIGINT inside the block. Python sets handlers in the main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)
