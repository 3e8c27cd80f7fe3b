"""Checking and rotating the field encryption keys over every encrypted column."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import voice_app.models  # noqa: F401 - every table on the metadata
from voice_app.crypto import EncryptionKeyError, Keyring, encrypted_columns, encrypting, key_id_of, rewrite_column
from voice_app.models import AuditEvent, utcnow


@dataclass
class ColumnKeys:
    """How one encrypted column's values are stored: rows per key id, and plaintext rows."""

    context: str
    by_key: Counter = field(default_factory=Counter)
    plaintext: int = 0


def _columns() -> list[tuple[str, str]]:
    return [(column.table.name, column.name) for column in encrypted_columns(SQLModel.metadata)]


def _values(connection: sa.Connection, table: str, column: str, *, limit: int | None = None, newest: bool = False):
    t = sa.table(table, sa.column("id", sa.Integer), sa.column(column, sa.Text))
    query = sa.select(t.c[column]).where(t.c[column].is_not(None), t.c[column] != "")
    query = query.order_by(t.c.id.desc() if newest else t.c.id).limit(limit)
    return connection.execute(query.execution_options(yield_per=1000)).scalars()


def check_keys(engine: Engine, keys: Keyring) -> list[ColumnKeys]:
    """Decrypt every encrypted value with `keys`; raises EncryptionKeyError at the first that fails."""
    report = []
    with engine.connect() as connection:
        for table, column in _columns():
            seen = ColumnKeys(f"{table}.{column}")
            for stored in _values(connection, table, column):
                key_id = key_id_of(stored)
                if key_id is None:
                    seen.plaintext += 1
                    continue
                keys.decrypt(stored, context=seen.context)
                seen.by_key[key_id] += 1
            report.append(seen)
    return report


def check_keys_quickly(engine: Engine, keys: Keyring) -> None:
    """Decrypt the oldest and newest value of each column: enough to refuse a wrong key at start-up."""
    with engine.connect() as connection:
        for table, column in _columns():
            for newest in (False, True):
                for stored in _values(connection, table, column, limit=1, newest=newest):
                    if key_id_of(stored) is not None:
                        keys.decrypt(stored, context=f"{table}.{column}")


def rotate_keys(engine: Engine, keys: Keyring) -> dict[str, int]:
    """Re-encrypt under the current key every value under an older key (or in plaintext), column by column."""
    rewritten: dict[str, int] = {}
    for table, column in _columns():
        context = f"{table}.{column}"
        # One transaction per column: a failure leaves that column as it was, and running again carries on.
        with engine.begin() as connection:
            rewritten[context] = rewrite_column(connection, table, column, encrypting(keys, context))
    with engine.begin() as connection:
        detail = f"key={keys.current_id};values={sum(rewritten.values())};cli"  # machine words, as every audit detail
        connection.execute(sa.insert(AuditEvent.__table__).values(action="records.keys_rotated", detail=detail, at=utcnow()))
    return rewritten


__all__ = ["ColumnKeys", "EncryptionKeyError", "check_keys", "check_keys_quickly", "rotate_keys"]
