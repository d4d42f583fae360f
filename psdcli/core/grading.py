"""Intelligence grading (3x5x2), severity and IOPC referral rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from psdcli.core.errors import UsageError

SOURCE_EVALUATIONS = {"1": "reliable", "2": "untested", "3": "not reliable"}
INTELLIGENCE_ASSESSMENTS = {
    "A": "known directly to the source",
    "B": "known indirectly but corroborated",
    "C": "known indirectly",
    "D": "not known",
    "E": "suspected to be false or malicious",
}
HANDLING_CODES = {
    "P": "lawful sharing permitted",
    "C": "lawful sharing permitted with conditions",
}

_GRADING = re.compile(r"\s*([0-9A-Za-z])\s*/\s*([0-9A-Za-z])\s*/\s*([0-9A-Za-z])\s*")


@dataclass(frozen=True)
class Grading:
    """A 3x5x2 grading such as ``2/B/P``, with conditions for handling code C."""

    source: str
    intelligence: str
    handling: str
    conditions: str | None = None

    def __str__(self) -> str:
        return f"{self.source}/{self.intelligence}/{self.handling}"


def parse_grading(text: str, conditions: str | None = None) -> Grading:
    """Parse ``text`` as a 3x5x2 grading; raise UsageError saying what is accepted."""
    match = _GRADING.fullmatch(text or "")
    accepted = (
        "use SOURCE/INTELLIGENCE/HANDLING with source 1-3, intelligence A-E and "
        "handling P or C, for example 2/B/P"
    )
    if match is None:
        raise UsageError(f"invalid grading {text!r}; {accepted}.")
    source, intelligence, handling = (part.upper() for part in match.groups())
    if source not in SOURCE_EVALUATIONS:
        raise UsageError(
            f"invalid source evaluation {source!r} in {text!r}; {accepted}."
        )
    if intelligence not in INTELLIGENCE_ASSESSMENTS:
        raise UsageError(
            f"invalid intelligence assessment {intelligence!r} in {text!r}; {accepted}."
        )
    if handling not in HANDLING_CODES:
        raise UsageError(f"invalid handling code {handling!r} in {text!r}; {accepted}.")
    cleaned = (conditions or "").strip() or None
    if handling == "C" and cleaned is None:
        raise UsageError(
            f"handling code C in {text!r} needs its conditions; pass "
            "--handling-conditions TEXT."
        )
    if handling == "P" and cleaned is not None:
        raise UsageError(
            f"handling conditions apply only to handling code C, not {text!r}."
        )
    return Grading(source, intelligence, handling, cleaned)


class Severity(StrEnum):
    """The severity of the conduct if proven (Police Conduct Regulations 2020)."""

    GROSS_MISCONDUCT = "gross-misconduct"
    MISCONDUCT = "misconduct"
    PRACTICE_REQUIRING_IMPROVEMENT = "practice-requiring-improvement"
    NONE = "none"
