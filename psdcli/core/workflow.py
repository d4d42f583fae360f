"""The life of a case: its states and the steps allowed from each.

    new ──▶ in_assessment ──▶ decided ──▶ closed
              ▲     │            │  ▲        │
              │     └────────────┘  └─ more outcomes while decided
              └──────────── reopen ◀─────────┘

A case starts as ``new``. The first assessment step (assign, categorise,
assess, IOPC decision, note) moves it to ``in_assessment``. An outcome
(escalate, record as intelligence, transfer, refer to complaints, no further
action) moves it to ``decided``; further outcomes may be added while it is
decided, since several can apply to one case. ``close`` ends it and
``reopen`` returns it to ``in_assessment``.

Safeguarding is not a state: it can be recorded in any open state, and a
case with open safeguarding actions cannot be closed.
"""

from __future__ import annotations

from enum import StrEnum

from psdcli.core.errors import PsdError


class CaseStatus(StrEnum):
    """A case's place in its life."""

    NEW = "new"
    IN_ASSESSMENT = "in_assessment"
    DECIDED = "decided"
    CLOSED = "closed"


class Step(StrEnum):
    """Something an analyst does to a case."""

    ASSIGN = "assign"
    CATEGORISE = "categorise"
    ASSESS = "assess"
    IOPC = "iopc"
    NOTE = "note"
    SAFEGUARD = "safeguard"
    COMPLETE_ACTION = "complete-action"
    ESCALATE = "escalate"
    RECORD_INTEL = "record-intel"
    TRANSFER = "transfer"
    REFER_COMPLAINTS = "refer-complaints"
    NFA = "nfa"
    CLOSE = "close"
    REOPEN = "reopen"


# States in which a case still waits for its assessment; past the due period
# such a case is overdue.
UNASSESSED = frozenset({"new", "in_assessment"})

ASSESSMENT_STEPS = frozenset(
    {
        Step.ASSIGN,
        Step.CATEGORISE,
        Step.ASSESS,
        Step.IOPC,
        Step.NOTE,
        Step.SAFEGUARD,
        Step.COMPLETE_ACTION,
    }
)
OUTCOME_STEPS = frozenset(
    {Step.ESCALATE, Step.RECORD_INTEL, Step.TRANSFER, Step.REFER_COMPLAINTS, Step.NFA}
)

# The one table of legal steps: (state, step) -> state after the step.
TRANSITIONS: dict[tuple[CaseStatus, Step], CaseStatus] = {
    **{(CaseStatus.NEW, step): CaseStatus.IN_ASSESSMENT for step in ASSESSMENT_STEPS},
    **{(CaseStatus.NEW, step): CaseStatus.DECIDED for step in OUTCOME_STEPS},
    **{
        (CaseStatus.IN_ASSESSMENT, step): CaseStatus.IN_ASSESSMENT
        for step in ASSESSMENT_STEPS
    },
    **{(CaseStatus.IN_ASSESSMENT, step): CaseStatus.DECIDED for step in OUTCOME_STEPS},
    **{
        (CaseStatus.DECIDED, step): CaseStatus.DECIDED
        for step in ASSESSMENT_STEPS | OUTCOME_STEPS
    },
    (CaseStatus.DECIDED, Step.CLOSE): CaseStatus.CLOSED,
    (CaseStatus.CLOSED, Step.NOTE): CaseStatus.CLOSED,
    (CaseStatus.CLOSED, Step.REOPEN): CaseStatus.IN_ASSESSMENT,
}


class TransitionError(PsdError):
    """A step that is not allowed in the case's current state."""


def allowed_steps(status: CaseStatus) -> list[Step]:
    """Return the steps allowed from ``status``, in a stable order."""
    return [step for step in Step if (status, step) in TRANSITIONS]


def next_status(reference: str, status: CaseStatus, step: Step) -> CaseStatus:
    """Return the state after ``step``, or raise TransitionError naming the options."""
    after = TRANSITIONS.get((status, step))
    if after is None:
        options = ", ".join(allowed_steps(status)) or "none"
        raise TransitionError(
            f"cannot {step.value} case {reference}: it is {status.value}; "
            f"allowed next steps: {options}."
        )
    return after
