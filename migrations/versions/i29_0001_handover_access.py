"""how the child answers: touch, one or two switches, or dwell, kept on the hand-over (issue 29)

Revision ID: i29_0001
Revises: i31_0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "i29_0001"
down_revision = 'i31_0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handover") as batch:
        batch.add_column(sa.Column("access", sa.String(length=400), nullable=True))
    # Kept on the statement as well: hand-overs are disposed of after a while, the statement's figures are not.
    with op.batch_alter_table("statement") as batch:
        batch.add_column(sa.Column("access_modes", sa.String(length=40), nullable=True))


def downgrade() -> None:
    # In place, not in batch mode: a batch drop copies the table, which the tables referring to it refuse on SQLite.
    op.drop_column("statement", "access_modes")
    op.drop_column("handover", "access")
