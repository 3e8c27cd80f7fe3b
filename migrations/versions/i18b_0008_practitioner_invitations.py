"""practitioners invited to gather a child's views for a conference (issue 18)

The practitioner role and the practitioner visit purpose are new values of VARCHAR enums: no change there.

Revision ID: i18b_0008
Revises: i18a_0007
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = 'i18b_0008'
down_revision = 'i18a_0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('practitioner_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('practitioner_id', sa.Integer(), nullable=False),
    sa.Column('profession', sa.String(length=32), nullable=False),
    sa.Column('organisation', sa.String(length=120), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('token_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('token_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['invited_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['practitioner_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], ),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_practitioner_invitation_review_id', 'practitioner_invitation', ['review_id'], unique=False)
    op.create_index('ix_practitioner_invitation_child_id', 'practitioner_invitation', ['child_id'], unique=False)
    op.create_index('ix_practitioner_invitation_practitioner_id', 'practitioner_invitation', ['practitioner_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_practitioner_invitation_practitioner_id', table_name='practitioner_invitation')
    op.drop_index('ix_practitioner_invitation_child_id', table_name='practitioner_invitation')
    op.drop_index('ix_practitioner_invitation_review_id', table_name='practitioner_invitation')
    op.drop_table('practitioner_invitation')
