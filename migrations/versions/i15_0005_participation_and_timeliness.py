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
down_revision = 'staff_0004'
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
    with op.batch_alter_table('review', schema=None) as batch_op:
        for name, kind in REVIEW_COLUMNS:
            batch_op.add_column(sa.Column(name, kind(), nullable=True))
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=32), server_default='pre_review', nullable=False))
        batch_op.add_column(sa.Column('seen_alone', sa.Boolean(), nullable=True))
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expected_date_of_birth', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('cp_conference_pending', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('short_breaks', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('child', schema=None) as batch_op:
        for name in ('short_breaks', 'cp_conference_pending', 'expected_date_of_birth'):
            batch_op.drop_column(name)
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_column('seen_alone')
        batch_op.drop_column('purpose')
    with op.batch_alter_table('review', schema=None) as batch_op:
        for name, _kind in reversed(REVIEW_COLUMNS):
            batch_op.drop_column(name)
