"""Read archive members in chunks, enforcing the limits on the bytes produced.

Declared sizes come from the archive and can be false. So the per-member size
and ratio limits are checked again on the bytes that decompression produces,
and no member may produce more bytes than it declares, which keeps the total
within the limit checked on the declared sizes.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Iterator

from psdcli.core.errors import ArchiveError
from psdcli.core.settings import ImportLimits
from psdcli.intake.layout import reject_member
from psdcli.intake.members import check_ratio

CHUNK_BYTES = 64 * 1024

# Exceptions that zipfile and zlib raise for a damaged member: a bad CRC or
# header, truncated or invalid deflate data, an offset zipfile cannot seek to
# (ValueError), or a feature zipfile cannot read.
_READ_ERRORS = (
    zipfile.BadZipFile,
    EOFError,
    zlib.error,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


class MemberReader:
    """Reader of the members of one open archive."""

    def __init__(self, archive: zipfile.ZipFile, limits: ImportLimits) -> None:
        self._archive = archive
        self._limits = limits

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """Decompress a member into memory, checking every limit on the way."""
        return b"".join(self._chunks(info))

    def digest(self, info: zipfile.ZipInfo) -> tuple[str, int]:
        """Compute a member's SHA-256 (lowercase hex) and size in constant memory."""
        sha256 = hashlib.sha256()
        size = 0
        for chunk in self._chunks(info):
            sha256.update(chunk)
            size += len(chunk)
        return sha256.hexdigest(), size

    def read_expected(self, info: zipfile.ZipInfo, sha256: str, size: int) -> bytes:
        """Decompress a member and check its size and SHA-256 against the manifest."""
        data = self.read(info)
        if len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
            raise ArchiveError(
                f"archive member {info.filename!r} changed after its checksum was "
                "verified; import the bundle again from the original file"
            )
        return data

    def _chunks(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        name = info.orig_filename
        size = 0
        try:
            with self._archive.open(info) as stream:
                while chunk := stream.read(CHUNK_BYTES):
                    size += len(chunk)
                    self._check_size(info, size)
                    yield chunk
        except _READ_ERRORS as error:
            raise reject_member(
                name, f"is damaged and cannot be read ({error})"
            ) from None
        if size != info.file_size:
            raise reject_member(
                name,
                f"decompresses to {size} bytes, but the archive declares "
                f"{info.file_size}",
            )

    def _check_size(self, info: zipfile.ZipInfo, size: int) -> None:
        name = info.orig_filename
        if size > info.file_size:
            raise reject_member(
                name,
                f"decompresses to more than the {info.file_size} bytes the archive "
                "declares",
            )
        if size > self._limits.max_member_bytes:
            raise reject_member(
                name,
                f"decompresses to more than the per-member limit of "
                f"{self._limits.max_member_bytes} bytes",
            )
        check_ratio(name, size, info.compress_size, self._limits)
