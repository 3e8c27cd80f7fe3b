"""a child's statement considered at their review, with the minutes' reference (issue 31)

Revision ID: i31_0004
Revises: i31_0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = 'i31_0004'
down_revision = 'i31_0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('statement_considered',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('minutes_reference', sa.String(length=120), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], ),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('statement_id'),
    )
    op.create_index('ix_statement_considered_review_id', 'statement_considered', ['review_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_statement_considered_review_id', table_name='statement_considered')
    op.drop_table('statement_considered')
