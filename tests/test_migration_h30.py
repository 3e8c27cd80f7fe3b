"""Migration h30_0001 on SQLite and PostgreSQL: the report's covering indexes are the models' own, and come and go."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect
from sqlmodel import SQLModel

from tests.migration_support import emptied
from voice_app.db import make_engine
from voice_app.migrate import alembic_config, upgrade

REVISION = "h30_0001"


def _indexes(url: str, table: str) -> dict[str, list[str]]:
    engine = make_engine(url)  # a new connection each time: SQLite's may keep the schema it read before a migration
    try:
        return {index["name"]: index["column_names"] for index in inspect(engine).get_indexes(table)}
    finally:
        engine.dispose()


def _modelled(table: str, name: str) -> list[str]:
    (index,) = [index for index in SQLModel.metadata.tables[table].indexes if index.name == name]
    return [column.name for column in index.columns]


def test_the_reports_covering_indexes_are_made_as_the_models_say_and_undone(database_url):
    engine = emptied(database_url)
    engine.dispose()
    upgrade(database_url)
    assert _indexes(database_url, "statement")["ix_statement_report"] == _modelled("statement", "ix_statement_report")
    assert _indexes(database_url, "review")["ix_review_held"] == _modelled("review", "ix_review_held")
    config = alembic_config(database_url)
    command.downgrade(config, f"{REVISION}-1")  # relative, so it still holds once the migrations are re-chained
    assert _indexes(database_url, "statement")["ix_statement_report"] == ["ended_at", "end_reason", "updated_at", "id"]
    assert "ix_review_held" not in _indexes(database_url, "review")
    command.upgrade(config, "head")
    assert "given_via" in _indexes(database_url, "statement")["ix_statement_report"]
