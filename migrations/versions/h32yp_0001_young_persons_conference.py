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
    # In place, as the upgrade added them: a batch copy of child or review is refused by the tables that refer to
    # them once they hold rows, and would lose review's expression index ix_review_conference_day.
    op.drop_column("child", "young_peoples_pathway")
    op.drop_column("review", "young_persons")
