"""Keeping the bundle file: a private copy, never removed by another import."""

from __future__ import annotations

from pathlib import Path

import pytest

from psdcli.core import keep


def _source(tmp_path: Path) -> Path:
    source = tmp_path / "incoming" / "bundle.age"
    source.parent.mkdir()
    source.write_bytes(b"age-encryption.org/v1 synthetic bundle bytes")
    return source


def test_copy_is_private_and_named_by_hash(tmp_path: Path) -> None:
    folder = tmp_path / "kept"
    with keep.kept_copy(_source(tmp_path), folder, "abc.age") as copy:
        assert copy.created
    assert (folder / "abc.age").read_bytes().startswith(b"age-encryption")
    assert (folder / "abc.age").stat().st_mode & 0o777 == 0o600
    assert sorted(path.name for path in folder.iterdir()) == ["abc.age"]


def test_copy_made_first_elsewhere_is_not_ours(tmp_path: Path) -> None:
    folder = tmp_path / "kept"
    folder.mkdir(mode=0o700)
    # Another import linked its copy after this one saw no file there.
    (folder / "abc.age").write_bytes(b"the other import's copy")

    created = keep._copy_private(_source(tmp_path), folder / "abc.age")

    assert not created
    assert (folder / "abc.age").read_bytes() == b"the other import's copy"
    assert sorted(path.name for path in folder.iterdir()) == ["abc.age"]


def test_failed_import_keeps_earlier_copy(tmp_path: Path) -> None:
    folder = tmp_path / "kept"
    source = _source(tmp_path)
    with keep.kept_copy(source, folder, "abc.age"):
        pass
    with pytest.raises(RuntimeError), keep.kept_copy(source, folder, "abc.age"):
        raise RuntimeError("the import failed")
    assert (folder / "abc.age").exists()
