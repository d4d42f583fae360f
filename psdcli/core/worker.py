"""The second import process: prepares the batches of reports sent to it.

core.preparer runs it as ``python -m psdcli.core.worker`` in a session of
its own, so that a Ctrl-C at the terminal reaches only the first process.
Each request on standard input and each reply on standard output is one
frame: an 8-byte big-endian length, then a pickle. A request is a tuple
(inputs, recipients, limits) for ``prepare_batch``; the reply is ("ok",
prepared reports) or ("error", exception). The process ends when its
standard input ends, which happens when the first process closes it or
dies, and when its standard output breaks.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import sys
import threading
from typing import IO

HEADER = struct.Struct(">Q")


def write_frame(stream: IO[bytes], payload: bytes) -> None:
    """Write one frame and flush it."""
    stream.write(HEADER.pack(len(payload)) + payload)
    stream.flush()


def read_frame(stream: IO[bytes]) -> bytes | None:
    """Read one frame; return None at the end of the stream or a cut frame."""
    header = _read_exactly(stream, HEADER.size)
    if header is None:
        return None
    (length,) = HEADER.unpack(header)
    return _read_exactly(stream, length)


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    parts = []
    while size > 0:
        part = stream.read(size)
        if not part:
            return None
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def main() -> None:
    """Serve requests until standard input ends."""
    from psdcli.core.prepare import prepare_batch

    requests: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # Only frames may reach standard output; a stray print goes to stderr.
    sys.stdout = sys.stderr
    # A thread reads the requests as they arrive. The first process writes a
    # request while this one may be writing a reply, and neither then waits
    # for the other to read.
    threading.Thread(target=_read_all, args=(stdin, requests), daemon=True).start()
    try:
        while (request := requests.get()) is not None:
            inputs, recipients, limits = pickle.loads(request)  # noqa: S301
            try:
                reply: tuple[str, object] = (
                    "ok",
                    prepare_batch(inputs, recipients, limits),
                )
            except Exception as error:  # Sent to the first process to raise.
                reply = ("error", error)
            write_frame(stdout, pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))
    except BrokenPipeError:
        pass  # The first process stopped reading: it has stopped.
    # Exit at once: nothing is left to flush, and the reader thread may be
    # blocked in a read.
    os._exit(0)


def _read_all(stream: IO[bytes], requests: queue.SimpleQueue[bytes | None]) -> None:
    while (frame := read_frame(stream)) is not None:
        requests.put(frame)
    requests.put(None)


if __name__ == "__main__":
    main()
