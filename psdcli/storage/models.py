"""Database tables.

A new database gets these tables from the metadata, and an older one from the
Alembic migrations in ``migrations/versions``. Tests check that both give the
same schema, down to column and constraint order. Reporter contact
details, attachments and quarantined reports are stored only as age
ciphertext (the ``sealed`` columns), never as plaintext.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    LargeBinary,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from psdcli.storage.types import UTCDateTime


class Bundle(SQLModel, table=True):
    """One imported bundle file and what became of its reports."""

    __tablename__ = "bundle"

    id: int | None = Field(default=None, primary_key=True)
    bundle_id: str = Field(unique=True, max_length=64)
    sequence: int
    recipient_force: str = Field(index=True, max_length=64)
    exporter: str = Field(max_length=200)
    exported_at: datetime = Field(sa_type=UTCDateTime)
    imported_at: datetime = Field(sa_type=UTCDateTime)
    imported_by: str = Field(max_length=64)
    file_name: str = Field(max_length=255)
    file_sha256: str = Field(index=True, max_length=64)
    file_size: int
    stored_name: str = Field(max_length=255)
    armored: bool
    reports_total: int
    reports_imported: int
    reports_unchanged: int
    reports_quarantined: int
    manifest_extra: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class Case(SQLModel, table=True):
    """A case: one intake reference and all the revisions received for it."""

    __tablename__ = "case"
    # Migration 0003 names this constraint, and a later migration can only
    # drop or alter it by that name.
    __table_args__ = (UniqueConstraint("case_number", name="uq_case_case_number"),)

    # The columns follow the order of a migrated table, where migration 0003
    # appended those from case_number on.
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, max_length=64)
    status: str = Field(default="new", index=True, max_length=32)
    received_at: datetime = Field(sa_type=UTCDateTime, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    latest_revision: int
    has_update: bool = False
    immediate_danger: bool = False
    follow_up_to: str | None = Field(default=None, index=True, max_length=64)
    case_number: str = Field(max_length=32)
    assigned_to: str | None = Field(default=None, index=True, max_length=64)
    category: str | None = Field(default=None, index=True, max_length=64)
    # Incremented by every change, so that a change based on an older view
    # of the case can be detected and refused.
    version: int = 1
    updated_by: str | None = Field(default=None, max_length=64)
    last_step: str | None = Field(default=None, max_length=32)


class ReportRevision(SQLModel, table=True):
    """One revision of a report, exactly as received apart from sealed fields."""

    __tablename__ = "report_revision"
    # The constraints are declared here, in the order of migration 0001, so
    # that a new database's CREATE TABLE matches a migrated one.
    __table_args__ = (
        ForeignKeyConstraint(["bundle_id"], ["bundle.id"]),
        ForeignKeyConstraint(["case_id"], ["case.id"]),
        UniqueConstraint("case_id", "revision"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(index=True)
    revision: int
    bundle_id: int = Field(index=True)
    imported_at: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(sa_type=UTCDateTime)
    channel: str = Field(max_length=16)
    anonymous: bool
    on_duty: str = Field(max_length=16)
    setting: str = Field(max_length=16)
    incident_from: date | None = None
    incident_to: date | None = None
    incident_location: str | None = Field(default=None, sa_type=Text)
    narrative: str = Field(sa_type=Text)
    persons_at_risk: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    immediate_danger: bool
    follow_up_to: str | None = Field(default=None, max_length=64)
    extra_fields: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    has_contact: bool
    contact_sealed: bytes | None = Field(default=None, sa_type=LargeBinary)
    # SHA-256 of the report without its contact details (see
    # core.prepare.content_digest), so that a copy of the database cannot
    # confirm a guessed contact by hashing it.
    content_sha256: str = Field(max_length=64)


class ReportTheme(SQLModel, table=True):
    """A reporting theme chosen by the reporter, one row per theme."""

    __tablename__ = "report_theme"

    revision_id: int = Field(foreign_key="report_revision.id", primary_key=True)
    theme: str = Field(primary_key=True, max_length=32, index=True)


class ReportSubject(SQLModel, table=True):
    """A person the report is about."""

    __tablename__ = "report_subject"
    __table_args__ = (Index("ix_report_subject_force", "force"),)

    revision_id: int = Field(foreign_key="report_revision.id", primary_key=True)
    position: int = Field(primary_key=True)
    name: str | None = Field(default=None, sa_type=Text)
    role: str = Field(max_length=16)
    force: str = Field(max_length=64)
    rank: str | None = Field(default=None, sa_type=Text)
    collar_number: str | None = Field(default=None, sa_type=Text)
    station: str | None = Field(default=None, sa_type=Text)
    description: str | None = Field(default=None, sa_type=Text)


class Attachment(SQLModel, table=True):
    """A file attached to a report revision; its content is sealed."""

    __tablename__ = "attachment"

    id: int | None = Field(default=None, primary_key=True)
    revision_id: int = Field(foreign_key="report_revision.id", index=True)
    path: str = Field(sa_type=Text)
    name: str = Field(sa_type=Text)
    media_type: str = Field(max_length=255)
    size: int
    sha256: str = Field(max_length=64)
    sealed: bytes = Field(sa_type=LargeBinary)


class QuarantinedReport(SQLModel, table=True):
    """A report that failed validation, kept sealed with the reason."""

    __tablename__ = "quarantined_report"

    id: int | None = Field(default=None, primary_key=True)
    bundle_id: int = Field(foreign_key="bundle.id", index=True)
    path: str = Field(sa_type=Text)
    reference: str | None = Field(default=None, max_length=64)
    reason: str = Field(sa_type=Text)
    size: int
    attachment_count: int
    sealed: bytes = Field(sa_type=LargeBinary)


class StorageRecipient(SQLModel, table=True):
    """An age recipient that sealed data at rest is encrypted to."""

    __tablename__ = "storage_recipient"

    id: int | None = Field(default=None, primary_key=True)
    recipient: str = Field(unique=True, sa_type=Text)
    added_at: datetime = Field(sa_type=UTCDateTime)
    added_by: str = Field(max_length=64)


class _HasId(Protocol):
    id: int | None


def row_id(row: _HasId) -> int:
    """Return the primary key of a row that was stored or read from the database."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id; it was never stored")
    return row.id


# The six kinds of processing that UK law-enforcement logs must record (Data
# Protection Act 2018, section 62). The migration repeats this list in a CHECK
# constraint.
AUDIT_OPERATIONS = (
    "collection",
    "alteration",
    "consultation",
    "disclosure",
    "combination",
    "erasure",
)


class AuditEvent(SQLModel, table=True):
    """One entry of the append-only, hash-chained audit trail.

    Rows are only ever inserted, by ``psdcli.audit.log.record_event``. Database
    triggers reject UPDATE and DELETE, and ``psdcli.audit.chain`` defines how
    ``hash`` covers every other column.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        CheckConstraint(
            "operation IN ("
            + ", ".join(f"'{name}'" for name in AUDIT_OPERATIONS)
            + ")",
            name="ck_audit_event_operation",
        ),
    )

    sequence: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    event_id: str = Field(unique=True, max_length=36)
    occurred_at: datetime = Field(sa_type=UTCDateTime, index=True)
    analyst: str = Field(index=True, max_length=64)
    operation: str = Field(index=True, max_length=16)
    action: str = Field(max_length=64)
    case_reference: str | None = Field(default=None, index=True, max_length=64)
    bundle_id: str | None = Field(default=None, max_length=64)
    recipient: str | None = Field(default=None, sa_type=Text)
    reason: str | None = Field(default=None, sa_type=Text)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    tool_version: str = Field(max_length=32)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
