"""``case attachment export`` writes a new private file and logs a disclosure.

A refused export leaves no file behind, changes no existing file and adds no
audit event.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.bundles import SAMPLE_KEY
from tests.confidentiality.conftest import ANALYST, Desk
from tests.confidentiality.leak_scan import read_sample_bundles, write_new_identity

REASON = "For the investigating officer"
NOTE_CASE = "CS-2026-004882"
NOTE_NAME = "reporter-note.txt"


def sample_attachments() -> dict[str, bytes]:
    """Return every attachment of the sample bundles by archive path."""
    return {
        path: data
        for bundle in read_sample_bundles()
        for path, data in bundle.attachments.items()
    }


def mode_of(path: Path) -> int:
    """Return the permission bits of ``path``."""
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.mark.parametrize("archive_path", sorted(sample_attachments()))
def test_export_writes_original_bytes_privately(
    desk: Desk, tmp_path: Path, archive_path: str
) -> None:
    _, reference, name = archive_path.split("/")
    target = tmp_path / "out" / name
    target.parent.mkdir()

    result = desk.run(
        "case", "attachment", "export", reference, name, "-o", target,
        "--reason", REASON, "--recipient", "DS Example", "-i", SAMPLE_KEY,
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert target.read_bytes() == sample_attachments()[archive_path]
    assert mode_of(target) == 0o600
    (event,) = desk.events("attachment.export")
    assert event["operation"] == "disclosure"
    assert event["analyst"] == ANALYST
    assert event["recipient"] == "DS Example"
    assert event["reason"] == REASON
    assert event["case_reference"] == reference
    assert event["details"] == {"attachment": name, "size": target.stat().st_size}


def test_export_recipient_defaults_to_analyst(desk: Desk, tmp_path: Path) -> None:
    target = tmp_path / NOTE_NAME

    result = desk.run(
        "case", "attachment", "export", NOTE_CASE, NOTE_NAME, "-o", target,
        "--reason", REASON, "-i", SAMPLE_KEY,
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    (event,) = desk.events("attachment.export")
    assert event["recipient"] == ANALYST


def test_export_rejects_existing_file(desk: Desk, tmp_path: Path) -> None:
    target = tmp_path / NOTE_NAME
    target.write_bytes(b"an analyst's own notes\n")
    target.chmod(0o640)
    before = desk.events()

    result = desk.run(
        "case", "attachment", "export", NOTE_CASE, NOTE_NAME, "-o", target,
        "--reason", REASON, "-i", SAMPLE_KEY,
    )  # fmt: skip

    assert result.exit_code != 0, result.output
    assert str(target) in result.stderr
    assert target.read_bytes() == b"an analyst's own notes\n"
    assert mode_of(target) == 0o640
    assert desk.events() == before


def test_export_rejects_dangling_symlink(desk: Desk, tmp_path: Path) -> None:
    elsewhere = tmp_path / "shared" / "note.txt"
    elsewhere.parent.mkdir()
    target = tmp_path / NOTE_NAME
    target.symlink_to(elsewhere)
    before = desk.events()

    result = desk.run(
        "case", "attachment", "export", NOTE_CASE, NOTE_NAME, "-o", target,
        "--reason", REASON, "-i", SAMPLE_KEY,
    )  # fmt: skip

    assert result.exit_code != 0, result.output
    assert not elsewhere.exists()
    assert target.is_symlink()
    assert desk.events() == before


REFUSED_EXPORTS = [
    ("wrong-identity", ("--reason", REASON, "-i", "{wrong}"), 1),
    ("no-identity", ("--reason", REASON), 2),
    ("empty-reason", ("--reason", " ", "-i", str(SAMPLE_KEY)), 2),
    ("blank-recipient", ("--reason", REASON, "--recipient", " ", "-i", "{key}"), 2),
]
EMPTY_RECIPIENT = pytest.param(
    ("--reason", REASON, "--recipient", "", "-i", "{key}"),
    2,
    id="empty-recipient",
)


@pytest.mark.parametrize(
    ("options", "exit_code"),
    [
        *(pytest.param(*case[1:], id=case[0]) for case in REFUSED_EXPORTS),
        EMPTY_RECIPIENT,
    ],
)
def test_refused_export_writes_and_logs_nothing(
    desk: Desk, tmp_path: Path, options: tuple[str, ...], exit_code: int
) -> None:
    wrong = tmp_path / "other-team-key.txt"
    write_new_identity(wrong)
    filled = [option.format(wrong=wrong, key=SAMPLE_KEY) for option in options]
    target = tmp_path / "out" / NOTE_NAME
    target.parent.mkdir()
    before = desk.events()

    result = desk.run(
        "case", "attachment", "export", NOTE_CASE, NOTE_NAME, "-o", target, *filled
    )

    assert result.exit_code == exit_code, result.output
    assert list(target.parent.iterdir()) == []
    assert desk.events() == before


def test_export_of_unknown_attachment_lists_names(desk: Desk, tmp_path: Path) -> None:
    target = tmp_path / "missing.txt"

    result = desk.run(
        "case", "attachment", "export", NOTE_CASE, "missing.txt", "-o", target,
        "--reason", REASON, "-i", SAMPLE_KEY,
    )  # fmt: skip

    assert result.exit_code == 1, result.output
    assert NOTE_NAME in result.stderr
    assert not target.exists()
    assert desk.events("attachment.export") == []


@pytest.mark.usefixtures("failing_commit")
def test_export_leaves_no_file_when_commit_fails(desk: Desk, tmp_path: Path) -> None:
    target = tmp_path / NOTE_NAME

    result = desk.run(
        "case", "attachment", "export", NOTE_CASE, NOTE_NAME, "-o", target,
        "--reason", REASON, "-i", SAMPLE_KEY,
    )  # fmt: skip

    assert result.exit_code == 1, result.output
    assert "disk is full" in result.stderr
    assert desk.events("attachment.export") == []
    assert not target.exists(), "an attachment was disclosed without a log entry"
