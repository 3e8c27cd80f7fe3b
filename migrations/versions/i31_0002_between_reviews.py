"""between reviews: tracking discussions, the plan of permanence at the second review, reasons for plans over a year (issue 31)

Revision ID: i31_0002
Revises: i31_0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = 'i31_0002'
down_revision = 'i31_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('permanence_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('not_yet_why', sa.Text(), server_default='', nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('review_id'),
    )
    op.create_index('ix_permanence_plan_child_id', 'permanence_plan', ['child_id'], unique=False)
    op.create_table('tracking_discussion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('with_whom', sa.String(length=120), nullable=False),
    sa.Column('checked', sa.Text(), nullable=False),
    sa.Column('actions', sa.Text(), server_default='', nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_tracking_discussion_child_day', 'tracking_discussion', ['child_id', 'held_on'], unique=False)
    op.create_index('ix_tracking_discussion_held_on', 'tracking_discussion', ['held_on'], unique=False)
    op.create_table('long_plan_reason',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('considered_on', sa.Date(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_long_plan_reason_child_id', 'long_plan_reason', ['child_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_long_plan_reason_child_id', table_name='long_plan_reason')
    op.drop_table('long_plan_reason')
    op.drop_index('ix_tracking_discussion_held_on', table_name='tracking_discussion')
    op.drop_index('ix_tracking_discussion_child_day', table_name='tracking_discussion')
    op.drop_table('tracking_discussion')
    op.drop_index('ix_permanence_plan_child_id', table_name='permanence_plan')
    op.drop_table('permanence_plan')
