"""Check manifest.json against the archive members, before any report is read.

Every report and attachment member must be listed once, in the right array,
with the size and SHA-256 of its decompressed content. All checksums are
verified before ``open_bundle`` returns, so a mismatch rejects the bundle
before the importer stores anything.
"""

from __future__ import annotations

import zipfile

from psdcli.core.errors import ManifestError
from psdcli.core.settings import ImportLimits
from psdcli.intake.layout import MANIFEST_NAME, MemberKind, show_name
from psdcli.intake.manifest import AttachmentEntry, Manifest, ReportEntry
from psdcli.intake.reader import MemberReader
from psdcli.intake.strictjson import StrictJsonError, loads_strict
from psdcli.intake.validation import validate_manifest

_NEXT_STEP = "ask the sender to export the bundle again"
_KIND_DESCRIPTIONS = {
    MemberKind.REPORT: "a report (reports/<reference>.json)",
    MemberKind.ATTACHMENT: "an attachment (attachments/<reference>/<file name>)",
}

Entry = ReportEntry | AttachmentEntry


def read_manifest(
    reader: MemberReader,
    members: dict[str, tuple[MemberKind, zipfile.ZipInfo]],
    limits: ImportLimits,
) -> Manifest:
    """Read, parse and validate manifest.json, raising ManifestError on a fault."""
    if MANIFEST_NAME not in members:
        raise ManifestError(
            f"the bundle has no {MANIFEST_NAME}, so it is not a complete intake "
            f"bundle; {_NEXT_STEP}"
        )
    data = reader.read(members[MANIFEST_NAME][1])
    try:
        document = loads_strict(
            data, max_depth=limits.max_json_depth, source=MANIFEST_NAME
        )
    except StrictJsonError as error:
        raise ManifestError(f"{error}; {_NEXT_STEP}") from None
    return validate_manifest(document)


def match_manifest(
    manifest: Manifest, members: dict[str, tuple[MemberKind, zipfile.ZipInfo]]
) -> dict[str, tuple[Entry, zipfile.ZipInfo]]:
    """Pair every manifest entry with its member, keyed by path.

    Raises ManifestError for an entry without a member, a member without an
    entry, an entry listed twice or in the wrong array, and a declared size
    that differs from the entry's.
    """
    files: dict[str, tuple[Entry, zipfile.ZipInfo]] = {}
    listings: list[tuple[list[Entry], MemberKind]] = [
        (list(manifest.reports), MemberKind.REPORT),
        (list(manifest.attachments), MemberKind.ATTACHMENT),
    ]
    for entries, expected_kind in listings:
        for entry in entries:
            files[entry.path] = (
                entry,
                _match_entry(entry, expected_kind, members, files),
            )
    for name, (kind, info) in members.items():
        if kind in (MemberKind.REPORT, MemberKind.ATTACHMENT) and name not in files:
            raise ManifestError(
                f"archive member {show_name(info.orig_filename)} is not listed in "
                f"{MANIFEST_NAME}; {_NEXT_STEP}"
            )
    return files


def _match_entry(
    entry: Entry,
    expected_kind: MemberKind,
    members: dict[str, tuple[MemberKind, zipfile.ZipInfo]],
    files: dict[str, tuple[Entry, zipfile.ZipInfo]],
) -> zipfile.ZipInfo:
    quoted_path = show_name(entry.path)
    if entry.path in files:
        raise ManifestError(f"{MANIFEST_NAME} lists {quoted_path} twice; {_NEXT_STEP}")
    if entry.path not in members:
        raise ManifestError(
            f"{MANIFEST_NAME} lists {quoted_path}, but the archive has no such member; "
            f"{_NEXT_STEP}"
        )
    kind, info = members[entry.path]
    if kind is not expected_kind:
        expected = _KIND_DESCRIPTIONS[expected_kind]
        raise ManifestError(
            f"{MANIFEST_NAME} lists {quoted_path} as {expected}, but the path does "
            f"not have that form; {_NEXT_STEP}"
        )
    if entry.size != info.file_size:
        raise ManifestError(_size_mismatch(entry, info.file_size))
    return info


def verify_checksums(
    reader: MemberReader, files: dict[str, tuple[Entry, zipfile.ZipInfo]]
) -> None:
    """Stream every listed member, raising ManifestError on a size or hash mismatch."""
    # Reading in archive order keeps the file access sequential.
    ordered = sorted(files.values(), key=lambda pair: pair[1].header_offset)
    for entry, info in ordered:
        sha256, size = reader.digest(info)
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
