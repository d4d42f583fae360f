"""Collect reporter contact values and search bytes for them in every likely encoding.

A value can reach a file or a terminal as UTF-8, as UTF-16, as a JSON string
with ``\\u00e2`` escapes, or as the ``\\xc3\\xa2`` escapes of a Python bytes
repr. Rendered tables may also space or wrap a value, so text output is
compared once more with whitespace and box-drawing characters removed.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage

from tests.bundles import SAMPLE_KEY

CONTACT_FIELDS = ("name", "phone", "email")
SAMPLE_BUNDLE_DIR = SAMPLE_KEY.parent / "bundles"

# Whitespace and the box-drawing block (U+2500 to U+257F) that Rich tables use.
_LAYOUT = re.compile(r"[\s\u2500-\u257f]+")


@dataclass(frozen=True)
class Leak:
    """One contact value found in one place, and the encoding it was found in."""

    place: str
    value: str
    form: str


def squash(text: str) -> str:
    """Return ``text`` without whitespace or table borders."""
    return _LAYOUT.sub("", text)


def contact_values(reports: Iterable[Mapping[str, Any]]) -> list[str]:
    """Return the distinct names, phone numbers and e-mail addresses of contacts."""
    found: set[str] = set()
    for report in reports:
        contact = report.get("contact") or {}
        for name in CONTACT_FIELDS:
            value = contact.get(name)
            if isinstance(value, str) and value.strip():
                found.add(value.strip())
    return sorted(found)


def values_shared_with_report_text(
    values: Iterable[str], reports: Iterable[Mapping[str, Any]]
) -> list[str]:
    """Return the values that also occur outside ``contact`` in some report.

    Synthetic names are drawn from one small pool, so a reporter's name can
    equal a subject's name in another report. Subjects and narratives are
    stored in plaintext on purpose, so such a value cannot be scanned for.
    """
    texts = []
    for report in reports:
        without_contact = {k: v for k, v in report.items() if k != "contact"}
        texts.append(squash(json.dumps(without_contact, ensure_ascii=False)))
    public = "\n".join(texts)
    return sorted(value for value in values if squash(value) in public)


def encoded_forms(value: str) -> dict[str, bytes]:
    """Return the byte strings that would show ``value`` in a file, by form name."""
    forms = {
        "utf-8": value.encode("utf-8"),
        "utf-16-le": value.encode("utf-16-le"),
        "utf-16-be": value.encode("utf-16-be"),
    }
    escaped = json.dumps(value)[1:-1]
    if escaped != value:
        forms["json-escaped"] = escaped.encode("ascii")
        forms["json-escaped-upper"] = re.sub(
            r"\\u([0-9a-f]{4})", lambda m: "\\u" + m.group(1).upper(), escaped
        ).encode("ascii")
        forms["bytes-repr"] = repr(value.encode("utf-8"))[2:-1].encode("ascii")
    if " " in value:
        forms["no-spaces"] = value.replace(" ", "").encode("utf-8")
    return forms


class Scanner:
    """A search for a fixed list of values in bytes, files and terminal output.

    One regular expression of every needle screens each buffer first, and
    only a buffer with a hit is searched value by value, because a session
    writes megabytes of DEBUG logs and the values number in the hundreds.
    """

    def __init__(self, values: Iterable[str]) -> None:
        self.values = list(values)
        needles = {n for v in self.values for n in encoded_forms(v).values()}
        self._needles = _alternation(needles)
        self._squashed = _alternation({squash(v).encode() for v in self.values})

    def in_bytes(self, place: str, data: bytes) -> list[Leak]:
        """Return every value found in ``data`` in any of its encoded forms."""
        if not self._needles.search(data):
            return []
        leaks = []
        for value in self.values:
            for form, needle in encoded_forms(value).items():
                if needle in data:
                    leaks.append(Leak(place, value, form))
        return leaks

    def in_output(self, place: str, data: bytes) -> list[Leak]:
        """Search terminal output: as bytes, then as text with layout removed."""
        leaks = self.in_bytes(place, data)
        text = squash(data.decode("utf-8", errors="replace"))
        if self._squashed.search(text.encode()):
            leaks.extend(
                Leak(place, value, "squashed-text")
                for value in self.values
                if squash(value) in text
            )
        return leaks

    def in_tree(self, folder: Path) -> list[Leak]:
        """Search every regular file under ``folder``."""
        leaks = []
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                leaks.extend(self.in_bytes(str(path), path.read_bytes()))
        return leaks


def _alternation(needles: Iterable[bytes]) -> re.Pattern[bytes]:
    # Longest first, so that a needle is not hidden by a shorter prefix of it.
    ordered = sorted(needles, key=len, reverse=True)
    return re.compile(b"|".join(re.escape(needle) for needle in ordered))


def describe(leaks: Sequence[Leak]) -> str:
    """Describe leaks for an assertion message, one line each."""
    return "\n".join(f"{leak.place}: {leak.value!r} as {leak.form}" for leak in leaks)


@dataclass(frozen=True)
class SampleBundleContent:
    """The reports and attachments carried by one committed sample bundle."""

    path: Path
    reports: list[dict[str, Any]]
    attachments: dict[str, bytes]


def read_sample_bundles() -> list[SampleBundleContent]:
    """Decrypt the committed sample bundles with the sample key and read them."""
    identity = load_sample_identity()
    contents = []
    for path in sorted(SAMPLE_BUNDLE_DIR.glob("*.age")):
        plaintext = pyrage.decrypt(path.read_bytes(), [identity])
        with zipfile.ZipFile(io.BytesIO(plaintext)) as archive:
            reports = [
                json.loads(archive.read(name))
                for name in archive.namelist()
                if name.startswith("reports/")
            ]
            attachments = {
                name: archive.read(name)
                for name in archive.namelist()
                if name.startswith("attachments/")
            }
        contents.append(SampleBundleContent(path, reports, attachments))
    return contents


def reports_by_reference(
    all_reports: Iterable[Mapping[str, Any]],
) -> dict[str, Mapping[str, Any]]:
    """Return the latest revision of each report, by reference."""
    latest: dict[str, Mapping[str, Any]] = {}
    for report in all_reports:
        known = latest.get(report["reference"])
        if known is None or report["revision"] > known["revision"]:
            latest[report["reference"]] = report
    return latest


def sample_reports() -> dict[str, Mapping[str, Any]]:
    """Return the latest revision of each sample report, by reference."""
    return reports_by_reference(r for b in read_sample_bundles() for r in b.reports)


def write_new_identity(path: Path) -> str:
    """Write a new X25519 identity file with mode 0600 and return its recipient."""
    identity = pyrage.x25519.Identity.generate()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(f"# a test key\n{identity}\n")
    return str(identity.to_public())


def load_sample_identity() -> Any:
    """Return the sample key as a pyrage identity."""
    return load_identity(SAMPLE_KEY)


def load_identity(path: Path) -> Any:
    """Return the first X25519 key of a plain age identity file."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("AGE-SECRET-KEY-1"):
            return pyrage.x25519.Identity.from_str(line.strip())
    raise AssertionError(f"{path} has no AGE-SECRET-KEY-1 line")
