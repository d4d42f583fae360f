"""Turn parsed JSON into manifest and report models, with one-line errors.

Pydantic's own messages quote the rejected input. The messages built here
give the field path and the kind of problem instead, because the input may be
a reporter's contact details or the narrative.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from psdcli.core.errors import ManifestError, ReportInvalidError
from psdcli.intake.layout import MANIFEST_NAME
from psdcli.intake.manifest import FORMAT_NAME, FORMAT_VERSION, Manifest
from psdcli.intake.models import Report

# Enough problems to fix a broken exporter without flooding the terminal.
MAX_PROBLEMS_SHOWN = 5
_MAX_SHOWN_CHARS = 40


def validate_manifest(document: Any) -> Manifest:
    """Validate a parsed manifest.json, raising ManifestError on any fault.

    The format name and version are checked first, so that a bundle from a
    newer exporter gets an upgrade message rather than a list of fields.
    """
    if not isinstance(document, dict):
        raise ManifestError(
            f"{MANIFEST_NAME} is invalid: it must be a JSON object, but it is "
            f"{_json_type(document)}; ask the sender to export the bundle again"
        )
    _check_format_and_version(document)
    try:
        return Manifest.model_validate(document)
    except ValidationError as error:
        raise ManifestError(
            f"{MANIFEST_NAME} is invalid: {describe_validation_error(error)}; "
            "ask the sender to export the bundle again"
        ) from None


def validate_report(document: Any, source: str) -> Report:
    """Validate a parsed report, raising ReportInvalidError on any fault.

    ``source`` is the report's member path and starts the message.
    """
    if not isinstance(document, dict):
        raise ReportInvalidError(
            f"{source}: invalid report: it must be a JSON object, but it is "
            f"{_json_type(document)}"
        )
    try:
        return Report.model_validate(document)
    except ValidationError as error:
        raise ReportInvalidError(
            f"{source}: invalid report: {describe_validation_error(error)}"
        ) from None


def describe_validation_error(error: ValidationError) -> str:
    """Describe each problem as ``path: message`` without the rejected values."""
    problems = []
    for item in error.errors(
        include_url=False, include_input=False, include_context=False
    ):
        path = format_location(item["loc"])
        problems.append(f"{path}: {item['msg']}" if path else item["msg"])
    text = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
    hidden = len(problems) - MAX_PROBLEMS_SHOWN
    if hidden > 0:
        text += f"; and {hidden} more"
    return text


def format_location(location: tuple[int | str, ...]) -> str:
    """Format a pydantic error location as a path such as ``subjects[0].role``."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def _check_format_and_version(document: dict[str, Any]) -> None:
    format_name = document.get("format")
    if format_name != FORMAT_NAME:
        raise ManifestError(
            f"{MANIFEST_NAME} has format {_shorten(format_name)}, not "
            f"{FORMAT_NAME!r}: this file is not a psdcli intake bundle"
        )
    version = document.get("version")
    if type(version) is int and version > FORMAT_VERSION:
        raise ManifestError(
            f"the bundle uses format version {version}, but this psdcli reads only "
            f"version {FORMAT_VERSION}; upgrade psdcli to import it"
        )
    if type(version) is not int or version != FORMAT_VERSION:
        raise ManifestError(
            f"{MANIFEST_NAME} has version {_shorten(version)}; it must be the "
            f"integer {FORMAT_VERSION}. Ask the sender to export the bundle again"
        )


def _shorten(value: Any) -> str:
    if isinstance(value, str):
        shortened = (
            value if len(value) <= _MAX_SHOWN_CHARS else value[:_MAX_SHOWN_CHARS] + "…"
        )
        return repr(shortened)
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)
    return _json_type(value)


def _json_type(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"
