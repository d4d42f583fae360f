"""Check one report of a sound bundle: accept it or quarantine it with a reason.

A quarantined report keeps its raw bytes and its attachments, so that nothing
the bundle carried is lost and an analyst can review it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from psdcli.core.errors import ReportInvalidError
from psdcli.core.settings import ImportLimits
from psdcli.intake.fieldtypes import REFERENCE_PATTERN
from psdcli.intake.layout import report_stem
from psdcli.intake.models import Report
from psdcli.intake.strictjson import StrictJsonError, loads_strict
from psdcli.intake.validation import validate_report

_REFERENCE = re.compile(REFERENCE_PATTERN)


@dataclass(frozen=True)
class Attachment:
    """A file attached to a report, as listed in the manifest.

    ``name`` is the file name, the last part of ``path``. The content is read
    from the archive only when ``data`` is accessed, so that a batch of
    reports does not keep every attachment in memory.
    """

    path: str
    name: str
    media_type: str
    size: int
    sha256: str
    reader: Callable[[], bytes] = field(repr=False, compare=False)

    @property
    def data(self) -> bytes:
        """Content of the attachment, read and verified again on each access.

        Reading works only while the bundle is open, and raises ArchiveError
        if the bytes no longer match the manifest.
        """
        return self.reader()


@dataclass(frozen=True)
class ReportFile:
    """A report member of a checked bundle, read but not yet parsed.

    ``attachments`` are the files in the folder named after the report's file,
    ``attachments/<name>/``, whether or not the report lists them.
    """

    path: str
    raw: bytes = field(repr=False)
    attachments: tuple[Attachment, ...]

    @property
    def attachment_paths(self) -> tuple[str, ...]:
        """Paths of the files in the report's attachment folder."""
        return tuple(attachment.path for attachment in self.attachments)

    @property
    def safe_reference(self) -> str | None:
        """The file name without ``.json`` when it is a well-formed reference."""
        stem = report_stem(self.path)
        return stem if _REFERENCE.fullmatch(stem) else None


@dataclass(frozen=True)
class AcceptedReport:
    """A report that passed every check, with the attachments it lists."""

    path: str
    report: Report
    raw: bytes = field(repr=False)
    attachments: tuple[Attachment, ...]

    @property
    def reference(self) -> str:
        """Intake reference of the report."""
        return self.report.reference


@dataclass(frozen=True)
class QuarantinedReport:
    """A report that failed a check, kept with the reason and its attachments.

    ``reference`` is the report's file name without ``.json`` when that name
    is a well-formed reference, else None. ``attachments`` are the files in
    ``attachments/<that name>/``.
    """

    path: str
    reference: str | None
    reason: str
    raw: bytes = field(repr=False)
    attachments: tuple[Attachment, ...]


def check_report(
    file: ReportFile, limits: ImportLimits
) -> AcceptedReport | QuarantinedReport:
    """Accept a report file or quarantine it with the first fault found."""
    try:
        report = parse_report(file.path, file.raw, file.attachment_paths, limits)
    except ReportInvalidError as error:
        return QuarantinedReport(
            path=file.path,
            reference=file.safe_reference,
            reason=str(error),
            raw=file.raw,
            attachments=file.attachments,
        )
    by_path = {attachment.path: attachment for attachment in file.attachments}
    listed = tuple(by_path[attachment_path] for attachment_path in report.attachments)
    return AcceptedReport(
        path=file.path, report=report, raw=file.raw, attachments=listed
    )


def parse_report(
    path: str, raw: bytes, folder_paths: Collection[str], limits: ImportLimits
) -> Report:
    """Parse and validate the report at ``path``, raising ReportInvalidError.

    ``folder_paths`` are the paths of the files in the report's attachment
    folder. The report must list each of them, and list no other.
    """
    report = _parse(path, raw, limits)
    _check_attachments(path, report, folder_paths)
    return report


def _parse(path: str, raw: bytes, limits: ImportLimits) -> Report:
    if len(raw) > limits.max_report_bytes:
        raise ReportInvalidError(
            f"{path}: the report is {len(raw)} bytes, over the limit of "
            f"{limits.max_report_bytes}"
        )
    try:
        document = loads_strict(raw, max_depth=limits.max_json_depth, source=path)
    except StrictJsonError as error:
        raise ReportInvalidError(str(error)) from None
    report = validate_report(document, source=path)
    if report.reference != report_stem(path):
        raise ReportInvalidError(
            f"{path}: the file name does not match the report's reference "
            f"{report.reference!r}; the report must be stored as "
            f"reports/{report.reference}.json"
        )
    return report


def _check_attachments(
    path: str, report: Report, folder_paths: Collection[str]
) -> None:
    # The model accepts only paths directly inside the folder named after the
    # reference, and _parse checks that the file is named after it too. So a
    # listed path is in the bundle exactly when it is in that folder.
    in_folder = set(folder_paths)
    for attachment_path in report.attachments:
        if attachment_path not in in_folder:
            raise ReportInvalidError(
                f"{path}: the report lists attachment {attachment_path!r}, which "
                "is not in the bundle"
            )
    listed = set(report.attachments)
    for attachment_path in folder_paths:
        if attachment_path not in listed:
            raise ReportInvalidError(
                f"{path}: {attachment_path!r} is in the report's attachment folder "
                "but the report does not list it"
            )
