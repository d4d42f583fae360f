"""Bundles rejected as a whole: a clear error, no change, no plaintext left."""

from __future__ import annotations

import base64
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bundles import (
    SAMPLE_KEY,
    encrypt,
    hand_zip,
    manifest_for,
    report_members,
    reports,
    write_bundle,
    zip_bytes,
)
from tests.conftest import TESTKIT
from tests.imports.conftest import Workspace

Builder = Callable[[Path], Path]


def _write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def _sound_bundle(folder: Path) -> Path:
    return write_bundle(folder, zip_bytes(reports(2, start=700)), name="sound.age")


def _zip_with(members: dict[str, bytes], **manifest_options: object) -> bytes:
    manifest = manifest_for(members, **manifest_options)  # type: ignore[arg-type]
    return hand_zip(
        [("manifest.json", json.dumps(manifest).encode()), *members.items()]
    )


def random_bytes(folder: Path) -> Path:
    return _write(folder, "random.age", os.urandom(4096))


def empty_file(folder: Path) -> Path:
    return _write(folder, "empty.age", b"")


def truncated(folder: Path) -> Path:
    data = _sound_bundle(folder).read_bytes()
    return _write(folder, "truncated.age", data[: len(data) // 2])


def corrupted_payload(folder: Path) -> Path:
    data = bytearray(_sound_bundle(folder).read_bytes())
    data[-40] ^= 0x01
    return _write(folder, "corrupted.age", bytes(data))


def wrong_key(folder: Path) -> Path:
    other = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"
    return _write(folder, "wrong-key.age", encrypt(zip_bytes(reports(1)), [other]))


def not_a_zip(folder: Path) -> Path:
    return _write(folder, "not-zip.age", encrypt(b"just some text\n"))


def damaged_armor(folder: Path) -> Path:
    armored = encrypt(zip_bytes(reports(1)), armored=True).decode().splitlines()
    armored[2] = armored[2][:-3] + "!!!"
    return _write(folder, "damaged-armor.age", "\n".join(armored).encode())


def scrypt_work_factor_too_high(folder: Path) -> Path:
    salt = base64.b64encode(b"s" * 16).decode().rstrip("=")
    body = base64.b64encode(b"k" * 32).decode().rstrip("=")
    mac = base64.b64encode(b"m" * 32).decode().rstrip("=")
    header = f"age-encryption.org/v1\n-> scrypt {salt} 30\n{body}\n--- {mac}\n"
    return _write(folder, "scrypt.age", header.encode() + b"n" * 16 + b"p" * 64)


def hybrid_recipient_only(folder: Path) -> Path:
    vector = (TESTKIT / "hybrid").read_bytes()
    age_file = vector.split(b"\n\n", 1)[1]
    return _write(folder, "hybrid.age", age_file)


def path_traversal(folder: Path) -> Path:
    members = report_members(reports(1))
    members["reports/../../evil.json"] = b"{}"
    return _write(folder, "traversal.age", encrypt(_zip_with(members)))


def _altered_after_manifest(
    folder: Path, name: str, old: bytes, new: bytes, *, index: int = 0
) -> Path:
    members = report_members(reports(3))
    manifest = manifest_for(members)
    altered = list(members)[index]
    members[altered] = members[altered].replace(old, new, 1)
    archive = hand_zip(
        [("manifest.json", json.dumps(manifest).encode()), *members.items()]
    )
    return _write(folder, name, encrypt(archive))


def hash_mismatch(folder: Path) -> Path:
    return _altered_after_manifest(
        folder, "hash.age", b'"revision": 1', b'"revision": 2'
    )


def last_report_hash_mismatch(folder: Path) -> Path:
    # The reports before it are stored in the bundle's transaction first.
    return _altered_after_manifest(
        folder, "last.age", b'"revision": 1', b'"revision": 2', index=-1
    )


def size_mismatch(folder: Path) -> Path:
    return _altered_after_manifest(folder, "size.age", b"}", b', "x": 1}')


def newer_version(folder: Path) -> Path:
    return _write(
        folder, "v2.age", encrypt(_zip_with(report_members(reports(1)), version=2))
    )


def duplicate_member(folder: Path) -> Path:
    members = report_members(reports(1))
    manifest = json.dumps(manifest_for(members)).encode()
    ((path, data),) = members.items()
    archive = hand_zip([("manifest.json", manifest), (path, data), (path, data)])
    return _write(folder, "duplicate.age", encrypt(archive))


def symlink_member(folder: Path) -> Path:
    members = report_members(reports(1))
    link = zipfile.ZipInfo("attachments/CS-2026-900001/link")
    link.external_attr = 0o120777 << 16
    manifest = json.dumps(manifest_for(members)).encode()
    archive = hand_zip(
        [("manifest.json", manifest), *members.items(), (link, b"/etc/passwd")]
    )
    return _write(folder, "symlink.age", encrypt(archive))


def zip_bomb(folder: Path) -> Path:
    members = report_members(reports(1))
    members["attachments/CS-2026-900001/zeros.bin"] = b"\0" * (20 * 1024 * 1024)
    return _write(folder, "bomb.age", encrypt(_zip_with(members)))


def missing_manifest(folder: Path) -> Path:
    archive = hand_zip(list(report_members(reports(1)).items()))
    return _write(folder, "no-manifest.age", encrypt(archive))


def manifest_with_duplicate_keys(folder: Path) -> Path:
    members = report_members(reports(1))
    text = json.dumps(manifest_for(members))
    text = text.replace('"version": 1', '"version": 1, "version": 1', 1)
    archive = hand_zip([("manifest.json", text.encode()), *members.items()])
    return _write(folder, "dup-keys.age", encrypt(archive))


def missing_file(folder: Path) -> Path:
    return folder / "absent.age"


CASES: list[tuple[str, Builder, str]] = [
    ("random-bytes", random_bytes, "Invalid age header"),
    ("empty", empty_file, "empty"),
    ("truncated", truncated, "truncated or corrupted"),
    ("corrupted-payload", corrupted_payload, "truncated or corrupted"),
    ("wrong-key", wrong_key, "No identity"),
    ("not-a-zip", not_a_zip, "not a ZIP archive"),
    ("damaged-armor", damaged_armor, "Invalid armor"),
    ("scrypt-work-factor", scrypt_work_factor_too_high, "work factor"),
    ("hybrid-recipient", hybrid_recipient_only, "mlkem768x25519"),
    ("path-traversal", path_traversal, ".."),
    ("hash-mismatch", hash_mismatch, "SHA-256"),
    ("last-report-hash-mismatch", last_report_hash_mismatch, "SHA-256"),
    ("size-mismatch", size_mismatch, "bytes, but the manifest lists"),
    ("newer-version", newer_version, "version 2"),
    ("duplicate-member", duplicate_member, "appears twice"),
    ("symlink-member", symlink_member, "link"),
    ("zip-bomb", zip_bomb, "compress"),
    ("missing-manifest", missing_manifest, "manifest.json"),
    ("manifest-duplicate-keys", manifest_with_duplicate_keys, "duplicate key"),
    ("missing-file", missing_file, "not found"),
]


@pytest.mark.parametrize(
    ("builder", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_bundle_is_rejected_cleanly(
    workspace: Workspace, builder: Builder, expected: str
) -> None:
    assert workspace.import_(_sound_bundle(workspace.root / "first")).exit_code == 0
    before = workspace.snapshot()
    kept_before = workspace.kept_bundles()
    bad = builder(workspace.bundles)

    result = workspace.import_(bad, extra=("--json",))

    assert result.exit_code == 1, result.output
    (summary,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert summary["status"] == "rejected"
    assert expected.lower() in summary["error"].lower(), summary["error"]
    assert "\n" not in summary["error"]
    assert "Traceback" not in result.output
    assert workspace.snapshot() == before
    assert workspace.kept_bundles() == kept_before
    assert workspace.leftover_temporary_files() == []


@pytest.mark.parametrize(
    ("builder", "expected"), [c[1:] for c in CASES[:8]], ids=[c[0] for c in CASES[:8]]
)
def test_bad_bundle_error_is_one_line_on_stderr(
    workspace: Workspace, builder: Builder, expected: str
) -> None:
    result = workspace.import_(builder(workspace.bundles))
    assert result.exit_code == 1
    error_lines = [
        line for line in result.stderr.splitlines() if line.startswith("Error:")
    ]
    assert len(error_lines) == 1, result.stderr
    assert expected.lower() in error_lines[0].lower()


def test_batch_continues_past_rejected_bundle(workspace: Workspace) -> None:
    bad = random_bytes(workspace.bundles)
    good = write_bundle(workspace.bundles, zip_bytes(reports(3)), name="zz-good.age")
    result = workspace.import_(bad, good, extra=("--json",))
    assert result.exit_code == 1
    statuses = [json.loads(line)["status"] for line in result.stdout.splitlines()]
    assert statuses == ["rejected", "imported"]
    assert len(json.loads(workspace.run("case", "list", "--json").stdout)) == 3


def test_missing_identity_file_is_an_error(workspace: Workspace) -> None:
    bundle = write_bundle(workspace.bundles, zip_bytes(reports(1)))
    result = workspace.import_(bundle, identity=workspace.root / "no-key.txt")
    assert result.exit_code == 1
    assert "no-key.txt" in result.stderr
    assert not workspace.db.exists()


def test_import_without_identity_is_a_usage_error(workspace: Workspace) -> None:
    bundle = write_bundle(workspace.bundles, zip_bytes(reports(1)))
    result = workspace.run("import", str(bundle))
    assert result.exit_code == 2
    assert "--identity" in result.stderr


def test_import_without_analyst_is_refused(workspace: Workspace) -> None:
    from typer.testing import CliRunner

    from psdcli.cli.app import app

    bundle = write_bundle(workspace.bundles, zip_bytes(reports(1)))
    result = CliRunner().invoke(
        app, ["--db", str(workspace.db), "import", "-i", str(SAMPLE_KEY), str(bundle)]
    )
    assert result.exit_code == 2
    assert "--analyst" in result.stderr
    assert not workspace.db.exists()


def test_folder_without_bundles_is_an_error(workspace: Workspace) -> None:
    workspace.bundles.mkdir()
    result = workspace.import_(workspace.bundles)
    assert result.exit_code == 1
    assert "no .age bundle files" in result.stderr
