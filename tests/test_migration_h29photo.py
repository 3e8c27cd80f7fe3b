"""Migration h29photo_0001 on SQLite and PostgreSQL: the child's own mat photos get their table, and lose it going down."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from tests.migration_support import emptied
from voice_app.db import make_engine
from voice_app.migrate import alembic_config, upgrade

REVISION = "h29photo_0001"


def _tables(url: str) -> set[str]:
    engine = make_engine(url)  # a new connection each time: SQLite's may keep the schema it read before a migration
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_mat_photo_table_comes_and_goes(database_url):
    engine = emptied(database_url)
    engine.dispose()
    upgrade(database_url)
    assert "mat_photo" in _tables(database_url)
    command.downgrade(alembic_config(database_url), f"{REVISION}-1")  # relative, so it still holds once re-chained
    assert "mat_photo" not in _tables(database_url)
    command.upgrade(alembic_config(database_url), "heads")
    assert "mat_photo" in _tables(database_url)
