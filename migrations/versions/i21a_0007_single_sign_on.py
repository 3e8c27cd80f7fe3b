"""sso: the council's OpenID Connect provider, linked identities, provider sessions, approvals

Revision ID: i21a_0007
Revises: i21b_0007
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = 'i21a_0007'
down_revision = 'i21b_0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sso_provider',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('display_name', sa.String(length=80), nullable=False),
        sa.Column('issuer', sa.String(length=255), nullable=False),
        sa.Column('client_id', sa.String(length=255), nullable=False),
        sa.Column('client_secret', sa.Text(), nullable=False),
        sa.Column('scopes', sa.String(length=255), nullable=False),
        sa.Column('allowed_domains', sa.String(length=1000), nullable=False),
        sa.Column('role_claim', sa.String(length=64), nullable=False),
        sa.Column('role_map', sa.Text(), nullable=False),
        sa.Column('unknown_staff', sa.String(length=16), nullable=False),
        sa.Column('check_minutes', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['staff_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'sso_identity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('issuer', sa.String(length=255), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('issuer', 'subject'),
    )
    op.create_index(op.f('ix_sso_identity_staff_id'), 'sso_identity', ['staff_id'], unique=False)
    op.create_table(
        'sso_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('identity_id', sa.Integer(), nullable=False),
        sa.Column('access_token', sa.Text(), nullable=False),
        sa.Column('refresh_token', sa.Text(), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['identity_id'], ['sso_identity.id']),
        sa.ForeignKeyConstraint(['session_id'], ['staff_session.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('session_id'),
    )
    op.create_index(op.f('ix_sso_session_identity_id'), 'sso_session', ['identity_id'], unique=False)
    op.create_table(
        'sso_approval',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('issuer', sa.String(length=255), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('display_name', sa.String(length=120), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('issuer', 'subject'),
    )


def downgrade() -> None:
    op.drop_table('sso_approval')
    op.drop_index(op.f('ix_sso_session_identity_id'), table_name='sso_session')
    op.drop_table('sso_session')
    op.drop_index(op.f('ix_sso_identity_staff_id'), table_name='sso_identity')
    op.drop_table('sso_identity')
    op.drop_table('sso_provider')
