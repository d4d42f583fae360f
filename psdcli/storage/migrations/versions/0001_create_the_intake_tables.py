"""Create the intake tables

Revision ID: 0001
Revises: 
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('bundle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bundle_id', sa.String(length=64), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('recipient_force', sa.String(length=64), nullable=False),
    sa.Column('exporter', sa.String(length=200), nullable=False),
    sa.Column('exported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=255), nullable=False),
    sa.Column('armored', sa.Boolean(), nullable=False),
    sa.Column('reports_total', sa.Integer(), nullable=False),
    sa.Column('reports_imported', sa.Integer(), nullable=False),
    sa.Column('reports_unchanged', sa.Integer(), nullable=False),
    sa.Column('reports_quarantined', sa.Integer(), nullable=False),
    sa.Column('manifest_extra', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('bundle_id')
    )
    with op.batch_alter_table('bundle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bundle_file_sha256'), ['file_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_bundle_recipient_force'), ['recipient_force'], unique=False)

    op.create_table('case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('latest_revision', sa.Integer(), nullable=False),
    sa.Column('has_update', sa.Boolean(), nullable=False),
    sa.Column('immediate_danger', sa.Boolean(), nullable=False),
    sa.Column('follow_up_to', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference')
    )
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_follow_up_to'), ['follow_up_to'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_status'), ['status'], unique=False)

    op.create_table('storage_recipient',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.Text(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('added_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('recipient')
    )
    op.create_table('quarantined_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bundle_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('attachment_count', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['bundle_id'], ['bundle.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('quarantined_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarantined_report_bundle_id'), ['bundle_id'], unique=False)

    op.create_table('report_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('bundle_id', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('on_duty', sa.String(length=16), nullable=False),
    sa.Column('setting', sa.String(length=16), nullable=False),
    sa.Column('incident_from', sa.Date(), nullable=True),
    sa.Column('incident_to', sa.Date(), nullable=True),
    sa.Column('incident_location', sa.Text(), nullable=True),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('persons_at_risk', sa.JSON(), nullable=False),
    sa.Column('immediate_danger', sa.Boolean(), nullable=False),
    sa.Column('follow_up_to', sa.String(length=64), nullable=True),
    sa.Column('extra_fields', sa.JSON(), nullable=False),
    sa.Column('has_contact', sa.Boolean(), nullable=False),
    sa.Column('contact_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['bundle_id'], ['bundle.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'revision')
    )
    with op.batch_alter_table('report_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_revision_bundle_id'), ['bundle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_revision_case_id'), ['case_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('media_type', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['report_revision.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_revision_id'), ['revision_id'], unique=False)

    op.create_table('report_subject',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('force', sa.String(length=64), nullable=False),
    sa.Column('rank', sa.Text(), nullable=True),
    sa.Column('collar_number', sa.Text(), nullable=True),
    sa.Column('station', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['revision_id'], ['report_revision.id'], ),
    sa.PrimaryKeyConstraint('revision_id', 'position')
    )
    with op.batch_alter_table('report_subject', schema=None) as batch_op:
        batch_op.create_index('ix_report_subject_force', ['force'], unique=False)

    op.create_table('report_theme',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['report_revision.id'], ),
    sa.PrimaryKeyConstraint('revision_id', 'theme')
    )
    with op.batch_alter_table('report_theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_theme_theme'), ['theme'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('report_theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_theme_theme'))

    op.drop_table('report_theme')
    with op.batch_alter_table('report_subject', schema=None) as batch_op:
        batch_op.drop_index('ix_report_subject_force')

    op.drop_table('report_subject')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_revision_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('report_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_revision_case_id'))
        batch_op.drop_index(batch_op.f('ix_report_revision_bundle_id'))

    op.drop_table('report_revision')
    with op.batch_alter_table('quarantined_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantined_report_bundle_id'))

    op.drop_table('quarantined_report')
    op.drop_table('storage_recipient')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_status'))
        batch_op.drop_index(batch_op.f('ix_case_received_at'))
        batch_op.drop_index(batch_op.f('ix_case_follow_up_to'))

    op.drop_table('case')
    with op.batch_alter_table('bundle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bundle_recipient_force'))
        batch_op.drop_index(batch_op.f('ix_bundle_file_sha256'))

    op.drop_table('bundle')

