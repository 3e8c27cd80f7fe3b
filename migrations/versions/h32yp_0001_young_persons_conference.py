"""Young people's conferences: a conference marked as the young person's own, and the young people's pathway on the child

Revision ID: h32yp_0001
Revises: i32_0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "h32yp_0001"
down_revision = "i32_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("young_persons", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.add_column(sa.Column("young_peoples_pathway", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_column("young_peoples_pathway")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_column("young_persons")
