"""corrections from a statutory read: whether the IRO attended a review the child or a social worker chaired, and
the day an age (given without a date of birth) was recorded, so it grows older (issue 31)

Revision ID: i31_0003
Revises: i31_0002
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = 'i31_0003'
down_revision = 'i31_0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('iro_attended', sa.Boolean(), nullable=True))
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('age_recorded_on', sa.Date(), nullable=True))


def downgrade() -> None:
    # Not in batch mode: on SQLite a batch drop copies the table, which the tables that refer to it refuse once they
    # hold rows. SQLite (3.35+) and PostgreSQL both drop a plain column in place.
    op.drop_column('child', 'age_recorded_on')
    op.drop_column('review', 'iro_attended')
