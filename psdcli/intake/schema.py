"""Generate the JSON Schemas of manifest.json and of a report from the models.

Run ``python -m psdcli.intake.schema [FOLDER]`` to write
``manifest.schema.json`` and ``report.schema.json`` into FOLDER (by default
``docs/schema``). A test checks that the committed files are up to date.

The schemas are for exporters. Some rules need more than a schema can express,
such as the byte limit on the narrative or the real calendar date behind a
``date`` string, so psdcli validates with its models, not with the schemas.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from psdcli.intake.manifest import Manifest
from psdcli.intake.models import Report

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILES: dict[str, type[BaseModel]] = {
    "manifest.schema.json": Manifest,
    "report.schema.json": Report,
}


def build_schema(model: type[BaseModel]) -> dict[str, Any]:
    """Return the draft 2020-12 JSON Schema that validates input for ``model``."""
    generated = model.model_json_schema(mode="validation", by_alias=True)
    schema: dict[str, Any] = {"$schema": DRAFT_2020_12, **generated}
    if model is Report:
        schema["allOf"] = [_ANONYMOUS_RULE]
    return schema


def render_schema(model: type[BaseModel]) -> str:
    """Return the schema of ``model`` as the text written to its file."""
    return json.dumps(build_schema(model), indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema file into ``folder`` and return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, model in SCHEMA_FILES.items():
        path = folder / file_name
        path.write_text(render_schema(model), encoding="utf-8")
        written.append(path)
    return written


# The contact rule links two fields, so the model checks it in a validator
# that pydantic cannot translate; it is written out here by hand.
_ANONYMOUS_RULE: dict[str, Any] = {
    "if": {"properties": {"anonymous": {"const": True}}, "required": ["anonymous"]},
    "then": {"properties": {"contact": {"type": "null"}}},
    "else": {
        "properties": {"contact": {"$ref": "#/$defs/Contact"}},
        "required": ["contact"],
    },
}


def main(argv: list[str] | None = None) -> None:
    """Write the schema files into the folder named on the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m psdcli.intake.schema",
        description="Write the JSON Schemas of the intake bundle format.",
    )
    parser.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=Path("docs/schema"),
        help="folder to write the schema files into (default: docs/schema)",
    )
    arguments = parser.parse_args(argv)
    for path in write_schemas(arguments.folder):
        sys.stdout.write(f"wrote {path}\n")


if __name__ == "__main__":
    main()
