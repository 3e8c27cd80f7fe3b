"""child: every answer carries the id the tablet made for it, so a repeat is never written twice

Revision ID: i13_0005
Revises: staff_0004
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = 'i13_0005'
down_revision = 'i16_0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('answer_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('question_id', sa.String(length=64), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('statement_id', 'client_id', name='uq_answer_receipt_client')
    )


def downgrade() -> None:
    op.drop_table('answer_receipt')
