"""Every command that reads or changes case data appends an audit event.

The test walks the whole command tree, so a new command fails here until it
is either exercised below with the event it must write, or listed as exempt
with the reason it touches no case data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from psdcli.cli.app import app
from tests.bundles import SAMPLE_KEY, reports, write_bundle, zip_bytes

ANALYST = "T0001"

# Commands that touch no case data, with the reason.
EXEMPT = {
    ("init",): "creates or upgrades the schema; recipients it records are logged",
    ("keys", "generate"): "writes a new key file; no database",
    ("keys", "show"): "reads a key file; no database",
    ("keys", "recipients"): "lists public keys only",
    ("bundle", "list"): "lists bundle metadata: ids, counts and sequence numbers",
    ("audit", "verify"): "checks hashes; shows no case data",
    ("audit", "show"): "shows the audit trail, which holds metadata only",
    ("triage",): "interactive; each step it records goes through the same core "
    "functions as the case commands, and the triage tests check the events",
}


def _walk(command: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    children = getattr(command, "commands", None)
    if not children:
        yield path
        return
    for name, child in children.items():
        yield from _walk(child, (*path, name))


ALL_COMMANDS = sorted(_walk(typer.main.get_command(app)))


class Session:
    """A database with imported sample reports, and a way to count events."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = root / "data" / "cases.db"
        (self.reference,) = self._import(reports(1, anonymous=False))
        self.note = "note.txt"

    def _import(self, report_list: list[dict[str, object]]) -> list[str]:
        (report,) = report_list
        report["contact"] = {
            "name": "Synthetic Person",
            "phone": "07700 900999",
            "email": "synthetic@example.org",
            "preferred_method": None,
            "safe_to_contact_times": None,
            "notes": None,
        }
        path = f"attachments/{report['reference']}/note.txt"
        report["attachments"] = [path]
        archive = zip_bytes(report_list, attachments={path: (b"note\n", "text/plain")})
        bundle = write_bundle(self.root / "in", archive)
        result = self.run("import", "-i", str(SAMPLE_KEY), str(bundle))
        assert result.exit_code == 0, result.output
        return [str(report["reference"])]

    def run(self, *args: str) -> typer.testing.Result:
        return CliRunner().invoke(
            app, ["--db", str(self.db), "--analyst", ANALYST, *args]
        )

    def events(self) -> list[tuple[str, str]]:
        engine = create_engine(f"sqlite:///{self.db}")
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT operation, action FROM audit_event ORDER BY sequence")
            ).all()
        engine.dispose()
        return [(str(op), str(action)) for op, action in rows]


def _invocations(s: Session) -> dict[tuple[str, ...], tuple[list[str], str]]:
    ref, key = s.reference, str(SAMPLE_KEY)
    out = s.root / "exports"
    out.mkdir(exist_ok=True)
    new_key = s.root / "second-key.txt"
    return {
        ("import",): (
            [
                "import",
                "-i",
                key,
                str(
                    write_bundle(
                        s.root / "more", zip_bytes(reports(1, start=50), sequence=2)
                    )
                ),
            ],
            "collection",
        ),
        ("bundle", "show"): (["bundle", "show", _bundle_id(s)], "consultation"),
        ("case", "list"): (["case", "list"], "consultation"),
        ("case", "show"): (["case", "show", ref], "consultation"),
        ("case", "assign"): (["case", "assign", ref, "A2"], "alteration"),
        ("case", "categorise"): (["case", "categorise", ref, "other"], "alteration"),
        ("case", "assess"): (
            [
                "case",
                "assess",
                ref,
                "--grading",
                "2/B/P",
                "--severity",
                "none",
                "--rationale",
                "r",
            ],
            "alteration",
        ),
        ("case", "iopc"): (
            ["case", "iopc", ref, "--not-required", "--rationale", "r"],
            "alteration",
        ),
        ("case", "note"): (["case", "note", ref, "a note"], "alteration"),
        ("case", "safeguard"): (
            [
                "case",
                "safeguard",
                ref,
                "--at-risk",
                "reporter",
                "--risk",
                "standard",
                "--tool",
                "judgement",
                "--action",
                "welfare call",
                "--subject-system-access",
                "no",
                "--rationale",
                "r",
            ],
            "alteration",
        ),
        ("case", "complete-action"): (
            ["case", "complete-action", ref, "1"],
            "alteration",
        ),
        ("case", "escalate"): (
            ["case", "escalate", ref, "--team", "ACU", "--rationale", "r"],
            "alteration",
        ),
        ("case", "record-intel"): (
            ["case", "record-intel", ref, "--grading", "2/B/P", "--rationale", "r"],
            "alteration",
        ),
        ("case", "transfer"): (
            ["case", "transfer", ref, "kent", "--rationale", "r"],
            "alteration",
        ),
        ("case", "refer-complaints"): (
            ["case", "refer-complaints", ref, "--rationale", "r"],
            "alteration",
        ),
        ("case", "close"): (["case", "close", ref], "alteration"),
        ("case", "reopen"): (["case", "reopen", ref, "--reason", "r"], "alteration"),
        ("case", "nfa"): (
            ["case", "nfa", "CS-2026-900050", "--rationale", "r"],
            "alteration",
        ),
        ("case", "attachment", "export"): (
            [
                "case",
                "attachment",
                "export",
                ref,
                "note.txt",
                "-o",
                str(out / "note.txt"),
                "--reason",
                "r",
                "-i",
                key,
            ],
            "disclosure",
        ),
        ("reporter", "show"): (
            ["reporter", "show", ref, "--reason", "r", "-i", key],
            "consultation",
        ),
        ("stats",): (["stats"], "consultation"),
        ("audit", "export"): (
            ["audit", "export", "-o", str(out / "audit.jsonl"), "--format", "jsonl"],
            "disclosure",
        ),
        ("keys", "add-recipient"): (
            ["keys", "add-recipient", _new_recipient(new_key)],
            "alteration",
        ),
        ("keys", "remove-recipient"): (
            ["keys", "remove-recipient", _new_recipient(new_key)],
            "alteration",
        ),
        ("keys", "rewrap"): (["keys", "rewrap", "-i", key], "alteration"),
    }


def _bundle_id(s: Session) -> str:
    listed = json.loads(s.run("bundle", "list", "--json").stdout)
    return str(listed["bundles"][0]["bundle_id"])


def _new_recipient(path: Path) -> str:
    from psdcli.crypto import keys

    if not path.exists():
        path.write_text(keys.generate_identity().secret_text)
    return keys.read_recipients(path)[0]


def test_every_command_is_exercised_or_exempt(tmp_path: Path) -> None:
    covered = set(_invocations(Session(tmp_path)))
    unaccounted = [c for c in ALL_COMMANDS if c not in covered and c not in EXEMPT]
    assert unaccounted == [], f"commands with no audit test: {unaccounted}"
    stale = [c for c in covered | set(EXEMPT) if c not in ALL_COMMANDS]
    assert stale == []


Logged = dict[tuple[str, ...], tuple[str, list[tuple[str, str]]]]


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Logged:
    """Run every invocation in order; keep the expected operation and new events."""
    s = Session(tmp_path_factory.mktemp("every-command"))
    added: Logged = {}
    for command, (argv, operation) in _invocations(s).items():
        before = len(s.events())
        result = s.run(*argv)
        assert result.exit_code == 0, (command, result.output)
        added[command] = (operation, s.events()[before:])
    return added


@pytest.mark.parametrize(
    "command", [c for c in ALL_COMMANDS if c not in EXEMPT], ids=" ".join
)
def test_command_appends_its_audit_event(
    command: tuple[str, ...], logged: Logged
) -> None:
    expected, events = logged[command]
    assert events, f"{' '.join(command)} appended no audit event"
    assert expected in {operation for operation, _ in events}
