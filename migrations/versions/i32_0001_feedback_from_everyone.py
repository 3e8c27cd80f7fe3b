"""Feedback from everyone at every meeting: who a link is for, a professional's agency and role, a service's own questions, its "you said, we did" for families and partners

Revision ID: i32_0001
Revises: i18b_0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "i32_0001"
down_revision = "i18b_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback_link", schema=None) as batch_op:
        batch_op.add_column(sa.Column("respondent_kind", sa.String(length=32), nullable=False, server_default="parent"))
    with op.batch_alter_table("parent_response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("respondent_kind", sa.String(length=32), nullable=False, server_default="parent"))
        batch_op.add_column(sa.Column("agency", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("role", sa.Text(), nullable=True))
    with op.batch_alter_table("parent_draft", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agency", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("role", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("parent_draft", schema=None) as batch_op:
        batch_op.drop_column("role")
        batch_op.drop_column("agency")
    with op.batch_alter_table("parent_response", schema=None) as batch_op:
        batch_op.drop_column("role")
        batch_op.drop_column("agency")
        batch_op.drop_column("respondent_kind")
    with op.batch_alter_table("feedback_link", schema=None) as batch_op:
        batch_op.drop_column("respondent_kind")
