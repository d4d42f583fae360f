"""The published JSON Schemas match the models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from psdcli.intake.schema import DRAFT_2020_12, SCHEMA_FILES, main, render_schema
from tests.conftest import REPO

SCHEMA_FOLDER = REPO / "docs" / "schema"


@pytest.mark.parametrize(
    ("file_name", "model"), SCHEMA_FILES.items(), ids=list(SCHEMA_FILES)
)
def test_committed_schema_is_current(file_name: str, model: type[BaseModel]) -> None:
    committed = (SCHEMA_FOLDER / file_name).read_text(encoding="utf-8")
    assert committed == render_schema(model), (
        f"docs/schema/{file_name} is out of date; run python -m psdcli.intake.schema"
    )


def test_report_schema_states_rules() -> None:
    schema = json.loads(render_schema(SCHEMA_FILES["report.schema.json"]))
    assert schema["$schema"] == DRAFT_2020_12
    assert schema["additionalProperties"] is True
    assert "from" in schema["$defs"]["Incident"]["properties"]
    assert schema["properties"]["themes"]["minItems"] == 1
    assert schema["allOf"][0]["then"] == {"properties": {"contact": {"type": "null"}}}
    assert set(schema["required"]) >= {
        "reference",
        "anonymous",
        "narrative",
        "attachments",
    }


def test_schema_command_writes_files(tmp_path: Path) -> None:
    main([str(tmp_path)])
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(SCHEMA_FILES)
