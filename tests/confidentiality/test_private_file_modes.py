"""Every file psdcli creates is private, even when the user's umask is 022.

The real program runs in a subprocess started with umask 022, so the modes
checked here are the ones that psdcli itself sets.
"""

from __future__ import annotations

import sqlite3
import stat
from contextlib import closing
from pathlib import Path

from tests.bundles import SAMPLE_KEY
from tests.confidentiality.conftest import Cli
from tests.confidentiality.leak_scan import SAMPLE_BUNDLE_DIR


def mode_of(path: Path) -> int:
    """Return the permission bits of ``path``."""
    return stat.S_IMODE(path.lstat().st_mode)


def modes_under(folder: Path) -> dict[str, int]:
    """Return the mode of every file and folder under ``folder``, by relative path."""
    return {str(p.relative_to(folder)): mode_of(p) for p in sorted(folder.rglob("*"))}


def test_data_folder_and_database_are_private(cli: Cli) -> None:
    cli.run("init")

    assert mode_of(cli.data) == 0o700
    assert mode_of(cli.db) == 0o600


def test_wal_and_shm_files_are_private(cli: Cli) -> None:
    cli.run("init")
    # An idle reader keeps the -wal and -shm files after psdcli exits.
    with closing(sqlite3.connect(cli.db)) as reader:
        reader.execute("SELECT count(*) FROM sqlite_master").fetchall()
        cli.run("import", "-i", SAMPLE_KEY, SAMPLE_BUNDLE_DIR)
        wal = cli.db.with_name(cli.db.name + "-wal")
        shm = cli.db.with_name(cli.db.name + "-shm")

        assert wal.stat().st_size > 0
        assert mode_of(wal) == 0o600
        assert mode_of(shm) == 0o600


def test_kept_bundles_are_private(cli: Cli) -> None:
    cli.run("init")
    cli.run("import", "-i", SAMPLE_KEY, SAMPLE_BUNDLE_DIR)

    kept = sorted(cli.kept_bundles.iterdir())

    assert mode_of(cli.kept_bundles) == 0o700
    assert len(kept) == 4
    assert {path.name: mode_of(path) for path in kept} == {
        path.name: 0o600 for path in kept
    }


def test_whole_data_folder_is_private_after_import(cli: Cli) -> None:
    cli.run("init")
    cli.run("import", "-i", SAMPLE_KEY, SAMPLE_BUNDLE_DIR)

    modes = modes_under(cli.data)

    loose = {name: f"{mode:o}" for name, mode in modes.items() if mode & 0o077}
    assert not loose, f"readable by other users: {loose}"
    assert modes  # the folder is not empty


def test_generated_identity_file_is_private(cli: Cli, tmp_path: Path) -> None:
    key = tmp_path / "team-key.txt"

    cli.run("keys", "generate", "-o", key)

    assert mode_of(key) == 0o600
    assert key.read_text(encoding="utf-8").count("AGE-SECRET-KEY-1") == 1


def test_exports_are_private(cli: Cli, tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    reason = ("--reason", "Quarterly self-monitoring")
    cli.run("init")
    cli.run("import", "-i", SAMPLE_KEY, SAMPLE_BUNDLE_DIR)

    cli.run("audit", "export", "-o", exports / "audit.jsonl", *reason)
    cli.run("audit", "export", "--format", "csv", "-o", exports / "audit.csv", *reason)
    cli.run(
        "case", "attachment", "export", "CS-2026-004239", "reporter-note.txt",
        "-o", exports / "note.txt", *reason, "-i", SAMPLE_KEY,
    )  # fmt: skip

    modes = modes_under(exports)
    assert {"audit.jsonl", "audit.csv", "note.txt"} <= set(modes)
    assert {name: f"{mode:o}" for name, mode in modes.items()} == {
        name: "600" for name in modes
    }


def test_database_readable_by_others_is_rejected(cli: Cli) -> None:
    cli.run("init")
    cli.db.chmod(0o644)

    result = cli.run("case", "list", expect=1)

    assert "readable by other users" in result.err
    assert "chmod 600" in result.err


def test_data_folder_readable_by_others_is_rejected(cli: Cli) -> None:
    cli.data.mkdir(mode=0o755)
    cli.data.chmod(0o755)

    result = cli.run("init", expect=1)

    assert "readable by other users" in result.err
    assert not cli.db.exists()
