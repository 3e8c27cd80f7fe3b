"""service report: on PostgreSQL, the kept columns' indexes start with the completion instant

PostgreSQL 15 has no skip-scan: an index that starts with the group columns (as SQLite wants them, h30live_0001 and
0002) is read whole for a year's counts. On PostgreSQL these indexes are replaced by ones that start with
`completed_at`, read as one index-only range of the period. SQLite keeps its own.

Revision ID: h30live_0003
Revises: h30live_0002
Create Date: 2026-12-07
"""

from alembic import op

revision = "h30live_0003"
down_revision = "h30live_0002"
branch_labels = None
depends_on = None

INDEXES = [
    ("answer", "ix_answer_completed", ["question_id", "skipped", "scale", "completed_at"], ["completed_at", "question_id", "skipped", "scale"]),
    (
        "answer_choice",
        "ix_answer_choice_completed",
        ["question_id", "choice_id", "position", "skipped", "completed_at"],
        ["completed_at", "skipped", "question_id", "choice_id", "position"],
    ),
    ("menu_decision", "ix_menu_decision_completed", ["item_id", "outcome", "completed_at"], ["completed_at", "item_id", "outcome"]),
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, name, _group_first, time_first in INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(f"{name}_first", table, time_first, unique=False)
        op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, name, group_first, _time_first in INDEXES:
        op.drop_index(f"{name}_first", table_name=table)
        op.create_index(name, table, group_first, unique=False)
