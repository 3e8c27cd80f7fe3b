"""service report: kept months carry a generation that changes mark them stale by; day indexes

Two indexes let one month be counted without reading every row: declined visits by status and
planned day, and conferences by kind and their day (held, else scheduled: an expression index).

The kept months were checked by a fingerprint read at report time; now every change marks its
months stale as it is made. The table only ever holds counts that can be made again, so it is
dropped and made anew rather than converted.

Revision ID: reports_0003
Revises: reports_0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = 'reports_0003'
down_revision = 'reports_0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table('report_month')
    op.create_table('report_month',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('generation', sa.Integer(), server_default='0', nullable=False),
    sa.Column('counts', sa.Text(), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('month')
    )
    op.create_index('ix_visit_declined', 'visit', ['status', 'planned_for'], unique=False)
    op.create_index('ix_review_conference_day', 'review', ['kind', sa.text('coalesce(held_on, scheduled_for)')], unique=False)


def downgrade() -> None:
    op.drop_index('ix_review_conference_day', table_name='review')
    op.drop_index('ix_visit_declined', table_name='visit')
    op.drop_table('report_month')
    op.create_table('report_month',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('fingerprint', sa.String(length=128), nullable=False),
    sa.Column('counts', sa.Text(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('month')
    )
