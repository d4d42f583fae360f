"""Fixtures for the summary tests: the import tests' workspace."""

from tests.imports.conftest import workspace  # noqa: F401
