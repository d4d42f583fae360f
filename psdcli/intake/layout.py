"""The member names a bundle may contain, checked before anything is read.

A bundle contains ``manifest.json``, ``reports/<reference>.json`` and
``attachments/<reference>/<file name>``, plus optional directory entries for
``reports/``, ``attachments/`` and ``attachments/<reference>/``. Names are
checked as text and never joined to a local path. The rules still reject the
names that would escape a folder if an attachment were saved to disk:
absolute paths, drive letters, ``..`` and backslashes.

NOTE: names that only Windows treats specially, such as ``CON`` or a name
containing ``:``, are accepted. Code that saves attachments on Windows must
make their names safe itself.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum

from psdcli.core.errors import ArchiveError

MANIFEST_NAME = "manifest.json"
REPORTS_FOLDER = "reports"
ATTACHMENTS_FOLDER = "attachments"
REPORT_SUFFIX = ".json"

_MAX_SHOWN_CHARS = 100
_DRIVE_LETTER = re.compile(r"[A-Za-z]:")
# Characters that reorder displayed text, used to disguise file names
# (for example "photo\u202egpj.exe" shows as "photoexe.jpg").
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_NEXT_STEP = "ask the sender to export the bundle again"


class MemberKind(Enum):
    """Kind of archive member, judged by its name."""

    MANIFEST = "manifest"
    REPORT = "report"
    ATTACHMENT = "attachment"
    DIRECTORY = "directory"


def show_name(name: str) -> str:
    """Return a member name quoted for a message, with control characters escaped."""
    if len(name) > _MAX_SHOWN_CHARS:
        name = name[:_MAX_SHOWN_CHARS] + "…"
    return repr(name)


def reject_member(name: str, problem: str) -> ArchiveError:
    """Build the ArchiveError that rejects a bundle because of one member."""
    return ArchiveError(f"archive member {show_name(name)} {problem}; {_NEXT_STEP}")


def classify_member_name(name: str) -> MemberKind:
    """Return the kind of member that ``name`` denotes, or raise ArchiveError.

    ``name`` must be the name exactly as stored, before zipfile cuts it at a
    NUL character (``ZipInfo.orig_filename``).
    """
    _check_characters(name)
    is_directory = name.endswith("/")
    parts = name.removesuffix("/").split("/")
    _check_parts(name, parts)
    if is_directory:
        if parts in ([REPORTS_FOLDER], [ATTACHMENTS_FOLDER]) or (
            len(parts) == 2 and parts[0] == ATTACHMENTS_FOLDER
        ):
            return MemberKind.DIRECTORY
        raise reject_member(
            name,
            "is a directory outside the layout; only reports/, attachments/ and "
            "attachments/<reference>/ may appear as directories",
        )
    if parts == [MANIFEST_NAME]:
        return MemberKind.MANIFEST
    is_report_folder = len(parts) == 2 and parts[0] == REPORTS_FOLDER
    if (
        is_report_folder
        and parts[1].endswith(REPORT_SUFFIX)
        and parts[1] != REPORT_SUFFIX
    ):
        return MemberKind.REPORT
    if len(parts) == 3 and parts[0] == ATTACHMENTS_FOLDER:
        return MemberKind.ATTACHMENT
    raise reject_member(
        name,
        "is outside the layout; a bundle contains only manifest.json, "
        "reports/<reference>.json and attachments/<reference>/<file name>",
    )


def report_stem(path: str) -> str:
    """Return the ``<reference>`` part of ``reports/<reference>.json``."""
    return path.removeprefix(f"{REPORTS_FOLDER}/").removesuffix(REPORT_SUFFIX)


def attachment_folder(path: str) -> str:
    """Return the ``<reference>`` part of ``attachments/<reference>/<file name>``."""
    return path.split("/")[1]


def _check_characters(name: str) -> None:
    if not name:
        raise reject_member(name, "has an empty name")
    # Printable ASCII contains no control or bidirectional formatting
    # character, so most names need no check of each character.
    if not (name.isascii() and name.isprintable()):
        _check_each_character(name)
    if "\\" in name:
        raise reject_member(name, "contains a backslash; use '/' between folders")
    if name.startswith("/"):
        raise reject_member(name, "is an absolute path")
    if _DRIVE_LETTER.match(name):
        raise reject_member(name, "starts with a drive letter")


def _check_each_character(name: str) -> None:
    for character in name:
        if unicodedata.category(character) == "Cc":
            raise reject_member(name, "contains a control character (such as NUL)")
        if character in _BIDI_CONTROLS:
            raise reject_member(name, "contains a bidirectional formatting character")


def _check_parts(name: str, parts: list[str]) -> None:
    if ".." in parts:
        raise reject_member(name, "contains '..'")
    if "." in parts:
        raise reject_member(name, "contains '.' as a folder name")
    if "" in parts:
        raise reject_member(name, "contains an empty folder name ('//')")
