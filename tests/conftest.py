"""Fixtures shared by every test: isolation from the user's real data folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DATA = REPO / "sample_data"
TESTKIT = REPO.parent / "shared" / "testdata" / "age-testkit"


def require_program(name: str) -> str:
    """Return the path of an external program, or skip; in CI a missing one fails.

    CI sets ``CI=true`` and installs every program the tests use, so a skip
    there would hide a test that never ran.
    """
    path = shutil.which(name)
    if path is not None:
        return path
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{name} is not installed; .ci/run must install it")
    pytest.skip(f"{name} is not installed (apt-get install age)")


@pytest.fixture(autouse=True)
def isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point the data folder at a fresh temporary folder and clear PSDCLI_*."""
    for name in list(os.environ):
        if name.startswith("PSDCLI_"):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("PSDCLI_DATA_DIR", str(home / "psdcli-data"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("TERM", "dumb")
    return home


@pytest.fixture
def age_cli() -> str:
    """Path of the Go ``age`` program."""
    return require_program("age")


@pytest.fixture
def age_keygen_cli() -> str:
    """Path of the Go ``age-keygen`` program."""
    return require_program("age-keygen")
