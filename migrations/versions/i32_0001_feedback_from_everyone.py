"""Feedback from everyone at every meeting: who a link is for, a professional's agency and role, a service's own questions, its "you said, we did" for families and partners

Revision ID: i32_0001
Revises: i29_0002
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "i32_0001"
down_revision = "i29_0002"
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
        batch_op.add_column(sa.Column("local_answers", sa.Text(), nullable=True))
    op.create_table(
        "feedback_local_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("default_key", sa.String(length=32), nullable=True),
        sa.Column("text", sa.String(length=300), nullable=True),
        sa.Column("short", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reworded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "feedback_local_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["feedback_local_question.id"]),
        sa.ForeignKeyConstraint(["response_id"], ["parent_response.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("response_id", "question_id"),
    )
    with op.batch_alter_table("feedback_local_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_local_answer_question_id"), ["question_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_local_answer_response_id"), ["response_id"], unique=False)
    op.create_table(
        "feedback_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("you_said", sa.String(length=500), nullable=False),
        sa.Column("we_did", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("feedback_change")
    with op.batch_alter_table("feedback_local_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_local_answer_response_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_local_answer_question_id"))
    op.drop_table("feedback_local_answer")
    op.drop_table("feedback_local_question")
    with op.batch_alter_table("parent_draft", schema=None) as batch_op:
        batch_op.drop_column("local_answers")
        batch_op.drop_column("role")
        batch_op.drop_column("agency")
    with op.batch_alter_table("parent_response", schema=None) as batch_op:
        batch_op.drop_column("role")
        batch_op.drop_column("agency")
        batch_op.drop_column("respondent_kind")
    with op.batch_alter_table("feedback_link", schema=None) as batch_op:
        batch_op.drop_column("respondent_kind")
