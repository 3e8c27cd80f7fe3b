"""service report: covering indexes for the statements' own counts and for participation

The statements' report index now carries every column the report groups statements by (how they ended,
version, scribing, language, sharing, where given, how answered) instead of the old cache's updated_at, so
those counts never read the table; and reviews held get an index with their id, so participation (held reviews
with a statement begun by the day) starts from the period's reviews alone on PostgreSQL too.

Revision ID: h30_0001
Revises: h29obs_0001
Create Date: 2026-12-07
"""

from alembic import op

revision = "h30_0001"
down_revision = "h29obs_0001"
branch_labels = None
depends_on = None

STATEMENT_COLUMNS = ["ended_at", "end_reason", "id", "version", "scribed", "language", "sharing", "given_via", "access_modes"]


def upgrade() -> None:
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.drop_index("ix_statement_report")
        batch_op.create_index("ix_statement_report", STATEMENT_COLUMNS, unique=False)
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index("ix_review_held", ["held_on", "status", "kind", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index("ix_review_held")
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.drop_index("ix_statement_report")
        batch_op.create_index("ix_statement_report", ["ended_at", "end_reason", "updated_at", "id"], unique=False)
