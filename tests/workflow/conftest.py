"""Fixtures for workflow tests: a private database with imported cases."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

# pytest finds the workspace fixture by its name in this module.
from tests.imports.conftest import Workspace, workspace  # noqa: F401
from tests.workflow.case_helpers import Desk, make_reports

# Databases with imported cases, built once per session and copied into each
# test that needs them, because an import takes about ten times longer than
# a copy.
_TEMPLATES: dict[str, Path] = {}


def _start_from_template(
    desk: Desk,
    name: str,
    reports: list[dict[str, Any]],
    factory: pytest.TempPathFactory,
) -> str:
    """Copy a database holding ``reports`` to ``desk``; return its one case number."""
    template = _TEMPLATES.get(name)
    if template is None:
        folder = factory.mktemp(f"template-{name}")
        builder = Desk(
            Workspace(
                root=folder,
                db=folder / "data" / "cases.db",
                bundles=folder / "incoming",
                tmp=desk.workspace.tmp,
            )
        )
        builder.import_reports(reports)
        template = builder.workspace.db
        _TEMPLATES[name] = template
    target = desk.workspace.db
    target.parent.mkdir(mode=0o700, parents=True)
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copy2(source, f"{target}{suffix}")
    desk.sequence = 1
    (row,) = desk.listed()
    return str(row["case_number"])


@pytest.fixture
def desk(workspace: Workspace) -> Desk:  # noqa: F811
    """A workspace whose database is created by the first import."""
    return Desk(workspace)


@pytest.fixture
def case(desk: Desk, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The case number of one new case about personal advantage."""
    return _start_from_template(desk, "case", make_reports(1), tmp_path_factory)


@pytest.fixture
def partner_abuse_case(desk: Desk, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The case number of one new case whose reporter chose partner abuse."""
    reports = make_reports(1, start=50, themes=["partner_abuse"])
    return _start_from_template(desk, "partner-abuse", reports, tmp_path_factory)
