"""escalations: the dispute resolution procedure, followed to an outcome for the child (issue 31)

Revision ID: i31_0001
Revises: i30report_0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = 'i31_0001'
down_revision = 'i30report_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('escalation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=False),
    sa.Column('plan', sa.String(length=32), nullable=False),
    sa.Column('theme', sa.String(length=64), nullable=False),
    sa.Column('identified_on', sa.Date(), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('challenge', sa.Text(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=True),
    sa.Column('question_id', sa.String(length=64), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('review_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('stage_started_on', sa.Date(), nullable=False),
    sa.Column('stage_due_on', sa.Date(), nullable=False),
    sa.Column('overall_due_on', sa.Date(), nullable=False),
    sa.Column('next_due_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('closed_stage', sa.String(length=32), nullable=True),
    sa.Column('outcome_for_child', sa.Text(), nullable=True),
    sa.Column('tell_child', sa.Boolean(), nullable=False),
    sa.Column('told_via_response_id', sa.Integer(), nullable=True),
    sa.Column('report_example', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['raised_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], ),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.ForeignKeyConstraint(['told_via_response_id'], ['child_response.id'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_escalation_child_id', 'escalation', ['child_id'], unique=False)
    op.create_index('ix_escalation_open', 'escalation', ['closed_on', 'next_due_on'], unique=False)
    op.create_index('ix_escalation_raised', 'escalation', ['raised_on', 'plan'], unique=False)
    op.create_table('escalation_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('escalation_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('with_whom', sa.String(length=120), nullable=False),
    sa.Column('response', sa.Text(), server_default='', nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['escalation_id'], ['escalation.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_escalation_step_escalation_id', 'escalation_step', ['escalation_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_escalation_step_escalation_id', table_name='escalation_step')
    op.drop_table('escalation_step')
    op.drop_index('ix_escalation_raised', table_name='escalation')
    op.drop_index('ix_escalation_open', table_name='escalation')
    op.drop_index('ix_escalation_child_id', table_name='escalation')
    op.drop_table('escalation')
