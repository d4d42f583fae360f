"""``psdcli triage`` in a real pseudo-terminal: assess, note, skip, stop, interrupt."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from typing import Any

from tests.triage.triage_driver import (
    CTRL_C,
    CTRL_D,
    CTRL_U,
    PSDCLI,
    Desk,
    Terminal,
    data_changes,
)

MENU = "What do you want to do with"
RATIONALE = "Two consistent accounts of the same conduct"


def _escalate(term: Terminal) -> None:
    term.first("Outcome:")
    term.answer("Investigating team:", "ACU")


def _fill_assessment(
    term: Terminal,
    *,
    category: str = "authority",
    tags: str = "",
    handling_downs: int = 0,
    iopc: Callable[[Terminal], None] | None = None,
    outcome: Callable[[Terminal], None] = _escalate,
    safeguarding: Callable[[Terminal], None] | None = None,
) -> None:
    """Answer every question of an assessment up to the final confirmation."""
    term.pick(MENU, "assess")
    term.pick("National category:", category)
    term.answer("Tags, comma-separated", tags)
    term.first("Source evaluation:", 1)
    term.first("Intelligence assessment:", 1)
    term.first("Handling code:", handling_downs)
    if handling_downs:
        term.answer("Conditions on sharing", "")
        term.expect("the condition on sharing is empty")
        term.send("Share only with the ACU\r")
    term.first("Severity if the conduct is proven:", 1)
    if iopc is not None:
        iopc(term)
    outcome(term)
    term.confirm(
        "Record safeguarding for someone at risk?", yes=safeguarding is not None
    )
    if safeguarding is not None:
        safeguarding(term)
    term.answer("Rationale for this assessment and outcome:", RATIONALE)


def _active(shown: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["kind"]: d for d in shown["decisions"] if d["active"]}


def _stop(term: Terminal) -> tuple[int | None, str]:
    term.pick(MENU, "stop")
    return term.finish()


def test_assessment_records_every_decision(desk: Desk) -> None:
    number = desk.numbers["danger"]
    term = desk.spawn()
    _fill_assessment(term)
    term.confirm("Record this assessment", yes=True)
    term.expect(f"{number}: recorded categorise, assess, escalate; status decided")
    status, rest = _stop(term)
    assert status == 0, term.output()
    assert "Triage ended: 1 recorded, 0 skipped, 0 note(s) added." in rest
    assert "IOPC referral decision" not in term.output()
    shown = desk.show(number)
    assert shown["status"] == "decided"
    assert shown["category"] == "abuse-of-authority"
    active = _active(shown)
    assert set(active) == {"categorisation", "assessment", "escalation"}
    assert active["assessment"]["details"]["grading"] == "2/B/P"
    assert active["assessment"]["details"]["severity"] == "misconduct"
    assert active["assessment"]["rationale"] == RATIONALE
    assert active["escalation"]["details"] == {"team": "ACU"}
    assert active["escalation"]["decided_by"] == "T0001"


def test_queue_order_and_skip_change_nothing(desk: Desk) -> None:
    before = desk.snapshot()
    term = desk.spawn()
    order = ["danger", "safeguarded", "oldest", "younger"]
    for position, name in enumerate(order, start=1):
        term.expect(f"Case {desk.numbers[name]} ({position} of 4 in the queue)")
        term.pick(MENU, "skip")
    term.expect("That was the last case in the queue.")
    status, rest = term.finish()
    assert status == 0, term.output()
    assert "Triage ended: 0 recorded, 4 skipped, 0 note(s) added." in rest
    assert desk.numbers["decided"] not in term.output()
    assert data_changes(before, desk.snapshot()) == []


def test_note_is_added_and_menu_returns(desk: Desk) -> None:
    number = desk.numbers["danger"]
    term = desk.spawn()
    term.pick(MENU, "note")
    term.answer("Note:", "Spoke to the duty inspector")
    term.expect(f"Note added to {number}; now version 2.")
    status, rest = _stop(term)
    assert status == 0, term.output()
    assert "0 recorded, 0 skipped, 1 note(s) added." in rest
    shown = desk.show(number)
    assert [note["text"] for note in shown["notes"]] == ["Spoke to the duty inspector"]
    assert shown["notes"][0]["author"] == "T0001"
    assert shown["status"] == "in_assessment"
    assert shown["decisions"] == []


def test_ctrl_c_mid_assessment_writes_nothing(desk: Desk) -> None:
    before = desk.snapshot()
    term = desk.spawn()
    term.pick(MENU, "assess")
    term.pick("National category:", "authority")
    term.answer("Tags, comma-separated", "ppda")
    term.expect("Source evaluation:")
    term.send(CTRL_C)
    status, rest = term.finish()
    assert status == 130, term.output()
    assert "Stopped; nothing was recorded for the current case." in rest
    assert "Triage ended: 0 recorded" in rest
    assert data_changes(before, desk.snapshot()) == []


def test_ctrl_d_in_text_prompt_stops(desk: Desk) -> None:
    before = desk.snapshot()
    term = desk.spawn()
    term.pick(MENU, "assess")
    term.pick("National category:", "authority")
    term.expect("Tags, comma-separated")
    term.send(CTRL_D)
    status, rest = term.finish()
    assert status == 130, term.output()
    assert "Stopped; nothing was recorded for the current case." in rest
    assert data_changes(before, desk.snapshot()) == []


def test_ctrl_c_at_menu_stops(desk: Desk) -> None:
    term = desk.spawn()
    term.expect(MENU)
    term.send(CTRL_C)
    status, rest = term.finish()
    assert status == 130, term.output()
    assert "Stopped; nothing was recorded for the current case." in rest


def test_ctrl_c_after_note_says_note_kept(desk: Desk) -> None:
    term = desk.spawn()
    term.pick(MENU, "note")
    term.answer("Note:", "Called the reporting line")
    term.expect(MENU)
    term.send(CTRL_C)
    status, rest = term.finish()
    assert status == 130, term.output()
    assert "Stopped; only the notes added to the current case were kept." in rest


def test_declined_summary_writes_nothing(desk: Desk) -> None:
    number = desk.numbers["danger"]
    before = desk.snapshot()
    term = desk.spawn()
    _fill_assessment(term)
    term.confirm("Record this assessment", yes=False)
    term.expect(f"Nothing was recorded for {number}.")
    term.pick(f"{MENU} {number}?", "stop")
    status, rest = term.finish()
    assert status == 0, term.output()
    assert "Triage ended: 0 recorded, 0 skipped" in rest
    assert data_changes(before, desk.snapshot()) == []


def test_stop_at_once_prints_summary(desk: Desk) -> None:
    status, rest = _stop(desk.spawn())
    assert status == 0, rest
    assert "Triage ended: 0 recorded, 0 skipped, 0 note(s) added." in rest


def test_concurrent_change_is_rejected(desk: Desk) -> None:
    number = desk.numbers["danger"]
    version = desk.show(number)["version"]
    term = desk.spawn()
    _fill_assessment(term)
    term.expect("Record this assessment")
    noted = subprocess.run(
        [PSDCLI, "case", "note", number, "Changed meanwhile"],
        env=desk.env(analyst="T0002"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert noted.returncode == 0, noted.stderr
    term.send("y")
    term.expect(f"nothing was recorded for {number}")
    term.expect(f"changed since version {version}")
    status, rest = _stop(term)
    assert status == 0, term.output()
    assert "Triage ended: 0 recorded, 1 skipped" in rest
    shown = desk.show(number)
    assert shown["version"] == version + 1
    assert shown["category"] is None
    assert shown["decisions"] == []
    assert [note["author"] for note in shown["notes"]] == ["T0002"]


def test_case_decided_meanwhile_is_passed_over(desk: Desk) -> None:
    later = desk.numbers["safeguarded"]
    term = desk.spawn()
    term.expect(MENU)
    decided = subprocess.run(
        [PSDCLI, "case", "nfa", later, "--rationale", "Dealt with by T0002"],
        env=desk.env(analyst="T0002"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert decided.returncode == 0, decided.stderr
    term.send("skip\r")
    term.expect(f"{later} no longer waits for assessment; moving on.")
    term.expect(f"Case {desk.numbers['oldest']} (3 of 4 in the queue)")
    status, rest = _stop(term)
    assert status == 0, term.output()
    assert "0 recorded, 1 skipped" in rest


def _refer_to_iopc(term: Terminal) -> None:
    term.expect("The category or tags call for an IOPC referral decision.")
    term.first("IOPC referral decision:")
    term.answer("IOPC reference:", "2026/000123")
    term.answer("Reason for the IOPC decision:", "Abuse of position, sexual purpose")


def test_sexual_misconduct_asks_iopc_decision(desk: Desk) -> None:
    number = desk.numbers["danger"]
    term = desk.spawn()
    _fill_assessment(term, category="sexual", iopc=_refer_to_iopc)
    term.confirm("Record this assessment", yes=True)
    term.expect(f"{number}: recorded categorise, assess, iopc, escalate")
    status, _ = _stop(term)
    assert status == 0, term.output()
    active = _active(desk.show(number))
    assert active["categorisation"]["details"]["category"] == "sexual-misconduct"
    assert active["iopc"]["details"] == {
        "referred": True,
        "iopc_reference": "2026/000123",
    }
    assert active["iopc"]["rationale"] == "Abuse of position, sexual purpose"


def _transfer_with_typo(term: Terminal) -> None:
    term.first("Outcome:", 2)
    term.answer("Receiving force id", "kentt")
    term.expect("unknown force id 'kentt'; did you mean kent")
    term.send(CTRL_U + "kent\r")


def test_invalid_answers_are_asked_again(desk: Desk) -> None:
    number = desk.numbers["danger"]
    term = desk.spawn()
    term.pick(MENU, "assess")
    term.pick("National category:", "authority")
    term.answer("Tags, comma-separated", "Bad Tag!")
    term.expect("invalid tag 'Bad Tag!'")
    term.send(CTRL_U + "ppda, on-duty\r")
    term.first("Source evaluation:")
    term.first("Intelligence assessment:")
    term.first("Handling code:")
    term.first("Severity if the conduct is proven:")
    _transfer_with_typo(term)
    term.confirm("Record safeguarding for someone at risk?", yes=False)
    term.answer("Rationale for this assessment and outcome:", "   ")
    term.expect("the rationale is empty")
    term.send(CTRL_U + RATIONALE + "\r")
    term.confirm("Record this assessment", yes=True)
    term.expect(f"{number}: recorded categorise, assess, transfer")
    status, _ = _stop(term)
    assert status == 0, term.output()
    shown = desk.show(number)
    assert shown["tags"] == ["on-duty", "ppda"]
    assert _active(shown)["transfer"]["details"] == {"force": "kent"}


def _record_intel(term: Terminal) -> None:
    term.first("Outcome:", 1)
    term.answer("Review date (YYYY-MM-DD):", "")


def test_intelligence_keeps_grading_and_review(desk: Desk) -> None:
    from psdcli.core.dates import default_review_date

    number = desk.numbers["danger"]
    term = desk.spawn()
    _fill_assessment(term, handling_downs=1, outcome=_record_intel)
    term.confirm("Record this assessment", yes=True)
    term.expect(f"{number}: recorded categorise, assess, record-intel")
    status, _ = _stop(term)
    assert status == 0, term.output()
    details = _active(desk.show(number))["intelligence"]["details"]
    assert details["grading"] == "2/B/C"
    assert details["handling_conditions"] == "Share only with the ACU"
    assert details["review_on"] == default_review_date().isoformat()


def _safeguard_partner(term: Terminal) -> None:
    term.first("Who is at risk?")
    term.pick("Risk level:", "high")
    term.first("Risk tool:")
    term.answer("DASH score (optional):", "30")
    term.expect("invalid score '30'; use 0 to 27.")
    term.send(CTRL_U + "16\r")
    term.answer("Action taken", "MARAC referral")
    term.answer("Another action", "Restrict system access")
    term.answer("Another action", "")
    term.first("Can the subject reach police systems", 1)
    term.answer("Reason for the safeguarding decision:", "DASH score of 16")


def test_partner_abuse_asks_system_access(desk: Desk) -> None:
    number = desk.numbers["danger"]
    term = desk.spawn()
    _fill_assessment(
        term,
        outcome=lambda t: t.first("Outcome:", 3),
        safeguarding=_safeguard_partner,
    )
    term.confirm("Record this assessment", yes=True)
    term.expect(f"{number}: recorded categorise, assess, safeguard, refer-complaints")
    status, _ = _stop(term)
    assert status == 0, term.output()
    shown = desk.show(number)
    (record,) = shown["safeguarding"]
    assert record["at_risk"] == "victim"
    assert record["risk"] == "high"
    assert record["tool"] == "dash"
    assert record["score"] == 16
    assert record["subject_system_access"] == "no"
    assert [a["description"] for a in record["actions"]] == [
        "MARAC referral",
        "Restrict system access",
    ]
    assert "complaints" in _active(shown)


def test_theme_option_narrows_queue(desk: Desk) -> None:
    term = desk.spawn("--theme", "sexual_boundaries")
    term.expect(f"Case {desk.numbers['younger']} (1 of 1 in the queue)")
    term.pick(MENU, "skip")
    term.expect("That was the last case in the queue.")
    status, rest = term.finish()
    assert status == 0, term.output()
    assert "0 recorded, 1 skipped" in rest


def test_empty_queue_ends_at_once(desk: Desk) -> None:
    term = desk.spawn("--theme", "discrimination")
    status, rest = term.finish()
    assert status == 0, rest
    assert "No cases are waiting for assessment." in rest


def test_views_are_logged_with_reason(desk: Desk) -> None:
    number = desk.numbers["danger"]
    status, _ = _stop(desk.spawn("--reason", "Weekly triage"))
    assert status == 0
    history = desk.show(number)["history"]
    views = [event for event in history if event["action"] == "triage.show"]
    assert len(views) == 1
    assert views[0]["operation"] == "consultation"
    assert views[0]["analyst"] == "T0001"
    assert views[0]["reason"] == "Weekly triage"
