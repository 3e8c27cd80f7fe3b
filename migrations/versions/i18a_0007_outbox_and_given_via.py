"""the child's own phone: the email outbox, where each statement was given, phones, their messages and safety alerts

Revision ID: i18a_0007
Revises: i21a_0007
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = 'i18a_0007'
down_revision = 'i21a_0007'
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
    # The child's own phone (voice_app/phone).
    op.create_table('phone_device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('credential_hash', sa.String(length=64), nullable=False),
    sa.Column('secret_kind', sa.String(length=32), nullable=True),
    sa.Column('secret_hash', sa.String(length=255), nullable=True),
    sa.Column('secret_failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=32), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['ended_by_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('credential_hash')
    )
    op.create_index('ix_phone_device_child_id', 'phone_device', ['child_id'], unique=False)
    op.create_table('phone_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('feeling', sa.String(length=32), nullable=True),
    sa.Column('safety', sa.String(length=32), nullable=True),
    sa.Column('text', sa.Text(), server_default='', nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('read_by_id', sa.Integer(), nullable=True),
    sa.Column('reply', sa.Text(), server_default='', nullable=False),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['device_id'], ['phone_device.id'], ),
    sa.ForeignKeyConstraint(['read_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['replied_by_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('device_id', 'client_id', name='uq_phone_message_client')
    )
    op.create_index('ix_phone_message_child_id', 'phone_message', ['child_id'], unique=False)
    op.create_index('ix_phone_message_created_at', 'phone_message', ['created_at'], unique=False)
    op.create_table('phone_pairing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['device_id'], ['phone_device.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    op.create_index('ix_phone_pairing_child_id', 'phone_pairing', ['child_id'], unique=False)
    op.create_table('safety_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('emails_queued', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['message_id'], ['phone_message.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_safety_alert_acknowledged_at', 'safety_alert', ['acknowledged_at'], unique=False)
    op.create_index('ix_safety_alert_child_id', 'safety_alert', ['child_id'], unique=False)
    op.create_table('iro_away',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('away_until', sa.Date(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('staff_id')
    )
    # Every statement so far was given on the IRO's tablet.
    with op.batch_alter_table('statement') as batch:
        batch.add_column(sa.Column('given_via', sa.String(length=32), nullable=False, server_default='iro_tablet'))


def downgrade() -> None:
    for table in ('iro_away', 'safety_alert', 'phone_pairing', 'phone_message', 'phone_device'):
        op.drop_table(table)
    with op.batch_alter_table('statement') as batch:
        batch.drop_column('given_via')
    op.drop_index('ix_outbox_due', table_name='outbox_email')
    op.drop_table('outbox_email')
