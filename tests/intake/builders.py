"""Build intake bundles in memory for the tests, valid or broken on purpose."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Any

from psdcli.core.settings import ImportLimits

BUNDLE_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
# Values that must never appear in an error message or quarantine reason.
REPORTER_NAME = "Jo Reporter-Secretname"
REPORTER_PHONE = "07700 900461"
REPORTER_EMAIL = "hidden.reporter@example.org"
NARRATIVE_TEXT = "The narrative marker 9f2c1e"

SMALL_LIMITS = ImportLimits(
    max_members=50,
    max_uncompressed_bytes=16 * 1024 * 1024,
    max_member_bytes=4 * 1024 * 1024,
    max_report_bytes=64 * 1024,
    max_json_depth=32,
)


def report_document(
    reference: str = "CS-2026-000001", **changes: Any
) -> dict[str, Any]:
    """Return a valid report as a JSON-ready dict, with ``changes`` applied."""
    document: dict[str, Any] = {
        "reference": reference,
        "revision": 1,
        "received_at": "2026-03-01T14:30:00+00:00",
        "channel": "online",
        "anonymous": False,
        "contact": {
            "name": REPORTER_NAME,
            "phone": REPORTER_PHONE,
            "email": REPORTER_EMAIL,
            "preferred_method": "phone",
            "safe_to_contact_times": "weekday evenings",
            "notes": None,
        },
        "themes": ["partner_abuse"],
        "subjects": [
            {
                "name": "PC Example",
                "role": "officer",
                "force": "west-mercia",
                "rank": "constable",
                "collar_number": "1234",
                "station": None,
                "description": None,
            }
        ],
        "on_duty": "off",
        "setting": "in_person",
        "incident": {"from": "2026-01-10", "to": "2026-02-01", "location": "Worcester"},
        "narrative": NARRATIVE_TEXT,
        "persons_at_risk": [
            {
                "description": "ex-partner",
                "relationship": "partner",
                "immediate_danger": False,
            }
        ],
        "follow_up_to": None,
        "attachments": [],
    }
    document.update(copy.deepcopy(changes))
    return document


def encode(document: Any) -> bytes:
    """Return ``document`` as compact UTF-8 JSON."""
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


@dataclass
class Member:
    """One archive member: a name or a prepared ZipInfo, and its bytes."""

    name: str
    data: bytes
    compress_type: int = zipfile.ZIP_DEFLATED
    info: zipfile.ZipInfo | None = None


@dataclass
class BundleBuilder:
    """Reports and attachments, turned into a manifest and a ZIP archive."""

    reports: dict[str, bytes] = field(default_factory=dict)
    attachments: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    extra_members: list[Member] = field(default_factory=list)
    manifest_changes: dict[str, Any] = field(default_factory=dict)

    def add_report(self, document: dict[str, Any], path: str | None = None) -> None:
        """Add a report document, stored as reports/<reference>.json by default."""
        self.add_raw_report(
            path or f"reports/{document['reference']}.json", encode(document)
        )

    def add_raw_report(self, path: str, data: bytes) -> None:
        """Add report bytes exactly as given."""
        self.reports[path] = data

    def add_attachment(
        self, path: str, data: bytes, media_type: str = "image/jpeg"
    ) -> None:
        """Add an attachment file with its media type."""
        self.attachments[path] = (data, media_type)

    def manifest(self) -> dict[str, Any]:
        """Return the manifest that lists every report and attachment exactly."""
        document: dict[str, Any] = {
            "format": "psd-intake-bundle",
            "version": 1,
            "bundle_id": BUNDLE_ID,
            "sequence": 7,
            "exported_at": "2026-03-02T09:00:00Z",
            "exporter": "intake-service 4.2.0",
            "recipient_force": "west-mercia",
            "reports": [_entry(path, data) for path, data in self.reports.items()],
            "attachments": [
                {**_entry(path, data), "media_type": media_type}
                for path, (data, media_type) in self.attachments.items()
            ],
        }
        document.update(self.manifest_changes)
        return document

    def members(self, manifest: bytes | None = None) -> list[Member]:
        """Return every member, the manifest first."""
        manifest_bytes = encode(self.manifest()) if manifest is None else manifest
        members = [Member("manifest.json", manifest_bytes)]
        members += [Member(path, data) for path, data in self.reports.items()]
        members += [Member(path, data) for path, (data, _) in self.attachments.items()]
        return members + self.extra_members

    def build(self, manifest: bytes | None = None) -> bytes:
        """Return the ZIP archive as bytes."""
        return write_zip(self.members(manifest))


def _entry(path: str, data: bytes) -> dict[str, Any]:
    return {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def write_zip(members: list[Member]) -> bytes:
    """Write members into a ZIP archive, allowing names zipfile warns about."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # zipfile warns about duplicate names, which some tests need.
        warnings.simplefilter("ignore", UserWarning)
        with zipfile.ZipFile(buffer, "w") as archive:
            for member in members:
                info = member.info or zipfile.ZipInfo(member.name)
                if member.info is None:
                    info.compress_type = member.compress_type
                    info.external_attr = 0o100644 << 16
                archive.writestr(info, member.data)
    return buffer.getvalue()


def valid_bundle(report_count: int = 2) -> BundleBuilder:
    """Return a builder with ``report_count`` valid reports and one attachment."""
    builder = BundleBuilder()
    for number in range(1, report_count + 1):
        reference = f"CS-2026-{number:06d}"
        attachments = []
        if number == 1:
            path = f"attachments/{reference}/photo.jpg"
            builder.add_attachment(path, b"\xff\xd8\xff fake jpeg")
            attachments.append(path)
        builder.add_report(report_document(reference, attachments=attachments))
    return builder
