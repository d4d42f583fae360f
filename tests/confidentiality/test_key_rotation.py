"""Rotating the team key: add a recipient, remove the old one, rewrap.

After a rotation every sealed value (contact details, attachments and
quarantined reports) opens with the new key and none with the old one, both
in the rows and in the bytes of the database file. A rewrap that fails part
way changes nothing.
"""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
import pytest

from tests.bundles import (
    SAMPLE_KEY,
    database_snapshot,
    reports,
    write_bundle,
    zip_bytes,
)
from tests.confidentiality.conftest import Desk, query
from tests.confidentiality.leak_scan import (
    SAMPLE_BUNDLE_DIR,
    load_identity,
    write_new_identity,
)

SEALED_QUERY = (
    "SELECT 'report_revision', id, contact_sealed FROM report_revision "
    "WHERE contact_sealed IS NOT NULL "
    "UNION ALL SELECT 'attachment', id, sealed FROM attachment "
    "UNION ALL SELECT 'quarantined_report', id, sealed FROM quarantined_report"
)
SEALED_TABLES = {"report_revision", "attachment", "quarantined_report"}
CONTACTABLE_CASE = "CS-2026-004552"
REASON = "Arrange a call back"
# Read in bundle order, so that the first bundle is sealed before the second.
FIRST_BUNDLE = SAMPLE_BUNDLE_DIR / "f38b2ffc-80a4-4f5a-91c9-bc701e7ea419.age"
SECOND_BUNDLE = SAMPLE_BUNDLE_DIR / "4f77abb9-42ed-4fa9-8c28-54175567761f.age"


@dataclass
class TeamKey:
    """An identity file and its public recipient."""

    path: Path
    recipient: str

    def opens(self, blob: bytes) -> bool:
        """Return whether this key decrypts ``blob``."""
        try:
            pyrage.decrypt(blob, [load_identity(self.path)])
        except pyrage.DecryptError:
            return False
        return True


def sealed_rows(db: Path) -> list[tuple[str, int, bytes]]:
    """Return (table, id, sealed bytes) of every sealed value in the database."""
    return [
        (table, row_id, bytes(blob)) for table, row_id, blob in query(db, SEALED_QUERY)
    ]


def recipients(db: Path) -> list[str]:
    """Return the recorded storage recipients."""
    return [row[0] for row in query(db, "SELECT recipient FROM storage_recipient")]


def database_bytes(db: Path) -> bytes:
    """Return the database file and its -wal file, as stored on disk."""
    wal = db.with_name(db.name + "-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def quarantine_bundle(folder: Path) -> Path:
    """Write a bundle with one valid report and one anonymous report with contact."""
    good, hidden = reports(2, seed=5, start=880)
    hidden["anonymous"] = True
    hidden["contact"] = {"name": "Tadhg Ó Dálaigh", "phone": "07700 900321"}
    return write_bundle(folder, zip_bytes([good, hidden]))


@pytest.fixture
def old_key(tmp_path: Path, age_keygen_cli: str) -> TeamKey:
    """Key A, the team key being retired, made by the Go age-keygen."""
    path = tmp_path / "old-team-key.txt"
    subprocess.run([age_keygen_cli, "-o", str(path)], check=True, capture_output=True)
    public = subprocess.run(
        [age_keygen_cli, "-y", str(path)], check=True, capture_output=True, text=True
    )
    return TeamKey(path, public.stdout.strip())


@pytest.fixture
def new_key(tmp_path: Path) -> TeamKey:
    """Key B, the replacement team key, made by ``psdcli keys generate``."""
    path = tmp_path / "new-team-key.txt"
    result = Desk(tmp_path / "unused.db").run("keys", "generate", "-o", path)
    assert result.exit_code == 0, result.output
    return TeamKey(path, result.stdout.strip().splitlines()[-1])


@pytest.fixture
def team_desk(tmp_path: Path, old_key: TeamKey) -> Desk:
    """A new database sealed to key A, holding the samples and a quarantined report."""
    desk = Desk(tmp_path / "data" / "cases.db")
    run_ok(desk, "init", "--recipient", old_key.recipient)
    run_ok(desk, "import", "-i", SAMPLE_KEY, SAMPLE_BUNDLE_DIR)
    quarantined = desk.run(
        "import", "-i", SAMPLE_KEY, quarantine_bundle(tmp_path / "incoming")
    )
    assert quarantined.exit_code == 1, quarantined.output
    return desk


def run_ok(desk: Desk, *args: Any) -> str:
    """Run a command that must succeed and return its stdout."""
    result = desk.run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def rotate(desk: Desk, old: TeamKey, new: TeamKey) -> None:
    """Add the new key, remove the old one and rewrap with the old one."""
    run_ok(desk, "keys", "add-recipient", new.recipient)
    run_ok(desk, "keys", "remove-recipient", old.recipient)
    run_ok(desk, "keys", "rewrap", "-i", old.path)


def test_rotation_moves_every_sealed_value_to_new_key(
    team_desk: Desk, old_key: TeamKey, new_key: TeamKey
) -> None:
    before = sealed_rows(team_desk.db)
    assert {table for table, _, _ in before} == SEALED_TABLES
    assert all(old_key.opens(blob) for _, _, blob in before)
    plaintexts = {
        (table, row_id): pyrage.decrypt(blob, [load_identity(old_key.path)])
        for table, row_id, blob in before
    }

    rotate(team_desk, old_key, new_key)

    after = sealed_rows(team_desk.db)
    assert [(t, i) for t, i, _ in after] == [(t, i) for t, i, _ in before]
    assert [key for key in after if old_key.opens(key[2])] == []
    for table, row_id, blob in after:
        opened = pyrage.decrypt(blob, [load_identity(new_key.path)])
        assert opened == plaintexts[(table, row_id)], (table, row_id)
    assert recipients(team_desk.db) == [new_key.recipient]


def test_rotation_leaves_no_old_ciphertext_on_disk(
    team_desk: Desk, old_key: TeamKey, new_key: TeamKey
) -> None:
    # The first 120 bytes of an age file hold its header with the wrapped
    # file key, which is all that key A needs to open the value.
    old_headers = [blob[:120] for _, _, blob in sealed_rows(team_desk.db)]
    before = database_bytes(team_desk.db)
    assert all(header in before for header in old_headers)

    rotate(team_desk, old_key, new_key)

    on_disk = database_bytes(team_desk.db)
    left = sum(header in on_disk for header in old_headers)
    assert left == 0, f"{left} of {len(old_headers)} old headers are still on disk"


def test_reveal_after_rotation_needs_new_key(
    team_desk: Desk, old_key: TeamKey, new_key: TeamKey
) -> None:
    rotate(team_desk, old_key, new_key)

    with_old = team_desk.run(
        "reporter", "show", CONTACTABLE_CASE, "--reason", REASON, "-i", old_key.path
    )
    with_new = team_desk.run(
        "reporter", "show", CONTACTABLE_CASE, "--reason", REASON, "-i", new_key.path
    )

    assert with_old.exit_code == 1, with_old.output
    assert old_key.recipient in with_old.stderr
    assert with_new.exit_code == 0, with_new.output
    assert "reporter5869@example.com" in with_new.stdout
    assert len(team_desk.events("reporter.show")) == 1


def test_rotation_logs_each_change(
    team_desk: Desk, old_key: TeamKey, new_key: TeamKey
) -> None:
    count = len(sealed_rows(team_desk.db))

    rotate(team_desk, old_key, new_key)

    keys_events = [e for e in team_desk.events() if e["action"].startswith("keys.")]
    assert [(e["action"], e["operation"], e["analyst"]) for e in keys_events] == [
        ("keys.add-recipient", "alteration", "T0001"),
        ("keys.add-recipient", "alteration", "T0001"),
        ("keys.remove-recipient", "alteration", "T0001"),
        ("keys.rewrap", "alteration", "T0001"),
    ]
    assert [e["details"] for e in keys_events] == [
        {"recipient": old_key.recipient},
        {"recipient": new_key.recipient},
        {"recipient": old_key.recipient},
        {"values": count, "recipients": 1},
    ]


@pytest.fixture
def mixed_desk(tmp_path: Path, old_key: TeamKey, new_key: TeamKey) -> Desk:
    """A database whose first bundle is sealed to key A and second to key B only."""
    desk = Desk(tmp_path / "data" / "cases.db")
    run_ok(desk, "init", "--recipient", old_key.recipient)
    run_ok(desk, "import", "-i", SAMPLE_KEY, FIRST_BUNDLE)
    run_ok(desk, "keys", "add-recipient", new_key.recipient)
    run_ok(desk, "keys", "remove-recipient", old_key.recipient)
    run_ok(desk, "import", "-i", SAMPLE_KEY, SECOND_BUNDLE)
    return desk


def test_rewrap_failing_midway_changes_nothing(
    mixed_desk: Desk, old_key: TeamKey, new_key: TeamKey
) -> None:
    rows = sealed_rows(mixed_desk.db)
    opened_by_old = [old_key.opens(blob) for _, _, blob in rows]
    # Rows sealed to key A come first, so the rewrap re-seals some of them
    # before it meets a row that key A cannot open.
    assert opened_by_old[0]
    assert not all(opened_by_old)
    snapshot = database_snapshot(mixed_desk.db)

    result = mixed_desk.run("keys", "rewrap", "-i", old_key.path)

    assert result.exit_code == 1, result.output
    assert old_key.recipient in result.stderr
    assert database_snapshot(mixed_desk.db) == snapshot
    assert mixed_desk.events("keys.rewrap") == []


def test_rewrap_with_both_keys_finishes_mixed_database(
    mixed_desk: Desk, old_key: TeamKey, new_key: TeamKey, tmp_path: Path
) -> None:
    both = tmp_path / "both-keys.txt"
    both.write_text(
        old_key.path.read_text(encoding="utf-8") + new_key.path.read_text("utf-8"),
        encoding="utf-8",
    )
    both.chmod(0o600)

    run_ok(mixed_desk, "keys", "rewrap", "-i", both)

    rows = sealed_rows(mixed_desk.db)
    assert rows
    assert not any(old_key.opens(blob) for _, _, blob in rows)
    assert all(new_key.opens(blob) for _, _, blob in rows)


def test_removing_last_recipient_is_rejected(team_desk: Desk, old_key: TeamKey) -> None:
    before = team_desk.events()

    result = team_desk.run("keys", "remove-recipient", old_key.recipient)

    assert result.exit_code == 2, result.output
    assert "only storage recipient" in result.stderr
    assert recipients(team_desk.db) == [old_key.recipient]
    assert team_desk.events() == before


INVALID_RECIPIENTS = [
    ("truncated-age", "age1qyqszqgpqyqszqgpqyqszqgpqyqszqgp"),
    ("bad-checksum", "age1" + "q" * 58),
    ("words", "the new team key"),
    ("ssh-garbage", "ssh-ed25519 AAAAnotbase64 analyst@example.org"),
    ("empty", ""),
]


@pytest.mark.parametrize(
    "recipient",
    [case[1] for case in INVALID_RECIPIENTS],
    ids=[case[0] for case in INVALID_RECIPIENTS],
)
def test_invalid_recipient_is_rejected(
    team_desk: Desk, old_key: TeamKey, recipient: str
) -> None:
    before = team_desk.events()

    result = team_desk.run("keys", "add-recipient", recipient)

    assert result.exit_code != 0, result.output
    assert "not a valid" in result.stderr
    assert recipients(team_desk.db) == [old_key.recipient]
    assert team_desk.events() == before


def test_duplicate_recipient_is_rejected(team_desk: Desk, old_key: TeamKey) -> None:
    before = team_desk.events()

    result = team_desk.run("keys", "add-recipient", old_key.recipient)

    assert result.exit_code == 2, result.output
    assert "already a storage recipient" in result.stderr
    assert team_desk.events() == before


@pytest.mark.parametrize(
    "command",
    [("keys", "add-recipient"), ("init", "--recipient")],
    ids=["keys-add-recipient", "init"],
)
def test_secret_key_given_as_recipient_is_not_echoed(
    team_desk: Desk, tmp_path: Path, command: tuple[str, str]
) -> None:
    key = tmp_path / "pasted-key.txt"
    write_new_identity(key)
    secret = key.read_text(encoding="utf-8").split()[-1]
    before = team_desk.events()

    result = team_desk.run(*command, secret)

    assert result.exit_code != 0, result.output
    assert "is a secret key" in result.stderr
    assert secret[len("AGE-SECRET-KEY-1") :][:20] not in result.output
    assert team_desk.events() == before


def test_rewrap_with_concurrent_reader_leaves_no_old_ciphertext(
    team_desk: Desk,
    old_key: TeamKey,
    new_key: TeamKey,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A short busy timeout keeps the test fast; the behaviour is the same as
    # with the real 15 seconds.
    monkeypatch.setattr("psdcli.storage.sqlite.BUSY_TIMEOUT_MS", 200)
    old_headers = [blob[:120] for _, _, blob in sealed_rows(team_desk.db)]
    run_ok(team_desk, "keys", "add-recipient", new_key.recipient)
    run_ok(team_desk, "keys", "remove-recipient", old_key.recipient)

    # Another analyst's long read keeps a snapshot open while the rewrap runs.
    with closing(sqlite3.connect(team_desk.db, isolation_level=None)) as reader:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM report_revision").fetchall()
        result = team_desk.run("keys", "rewrap", "-i", old_key.path)
        on_disk = team_desk.db.read_bytes()
        reader.execute("COMMIT")

    left = sum(header in on_disk for header in old_headers)
    assert result.exit_code != 0 or left == 0, (
        f"rewrap reported success but {left} of {len(old_headers)} values sealed "
        "to the removed key are still in the database file"
    )
