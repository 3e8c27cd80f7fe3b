"""mail and phone foundation: the email outbox, and where each statement was given

Revision ID: i18a_0007
Revises: i13_0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = 'i18a_0007'
down_revision = 'i13_0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox_email',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('to_address', sa.Text(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_outbox_due', 'outbox_email', ['status', 'next_attempt_at'], unique=False)
    # Every statement so far was given on the IRO's tablet.
    with op.batch_alter_table('statement') as batch:
        batch.add_column(sa.Column('given_via', sa.String(length=32), nullable=False, server_default='iro_tablet'))


def downgrade() -> None:
    with op.batch_alter_table('statement') as batch:
        batch.drop_column('given_via')
    op.drop_index('ix_outbox_due', table_name='outbox_email')
    op.drop_table('outbox_email')
