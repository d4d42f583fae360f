"""Keep each imported bundle file, still encrypted, beside the database.

The kept file is named by its SHA-256, which is also stored in the bundle's
row, so that any import can be repeated or proven later.
"""

from __future__ import annotations

import os
import shutil
import tempfile
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
        copy.created = _copy_private(source, target)
    try:
        yield copy
    except BaseException:
        copy.discard()
        raise


def _copy_private(source: Path, target: Path) -> bool:
    """Copy ``source`` to ``target``; return False if another import made it first.

    The copy is written under a name of its own and then linked to ``target``,
    which fails if ``target`` exists. So, on file systems with hard links, two
    imports of the same file at once do not remove each other's copy.
    """
    descriptor, partial_name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
    )
    partial = Path(partial_name)
    try:
        with os.fdopen(descriptor, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(partial, target)
        except FileExistsError:
            return False
        except OSError:
            # A file system without hard links: replace, which cannot tell
            # whether another import made the file first.
            os.replace(partial, target)
        return True
    except OSError as error:
        raise BundleError(
            f"cannot keep a copy of {source} in {target.parent}: "
            f"{error.strerror}; check free space and permissions."
        ) from None
    finally:
        partial.unlink(missing_ok=True)
