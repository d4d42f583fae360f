"""Pydantic models of reports/<reference>.json, bundle format version 1.

Validation is strict: a JSON string never becomes a number, a number never
becomes a boolean, and timestamps must carry an offset. Fields that this
version does not define are kept (``extra="allow"``) and listed by
``unknown_fields`` so that the importer can store and show them. A field that
may be null may also be left out, which means null.

Contact details and the narrative are left out of ``repr`` because they are
the most sensitive values in a report.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, Self, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from psdcli.core.themes import Theme
from psdcli.intake.choices import (
    ChannelValue,
    OnDutyValue,
    SettingValue,
    SubjectRoleValue,
    ThemeValue,
)
from psdcli.intake.fieldtypes import (
    CalendarDate,
    ForceId,
    Narrative,
    Reference,
    Timestamp,
)

_PHONE_OR_EMAIL_SCHEMA: list[JsonValue] = [
    {"required": [name], "properties": {name: {"type": "string", "pattern": r"\S"}}}
    for name in ("phone", "email")
]


class BundleModel(BaseModel):
    """Base of every bundle model: strict types, unknown fields kept."""

    model_config = ConfigDict(strict=True, extra="allow", frozen=True)

    def unknown_fields(self) -> dict[str, Any]:
        """Return the fields that format version 1 does not define, by path.

        Paths look like ``subjects[0].unit``. Report overrides this to leave
        out the contact object.
        """
        return _collect_unknown_fields(self, prefix="", skip=frozenset())


class Contact(BundleModel):
    """Contact details of a reporter who is not anonymous."""

    model_config = ConfigDict(json_schema_extra={"anyOf": _PHONE_OR_EMAIL_SCHEMA})

    name: str | None = Field(default=None, repr=False)
    phone: str | None = Field(default=None, repr=False)
    email: str | None = Field(default=None, repr=False)
    preferred_method: str | None = Field(default=None, repr=False)
    safe_to_contact_times: str | None = Field(default=None, repr=False)
    notes: str | None = Field(default=None, repr=False)

    @model_validator(mode="after")
    def _require_phone_or_email(self) -> Self:
        if not (self.phone or "").strip() and not (self.email or "").strip():
            raise PydanticCustomError(
                "contact_method_missing",
                "Input should have a phone number or an email address (or both)",
            )
        return self

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        # Unknown contact fields are reporter details too, so only their
        # names appear.
        return [("unknown_fields", sorted(self.model_extra or {}))]


class Subject(BundleModel):
    """A person the report is about."""

    name: str | None = None
    role: SubjectRoleValue
    force: ForceId
    rank: str | None = None
    collar_number: str | None = None
    station: str | None = None
    description: str | None = None


class Incident(BundleModel):
    """Dates and place of the reported conduct, as far as they are known."""

    from_: CalendarDate | None = Field(default=None, alias="from")
    to: CalendarDate | None = None
    location: str | None = None

    @model_validator(mode="after")
    def _check_order(self) -> Self:
        if self.from_ is not None and self.to is not None and self.from_ > self.to:
            raise PydanticCustomError(
                "incident_dates", "Input should have 'from' on or before 'to'"
            )
        return self


class PersonAtRisk(BundleModel):
    """Someone the reporter believes is at risk from a subject."""

    description: str | None = None
    relationship: str | None = None
    immediate_danger: bool


class Report(BundleModel):
    """One sanitised report, stored in the bundle as reports/<reference>.json."""

    reference: Reference
    revision: int = Field(ge=1)
    received_at: Timestamp
    channel: ChannelValue
    anonymous: bool
    contact: Contact | None = Field(default=None, repr=False)
    themes: list[ThemeValue] = Field(min_length=1)
    subjects: list[Subject] = Field(min_length=1)
    on_duty: OnDutyValue
    setting: SettingValue
    incident: Incident
    narrative: Narrative = Field(repr=False)
    persons_at_risk: list[PersonAtRisk]
    follow_up_to: Reference | None = None
    attachments: list[str]

    @model_validator(mode="before")
    @classmethod
    def _reject_contact_when_anonymous(cls, data: Any) -> Any:
        # Checked before anything else, so that this is the reason given even
        # when the contact object has other faults.
        is_anonymous = isinstance(data, dict) and data.get("anonymous") is True
        if is_anonymous and data.get("contact") is not None:
            raise PydanticCustomError(
                "anonymous_with_contact",
                "the report is marked anonymous but carries contact details; "
                "contact must be null when anonymous is true",
            )
        return data

    @field_validator("themes")
    @classmethod
    def _reject_repeated_themes(cls, themes: list[Theme]) -> list[Theme]:
        if len(set(themes)) != len(themes):
            raise PydanticCustomError("themes_repeated", "Input lists a theme twice")
        return themes

    @field_validator("attachments")
    @classmethod
    def _check_attachment_paths(
        cls, paths: list[str], info: ValidationInfo
    ) -> list[str]:
        reference = info.data.get("reference")
        if reference is None:
            return paths  # The reference is invalid and reported on its own.
        folder = f"attachments/{reference}/"
        for index, path in enumerate(paths):
            file_name = path.removeprefix(folder)
            if file_name == path or not file_name or "/" in file_name:
                raise PydanticCustomError(
                    "attachment_folder",
                    "Input item {index} is not a file directly inside {folder}; "
                    "each attachment must be in the folder named after the "
                    "report's reference",
                    {"index": index, "folder": folder},
                )
        if len(set(paths)) != len(paths):
            raise PydanticCustomError(
                "attachments_repeated", "Input lists a path twice"
            )
        return paths

    @model_validator(mode="after")
    def _check_contact_and_follow_up(self) -> Self:
        if not self.anonymous and self.contact is None:
            raise PydanticCustomError(
                "contact_missing",
                "contact is null but anonymous is false; a report that is not "
                "anonymous needs contact details with a phone number or email address",
            )
        if self.follow_up_to == self.reference:
            raise PydanticCustomError(
                "follow_up_to_self", "follow_up_to names the report's own reference"
            )
        return self

    def unknown_fields(self) -> dict[str, Any]:
        """Return unknown fields by path, except those inside ``contact``."""
        return _collect_unknown_fields(self, prefix="", skip=frozenset({"contact"}))

    def unknown_contact_fields(self) -> dict[str, Any]:
        """Return unknown fields inside ``contact``, which are reporter details."""
        if self.contact is None:
            return {}
        return _collect_unknown_fields(
            self.contact, prefix="contact.", skip=frozenset()
        )


def _collect_unknown_fields(
    model: BaseModel, prefix: str, skip: frozenset[str]
) -> dict[str, Any]:
    found = {
        f"{prefix}{key}": value for key, value in (model.model_extra or {}).items()
    }
    for name, label in _nested_model_fields(type(model)):
        if name in skip:
            continue
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            found |= _collect_unknown_fields(value, f"{prefix}{label}.", frozenset())
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    item_prefix = f"{prefix}{label}[{index}]."
                    found |= _collect_unknown_fields(item, item_prefix, frozenset())
    return found


@functools.cache
def _nested_model_fields(model_type: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """Return (attribute name, JSON name) of the fields that can hold a model.

    Only those fields can contain unknown fields besides ``model_extra``, and
    skipping the others made ``Report.unknown_fields`` four times faster.
    """
    return tuple(
        (name, field.alias or name)
        for name, field in model_type.model_fields.items()
        if _can_hold_model(field.annotation)
    )


def _can_hold_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_can_hold_model(argument) for argument in get_args(annotation))
