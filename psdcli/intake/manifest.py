"""Pydantic models of manifest.json, bundle format version 1."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

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


class Manifest(BundleModel):
    """Contents of manifest.json: the bundle's identity, recipient and members."""

    format: Literal["psd-intake-bundle"]
    version: Literal[1]
    bundle_id: BundleId
    sequence: int = Field(ge=1)
    exported_at: Timestamp
    exporter: str = Field(min_length=1, max_length=200)
    recipient_force: ForceId
    reports: list[ReportEntry]
    attachments: list[AttachmentEntry]

    @model_validator(mode="after")
    def _require_known_recipient(self) -> Self:
        if self.recipient_force == UNKNOWN_FORCE:
            raise PydanticCustomError(
                "recipient_unknown",
                "recipient_force should name the receiving force, not 'unknown'",
            )
        return self
