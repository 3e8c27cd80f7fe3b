"""Equality details on the child: disability, ethnicity (the DfE's codes) and gender, all optional

Revision ID: h32who_0001
Revises: i32_0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "h32who_0001"
down_revision = "i32_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disability", sa.String(length=9), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("ethnicity", sa.String(length=4), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("gender", sa.String(length=1), nullable=False, server_default=""))


def downgrade() -> None:
    # Not in batch mode: on SQLite a batch drop copies the table, which the tables that refer to it refuse once they
    # hold rows. SQLite (3.35+) and PostgreSQL both drop a plain column in place.
    op.drop_column("child", "gender")
    op.drop_column("child", "ethnicity")
    op.drop_column("child", "disability")
