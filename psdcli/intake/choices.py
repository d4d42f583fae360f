"""The fixed sets of string values in a report, as enums.

Each ``...Value`` alias is the type that a model field uses, so that the
value can come from JSON.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Strict

from psdcli.core.themes import Theme


class Channel(StrEnum):
    """Channel through which the member of the public made the report."""

    ONLINE = "online"
    PHONE = "phone"


class OnDuty(StrEnum):
    """Duty status of the subjects at the time of the conduct."""

    ON = "on"
    OFF = "off"
    BOTH = "both"
    UNKNOWN = "unknown"


class Setting(StrEnum):
    """Setting of the reported conduct: online, in person, both or unknown."""

    ONLINE = "online"
    IN_PERSON = "in_person"
    BOTH = "both"
    UNKNOWN = "unknown"


class SubjectRole(StrEnum):
    """A subject's relationship to the police service."""

    OFFICER = "officer"
    STAFF = "staff"
    VOLUNTEER = "volunteer"
    UNKNOWN = "unknown"


# Strict validation of Python objects accepts only enum members, but the
# input comes from JSON, where an enum value is a string. Lax mode accepts the
# member's exact string value and nothing else.
ChannelValue = Annotated[Channel, Strict(False)]
OnDutyValue = Annotated[OnDuty, Strict(False)]
SettingValue = Annotated[Setting, Strict(False)]
SubjectRoleValue = Annotated[SubjectRole, Strict(False)]
ThemeValue = Annotated[Theme, Strict(False)]
