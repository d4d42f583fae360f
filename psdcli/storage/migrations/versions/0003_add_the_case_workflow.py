"""Add the case workflow: case numbers, decisions, safeguarding, notes, tags.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_number", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("assigned_to", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("category", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(sa.Column("updated_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("last_step", sa.String(length=32), nullable=True))

    op.create_table(
        "case_counter",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    _number_existing_cases()

    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.alter_column("case_number", existing_type=sa.String(length=32),
                              nullable=False)
        batch_op.alter_column("version", existing_type=sa.Integer(), server_default=None)
        batch_op.create_unique_constraint("uq_case_case_number", ["case_number"])
        batch_op.create_index("ix_case_assigned_to", ["assigned_to"], unique=False)
        batch_op.create_index("ix_case_category", ["category"], unique=False)

    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.ForeignKeyConstraint(["supersedes_id"], ["decision.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_decision_case_id", "decision", ["case_id"])
    op.create_index("ix_decision_kind", "decision", ["kind"])

    op.create_table(
        "safeguarding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at_risk", sa.String(length=32), nullable=False),
        sa.Column("risk", sa.String(length=16), nullable=False),
        sa.Column("tool", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("urgency", sa.String(length=16), nullable=True),
        sa.Column("referral_ref", sa.String(length=100), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("subject_system_access", sa.String(length=8), nullable=True),
        sa.Column("conflict_of_interest", sa.Text(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_safeguarding_case_id", "safeguarding", ["case_id"])

    op.create_table(
        "safeguarding_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("safeguarding_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["safeguarding_id"], ["safeguarding.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_safeguarding_action_safeguarding_id", "safeguarding_action", ["safeguarding_id"]
    )

    op.create_table(
        "case_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_note_case_id", "case_note", ["case_id"])

    op.create_table(
        "case_tag",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("case_id", "tag"),
    )
    op.create_index("ix_case_tag_tag", "case_tag", ["tag"])


def _number_existing_cases() -> None:
    """Give cases imported before this migration a number, in import order."""
    connection = op.get_bind()
    cases = sa.table("case", sa.column("id", sa.Integer), sa.column("created_at"),
                     sa.column("case_number", sa.String))
    counters = sa.table("case_counter", sa.column("year", sa.Integer),
                        sa.column("last_number", sa.Integer))
    last: dict[int, int] = {}
    number: str
    rows = connection.execute(sa.select(cases.c.id, cases.c.created_at).order_by(cases.c.id))
    for case_id, created_at in rows.all():
        year = int(str(created_at)[:4])
        last[year] = last.get(year, 0) + 1
        number = f"PSD-{year}-{last[year]:04d}"
        connection.execute(
            cases.update().where(cases.c.id == case_id).values(case_number=number)
        )
    for year, last_number in last.items():
        connection.execute(counters.insert().values(year=year, last_number=last_number))


def downgrade() -> None:
    for table in ("case_tag", "case_note", "safeguarding_action", "safeguarding",
                  "decision", "case_counter"):
        op.drop_table(table)
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_index("ix_case_category")
        batch_op.drop_index("ix_case_assigned_to")
        batch_op.drop_constraint("uq_case_case_number", type_="unique")
        for column in ("last_step", "updated_by", "version", "category", "assigned_to",
                       "case_number"):
            batch_op.drop_column(column)
