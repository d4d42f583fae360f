"""Keep each imported bundle file, still encrypted, beside the database.

The kept file is named by its SHA-256, which is also stored in the bundle's
row, so that any import can be repeated or proven later.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from psdcli.core.errors import BundleError
from psdcli.storage.location import ensure_private_dir


def stored_name(file_sha256: str) -> str:
    """Return the file name under which a bundle with this hash is kept."""
    return f"{file_sha256}.age"


@dataclass
class KeptCopy:
    """A kept bundle file that this import created, or found already there."""

    path: Path
    created: bool

    def discard(self) -> None:
        """Remove the copy if this import created it."""
        if self.created:
            self.path.unlink(missing_ok=True)
            self.created = False


@contextmanager
def kept_copy(source: Path, folder: Path, name: str) -> Iterator[KeptCopy]:
    """Copy ``source`` into ``folder`` and remove the copy if the block fails."""
    ensure_private_dir(folder)
    target = folder / name
    copy = KeptCopy(target, created=False)
    if not target.exists():
        _copy_private(source, target)
        copy.created = True
    try:
        yield copy
    except BaseException:
        copy.discard()
        raise


def _copy_private(source: Path, target: Path) -> None:
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BundleError(
            f"cannot keep a copy of {source} in {target.parent}: "
            f"{error.strerror}; check free space and permissions."
        ) from None
