"""Check manifest.json against the archive members and their content.

Every report and attachment member must be listed once, in the right array,
with the size and SHA-256 of its decompressed content. A mismatch rejects the
whole bundle: attachments are verified before ``open_bundle`` returns, and
each report as it is read, before it is parsed. A bundle is imported in one
transaction, so a mismatch found in a later report still leaves nothing of
the bundle stored.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Sequence

from psdcli.core.errors import ManifestError
from psdcli.core.settings import ImportLimits
from psdcli.intake.layout import MANIFEST_NAME, MemberKind, show_name
from psdcli.intake.manifest import (
    CompactAttachmentEntry,
    CompactReportEntry,
    Manifest,
)
from psdcli.intake.reader import MemberReader
from psdcli.intake.strictjson import StrictJsonError, decode_utf8, loads_strict_text
from psdcli.intake.validation import validate_manifest

_NEXT_STEP = "ask the sender to export the bundle again"
_KIND_DESCRIPTIONS = {
    MemberKind.REPORT: "a report (reports/<reference>.json)",
    MemberKind.ATTACHMENT: "an attachment (attachments/<reference>/<file name>)",
}

Entry = CompactReportEntry | CompactAttachmentEntry


def read_manifest_text(
    archive: zipfile.ZipFile, members: dict[str, MemberKind], limits: ImportLimits
) -> str:
    """Read manifest.json as text, raising ManifestError if it is missing.

    A byte order mark or invalid UTF-8 raises ManifestError too.
    """
    if MANIFEST_NAME not in members:
        raise ManifestError(
            f"the bundle has no {MANIFEST_NAME}, so it is not a complete intake "
            f"bundle; {_NEXT_STEP}"
        )
    reader = MemberReader(archive, limits)
    # The bytes are freed as soon as they are decoded: a manifest of 100,000
    # entries is 13 MB.
    try:
        return decode_utf8(reader.read(archive.getinfo(MANIFEST_NAME)), MANIFEST_NAME)
    except StrictJsonError as error:
        raise ManifestError(f"{error}; {_NEXT_STEP}") from None


def parse_manifest(text: str, limits: ImportLimits) -> Manifest:
    """Parse and validate manifest.json text, raising ManifestError on any fault."""
    try:
        document = loads_strict_text(
            text, max_depth=limits.max_json_depth, source=MANIFEST_NAME
        )
    except StrictJsonError as error:
        raise ManifestError(f"{error}; {_NEXT_STEP}") from None
    return validate_manifest(document)


def match_manifest(
    manifest: Manifest, archive: zipfile.ZipFile, members: dict[str, MemberKind]
) -> None:
    """Check that the manifest entries and the archive members correspond.

    Raises ManifestError for an entry without a member, a member without an
    entry, an entry listed twice or in the wrong array, and a declared size
    that differs from the entry's.
    """
    listed: set[str] = set()
    listings: list[tuple[Sequence[Entry], MemberKind]] = [
        (manifest.reports, MemberKind.REPORT),
        (manifest.attachments, MemberKind.ATTACHMENT),
    ]
    for entries, expected_kind in listings:
        for entry in entries:
            _match_entry(entry, expected_kind, archive, members, listed)
            listed.add(entry.path)
    for name, kind in members.items():
        if kind in (MemberKind.REPORT, MemberKind.ATTACHMENT) and name not in listed:
            orig_filename = archive.getinfo(name).orig_filename
            raise ManifestError(
                f"archive member {show_name(orig_filename)} is not listed in "
                f"{MANIFEST_NAME}; {_NEXT_STEP}"
            )


def _match_entry(
    entry: Entry,
    expected_kind: MemberKind,
    archive: zipfile.ZipFile,
    members: dict[str, MemberKind],
    listed: set[str],
) -> None:
    quoted_path = show_name(entry.path)
    if entry.path in listed:
        raise ManifestError(f"{MANIFEST_NAME} lists {quoted_path} twice; {_NEXT_STEP}")
    if entry.path not in members:
        raise ManifestError(
            f"{MANIFEST_NAME} lists {quoted_path}, but the archive has no such member; "
            f"{_NEXT_STEP}"
        )
    if members[entry.path] is not expected_kind:
        expected = _KIND_DESCRIPTIONS[expected_kind]
        raise ManifestError(
            f"{MANIFEST_NAME} lists {quoted_path} as {expected}, but the path does "
            f"not have that form; {_NEXT_STEP}"
        )
    file_size = archive.getinfo(entry.path).file_size
    if entry.size != file_size:
        raise ManifestError(_size_mismatch(entry, file_size))


def verify_checksums(
    archive: zipfile.ZipFile, entries: Sequence[Entry], limits: ImportLimits
) -> None:
    """Stream each entry's member, raising ManifestError on a size or hash mismatch.

    The manifest must have passed ``match_manifest``.
    """
    reader = MemberReader(archive, limits)
    # Reading in archive order keeps the file access sequential.
    ordered = sorted(
        entries, key=lambda entry: archive.getinfo(entry.path).header_offset
    )
    for entry in ordered:
        sha256, size = reader.digest(archive.getinfo(entry.path))
        _check_digest(entry, sha256, size)


def read_checked(archive: zipfile.ZipFile, reader: MemberReader, entry: Entry) -> bytes:
    """Read an entry's member, raising ManifestError on a size or hash mismatch."""
    data = reader.read(archive.getinfo(entry.path))
    _check_digest(entry, hashlib.sha256(data).hexdigest(), len(data))
    return data


def _offset(archive: zipfile.ZipFile, entry: Entry) -> int:
    return archive.getinfo(entry.path).header_offset


def _check_digest(entry: Entry, sha256: str, size: int) -> None:
    if size != entry.size:
        raise ManifestError(_size_mismatch(entry, size))
    if sha256 != entry.sha256:
        raise ManifestError(
            f"{show_name(entry.path)} does not match {MANIFEST_NAME}: its SHA-256 "
            f"is {sha256}, but the manifest lists {entry.sha256}. The bundle was "
            f"altered or damaged; {_NEXT_STEP}"
        )


def _size_mismatch(entry: Entry, size: int) -> str:
    return (
        f"{show_name(entry.path)} does not match {MANIFEST_NAME}: it is {size} "
        f"bytes, but the manifest lists {entry.size}. The bundle was altered or "
        f"damaged; {_NEXT_STEP}"
    )
