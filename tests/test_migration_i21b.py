"""Migration i21b_0007 on SQLite and PostgreSQL: the second-factor tables come and go cleanly."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from tests.migration_support import emptied
from voice_app.migrate import alembic_config, upgrade

REVISION = "i21b_0007"
TABLES = {"staff_authenticator", "staff_recovery_code", "second_factor_policy"}


def test_the_second_factor_tables_are_added_and_removed(database_url):
    engine = emptied(database_url)
    upgrade(database_url)
    assert TABLES <= set(inspect(engine).get_table_names())
    config = alembic_config(database_url)
    command.downgrade(config, f"{REVISION}-1")  # relative, so it still holds once the migrations are re-chained
    assert not TABLES & set(inspect(engine).get_table_names())
    command.upgrade(config, "head")
    assert TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()
