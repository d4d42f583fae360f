"""Checks on the ZIP structure, made before any member is decompressed.

``check_directory_size`` reads the end-of-central-directory record itself,
because ``zipfile.ZipFile`` loads the whole central directory into memory as
soon as it opens: a hostile archive could otherwise list millions of members
before the member count is checked. ``check_members`` then checks each
member's name, type, flags, compression method and declared sizes.
"""

from __future__ import annotations

import stat
import struct
import unicodedata
import zipfile
from typing import IO

from psdcli.core.errors import ArchiveError
from psdcli.core.settings import ImportLimits
from psdcli.intake.layout import MemberKind, classify_member_name, reject_member

# End-of-central-directory records, laid out as zipfile (Python 3.11) reads them.
_END_RECORD = struct.Struct("<4s4H2LH")
_END_RECORD_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_END_RECORD = struct.Struct("<4sQ2H2L4Q")
_ZIP64_END_RECORD_SIGNATURE = b"PK\x06\x06"
# zipfile searches this far back from the end for the end record.
_END_RECORD_SEARCH_BYTES = 1 << 16
_LOCAL_HEADER_BYTES = 30

_FLAG_ENCRYPTED = 0x1
_FLAG_STRONG_ENCRYPTION = 0x40
_FLAG_UTF8_NAME = 0x800
_ALLOWED_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}

# Members up to this size are exempt from the compression ratio limit: a
# small text file of repeated characters compresses far beyond the limit and
# cannot cost much to decompress.
RATIO_EXEMPT_BYTES = 1024 * 1024

NOT_A_ZIP = (
    "the decrypted bundle is not a ZIP archive; check that the file is an "
    "intake bundle and ask the sender to export it again"
)


def check_directory_size(plaintext: IO[bytes], limits: ImportLimits) -> int:
    """Return the number of members, raising ArchiveError over the limits.

    The end record is found the way zipfile finds it (Python 3.11), so both
    read the same sizes.
    """
    entries, directory_bytes = _read_end_record(plaintext)
    if entries > limits.max_members:
        raise ArchiveError(
            f"the bundle has {entries} archive members, over the limit of "
            f"{limits.max_members}; ask the sender to split the export"
        )
    if directory_bytes > limits.max_central_directory_bytes:
        raise ArchiveError(
            f"the bundle's ZIP central directory is {directory_bytes} bytes, over "
            f"the limit of {limits.max_central_directory_bytes}; ask the sender to "
            "split the export"
        )
    return entries


def check_members(
    archive: zipfile.ZipFile, limits: ImportLimits
) -> dict[str, MemberKind]:
    """Check every member's header fields and return each member's kind by name.

    The names are ``ZipInfo.filename``, so ``archive.getinfo`` finds each one.
    """
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise ArchiveError(
            f"the bundle has {len(infos)} archive members, over the limit of "
            f"{limits.max_members}; ask the sender to split the export"
        )
    members: dict[str, MemberKind] = {}
    # The NFC forms of the names that are not in NFC themselves. The other
    # names are their own NFC form and are keys of ``members``, so that a
    # bundle of 100,000 members needs no second set of every name.
    other_normal_forms: set[str] = set()
    total_bytes = 0
    for info in infos:
        kind = _check_member(info, limits)
        name = info.filename
        normalised = unicodedata.normalize("NFC", name)
        if name in members or normalised in members or normalised in other_normal_forms:
            raise reject_member(info.orig_filename, "appears twice in the archive")
        members[name] = kind
        if normalised != name:
            other_normal_forms.add(normalised)
        total_bytes += info.file_size
    if total_bytes > limits.max_uncompressed_bytes:
        raise ArchiveError(
            f"the bundle would decompress to {total_bytes} bytes, over the limit of "
            f"{limits.max_uncompressed_bytes}; ask the sender to split the export"
        )
    _check_no_overlap(infos, archive.start_dir)
    return members


def check_ratio(
    name: str, size: int, compressed_size: int, limits: ImportLimits
) -> None:
    """Raise ArchiveError if a member expands more than the ratio limit allows."""
    if size <= RATIO_EXEMPT_BYTES:
        return
    if size > limits.max_compression_ratio * max(compressed_size, 1):
        raise reject_member(
            name,
            f"expands from {compressed_size} to at least {size} bytes, over the "
            f"compression ratio limit of {limits.max_compression_ratio}",
        )


def _check_member(info: zipfile.ZipInfo, limits: ImportLimits) -> MemberKind:
    name = info.orig_filename
    kind = classify_member_name(name)
    if info.flag_bits & _FLAG_UTF8_NAME == 0 and not name.isascii():
        raise reject_member(
            name,
            "has a non-ASCII name without the ZIP UTF-8 flag (bit 11), so its "
            "encoding is unknown",
        )
    if info.flag_bits & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION):
        raise reject_member(name, "is encrypted; bundles rely on age encryption only")
    if info.compress_type not in _ALLOWED_METHODS:
        raise reject_member(
            name,
            f"uses compression method {info.compress_type}; only stored (0) and "
            "deflated (8) are supported",
        )
    _check_file_type(info, kind)
    _check_declared_sizes(info, kind, limits)
    return kind


def _check_file_type(info: zipfile.ZipInfo, kind: MemberKind) -> None:
    mode = info.external_attr >> 16
    if mode == 0:
        return  # No Unix mode recorded, as in archives made on Windows.
    if stat.S_ISLNK(mode):
        raise reject_member(info.orig_filename, "is a symbolic link")
    if stat.S_ISDIR(mode) and kind is not MemberKind.DIRECTORY:
        raise reject_member(info.orig_filename, "is a directory without a trailing '/'")
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise reject_member(
            info.orig_filename, "is a special file (device, FIFO or socket)"
        )


def _check_declared_sizes(
    info: zipfile.ZipInfo, kind: MemberKind, limits: ImportLimits
) -> None:
    name = info.orig_filename
    if kind is MemberKind.DIRECTORY and info.file_size != 0:
        raise reject_member(name, "is a directory entry that contains data")
    if info.file_size > limits.max_member_bytes:
        raise reject_member(
            name,
            f"is {info.file_size} bytes, over the per-member limit of "
            f"{limits.max_member_bytes}",
        )
    if (
        info.compress_type == zipfile.ZIP_STORED
        and info.file_size != info.compress_size
    ):
        raise reject_member(name, "is stored uncompressed but its two sizes differ")
    check_ratio(name, info.file_size, info.compress_size, limits)


def _check_no_overlap(infos: list[zipfile.ZipInfo], directory_start: int) -> None:
    # Members whose data overlap let a small archive decompress the same
    # bytes many times, a known kind of ZIP bomb. Each member needs at least
    # a local header, its name and its compressed data before the next
    # member, or the central directory, starts.
    ordered = sorted(infos, key=lambda info: info.header_offset)
    if ordered and ordered[0].header_offset < 0:
        raise reject_member(
            ordered[0].orig_filename,
            "has a local header offset before the archive start",
        )
    for index, current in enumerate(ordered):
        is_last = index + 1 == len(ordered)
        limit = directory_start if is_last else ordered[index + 1].header_offset
        if _minimum_end(current) <= limit:
            continue
        if is_last:
            raise reject_member(
                current.orig_filename, "extends into the ZIP central directory"
            )
        raise reject_member(
            ordered[index + 1].orig_filename,
            f"overlaps the data of {current.orig_filename!r}",
        )


def _minimum_end(info: zipfile.ZipInfo) -> int:
    encoding = "utf-8" if info.flag_bits & _FLAG_UTF8_NAME else "cp437"
    name_bytes = len(info.orig_filename.encode(encoding))
    return info.header_offset + _LOCAL_HEADER_BYTES + name_bytes + info.compress_size


def _read_end_record(plaintext: IO[bytes]) -> tuple[int, int]:
    plaintext.seek(0, 2)
    file_size = plaintext.tell()
    tail_start = max(0, file_size - _END_RECORD.size - _END_RECORD_SEARCH_BYTES)
    plaintext.seek(tail_start)
    tail = plaintext.read()
    # Like zipfile, try an archive without a comment first, then search.
    position = len(tail) - _END_RECORD.size
    at_end = (
        position >= 0
        and tail[position:].startswith(_END_RECORD_SIGNATURE)
        and tail.endswith(b"\0\0")
    )
    if not at_end:
        position = tail.rfind(_END_RECORD_SIGNATURE)
    if position < 0 or len(tail) - position < _END_RECORD.size:
        raise ArchiveError(NOT_A_ZIP)
    fields = _END_RECORD.unpack_from(tail, position)
    entries, directory_bytes = fields[4], fields[5]
    zip64 = _read_zip64_end_record(plaintext, tail_start + position)
    return zip64 if zip64 is not None else (entries, directory_bytes)


def _read_zip64_end_record(
    plaintext: IO[bytes], end_record_offset: int
) -> tuple[int, int] | None:
    locator_offset = end_record_offset - _ZIP64_LOCATOR.size
    if locator_offset < 0:
        return None
    plaintext.seek(locator_offset)
    locator = plaintext.read(_ZIP64_LOCATOR.size)
    if locator[:4] != _ZIP64_LOCATOR_SIGNATURE:
        return None
    # zipfile reads the zip64 end record just before the locator and ignores
    # the offset stored in the locator.
    record_offset = locator_offset - _ZIP64_END_RECORD.size
    if record_offset < 0:
        return None
    plaintext.seek(record_offset)
    record = plaintext.read(_ZIP64_END_RECORD.size)
    if (
        len(record) < _ZIP64_END_RECORD.size
        or record[:4] != _ZIP64_END_RECORD_SIGNATURE
    ):
        return None
    fields = _ZIP64_END_RECORD.unpack(record)
    return fields[7], fields[8]
