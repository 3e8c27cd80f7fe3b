"""What the IRO observed: a child's views seen rather than said, against the conversation's topics, with who helped interpret (issue 29)

Revision ID: h29obs_0001
Revises: h32yp_0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "h29obs_0001"
down_revision = "h32yp_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False, server_default=""),
        sa.Column("with_whom", sa.Text(), nullable=False, server_default=""),
        sa.Column("certainty", sa.String(length=8), nullable=False),
        sa.Column("helpers", sa.String(length=80), nullable=False),
        sa.Column("helper_names", sa.Text(), nullable=False, server_default=""),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["statement_id"], ["statement.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_observation_statement_id"), ["statement_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observation_statement_id"))
    op.drop_table("observation")
