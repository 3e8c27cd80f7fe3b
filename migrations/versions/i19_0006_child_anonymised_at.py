"""records: when the retention rules anonymised a child's records

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
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
