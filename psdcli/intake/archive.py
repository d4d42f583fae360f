"""Open a decrypted intake bundle and verify it before its reports are read.

``open_bundle`` rejects the whole bundle (ArchiveError or ManifestError) for
an unsafe or damaged archive, a missing or invalid manifest, a member missing
from the manifest or the archive, and any size or SHA-256 mismatch of an
attachment. Only then does it return a ``CheckedBundle``. Its ``iter_files``
yields the report files one at a time, unparsed, and ``iter_reports`` yields
them checked, accepted or quarantined. Each report's size and SHA-256 are
checked as it is read, before it is parsed. A mismatch raises ManifestError,
so the importer rolls back everything of the bundle.

An attachment belongs to the report named by its folder:
``attachments/CS-1/photo.jpg`` belongs to ``reports/CS-1.json``. An attachment
whose folder has no report is not dropped: it is listed in
``CheckedBundle.unreferenced_attachments`` for the importer to keep.
"""

from __future__ import annotations

import functools
import logging
import struct
import zipfile
from collections.abc import Iterator
from types import TracebackType
from typing import IO

from psdcli.core.errors import ArchiveError
from psdcli.core.settings import ImportLimits
from psdcli.intake.contents import (
    Entry,
    match_manifest,
    parse_manifest,
    read_checked,
    read_manifest_text,
    verify_checksums,
)
from psdcli.intake.layout import MemberKind, attachment_folder, report_stem
from psdcli.intake.manifest import CompactAttachmentEntry, Manifest
from psdcli.intake.members import check_directory_size, check_members
from psdcli.intake.reader import MemberReader
from psdcli.intake.reports import (
    AcceptedReport,
    Attachment,
    QuarantinedReport,
    ReportFile,
    check_report,
)

__all__ = [
    "AcceptedReport",
    "Attachment",
    "CheckedBundle",
    "QuarantinedReport",
    "ReportFile",
    "open_bundle",
]

logger = logging.getLogger(__name__)

_NEXT_STEP = "ask the sender to export the bundle again"
# Bundles with more members than this have their ZIP directory read twice,
# to save memory (see open_bundle). Measured here, zipfile took 5.8 MiB and
# about 35 ms to read a directory of 10,000 members.
_REOPEN_MIN_MEMBERS = 20_000
# Exceptions that zipfile raises while reading the central directory of a
# damaged archive. A name that is not valid UTF-8 raises UnicodeDecodeError,
# which is a ValueError.
_OPEN_ERRORS = (
    zipfile.BadZipFile,
    NotImplementedError,
    ValueError,
    EOFError,
    struct.error,
)


def open_bundle(plaintext: IO[bytes], limits: ImportLimits) -> CheckedBundle:
    """Verify a decrypted bundle and return it open for reading its reports.

    ``plaintext`` is a seekable file containing the ZIP archive. It stays
    open and belongs to the caller, who must close the returned bundle
    (it is a context manager) before closing ``plaintext``.
    """
    member_count = check_directory_size(plaintext, limits)
    manifest = None
    if member_count > _REOPEN_MIN_MEMBERS:
        # The ZIP directory and the parsed manifest are the largest structures
        # of an import, so the archive is closed while the manifest is parsed,
        # and its directory is read and checked a second time afterwards.
        # With a bundle of 100,000 reports, the process then held 180 MiB at
        # most while parsing the manifest, instead of 214 MiB.
        manifest = parse_manifest(_manifest_text(plaintext, limits), limits)
    archive = _open_archive(plaintext)
    try:
        members = check_members(archive, limits)
        if manifest is None:
            text = read_manifest_text(archive, members, limits)
            manifest = parse_manifest(text, limits)
        return _check_archive(archive, manifest, limits, members)
    except BaseException:
        archive.close()
        raise


def _open_archive(plaintext: IO[bytes]) -> zipfile.ZipFile:
    plaintext.seek(0)
    try:
        return zipfile.ZipFile(plaintext)
    except _OPEN_ERRORS as error:
        raise ArchiveError(
            f"the bundle's ZIP archive is damaged ({error}); {_NEXT_STEP}"
        ) from None


def _manifest_text(plaintext: IO[bytes], limits: ImportLimits) -> str:
    """Check every member, then return the text of manifest.json."""
    with _open_archive(plaintext) as archive:
        members = check_members(archive, limits)
        return read_manifest_text(archive, members, limits)


class CheckedBundle:
    """A bundle whose layout, manifest, sizes and checksums are verified.

    ``unreferenced_attachments`` lists the attachments in a folder that no
    report of the bundle is named after. The importer must keep them.
    """

    def __init__(
        self,
        archive: zipfile.ZipFile,
        manifest: Manifest,
        limits: ImportLimits,
    ) -> None:
        self.manifest = manifest
        self._archive = archive
        self._limits = limits
        self._reader = MemberReader(archive, limits)
        self._attachments_by_folder: dict[str, list[Attachment]] = {}
        for entry in manifest.attachments:
            attachment = self._make_attachment(entry)
            folder = attachment_folder(entry.path)
            self._attachments_by_folder.setdefault(folder, []).append(attachment)
        # Collects only the report folders that also hold attachments, so that
        # no set of every report's folder is built.
        folders_with_report = {
            folder
            for folder in map(report_stem, (entry.path for entry in manifest.reports))
            if folder in self._attachments_by_folder
        }
        self.unreferenced_attachments: tuple[Attachment, ...] = tuple(
            attachment
            for folder, attachments in self._attachments_by_folder.items()
            if folder not in folders_with_report
            for attachment in attachments
        )

    @property
    def report_count(self) -> int:
        """Number of reports the manifest lists, for a progress bar."""
        return len(self.manifest.reports)

    def iter_files(self) -> Iterator[ReportFile]:
        """Read and yield the report files one at a time, in manifest order.

        Each report's size and SHA-256 are checked as it is read: a mismatch
        raises ManifestError, which rejects the whole bundle.
        """
        for entry in self.manifest.reports:
            raw = read_checked(self._archive, self._reader, entry)
            folder = self._attachments_by_folder.get(report_stem(entry.path), ())
            yield ReportFile(entry.path, raw, tuple(folder))

    def iter_reports(self) -> Iterator[AcceptedReport | QuarantinedReport]:
        """Read, check and yield the reports one at a time, in manifest order."""
        for file in self.iter_files():
            yield check_report(file, self._limits)

    def close(self) -> None:
        """Close the archive; the plaintext file stays open."""
        self._archive.close()

    def __enter__(self) -> CheckedBundle:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _make_attachment(self, entry: CompactAttachmentEntry) -> Attachment:
        return Attachment(
            path=entry.path,
            name=entry.path.rsplit("/", 1)[1],
            media_type=entry.media_type,
            size=entry.size,
            sha256=entry.sha256,
            reader=functools.partial(self._read, entry),
        )

    def _read(self, entry: Entry) -> bytes:
        info = self._archive.getinfo(entry.path)
        return self._reader.read_expected(info, entry.sha256, entry.size)


def _check_archive(
    archive: zipfile.ZipFile,
    manifest: Manifest,
    limits: ImportLimits,
    members: dict[str, MemberKind],
) -> CheckedBundle:
    match_manifest(manifest, archive, members)
    del members
    # Reports are checked as they are read, so that each is decompressed once.
    verify_checksums(archive, manifest.attachments, limits)
    logger.info(
        "Checked bundle %s: %d reports, %d attachments",
        manifest.bundle_id,
        len(manifest.reports),
        len(manifest.attachments),
    )
    return CheckedBundle(archive, manifest, limits)
