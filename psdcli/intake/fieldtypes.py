"""Field types shared by the manifest and report models.

Each type checks one kind of value exactly as the bundle format defines it and
publishes the same rule in the generated JSON Schema. Error messages describe
the expected form and never repeat the value, because a value in the wrong
field may be a reporter's personal details.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from psdcli.core.forces import FORCE_IDS, UnknownForceError, lookup_force

MIB = 1024 * 1024
MAX_NARRATIVE_BYTES = MIB

REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
UUID_PATTERN = (
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
# A media type: type "/" subtype, each made of letters, digits and !#$&^_.+-,
# optionally followed by "; name=value" parameters.
MEDIA_TYPE_PATTERN = (
    r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
    r"(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(\"[^\"]*\"|[A-Za-z0-9!#$&^_.+-]+))*$"
)

_RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]+))?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))?"
)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _problem(kind: str, message: str) -> PydanticCustomError:
    # Passing the text as context keeps braces in it from being read as
    # placeholders of the message template.
    return PydanticCustomError(kind, "{message}", {"message": message})


def _parse_timestamp(value: Any) -> datetime:
    expected = "an RFC 3339 timestamp with an offset, such as 2026-03-01T14:30:00Z"
    if not isinstance(value, str):
        raise _problem("timestamp_type", f"Input should be a string: {expected}")
    match = _RFC3339.fullmatch(value)
    if match is None:
        raise _problem("timestamp_format", f"Input should be {expected}")
    year, month, day, hour, minute, second, fraction = match.groups()[:7]
    utc_marker, sign, offset_hours, offset_minutes = match.groups()[7:]
    if utc_marker is None and sign is None:
        raise _problem(
            "timestamp_naive",
            "Input has no UTC offset; end it with Z or an offset such as +01:00 "
            "(RFC 3339)",
        )
    try:
        offset = timedelta(
            hours=int(offset_hours or 0), minutes=int(offset_minutes or 0)
        )
        zone = timezone(-offset if sign == "-" else offset)
        # Python keeps microseconds; further digits of the fraction are dropped.
        microsecond = int((fraction or "0")[:6].ljust(6, "0"))
        parsed = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second),
            microsecond, tzinfo=zone,
        )  # fmt: skip
    except ValueError:
        raise _problem(
            "timestamp_value",
            f"Input is not a valid date and time; expected {expected}",
        ) from None
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        # Such as 9999-12-31T23:59:59-01:00, whose UTC time is in year 10000.
        raise _problem(
            "timestamp_range",
            "Input is a time whose UTC value falls outside the years 1 to 9999",
        ) from None


def _parse_date(value: Any) -> date:
    expected = "a calendar date in the form YYYY-MM-DD, such as 2026-03-01"
    if not isinstance(value, str) or _DATE.fullmatch(value) is None:
        raise _problem("date_format", f"Input should be {expected}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _problem(
            "date_value", f"Input is not a valid date; expected {expected}"
        ) from None


def _check_pattern(pattern: str, kind: str, expected: str) -> AfterValidator:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if compiled.fullmatch(value) is None:
            raise _problem(kind, f"Input should be {expected}")
        return value

    return AfterValidator(check)


def _check_force_id(value: str) -> str:
    try:
        return lookup_force(value).id
    except UnknownForceError as error:
        raise _problem("force_id", str(error)) from None


def _check_narrative_size(value: str) -> str:
    size = len(value.encode("utf-8"))
    if size > MAX_NARRATIVE_BYTES:
        raise _problem(
            "narrative_too_long",
            f"Input is {size} bytes of UTF-8, over the limit of {MAX_NARRATIVE_BYTES}",
        )
    return value


Timestamp = Annotated[
    datetime,
    BeforeValidator(_parse_timestamp),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "description": (
                "RFC 3339 timestamp with an offset, such as 2026-03-01T14:30:00Z"
            ),
        }
    ),
]
CalendarDate = Annotated[
    date,
    BeforeValidator(_parse_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]
Reference = Annotated[
    str,
    _check_pattern(
        REFERENCE_PATTERN,
        "reference",
        "a reference of 1 to 64 letters, digits, '.', '_' or '-' "
        "that starts with a letter or digit",
    ),
    WithJsonSchema({"type": "string", "pattern": REFERENCE_PATTERN}),
]
Sha256 = Annotated[
    str,
    _check_pattern(SHA256_PATTERN, "sha256", "64 lowercase hexadecimal digits"),
    WithJsonSchema({"type": "string", "pattern": SHA256_PATTERN}),
]
BundleId = Annotated[
    str,
    _check_pattern(
        UUID_PATTERN, "uuid", "a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e"
    ),
    AfterValidator(str.lower),
    WithJsonSchema({"type": "string", "format": "uuid", "pattern": UUID_PATTERN}),
]
MediaType = Annotated[
    str,
    _check_pattern(MEDIA_TYPE_PATTERN, "media_type", "a media type such as image/jpeg"),
    WithJsonSchema({"type": "string", "pattern": MEDIA_TYPE_PATTERN}),
]
ForceId = Annotated[
    str,
    AfterValidator(_check_force_id),
    WithJsonSchema({"type": "string", "enum": list(FORCE_IDS)}),
]
Narrative = Annotated[
    str,
    AfterValidator(_check_narrative_size),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": MAX_NARRATIVE_BYTES,
            "description": "At most 1 MiB (1,048,576 bytes) when encoded as UTF-8",
        }
    ),
]
