"""The state machine through the CLI: legal steps, refusals, versions and history."""

from __future__ import annotations

import json

import pytest

from psdcli.core.workflow import TRANSITIONS
from tests.workflow.case_helpers import (
    DECISION_STEPS,
    REASON,
    STATUS_AFTER,
    STEPS,
    Desk,
    alterations,
    error_line,
    step_args,
)

ASSESSMENT = (
    "assign",
    "categorise",
    "assess",
    "iopc",
    "note",
    "safeguard",
    "complete-action",
)
OUTCOMES = ("escalate", "record-intel", "transfer", "refer-complaints", "nfa")

# The rules, written out independently of psdcli.core.workflow.
ALLOWED: dict[str, tuple[str, ...]] = {
    "new": ASSESSMENT + OUTCOMES,
    "in_assessment": ASSESSMENT + OUTCOMES,
    "decided": (*ASSESSMENT, *OUTCOMES, "close"),
    "closed": ("note", "reopen"),
}

# Steps that take a case from a new case to each state.
REACH: dict[str, tuple[str, ...]] = {
    "new": (),
    "in_assessment": ("note",),
    "decided": ("note", "nfa"),
    "closed": ("note", "nfa", "close"),
}

ILLEGAL = [
    (state, step)
    for state, allowed in ALLOWED.items()
    for step in STEPS
    if step not in allowed
]


def test_code_table_matches_written_rules() -> None:
    table = {(state.value, step.value) for state, step in TRANSITIONS}
    expected = {(state, step) for state, steps in ALLOWED.items() for step in steps}
    assert table == expected


@pytest.mark.parametrize(
    ("state", "step"), ILLEGAL, ids=[f"{step}-when-{state}" for state, step in ILLEGAL]
)
def test_illegal_step_refused(desk: Desk, case: str, state: str, step: str) -> None:
    for earlier in REACH[state]:
        desk.do(earlier, case)
    before = desk.snapshot()
    result = desk.run(*step_args(step, case))
    assert result.exit_code == 1, result.output
    message = error_line(result)
    allowed = ", ".join(ALLOWED[state])
    assert message == (
        f"cannot {step} case {case}: it is {state}; allowed next steps: {allowed}."
    )
    assert desk.snapshot() == before


@pytest.mark.parametrize("step", STEPS)
def test_step_bumps_version_and_logs_alteration(
    desk: Desk, case: str, step: str
) -> None:
    desk.prepare(step, case)
    version = desk.show(case)["version"]
    result = desk.do(step, case)
    detail = desk.show(case)
    assert result["version"] == version + 1
    assert detail["version"] == version + 1
    assert detail["status"] == STATUS_AFTER[step]
    assert alterations(detail)[-1] == f"case.{step}"


@pytest.mark.parametrize("step", STEPS)
def test_audit_event_holds_ids_not_text(desk: Desk, case: str, step: str) -> None:
    desk.prepare(step, case)
    reference = desk.show(case)["reference"]
    result = desk.do(step, case)
    audit_output = desk.run(
        "audit",
        "show",
        "--case",
        reference,
        "--operation",
        "alteration",
        "--limit",
        "1",
        "--json",
    )
    assert audit_output.exit_code == 0, audit_output.output
    (event,) = json.loads(audit_output.stdout)["events"]
    assert event["action"] == f"case.{step}"
    assert event["details"]["status"] == result["status"]
    assert event["details"]["version"] == result["version"]
    assert event["details"].get("decision_id") == result["decision_id"]
    assert REASON not in audit_output.stdout


def test_every_step_leaves_one_alteration_event(desk: Desk, case: str) -> None:
    desk.do("safeguard", case)
    desk.do("complete-action", case)
    for step in ("assign", "categorise", "assess", "iopc", "note"):
        desk.do(step, case)
    for step in ("escalate", "record-intel", "transfer", "refer-complaints"):
        desk.do(step, case)
    desk.do("close", case)
    desk.do("reopen", case)
    detail = desk.show(case)
    expected = [
        "case.safeguard",
        "case.complete-action",
        "case.assign",
        "case.categorise",
        "case.assess",
        "case.iopc",
        "case.note",
        "case.escalate",
        "case.record-intel",
        "case.transfer",
        "case.refer-complaints",
        "case.close",
        "case.reopen",
    ]
    assert alterations(detail) == expected
    assert detail["version"] == 1 + len(expected)


@pytest.mark.parametrize("step", STEPS)
def test_step_json_output(desk: Desk, case: str, step: str) -> None:
    desk.prepare(step, case)
    version = desk.show(case)["version"]
    reference = desk.show(case)["reference"]
    result = desk.do(step, case)
    assert set(result) == {
        "case_number",
        "reference",
        "step",
        "status",
        "version",
        "decision_id",
    }
    assert result["case_number"] == case
    assert result["reference"] == reference
    assert result["step"] == step
    assert result["status"] == STATUS_AFTER[step]
    assert result["version"] == version + 1
    if step in DECISION_STEPS:
        assert isinstance(result["decision_id"], int)
    else:
        assert result["decision_id"] is None


def test_decision_id_names_recorded_decision(desk: Desk, case: str) -> None:
    result = desk.do("assess", case)
    (decision,) = desk.show(case)["decisions"]
    assert decision["id"] == result["decision_id"]
    assert decision["kind"] == "assessment"


def test_step_prints_confirmation_line(desk: Desk, case: str) -> None:
    reference = desk.show(case)["reference"]
    result = desk.run(*step_args("note", case))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{case} ({reference}): note recorded; status in_assessment, version 2.\n"
    )


@pytest.mark.parametrize("step", STEPS)
def test_step_accepts_reference(desk: Desk, case: str, step: str) -> None:
    desk.prepare(step, case)
    reference = desk.show(case)["reference"]
    result = desk.step(*step_args(step, reference))
    assert result["case_number"] == case
    assert result["step"] == step


@pytest.mark.parametrize("step", STEPS)
def test_step_accepts_lowercase_case_number(desk: Desk, case: str, step: str) -> None:
    desk.prepare(step, case)
    result = desk.step(*step_args(step, case.lower()))
    assert result["case_number"] == case


@pytest.mark.parametrize("step", STEPS)
def test_unknown_case_refused(desk: Desk, case: str, step: str) -> None:
    before = desk.snapshot()
    result = desk.run(*step_args(step, "PSD-1999-9999"))
    assert result.exit_code == 1, result.output
    assert error_line(result) == (
        "no case with reference or number 'PSD-1999-9999'; "
        "`psdcli case list` shows them."
    )
    assert desk.snapshot() == before


def test_show_unknown_case_refused(desk: Desk, case: str) -> None:
    result = desk.run("case", "show", "CS-1999-000000")
    assert result.exit_code == 1, result.output
    assert "'CS-1999-000000'" in error_line(result)


def test_show_accepts_number_and_reference(desk: Desk, case: str) -> None:
    by_number = desk.show(case)
    by_reference = desk.show(by_number["reference"])
    assert by_reference["case_number"] == case


def test_reopened_case_can_be_decided_and_closed_again(desk: Desk, case: str) -> None:
    for step in ("nfa", "close", "reopen", "transfer"):
        desk.do(step, case)
    result = desk.do("close", case)
    assert result["status"] == "closed"
    assert result["version"] == 6


def test_note_allowed_on_closed_case(desk: Desk, case: str) -> None:
    for step in ("nfa", "close"):
        desk.do(step, case)
    result = desk.do("note", case)
    assert result["status"] == "closed"
    assert desk.show(case)["notes"][-1]["text"] == REASON
