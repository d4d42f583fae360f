"""``reporter show`` needs a team key and a reason, and every reveal is logged.

Every successful reveal adds exactly one ``reporter.show`` consultation event.
A failed attempt prints no detail and adds no event.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bundles import SAMPLE_KEY
from tests.confidentiality.conftest import ANALYST, Desk
from tests.confidentiality.leak_scan import (
    Scanner,
    contact_values,
    describe,
    sample_reports,
    write_new_identity,
)

# Contactable sample reports: one with a name in Urdu script, and one whose
# second revision carries the same contact details again.
URDU_NAME_CASE = "CS-2026-004552"
TWO_REVISION_CASE = "CS-2026-004103"
REASON = "Arrange a call back about the meeting date"


def anonymous_reference() -> str:
    """Return the reference of an anonymous sample report."""
    return next(ref for ref, r in sample_reports().items() if r["anonymous"])


def test_reveal_prints_contact_and_logs_one_event(desk: Desk) -> None:
    contact = sample_reports()[URDU_NAME_CASE]["contact"]
    before = desk.events()

    result = desk.run(
        "reporter", "show", URDU_NAME_CASE, "--reason", REASON, "-i", SAMPLE_KEY
    )

    assert result.exit_code == 0, result.output
    assert contact["name"] in result.stdout
    assert contact["email"] in result.stdout
    after = desk.events()
    assert len(after) == len(before) + 1
    event = after[-1]
    assert event["action"] == "reporter.show"
    assert event["operation"] == "consultation"
    assert event["analyst"] == ANALYST
    assert event["reason"] == REASON
    assert event["case_reference"] == URDU_NAME_CASE
    assert event["details"] == {"revisions": 1}


def test_reveal_json_lists_every_revision(desk: Desk) -> None:
    contact = sample_reports()[TWO_REVISION_CASE]["contact"]

    result = desk.run(
        "reporter", "show", TWO_REVISION_CASE, "--reason", REASON,
        "-i", SAMPLE_KEY, "--json",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert [item["revision"] for item in printed["contacts"]] == [1, 2]
    assert all(item["name"] == contact["name"] for item in printed["contacts"])
    (event,) = desk.events("reporter.show")
    assert event["details"] == {"revisions": 2}


def test_each_reveal_logs_its_own_event(desk: Desk) -> None:
    for reason in ("First call", "Second call"):
        result = desk.run(
            "reporter", "show", URDU_NAME_CASE, "--reason", reason, "-i", SAMPLE_KEY
        )
        assert result.exit_code == 0, result.output

    events = desk.events("reporter.show")

    assert [event["reason"] for event in events] == ["First call", "Second call"]


def test_reveal_is_logged_under_the_acting_analyst(desk: Desk) -> None:
    result = desk.run(
        "reporter", "show", URDU_NAME_CASE, "--reason", REASON,
        "-i", SAMPLE_KEY, analyst="A2001",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    (event,) = desk.events("reporter.show")
    assert event["analyst"] == "A2001"


FAILED_REVEALS = [
    ("no-identity", ("--reason", REASON), 2, "--identity"),
    ("wrong-identity", ("--reason", REASON, "-i", "{wrong}"), 1, "{recipient}"),
    ("empty-reason", ("--reason", "", "-i", str(SAMPLE_KEY)), 2, "--reason"),
    ("blank-reason", ("--reason", "   ", "-i", str(SAMPLE_KEY)), 2, "--reason"),
    ("missing-reason", ("-i", str(SAMPLE_KEY)), 2, "--reason"),
    ("missing-identity-file", ("--reason", REASON, "-i", "nokey.txt"), 1, "nokey"),
]


@pytest.mark.parametrize(
    ("options", "exit_code", "message"),
    [case[1:] for case in FAILED_REVEALS],
    ids=[case[0] for case in FAILED_REVEALS],
)
def test_failed_reveal_prints_nothing_and_logs_nothing(
    desk: Desk,
    tmp_path: Path,
    options: tuple[str, ...],
    exit_code: int,
    message: str,
) -> None:
    wrong = tmp_path / "other-team-key.txt"
    recipient = write_new_identity(wrong)
    filled = [option.format(wrong=wrong) for option in options]
    before = desk.events()

    result = desk.run("reporter", "show", URDU_NAME_CASE, *filled)

    assert result.exit_code == exit_code, result.output
    assert message.format(recipient=recipient) in result.stderr
    scanner = Scanner(contact_values([sample_reports()[URDU_NAME_CASE]]))
    leaks = scanner.in_output("stdout", result.stdout_bytes)
    leaks += scanner.in_output("stderr", result.stderr_bytes)
    assert not leaks, describe(leaks)
    assert desk.events("reporter.show") == []
    assert desk.events() == before


def test_anonymous_case_has_no_contact_details(desk: Desk) -> None:
    reference = anonymous_reference()

    result = desk.run(
        "reporter", "show", reference, "--reason", REASON, "-i", SAMPLE_KEY
    )

    assert result.exit_code == 1, result.output
    assert "no contact details" in result.stderr
    assert result.stdout == ""
    assert desk.events("reporter.show") == []


def test_unknown_case_logs_nothing(desk: Desk) -> None:
    result = desk.run(
        "reporter", "show", "CS-2026-000000", "--reason", REASON, "-i", SAMPLE_KEY
    )

    assert result.exit_code == 1, result.output
    assert "CS-2026-000000" in result.stderr
    assert desk.events("reporter.show") == []


@pytest.mark.usefixtures("failing_commit")
def test_reveal_prints_nothing_when_commit_fails(desk: Desk) -> None:
    result = desk.run(
        "reporter", "show", URDU_NAME_CASE, "--reason", REASON, "-i", SAMPLE_KEY
    )

    assert result.exit_code == 1, result.output
    assert "disk is full" in result.stderr
    assert result.stdout == ""
    assert desk.events("reporter.show") == []
