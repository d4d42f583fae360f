"""Open a decrypted intake bundle and verify all of it before anything is imported.

``open_bundle`` rejects the whole bundle (ArchiveError or ManifestError) for
an unsafe or damaged archive, a missing or invalid manifest, a member missing
from the manifest or the archive, and any size or SHA-256 mismatch. Only then
does it return a ``CheckedBundle``, whose ``iter_reports`` yields one report
at a time, accepted or quarantined.

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
    read_manifest,
    verify_checksums,
)
from psdcli.intake.layout import attachment_folder, report_stem
from psdcli.intake.manifest import AttachmentEntry, Manifest
from psdcli.intake.members import check_directory_size, check_members
from psdcli.intake.reader import MemberReader
from psdcli.intake.reports import (
    AcceptedReport,
    Attachment,
    QuarantinedReport,
    check_report,
)

__all__ = [
    "AcceptedReport",
    "Attachment",
    "CheckedBundle",
    "QuarantinedReport",
    "open_bundle",
]

logger = logging.getLogger(__name__)

_NEXT_STEP = "ask the sender to export the bundle again"
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
    check_directory_size(plaintext, limits)
    plaintext.seek(0)
    try:
        archive = zipfile.ZipFile(plaintext)
    except _OPEN_ERRORS as error:
        raise ArchiveError(
            f"the bundle's ZIP archive is damaged ({error}); {_NEXT_STEP}"
        ) from None
    try:
        return _check_archive(archive, limits)
    except BaseException:
        archive.close()
        raise


class CheckedBundle:
    """A bundle whose layout, manifest, sizes and checksums are verified.

    ``unreferenced_attachments`` lists the attachments in a folder that no
    report of the bundle is named after. The importer must keep them.
    """

    def __init__(
        self,
        archive: zipfile.ZipFile,
        manifest: Manifest,
        files: dict[str, tuple[Entry, zipfile.ZipInfo]],
        limits: ImportLimits,
    ) -> None:
        self.manifest = manifest
        self._archive = archive
        self._files = files
        self._limits = limits
        self._reader = MemberReader(archive, limits)
        self._attachments_by_folder: dict[str, list[Attachment]] = {}
        for entry in manifest.attachments:
            attachment = self._make_attachment(entry)
            folder = attachment_folder(entry.path)
            self._attachments_by_folder.setdefault(folder, []).append(attachment)
        report_folders = {report_stem(entry.path) for entry in manifest.reports}
        self.unreferenced_attachments: tuple[Attachment, ...] = tuple(
            attachment
            for folder, attachments in self._attachments_by_folder.items()
            if folder not in report_folders
            for attachment in attachments
        )

    @property
    def report_count(self) -> int:
        """Number of reports the manifest lists, for a progress bar."""
        return len(self.manifest.reports)

    def iter_reports(self) -> Iterator[AcceptedReport | QuarantinedReport]:
        """Read, check and yield the reports one at a time, in manifest order."""
        attachment_paths = {entry.path for entry in self.manifest.attachments}
        for entry in self.manifest.reports:
            raw = self._read(entry.path)
            folder = self._attachments_by_folder.get(report_stem(entry.path), [])
            yield check_report(entry.path, raw, folder, attachment_paths, self._limits)

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

    def _make_attachment(self, entry: AttachmentEntry) -> Attachment:
        return Attachment(
            path=entry.path,
            name=entry.path.rsplit("/", 1)[1],
            media_type=entry.media_type,
            size=entry.size,
            sha256=entry.sha256,
            reader=functools.partial(self._read, entry.path),
        )

    def _read(self, path: str) -> bytes:
        entry, info = self._files[path]
        return self._reader.read_expected(info, entry.sha256, entry.size)


def _check_archive(archive: zipfile.ZipFile, limits: ImportLimits) -> CheckedBundle:
    members = check_members(archive, limits)
    reader = MemberReader(archive, limits)
    manifest = read_manifest(reader, members, limits)
    files = match_manifest(manifest, members)
    verify_checksums(reader, files)
    logger.info(
        "Verified bundle %s: %d reports, %d attachments",
        manifest.bundle_id,
        len(manifest.reports),
        len(manifest.attachments),
    )
    return CheckedBundle(archive, manifest, files, limits)
