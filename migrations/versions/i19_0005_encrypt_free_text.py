"""records: encrypt the free text that identifies or describes a child or parent

The child's words, the IRO's notes, reasons a menu choice was not possible, "you said, we did",
reasons a visit was declined, a child's communication needs, and parents' comments and names become AES-GCM ciphertext
(voice_app/crypto.py) under the first key of VOICE_APP_ENCRYPTION_KEYS. Columns that were
VARCHAR(n) become TEXT, because ciphertext is longer than what it hides; the forms still limit
what people type. Downgrading decrypts them again.

Revision ID: i19_0005
Revises: staff_0004
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

# Unlike the other migrations this one imports app code: it needs the service's keys
# (VOICE_APP_ENCRYPTION_KEYS) and the one cipher the app reads with.
from voice_app.crypto import decrypting, encrypting, keyring, rewrite_column

revision = 'i19_0005'
down_revision = 'staff_0004'
branch_labels = None
depends_on = None

# (table, column, its length before when it was a VARCHAR, whether it may be NULL)
COLUMNS = [
    ('answer', 'text', None, True),
    ('statement', 'iro_notes', None, False),
    ('menu_decision', 'reason_for_child', None, False),
    ('child_response', 'we_did', None, False),
    ('visit', 'declined_reason', 1000, True),
    ('child', 'communication_needs', 1000, False),
    ('parent_response', 'comment', None, True),
    ('parent_response', 'name', 120, True),
    ('parent_draft', 'comment', None, True),
    ('parent_draft', 'name', 120, True),
]


def _alter(changes) -> None:
    """Change column types; on SQLite (which copies the table to do it) with foreign keys off meanwhile,
    so rows pointing at the table (a visit's statements) do not stop the copy, and checked after."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    if sqlite:
        # The pragma works only between transactions: what this run wrote so far (finished migrations,
        # or the rows decrypted by the downgrade) is committed first.
        dbapi_connection = bind.connection.dbapi_connection
        if dbapi_connection.in_transaction:
            dbapi_connection.commit()
        op.execute('PRAGMA foreign_keys = OFF')
    for table, column, from_type, to_type, nullable in changes:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=from_type, type_=to_type, existing_nullable=nullable)
    if sqlite:
        broken = bind.exec_driver_sql('PRAGMA foreign_key_check').fetchall()
        if broken:
            raise RuntimeError(f'Altering the columns broke foreign keys: {broken[:5]}')
        op.execute('PRAGMA foreign_keys = ON')


def upgrade() -> None:
    _alter([(table, column, sa.String(length=length), sa.Text(), nullable) for table, column, length, nullable in COLUMNS if length])
    keys = keyring()
    for table, column, _length, _nullable in COLUMNS:
        rewrite_column(op.get_bind(), table, column, encrypting(keys, f'{table}.{column}'))


def downgrade() -> None:
    keys = keyring()
    for table, column, _length, _nullable in COLUMNS:
        rewrite_column(op.get_bind(), table, column, decrypting(keys, f'{table}.{column}'))
    _alter([(table, column, sa.Text(), sa.String(length=length), nullable) for table, column, length, nullable in COLUMNS if length])
