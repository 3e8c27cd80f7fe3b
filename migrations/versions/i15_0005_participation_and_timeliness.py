"""reviews: participation codes, due dates per episode, late reasons, mid-way visits, seen alone

Everything is added, nothing changed: reviews already held get no participation code (the report
and the pages show "not recorded", never a guess) and no due date (their timeliness is "not known").
Existing visits are pre-review visits; whether the child was seen alone is not recorded for them.

Revision ID: i15_0005
Revises: staff_0004
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = 'i15_0005'
down_revision = 'i19_0006'
branch_labels = None
depends_on = None

REVIEW_COLUMNS = (
    ('participation', lambda: sa.String(length=32)),
    ('due_on', sa.Date),
    ('late_reason', lambda: sa.String(length=32)),
    ('late_reason_other', lambda: sa.String(length=500)),
    ('strategy_discussion_on', sa.Date),
    ('transfer_notified_on', sa.Date),
)


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: SQLite's batch mode would copy and drop these tables, which
    # other tables' foreign keys refer to, and that fails once there is data.
    for name, kind in REVIEW_COLUMNS:
        op.add_column('review', sa.Column(name, kind(), nullable=True))
    op.add_column('visit', sa.Column('purpose', sa.String(length=32), server_default='pre_review', nullable=False))
    op.add_column('visit', sa.Column('seen_alone', sa.Boolean(), nullable=True))
    op.add_column('child', sa.Column('expected_date_of_birth', sa.Date(), nullable=True))
    op.add_column('child', sa.Column('cp_conference_pending', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('child', sa.Column('short_breaks', sa.Boolean(), server_default=sa.false(), nullable=False))
    # Covering indexes for the report's two new counts (reviews by code and timeliness; visits by purpose and seen alone).
    op.create_index('ix_review_timeliness', 'review', ['held_on', 'status', 'kind', 'stage', 'participation', 'due_on', 'late_reason'])
    op.create_index('ix_visit_checks', 'visit', ['held_on', 'status', 'purpose', 'method', 'review_id', 'seen_alone'])


def downgrade() -> None:
    op.drop_index('ix_visit_checks', table_name='visit')
    op.drop_index('ix_review_timeliness', table_name='review')
    # ALTER TABLE ... DROP COLUMN: PostgreSQL, and SQLite from 3.35 (none of these columns is indexed or keyed).
    for name in ('short_breaks', 'cp_conference_pending', 'expected_date_of_birth'):
        op.drop_column('child', name)
    op.drop_column('visit', 'seen_alone')
    op.drop_column('visit', 'purpose')
    for name, _kind in reversed(REVIEW_COLUMNS):
        op.drop_column('review', name)
