"""The child's own photos as option cards on a sorting mat, added by the IRO at hand-over (issue 29); label and photo encrypted

Revision ID: h29photo_0001
Revises: h30_0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "h29photo_0001"
down_revision = "h30_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mat_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("mat_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),  # EncryptedText
        sa.Column("photo", sa.Text(), nullable=False),  # EncryptedBytes: the JPEG's base64, encrypted
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["statement_id"], ["statement.id"]),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"]),
        sa.ForeignKeyConstraint(["added_by_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("statement_id", "mat_id", "number", name="uq_mat_photo_number"),
    )
    with op.batch_alter_table("mat_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mat_photo_statement_id"), ["statement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mat_photo_child_id"), ["child_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mat_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mat_photo_child_id"))
        batch_op.drop_index(batch_op.f("ix_mat_photo_statement_id"))
    op.drop_table("mat_photo")
