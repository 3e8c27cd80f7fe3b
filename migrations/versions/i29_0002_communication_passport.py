"""the child's communication passport: four short texts (encrypted like communication_needs) and how they answer (issue 29)

Revision ID: i29_0002
Revises: i29_0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = 'i29_0002'
down_revision = 'i29_0001'
branch_labels = None
depends_on = None

TEXTS = ('passport_yes_no', 'passport_helps', 'passport_upsets', 'passport_choosing')


def upgrade() -> None:
    with op.batch_alter_table('child') as batch:
        for name in TEXTS:
            batch.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('passport_access', sa.String(length=8), nullable=False, server_default=''))


def downgrade() -> None:
    # Not in batch mode: on SQLite a batch drop copies the table, which the tables that refer to child refuse.
    # SQLite (3.35+) and PostgreSQL both drop a plain column in place.
    for name in (*TEXTS, 'passport_access'):
        op.drop_column('child', name)
