"""Migration i15_0005 on SQLite and PostgreSQL: what was there before keeps its meaning, and nothing is guessed."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from tests.migration_support import emptied
from voice_app.migrate import alembic_config, upgrade

REVISION = "i15_0005"


def _fresh(database_url):
    engine = emptied(database_url)
    return engine


def test_reviews_and_visits_from_before_keep_no_code_and_stay_pre_review_visits(database_url):
    engine = _fresh(database_url)
    upgrade(database_url, "staff_0004")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO staff_user (id, email, display_name, role, password_hash, active, failed_logins, created_at, must_change_password) VALUES (1, 'i@example.org', 'I', 'iro', 'x', true, 0, '2024-01-01 00:00:00+00:00', false)"))
        connection.execute(text("INSERT INTO child (id, preferred_name, case_reference, preferred_language, communication_needs, iro_id, cared_for, on_cp_plan, active, created_at) VALUES (1, 'Sam', 'R-1', 'en-GB', '', 1, true, false, true, '2024-01-01 00:00:00+00:00')"))
        connection.execute(text("INSERT INTO review (id, child_id, kind, stage, scheduled_for, held_on, status, created_at) VALUES (1, 1, 'cared_for', 'initial', '2024-02-01', '2024-02-01', 'held', '2024-01-01 00:00:00+00:00')"))
        connection.execute(text("INSERT INTO visit (id, review_id, iro_id, status, held_on, created_at, updated_at) VALUES (1, 1, 1, 'done', '2024-01-25', '2024-01-01 00:00:00+00:00', '2024-01-01 00:00:00+00:00')"))
    upgrade(database_url)
    with engine.connect() as connection:
        review = connection.execute(text("SELECT participation, due_on, late_reason, strategy_discussion_on FROM review")).one()
        visit = connection.execute(text("SELECT purpose, seen_alone FROM visit")).one()
        child = connection.execute(text("SELECT expected_date_of_birth, cp_conference_pending, short_breaks FROM child")).one()
    assert tuple(review) == (None, None, None, None)  # "not recorded", never guessed
    assert tuple(visit) == ("pre_review", None)
    assert (child[0], bool(child[1]), bool(child[2])) == (None, False, False)
    # And back down again, and up: the migration is reversible.
    command.downgrade(alembic_config(database_url), "staff_0004")
    assert "participation" not in {c["name"] for c in inspect(engine).get_columns("review")}
    upgrade(database_url)
    assert "participation" in {c["name"] for c in inspect(engine).get_columns("review")}
    engine.dispose()
