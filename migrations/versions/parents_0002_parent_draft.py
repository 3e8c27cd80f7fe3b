"""parent_draft: a parent's questionnaire answers in progress

Revision ID: parents_0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = 'parents_0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('parent_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('q1', sa.String(length=32), nullable=True),
    sa.Column('q2', sa.String(length=32), nullable=True),
    sa.Column('q3', sa.String(length=32), nullable=True),
    sa.Column('q4', sa.String(length=32), nullable=True),
    sa.Column('q5', sa.String(length=32), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['feedback_link.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('parent_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parent_draft_link_id'), ['link_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parent_draft_updated_at'), ['updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('parent_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parent_draft_updated_at'))
        batch_op.drop_index(batch_op.f('ix_parent_draft_link_id'))
    op.drop_table('parent_draft')
