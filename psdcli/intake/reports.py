"""Check one report of a sound bundle: accept it or quarantine it with a reason.

A quarantined report keeps its raw bytes and its attachments, so that nothing
the bundle carried is lost and an analyst can review it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Sequence
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
    path: str,
    raw: bytes,
    folder_attachments: Sequence[Attachment],
    manifest_attachments: Container[str],
    limits: ImportLimits,
) -> AcceptedReport | QuarantinedReport:
    """Accept the report at ``path`` or quarantine it with the first fault found.

    ``folder_attachments`` are the attachments stored under the folder named
    after the report's file. ``manifest_attachments`` are all attachment
    paths in the manifest.
    """
    try:
        report = _parse(path, raw, limits)
        _check_attachments(path, report, folder_attachments, manifest_attachments)
    except ReportInvalidError as error:
        stem = report_stem(path)
        return QuarantinedReport(
            path=path,
            reference=stem if _REFERENCE.fullmatch(stem) else None,
            reason=str(error),
            raw=raw,
            attachments=tuple(folder_attachments),
        )
    by_path = {attachment.path: attachment for attachment in folder_attachments}
    listed = tuple(by_path[attachment_path] for attachment_path in report.attachments)
    return AcceptedReport(path=path, report=report, raw=raw, attachments=listed)


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
    path: str,
    report: Report,
    folder_attachments: Sequence[Attachment],
    manifest_attachments: Container[str],
) -> None:
    for attachment_path in report.attachments:
        if attachment_path not in manifest_attachments:
            raise ReportInvalidError(
                f"{path}: the report lists attachment {attachment_path!r}, which "
                "is not in the bundle"
            )
    listed = set(report.attachments)
    for attachment in folder_attachments:
        if attachment.path not in listed:
            raise ReportInvalidError(
                f"{path}: {attachment.path!r} is in the report's attachment folder "
                "but the report does not list it"
            )
