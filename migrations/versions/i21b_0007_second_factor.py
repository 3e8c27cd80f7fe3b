"""auth: a second factor for local accounts (authenticator app, recovery codes, the service's policy)

Revision ID: i21b_0007
Revises: i13_0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = 'i21b_0007'
down_revision = 'i13_0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'staff_authenticator',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('secret', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_used_step', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['staff_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id'),
    )
    op.create_table(
        'staff_recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['staff_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_staff_recovery_code_user_id'), 'staff_recovery_code', ['user_id'], unique=False)
    op.create_table(
        'second_factor_policy',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rule', sa.Enum('optional', 'managers-and-admins', 'everyone', name='secondfactorrule', native_enum=False, create_constraint=False, length=32), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['changed_by_id'], ['staff_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('second_factor_policy')
    op.drop_index(op.f('ix_staff_recovery_code_user_id'), table_name='staff_recovery_code')
    op.drop_table('staff_recovery_code')
    op.drop_table('staff_authenticator')
