"""docs/workflow.md states the same rules, lists and defaults as the code."""

from __future__ import annotations

import re

import pytest

from psdcli.core.categories import CATEGORIES, DEFAULT_IOPC_TAGS
from psdcli.core.numbering import DEFAULT_FORMAT
from psdcli.core.safeguarding import MAX_SCORES
from psdcli.core.workflow import TRANSITIONS, CaseStatus, Step
from tests.conftest import REPO

DOC = REPO / "docs" / "workflow.md"


def _between(name: str) -> str:
    """Return the doc's text between the ``<!-- NAME: start/end -->`` markers."""
    text = DOC.read_text(encoding="utf-8")
    match = re.search(
        rf"<!-- {name}: start -->\n(.*?)\n\s*<!-- {name}: end -->", text, re.DOTALL
    )
    assert match is not None, f"docs/workflow.md has no '{name}' markers"
    return match.group(1)


def transition_table() -> str:
    """Return the Markdown table of allowed steps, built from ``TRANSITIONS``.

    Each row is one pair of states with every step that leads from the first
    to the second, states and steps in the order of their enums.
    """
    states = list(CaseStatus)
    steps = list(Step)
    grouped: dict[tuple[CaseStatus, CaseStatus], list[Step]] = {}
    for (before, step), after in TRANSITIONS.items():
        grouped.setdefault((before, after), []).append(step)
    rows = ["| from | steps | to |", "| --- | --- | --- |"]
    for before, after in sorted(
        grouped, key=lambda pair: (states.index(pair[0]), states.index(pair[1]))
    ):
        names = ", ".join(
            f"`{step.value}`"
            for step in sorted(grouped[before, after], key=steps.index)
        )
        rows.append(f"| `{before.value}` | {names} | `{after.value}` |")
    return "\n".join(rows)


def test_doc_table_matches_transitions() -> None:
    expected = transition_table()
    assert _between("transitions") == expected, (
        "docs/workflow.md is out of date; replace the table between the "
        f"transitions markers with:\n{expected}"
    )


def test_doc_lists_default_iopc_tags() -> None:
    listed = re.findall(r"`([a-z0-9-]+)`", _between("iopc tags"))
    assert listed == sorted(DEFAULT_IOPC_TAGS)


def test_doc_names_every_category() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [category for category in CATEGORIES if f"`{category}`" not in text]
    assert missing == []


@pytest.mark.parametrize(
    ("variable", "default"),
    [
        ("PSDCLI_CASE_NUMBER_FORMAT", DEFAULT_FORMAT),
        ("PSDCLI_RETENTION_YEARS", "6"),
        ("PSDCLI_ASSESSMENT_DUE_DAYS", "28"),
        ("PSDCLI_IOPC_TAGS", "the list above"),
    ],
)
def test_doc_settings_table(variable: str, default: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    default_cell = default if default == "the list above" else f"`{default}`"
    assert f"| `{variable}` | {default_cell} |" in text


@pytest.mark.parametrize("tool", sorted(MAX_SCORES))
def test_doc_score_ranges(tool: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"`{tool}` (score 0-{MAX_SCORES[tool]})" in text
