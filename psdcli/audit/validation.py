"""Checks that keep audit events to plain, bounded metadata.

An audit event records who did what to which case, never the content of a
report. Free text is limited to the analyst id, the case reference, the
bundle id, the recipient, the reason and short ``details`` strings, each with
a maximum length. Control characters other than tab, line feed and carriage
return are rejected because they have no place in metadata and would make the
canonical encoding harder to reproduce outside Python.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from psdcli.audit.errors import InvalidAuditValueError
from psdcli.storage.models import AUDIT_OPERATIONS

MAX_ANALYST = 64
MAX_REFERENCE = 64
MAX_RECIPIENT = 1024
MAX_REASON = 1000
MAX_DETAIL_ENTRIES = 32
MAX_DETAIL_TEXT = 256
# The largest integer that a JSON parser storing numbers as IEEE 754 doubles,
# as JavaScript does, reads exactly. Larger ones could hash differently in a
# verifier written in such a language.
MAX_DETAIL_INTEGER = 2**53 - 1

_ACTION = re.compile(r"[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+")
_MAX_ACTION = 64
_DETAIL_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def check_operation(operation: str) -> str:
    """Return ``operation`` if it is one of the six logged kinds of processing."""
    if operation not in AUDIT_OPERATIONS:
        raise InvalidAuditValueError(
            f"invalid audit operation {operation!r}; use one of "
            f"{', '.join(AUDIT_OPERATIONS)}."
        )
    return operation


def check_action(action: str) -> str:
    """Return ``action`` if it is a dotted lower-case name like ``case.show``."""
    if len(action) > _MAX_ACTION or not _ACTION.fullmatch(action):
        raise InvalidAuditValueError(
            f"invalid audit action {action[:_MAX_ACTION]!r}; use dotted lower-case "
            f"words such as 'bundle.import' or 'case.record-intel', at most "
            f"{_MAX_ACTION} characters."
        )
    return action


def check_text(name: str, value: str, maximum: int) -> str:
    """Return ``value`` if it is non-empty text of at most ``maximum`` characters.

    The error names the field but never quotes the value, which may be
    something the analyst typed by mistake.
    """
    if not isinstance(value, str):
        raise InvalidAuditValueError(f"invalid audit {name}: it must be text.")
    if not value.strip():
        raise InvalidAuditValueError(
            f"invalid audit {name}: it is empty; give a value or leave it out."
        )
    if len(value) > maximum:
        raise InvalidAuditValueError(
            f"invalid audit {name}: it has {len(value)} characters, more than "
            f"the maximum of {maximum}; shorten it."
        )
    for char in value:
        if char in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(char) in ("Cc", "Cs"):
            raise InvalidAuditValueError(
                f"invalid audit {name}: it contains the control character "
                f"U+{ord(char):04X}; remove it."
            )
    return value


def check_optional_text(name: str, value: str | None, maximum: int) -> str | None:
    """Return ``value`` checked by ``check_text``, or None when it is None."""
    if value is None:
        return None
    return check_text(name, value, maximum)


def check_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return a copy of ``details`` if it contains only ids, counts and flags.

    Keys are lower-case identifiers. Values are strings, integers within
    +/-(2**53 - 1), booleans or None. Nested objects, lists and floats are
    rejected, which keeps report text and structured personal data out.
    """
    if details is None:
        return {}
    if not isinstance(details, Mapping):
        raise InvalidAuditValueError("invalid audit details: they must be a mapping.")
    if len(details) > MAX_DETAIL_ENTRIES:
        raise InvalidAuditValueError(
            f"invalid audit details: {len(details)} entries, more than the "
            f"maximum of {MAX_DETAIL_ENTRIES}."
        )
    return {
        _check_detail_key(key): _check_detail_value(key, value)
        for key, value in details.items()
    }


def _check_detail_key(key: object) -> str:
    if not isinstance(key, str) or not _DETAIL_KEY.fullmatch(key):
        raise InvalidAuditValueError(
            f"invalid audit details key {str(key)[:64]!r}; use 1-64 lower-case "
            "letters, digits or '_', starting with a letter."
        )
    return key


def _check_detail_value(key: str, value: object) -> str | int | bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_DETAIL_INTEGER:
            raise InvalidAuditValueError(
                f"invalid audit details value for {key!r}: the integer is "
                f"outside +/-{MAX_DETAIL_INTEGER}."
            )
        return value
    if value == "":
        return value
    if isinstance(value, str):
        return check_text(f"details value for {key!r}", value, MAX_DETAIL_TEXT)
    raise InvalidAuditValueError(
        f"invalid audit details value for {key!r}: a {type(value).__name__} is "
        "not allowed; use a string, an integer, a boolean or None."
    )
