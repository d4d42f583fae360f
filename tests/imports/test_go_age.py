"""Bundles encrypted by the Go age CLI, around a ZIP built by hand, import."""

from __future__ import annotations

import hashlib
import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.bundles import SAMPLE_RECIPIENT, reports
from tests.conftest import require_program
from tests.imports.conftest import Workspace


def _hand_made_zip(folder: Path) -> Path:
    """Build a bundle ZIP step by step with zipfile, as an exporter would."""
    report_list = reports(3, seed=11)
    report_list[0]["attachments"] = [
        f"attachments/{report_list[0]['reference']}/note.txt"
    ]
    members = {
        f"reports/{r['reference']}.json": json.dumps(r).encode() for r in report_list
    }
    note = b"Synthetic note written for an interoperability test.\n"
    members[report_list[0]["attachments"][0]] = note

    def entry(path: str) -> dict[str, object]:
        data = members[path]
        return {
            "path": path,
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        }

    manifest = {
        "format": "psd-intake-bundle",
        "version": 1,
        "bundle_id": "6d1f3a52-0c4e-4f77-9b8e-2a9f51c0d7e4",
        "sequence": 1,
        "exported_at": "2026-11-28T07:30:00+00:00",
        "exporter": "hand-built test exporter 0.1",
        "recipient_force": "west-mercia",
        "reports": [entry(p) for p in members if p.startswith("reports/")],
        "attachments": [
            {**entry(p), "media_type": "text/plain"}
            for p in members
            if p.startswith("attachments/")
        ],
    }
    path = folder / "bundle.zip"
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _age_encrypt(
    age: str, source: Path, target: Path, recipients: list[str], armor: bool = False
) -> Path:
    command = [age, *(arg for r in recipients for arg in ("-r", r))]
    if armor:
        command.append("-a")
    subprocess.run([*command, "-o", str(target), str(source)], check=True)
    return target


def _imported(workspace: Workspace, bundle: Path, identity: Path | None = None) -> None:
    result = (
        workspace.import_(bundle, identity=identity, extra=("--json",))
        if identity
        else workspace.import_(bundle, extra=("--json",))
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.splitlines()[0])
    assert summary["status"] == "imported"
    assert summary["reports_imported"] == 3
    listed = json.loads(workspace.run("case", "list", "--json").stdout)
    assert len(listed) == 3


@pytest.mark.parametrize("armor", [False, True], ids=["binary", "armored"])
def test_go_age_bundle_imports(workspace: Workspace, age_cli: str, armor: bool) -> None:
    workspace.bundles.mkdir()
    source = _hand_made_zip(workspace.root / "export")
    bundle = _age_encrypt(
        age_cli, source, workspace.bundles / "b.age", [SAMPLE_RECIPIENT], armor=armor
    )
    _imported(workspace, bundle)


def test_armored_bundle_with_crlf_and_surrounding_space_imports(
    workspace: Workspace, age_cli: str
) -> None:
    workspace.bundles.mkdir()
    source = _hand_made_zip(workspace.root / "export")
    armored = _age_encrypt(
        age_cli, source, workspace.root / "a.age", [SAMPLE_RECIPIENT], armor=True
    )
    text = armored.read_text().replace("\n", "\r\n")
    bundle = workspace.bundles / "crlf.age"
    bundle.write_text("\r\n  \t\r\n" + text + "  \r\n\r\n", newline="")
    _imported(workspace, bundle)


def test_several_recipients_import_with_either_key(
    workspace: Workspace, age_cli: str, age_keygen_cli: str
) -> None:
    workspace.bundles.mkdir()
    other_key = workspace.root / "other-key.txt"
    subprocess.run(
        [age_keygen_cli, "-o", str(other_key)], check=True, capture_output=True
    )
    other = subprocess.run(
        [age_keygen_cli, "-y", str(other_key)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    source = _hand_made_zip(workspace.root / "export")
    bundle = _age_encrypt(
        age_cli, source, workspace.bundles / "two.age", [other, SAMPLE_RECIPIENT]
    )
    _imported(workspace, bundle, identity=other_key)


def test_ssh_ed25519_recipient_imports(workspace: Workspace, age_cli: str) -> None:
    ssh_keygen = require_program("ssh-keygen")
    workspace.bundles.mkdir()
    key = workspace.root / "id_ed25519"
    subprocess.run(
        [ssh_keygen, "-q", "-t", "ed25519", "-N", "", "-C", "test key", "-f", str(key)],
        check=True,
    )
    recipient = key.with_suffix(".pub").read_text().strip()
    source = _hand_made_zip(workspace.root / "export")
    bundle = _age_encrypt(age_cli, source, workspace.bundles / "ssh.age", [recipient])
    _imported(workspace, bundle, identity=key)


def test_committed_go_age_sample_is_armored(age_cli: str) -> None:
    from tests.conftest import SAMPLE_DATA

    armored = [
        p
        for p in (SAMPLE_DATA / "bundles").glob("*.age")
        if p.read_bytes().startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")
    ]
    assert len(armored) == 1
    decrypted = subprocess.run(
        [
            age_cli,
            "-d",
            "-i",
            str(SAMPLE_DATA / "sample-identity.txt"),
            str(armored[0]),
        ],
        check=True,
        capture_output=True,
    ).stdout
    assert decrypted.startswith(b"PK")
