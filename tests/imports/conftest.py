"""Fixtures for import tests: a private database, a CLI runner, a clean TMPDIR."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from psdcli.cli.app import app
from tests.bundles import SAMPLE_KEY, database_snapshot


@dataclass
class Workspace:
    """A database path, a folder for bundles and a private TMPDIR."""

    root: Path
    db: Path
    bundles: Path
    tmp: Path

    def run(self, *args: str) -> Result:
        """Run psdcli in-process against this workspace's database."""
        return CliRunner().invoke(
            app,
            ["--db", str(self.db), "--analyst", "T0001", *args],
            catch_exceptions=False,
        )

    def import_(
        self,
        *paths: Path | str,
        identity: Path = SAMPLE_KEY,
        extra: tuple[str, ...] = (),
    ) -> Result:
        """Run ``psdcli import`` with the sample key."""
        return self.run("import", "-i", str(identity), *extra, *(str(p) for p in paths))

    def snapshot(self) -> list[str]:
        """Return the database's rows as SQL text."""
        return database_snapshot(self.db)

    def leftover_temporary_files(self) -> list[Path]:
        """Return files left in the private TMPDIR."""
        return sorted(self.tmp.rglob("*"))

    def kept_bundles(self) -> list[Path]:
        """Return the kept bundle files beside the database."""
        folder = self.db.parent / f"{self.db.stem}-bundles"
        return (
            sorted(p for p in folder.glob("*") if p.is_file())
            if folder.exists()
            else []
        )


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """Yield a workspace whose TMPDIR is private, to catch leftover plaintext."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return Workspace(
        root=tmp_path,
        db=tmp_path / "data" / "cases.db",
        bundles=tmp_path / "incoming",
        tmp=tmp,
    )
