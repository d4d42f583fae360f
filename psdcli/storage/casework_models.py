"""Tables of the case workflow: decisions, safeguarding, notes and tags.

Rows here are never updated in place except to mark a safeguarding action
complete: a changed decision is a new row whose ``supersedes_id`` names the
row it replaces, so that the history of every case stays whole.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Text
from sqlmodel import Field, SQLModel

from psdcli.storage.types import UTCDateTime


class Decision(SQLModel, table=True):
    """One recorded decision on a case: who, when, what and why."""

    __tablename__ = "decision"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    kind: str = Field(max_length=32, index=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    rationale: str | None = Field(default=None, sa_type=Text)
    decided_by: str = Field(max_length=64)
    decided_at: datetime = Field(sa_type=UTCDateTime)
    supersedes_id: int | None = Field(default=None, foreign_key="decision.id")


class Safeguarding(SQLModel, table=True):
    """A safeguarding assessment for one person at risk, with its actions."""

    __tablename__ = "safeguarding"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    at_risk: str = Field(max_length=32)
    risk: str = Field(max_length=16)
    tool: str = Field(max_length=16)
    score: int | None = None
    urgency: str | None = Field(default=None, max_length=16)
    referral_ref: str | None = Field(default=None, max_length=100)
    review_on: date | None = None
    # Partner abuse: can the subject reach police systems about the person at
    # risk? "yes", "no" or "unknown"; None when the question did not apply.
    subject_system_access: str | None = Field(default=None, max_length=8)
    conflict_of_interest: str | None = Field(default=None, sa_type=Text)
    rationale: str = Field(sa_type=Text)
    decided_by: str = Field(max_length=64)
    decided_at: datetime = Field(sa_type=UTCDateTime)


class SafeguardingAction(SQLModel, table=True):
    """One action taken to safeguard someone, open until marked complete."""

    __tablename__ = "safeguarding_action"

    id: int | None = Field(default=None, primary_key=True)
    safeguarding_id: int = Field(foreign_key="safeguarding.id", index=True)
    description: str = Field(sa_type=Text)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_by: str | None = Field(default=None, max_length=64)


class CaseNote(SQLModel, table=True):
    """A free-text note on a case; notes are only ever added."""

    __tablename__ = "case_note"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    text: str = Field(sa_type=Text)
    author: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)


class CaseTag(SQLModel, table=True):
    """A free-form tag on a case, such as ``ppda`` or ``discrimination``."""

    __tablename__ = "case_tag"

    case_id: int = Field(foreign_key="case.id", primary_key=True)
    tag: str = Field(primary_key=True, max_length=40, index=True)
    added_by: str = Field(max_length=64)
    added_at: datetime = Field(sa_type=UTCDateTime)


class CaseCounter(SQLModel, table=True):
    """The last case number given out in each year."""

    __tablename__ = "case_counter"

    year: int = Field(primary_key=True)
    last_number: int
