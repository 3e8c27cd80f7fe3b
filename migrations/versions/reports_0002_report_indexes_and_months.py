"""service report: covering indexes and the per-month counts it keeps

Revision ID: reports_0002
Revises: parents_0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = 'reports_0002'
down_revision = 'parents_0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_month',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('fingerprint', sa.String(length=128), nullable=False),
    sa.Column('counts', sa.Text(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('month')
    )
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.create_index('ix_statement_report', ['ended_at', 'end_reason', 'updated_at', 'id'], unique=False)
        batch_op.create_index('ix_statement_visit_started', ['visit_id', 'started_at'], unique=False)
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index('ix_answer_report', ['statement_id', 'question_id', 'skipped', 'scale', 'id'], unique=False)
    with op.batch_alter_table('answer_choice', schema=None) as batch_op:
        batch_op.create_index('ix_answer_choice_report', ['answer_id', 'choice_id', 'position'], unique=False)
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index('ix_review_report', ['held_on', 'status', 'kind', 'format_used', 'chaired_by'], unique=False)
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_report', ['held_on', 'status', 'method', 'review_id'], unique=False)
    with op.batch_alter_table('child_response', schema=None) as batch_op:
        batch_op.create_index('ix_child_response_created', ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('child_response', schema=None) as batch_op:
        batch_op.drop_index('ix_child_response_created')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_report')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index('ix_review_report')
    with op.batch_alter_table('answer_choice', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_choice_report')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_report')
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_index('ix_statement_visit_started')
        batch_op.drop_index('ix_statement_report')
    op.drop_table('report_month')
