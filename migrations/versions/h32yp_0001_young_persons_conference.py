"""Young people's conferences: a conference marked as the young person's own, and the young people's pathway on the child

Revision ID: h32yp_0001
Revises: h32who_0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "h32yp_0001"
down_revision = "h32who_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite has it for a column with a constant default): a batch copy of the review
    # table would lose its expression index ix_review_conference_day, which batch mode cannot reflect.
    op.add_column("review", sa.Column("young_persons", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("child", sa.Column("young_peoples_pathway", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_column("young_peoples_pathway")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_column("young_persons")
    if op.get_bind().dialect.name == "sqlite":  # the batch copy above dropped the expression index: make it again
        op.execute("DROP INDEX IF EXISTS ix_review_conference_day")
        op.create_index("ix_review_conference_day", "review", ["kind", sa.text("coalesce(held_on, scheduled_for)")], unique=False)
