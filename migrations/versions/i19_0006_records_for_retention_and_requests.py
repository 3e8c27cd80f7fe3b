"""records: anonymised children, corrected facts' old values, erasure requests

- child.anonymised_at: when the retention rules (or an erasure) took the child's identity out;
- audit_event.old_value: a corrected fact's value before the correction (encrypted, like the free text);
- erasure_request: one manager's request to erase a child's records, done when a second confirms.

Revision ID: i19_0006
Revises: i19_0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = 'i19_0006'
down_revision = 'i19_0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Adding nullable columns is a plain ALTER TABLE ... ADD COLUMN on SQLite too: no table copy.
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('old_value', sa.Text(), nullable=True))
    op.create_table(
        'erasure_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['child_id'], ['child.id']),
        sa.ForeignKeyConstraint(['requested_by_id'], ['staff_user.id']),
        sa.ForeignKeyConstraint(['confirmed_by_id'], ['staff_user.id']),
        sa.ForeignKeyConstraint(['cancelled_by_id'], ['staff_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('erasure_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasure_request_child_id'), ['child_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('erasure_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasure_request_child_id'))
    op.drop_table('erasure_request')
    # SQLite 3.35+ drops a column in place; copying the table would trip over the rows that point at it.
    with op.batch_alter_table('audit_event', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('old_value')
    with op.batch_alter_table('child', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('anonymised_at')
