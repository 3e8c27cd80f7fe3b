"""Migration h32yp_0001 on SQLite and PostgreSQL: a conference marked as a young person's, the young people's pathway on the child; old rows are neither."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import inspect, text

from tests.migration_support import emptied
from voice_app.migrate import alembic_config, upgrade

REVISION = "h32yp_0001"


def _columns(engine, table: str) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns(table)}


def _review_indexes(engine) -> set[str]:
    listing = (
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'review'"
        if engine.dialect.name == "sqlite"
        else "SELECT indexname FROM pg_indexes WHERE tablename = 'review'"
    )
    with engine.connect() as connection:
        return set(connection.exec_driver_sql(listing).scalars())


def test_the_young_persons_columns_are_added_and_removed_and_old_rows_are_ordinary(database_url):
    engine = emptied(database_url)
    upgrade(database_url)
    config = alembic_config(database_url)
    command.downgrade(config, f"{REVISION}-1")  # relative, so it still holds once the migrations are re-chained
    assert "young_persons" not in _columns(engine, "review")
    assert "young_peoples_pathway" not in _columns(engine, "child")
    assert "ix_review_conference_day" in _review_indexes(engine)  # the expression index outlives the way down
    with engine.begin() as connection:  # a child and a conference from before the migration
        connection.execute(text(
            "INSERT INTO child (id, preferred_name, case_reference, preferred_language, communication_needs, cared_for, on_cp_plan, active, created_at)"
            " VALUES (1, 'Old', 'OLD-1', 'en-GB', '', false, true, true, :now)"
        ), {"now": "2026-01-01 00:00:00"})
        connection.execute(text(
            "INSERT INTO review (id, child_id, kind, stage, scheduled_for, status, created_at)"
            " VALUES (1, 1, 'cp_conference', 'review_conference', :day, 'scheduled', :now)"
        ), {"day": date(2026, 2, 1), "now": "2026-01-01 00:00:00"})
    command.upgrade(config, "head")
    assert "ix_review_conference_day" in _review_indexes(engine)  # ... and the way up
    with engine.connect() as connection:
        assert connection.execute(text("SELECT young_persons FROM review WHERE id = 1")).scalar_one() in (False, 0)
        assert connection.execute(text("SELECT young_peoples_pathway FROM child WHERE id = 1")).scalar_one() in (False, 0)
    engine.dispose()
