"""Migration h32who_0001 on SQLite and PostgreSQL: a child's optional equality details are added (empty for every child) and removed."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from tests.migration_support import emptied
from voice_app.migrate import alembic_config, upgrade

REVISION = "h32who_0001"
ADDED = {"disability", "ethnicity", "gender"}


def _columns(engine) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns("child")}


def test_the_equality_columns_are_added_empty_and_removed(database_url):
    engine = emptied(database_url)
    upgrade(database_url)
    assert ADDED <= _columns(engine)
    config = alembic_config(database_url)
    command.downgrade(config, f"{REVISION}-1")  # relative, so it still holds once the migrations are re-chained
    assert not ADDED & _columns(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO child (preferred_name, case_reference, preferred_language, communication_needs, cared_for, on_cp_plan, active, created_at) VALUES ('Sam', 'LL-1', 'en-GB', '', true, false, true, '2026-01-01 00:00:00')"))
    command.upgrade(config, "head")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT disability, ethnicity, gender FROM child")).one() == ("", "", "")
    engine.dispose()
