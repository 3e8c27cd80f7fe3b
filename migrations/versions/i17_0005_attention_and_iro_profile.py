"""i17: what the IRO did about answers needing attention

Revision ID: i17_0005
Revises: staff_0004
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = 'i17_0005'
down_revision = 'staff_0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attention_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('statement_id', 'question_id', name='uq_attention_action_question')
    )
    with op.batch_alter_table('attention_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attention_action_statement_id'), ['statement_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('attention_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attention_action_statement_id'))
    op.drop_table('attention_action')
