"""staff: a password an admin chose must be changed at first sign-in

Accounts that already exist are left as they are (false): their owners may have chosen their
passwords already, and nothing records whether they did.

Revision ID: staff_0004
Revises: reports_0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = 'staff_0004'
down_revision = 'reports_0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
