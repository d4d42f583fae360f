"""Pydantic models of manifest.json, bundle format version 1.

``ReportEntry`` and ``AttachmentEntry`` define and validate the manifest's
entries, and the JSON Schema describes them. A validated manifest keeps each
entry in its compact form instead, ``CompactReportEntry`` or
``CompactAttachmentEntry``, because a manifest lists every member of the
archive: 100,000 entry models took 53 MB (pydantic 2.14), and their compact
forms 6 MB.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Self

from pydantic import Field, GetCoreSchemaHandler, model_validator
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from psdcli.core.forces import UNKNOWN_FORCE
from psdcli.intake.fieldtypes import BundleId, ForceId, MediaType, Sha256, Timestamp
from psdcli.intake.models import BundleModel

FORMAT_NAME = "psd-intake-bundle"
FORMAT_VERSION = 1


class ReportEntry(BundleModel):
    """The manifest's record of one report file."""

    path: str
    sha256: Sha256
    size: int = Field(ge=0)


class AttachmentEntry(ReportEntry):
    """The manifest's record of one attachment file."""

    media_type: MediaType


@dataclass(frozen=True, slots=True)
class CompactReportEntry:
    """A validated ``ReportEntry`` in compact form.

    ``digest`` is the SHA-256 as 32 bytes, half the memory of its hex text.
    ``extra`` contains the entry's unknown fields, or is None.
    """

    path: str
    digest: bytes
    size: int
    extra: dict[str, Any] | None

    @property
    def sha256(self) -> str:
        """SHA-256 of the member's content, as 64 lowercase hex digits."""
        return self.digest.hex()

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return _compact_schema(ReportEntry, cls.from_entry, handler)

    @classmethod
    def from_entry(cls, entry: ReportEntry) -> CompactReportEntry:
        """Return the compact form of a validated entry."""
        digest = bytes.fromhex(entry.sha256)
        return cls(entry.path, digest, entry.size, entry.model_extra or None)


@dataclass(frozen=True, slots=True)
class CompactAttachmentEntry:
    """A validated ``AttachmentEntry`` in compact form.

    ``digest`` is the SHA-256 as 32 bytes, half the memory of its hex text.
    ``extra`` contains the entry's unknown fields, or is None.
    """

    path: str
    digest: bytes
    size: int
    media_type: str
    extra: dict[str, Any] | None

    @property
    def sha256(self) -> str:
        """SHA-256 of the member's content, as 64 lowercase hex digits."""
        return self.digest.hex()

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return _compact_schema(AttachmentEntry, cls.from_entry, handler)

    @classmethod
    def from_entry(cls, entry: AttachmentEntry) -> CompactAttachmentEntry:
        """Return the compact form of a validated entry."""
        return cls(
            entry.path,
            bytes.fromhex(entry.sha256),
            entry.size,
            entry.media_type,
            entry.model_extra or None,
        )


def _compact_schema(
    model: type[ReportEntry],
    compact: Callable[[Any], CompactReportEntry | CompactAttachmentEntry],
    handler: GetCoreSchemaHandler,
) -> CoreSchema:
    """Build a schema that validates with ``model`` and keeps the compact form.

    The compact form is dumped as the entry it came from.
    """
    return core_schema.no_info_after_validator_function(
        compact,
        handler.generate_schema(model),
        serialization=core_schema.plain_serializer_function_ser_schema(_entry_document),
    )


def _entry_document(entry: CompactReportEntry | CompactAttachmentEntry) -> Any:
    document: dict[str, Any] = {
        "path": entry.path,
        "sha256": entry.sha256,
        "size": entry.size,
    }
    if isinstance(entry, CompactAttachmentEntry):
        document["media_type"] = entry.media_type
    return document | (entry.extra or {})


class Manifest(BundleModel):
    """Contents of manifest.json: the bundle's identity, recipient and members."""

    format: Literal["psd-intake-bundle"]
    version: Literal[1]
    bundle_id: BundleId
    sequence: int = Field(ge=1)
    exported_at: Timestamp
    exporter: str = Field(min_length=1, max_length=200)
    recipient_force: ForceId
    reports: list[CompactReportEntry]
    attachments: list[CompactAttachmentEntry]

    @model_validator(mode="after")
    def _require_known_recipient(self) -> Self:
        if self.recipient_force == UNKNOWN_FORCE:
            raise PydanticCustomError(
                "recipient_unknown",
                "recipient_force should name the receiving force, not 'unknown'",
            )
        return self

    def unknown_fields(self) -> dict[str, Any]:
        """Return the fields that format version 1 does not define, by path.

        Paths look like ``reports[0].compressed``.
        """
        found = super().unknown_fields()
        found |= _unknown_entry_fields("reports", self.reports)
        found |= _unknown_entry_fields("attachments", self.attachments)
        return found


def _unknown_entry_fields(
    label: str, entries: Sequence[CompactReportEntry | CompactAttachmentEntry]
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for index, entry in enumerate(entries):
        for key, value in (entry.extra or {}).items():
            found[f"{label}[{index}].{key}"] = value
    return found
