"""Create the append-only audit_event table

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from psdcli.storage import append_only

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The six kinds of processing that section 62 of the Data Protection Act 2018
# requires logs of. Written out here so that this migration does not change
# when the models do.
_OPERATIONS = (
    "collection",
    "alteration",
    "consultation",
    "disclosure",
    "combination",
    "erasure",
)


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("sequence", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("analyst", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("case_reference", sa.String(length=64), nullable=True),
        sa.Column("bundle_id", sa.String(length=64), nullable=True),
        sa.Column("recipient", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("tool_version", sa.String(length=32), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "operation IN (" + ", ".join(f"'{name}'" for name in _OPERATIONS) + ")",
            name="ck_audit_event_operation",
        ),
        sa.PrimaryKeyConstraint("sequence"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        for column in ("occurred_at", "analyst", "operation", "case_reference"):
            batch_op.create_index(
                batch_op.f(f"ix_audit_event_{column}"), [column], unique=False
            )
    for statement in append_only.install_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in append_only.drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        for column in ("case_reference", "operation", "analyst", "occurred_at"):
            batch_op.drop_index(batch_op.f(f"ix_audit_event_{column}"))
    op.drop_table("audit_event")
