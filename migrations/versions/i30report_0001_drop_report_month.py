"""service report: counted live, so the per-month counts it kept (report_month) are dropped; menu decisions' covering index

The table only ever held counts that could be made again from the rows; nothing is lost. The
downgrade makes it again empty (as reports_0003 left it): the code of that time refills it.
The report counts menu decisions by (item, outcome) for the statements of a period: an index on
(statement_id, item_id, outcome) answers that without reading the table.

Revision ID: i30report_0001
Revises: i18b_0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = 'i30report_0001'
down_revision = 'i18b_0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table('report_month')
    op.create_index('ix_menu_decision_report', 'menu_decision', ['statement_id', 'item_id', 'outcome'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_menu_decision_report', table_name='menu_decision')
    op.create_table('report_month',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('generation', sa.Integer(), server_default='0', nullable=False),
    sa.Column('counts', sa.Text(), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('month')
    )
