"""Private temporary storage for decrypted plaintext."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO

from psdcli.core.errors import ConfigError


def new_spool(spool_bytes: int, spool_dir: Path | None = None) -> IO[bytes]:
    """Return an empty temporary file for plaintext that other users cannot read.

    The first ``spool_bytes`` stay in memory, and ``spool_bytes`` 0 means none
    do. Beyond that the data moves to ``tempfile.TemporaryFile``, which on Linux
    opens an unnamed O_TMPFILE file with mode 0600 in ``spool_dir`` (default:
    the system temporary folder). The file has no name, and the kernel frees it
    when it is closed or the process ends, even by SIGKILL.
    """
    # NOTE: on file systems without O_TMPFILE, Python creates a named 0600 file
    # and unlinks it at once, so a kill in between leaves it behind. A private
    # spool_dir keeps such a file out of other users' reach.
    directory = None if spool_dir is None else str(_private_dir(spool_dir))
    if spool_bytes == 0:
        return tempfile.TemporaryFile(dir=directory)
    return tempfile.SpooledTemporaryFile(max_size=spool_bytes, dir=directory)


def _private_dir(path: Path) -> Path:
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = path.stat()
    except OSError as exc:
        raise ConfigError(
            f"Cannot create the temporary folder {path}: {exc.strerror}."
        ) from None
    if status.st_uid != os.getuid() or status.st_mode & 0o077:
        raise ConfigError(
            f"The temporary folder {path} is open to other users "
            f"(mode {status.st_mode & 0o777:o}). Run 'chmod 700 {path}' if it "
            "is yours, or choose another folder."
        )
    return path
