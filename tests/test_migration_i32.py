"""Migration i32_0001 on SQLite and PostgreSQL: who a feedback link is for, a professional's agency and role; old rows become parents'."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from tests.migration_support import emptied
from voice_app.migrate import alembic_config, upgrade

REVISION = "i32_0001"
ADDED = {
    "feedback_link": {"respondent_kind"},
    "parent_response": {"respondent_kind", "agency", "role"},
    "parent_draft": {"agency", "role", "local_answers"},
}
TABLES = {"feedback_local_question", "feedback_local_answer", "feedback_change"}


def _columns(engine, table: str) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns(table)}


def test_the_feedback_columns_are_added_and_removed_and_old_answers_count_as_parents(database_url):
    engine = emptied(database_url)
    upgrade(database_url)
    for table, columns in ADDED.items():
        assert columns <= _columns(engine, table)
    assert TABLES <= set(inspect(engine).get_table_names())
    config = alembic_config(database_url)
    command.downgrade(config, f"{REVISION}-1")  # relative, so it still holds once the migrations are re-chained
    for table, columns in ADDED.items():
        assert not columns & _columns(engine, table)
    assert not TABLES & set(inspect(engine).get_table_names())
    command.upgrade(config, "head")
    for table, columns in ADDED.items():
        assert columns <= _columns(engine, table)
    for table in ("feedback_link", "parent_response"):  # rows from before the migration count as parents'
        default = next(c for c in inspect(engine).get_columns(table) if c["name"] == "respondent_kind")["default"]
        assert "parent" in str(default)
    engine.dispose()
