"""The columns the report counts answers and cards by stay right after every kind of change, on both databases.

Each answer holds its statement's completion and each card its answer's question, skipping and completion
(voice_app/models/report_keys.py): the database's triggers keep them, whatever writes the rows.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command

from tests.migration_support import emptied
from tests.reports_seed import PERIOD, Seeder, seed, utc
from voice_app.db import make_engine
from voice_app.migrate import alembic_config, upgrade
from voice_app.models import Answer, AnswerChoice, MenuDecision, Statement, StatementEnd
from voice_app.records.retention import anonymise_child
from voice_app.reports.queries import count_window, window_for

pytestmark = pytest.mark.usefixtures("today")

answer_t, choice_t, statement_t = Answer.__table__, AnswerChoice.__table__, Statement.__table__
decision_t = MenuDecision.__table__
COMPLETED = sa.case((statement_t.c.end_reason.is_not(None), statement_t.c.ended_at))


@pytest.fixture
def engine(app):
    return app.extensions["voice_app_engine"]


def kept(connection) -> dict:
    """Every answer's and card's kept columns, beside what joining them to their answer and statement says."""
    answers = connection.execute(
        sa.select(answer_t.c.id, answer_t.c.completed_at, COMPLETED).select_from(
            answer_t.join(statement_t, answer_t.c.statement_id == statement_t.c.id)
        )
    ).all()
    cards = connection.execute(
        sa.select(
            choice_t.c.answer_id,
            choice_t.c.choice_id,
            choice_t.c.question_id,
            choice_t.c.skipped,
            choice_t.c.completed_at,
            answer_t.c.question_id,
            answer_t.c.skipped,
            COMPLETED,
        ).select_from(
            choice_t.join(answer_t, choice_t.c.answer_id == answer_t.c.id).join(
                statement_t, answer_t.c.statement_id == statement_t.c.id
            )
        )
    ).all()
    decisions = connection.execute(
        sa.select(decision_t.c.id, decision_t.c.completed_at, COMPLETED).select_from(
            decision_t.join(statement_t, decision_t.c.statement_id == statement_t.c.id)
        )
    ).all()
    return {
        "answers": {row[0]: (row[1], row[2]) for row in answers},
        "decisions": {row[0]: (row[1], row[2]) for row in decisions},
        "cards": {(row[0], row[1]): (tuple(row[2:5]), tuple(row[5:8])) for row in cards},
    }


def assert_right(connection) -> dict:
    """The kept columns equal the joins', row by row; returns them."""
    seen = kept(connection)
    for key, (held, joined) in seen["answers"].items():
        assert held == joined, f"answer {key}"
    for key, (held, joined) in seen["cards"].items():
        assert held == joined, f"card {key}"
    for key, (held, joined) in seen["decisions"].items():
        assert held == joined, f"decision {key}"
    return seen


def _statement(db, *, ended=True, ref="K-1"):
    s = Seeder(db)
    child = s.child("Kept", ref)
    review = s.review(child, date(2024, 6, 10))
    visit = s.visit(review, date(2024, 6, 1))
    statement = s.statement(visit, child, utc(2024, 6, 1, 10), utc(2024, 6, 1, 11) if ended else None)
    worries = s.answer(statement, "worries", "home", "school")
    feel = s.answer(statement, "feel-today", "happy")
    s.answer(statement, "safe-scale", scale=7)
    s.decision(statement, "menu-format", "agreed")
    db.commit()
    return s, statement, worries, feel


def test_new_answers_and_cards_take_their_statements_completion_and_their_answers_question(db, engine):
    _s, statement, worries, _feel = _statement(db)
    with engine.connect() as connection:
        seen = assert_right(connection)
    assert seen["answers"][worries.id][0] == utc(2024, 6, 1, 11)
    assert seen["cards"][(worries.id, "home")][0] == ("worries", False, utc(2024, 6, 1, 11))
    assert len(seen["cards"]) == 3
    assert list(seen["decisions"].values()) == [(utc(2024, 6, 1, 11), utc(2024, 6, 1, 11))]


def test_a_statement_not_yet_completed_has_no_completion_then_takes_it_when_completed_and_loses_it_when_reopened(db, engine):
    _s, statement, worries, _feel = _statement(db, ended=False)
    with engine.connect() as connection:
        assert assert_right(connection)["cards"][(worries.id, "home")][0] == ("worries", False, None)
    statement.ended_at, statement.end_reason = utc(2024, 7, 2, 9), StatementEnd.FINISHED
    db.add(statement)
    db.commit()
    with engine.connect() as connection:
        seen = assert_right(connection)
    assert {held for held, _joined in seen["answers"].values()} == {utc(2024, 7, 2, 9)}
    assert seen["cards"][(worries.id, "school")][0][2] == utc(2024, 7, 2, 9)
    assert {held for held, _joined in seen["decisions"].values()} == {utc(2024, 7, 2, 9)}
    # Ended but with no end reason is not completed (as the report has always counted).
    statement.end_reason = None
    db.add(statement)
    db.commit()
    with engine.connect() as connection:
        seen = assert_right(connection)
    assert {held for held, _joined in seen["answers"].values()} == {None}
    assert {held for held, _joined in seen["decisions"].values()} == {None}
    # Completed again, at another time, by a plain SQL update (not through the app).
    with engine.begin() as connection:
        connection.execute(
            sa.update(statement_t).where(statement_t.c.id == statement.id).values(end_reason="stopped", ended_at=utc(2024, 8, 1, 12))
        )
    with engine.connect() as connection:
        seen = assert_right(connection)
    assert seen["cards"][(worries.id, "home")][0][2] == utc(2024, 8, 1, 12)


def test_editing_an_answer_moves_its_cards_with_it(db, engine):
    _s, statement, worries, feel = _statement(db)
    with engine.begin() as connection:
        connection.execute(sa.update(answer_t).where(answer_t.c.id == worries.id).values(skipped=True))
        connection.execute(sa.update(answer_t).where(answer_t.c.id == feel.id).values(question_id="feel-now"))
    with engine.connect() as connection:
        seen = assert_right(connection)
    assert seen["cards"][(worries.id, "home")][0] == ("worries", True, utc(2024, 6, 1, 11))
    assert seen["cards"][(feel.id, "happy")][0][0] == "feel-now"
    # An answer moved to another statement (one not completed) takes that statement's completion.
    s = Seeder(db)
    child = s.child("Other", "K-2")
    other = s.statement(s.visit(s.review(child, date(2024, 9, 1)), date(2024, 8, 20)), child, utc(2024, 8, 20, 10), None)
    db.commit()
    with engine.begin() as connection:
        connection.execute(sa.update(answer_t).where(answer_t.c.id == worries.id).values(statement_id=other.id))
    with engine.connect() as connection:
        seen = assert_right(connection)
    assert seen["answers"][worries.id][0] is None
    assert seen["cards"][(worries.id, "school")][0] == ("worries", True, None)


def test_the_childs_change_of_answer_through_the_app_keeps_the_cards_right(db, engine):
    """The tablet's save: an upsert of the answer, its cards cleared and written again (voice_app/child/store.py)."""
    from voice_app.child.store import save_statements

    _s, statement, worries, _feel = _statement(db)
    sql = save_statements(engine.dialect.name)
    with engine.begin() as connection:
        row = dict(statement_id=statement.id, question_id="worries", scale=None, text=None, skipped=False, scribed=False,
                   answered_at=utc(2024, 6, 1, 10), updated_at=utc(2024, 6, 1, 10, 5))
        answer_id = connection.execute(sql.upsert, row).scalar_one()
        connection.execute(sql.clear_choices, {"for_answer": answer_id})
        connection.execute(sql.add_choice, [dict(answer_id=answer_id, choice_id="friends", position=0)])
    assert answer_id == worries.id
    with engine.connect() as connection:
        seen = assert_right(connection)
    assert [key for key in seen["cards"] if key[0] == worries.id] == [(worries.id, "friends")]
    assert seen["cards"][(worries.id, "friends")][0] == ("worries", False, utc(2024, 6, 1, 11))


def test_changing_a_card_or_writing_the_kept_columns_by_hand_is_put_right(db, engine):
    _s, _statement_row, worries, feel = _statement(db)
    with engine.begin() as connection:
        # A card moved to another answer takes that answer's question.
        connection.execute(
            sa.update(choice_t).where(choice_t.c.answer_id == worries.id, choice_t.c.choice_id == "school").values(answer_id=feel.id, choice_id="ok")
        )
        # Wrong values written straight into the kept columns do not stay.
        connection.execute(sa.update(choice_t).where(choice_t.c.answer_id == worries.id).values(completed_at=None, question_id="x", skipped=True))
        connection.execute(sa.update(answer_t).where(answer_t.c.id == feel.id).values(completed_at=utc(2020, 1, 1)))
        connection.execute(sa.update(decision_t).values(completed_at=None))
    with engine.connect() as connection:
        seen = assert_right(connection)
    assert seen["cards"][(feel.id, "ok")][0] == ("feel-today", False, utc(2024, 6, 1, 11))
    assert seen["cards"][(worries.id, "home")][0] == ("worries", False, utc(2024, 6, 1, 11))
    assert [held for held, _joined in seen["decisions"].values()] == [utc(2024, 6, 1, 11)]


def test_deleted_cards_answers_and_statements_leave_the_count(db, engine):
    _s, statement, worries, feel = _statement(db)

    def cards() -> int:
        with engine.connect() as connection:
            now, _before = count_window(connection, window_for(PERIOD), today=date(2025, 6, 1))
        return sum(now.choices.values())

    assert cards() == 3
    with engine.begin() as connection:
        connection.execute(sa.delete(choice_t).where(choice_t.c.answer_id == worries.id, choice_t.c.choice_id == "home"))
    assert cards() == 2
    with engine.begin() as connection:
        connection.execute(sa.delete(choice_t).where(choice_t.c.answer_id == feel.id))
        connection.execute(sa.delete(answer_t).where(answer_t.c.id == feel.id))
    assert cards() == 1
    with engine.begin() as connection:
        connection.execute(sa.delete(choice_t))
        connection.execute(sa.delete(answer_t))
        connection.execute(sa.delete(decision_t))
        connection.execute(sa.delete(statement_t).where(statement_t.c.id == statement.id))
    assert cards() == 0
    with engine.connect() as connection:
        assert kept(connection) == {"answers": {}, "decisions": {}, "cards": {}}


def test_retention_anonymising_keeps_the_columns_and_the_counts(db, engine):
    seed(db)
    with engine.connect() as connection:
        before = assert_right(connection)
        counted = count_window(connection, window_for(PERIOD), today=date(2025, 6, 1))
    children = db.exec(sa.select(Statement.child_id).distinct()).scalars().all()
    with engine.begin() as connection:
        for child_id in children:
            anonymise_child(connection, child_id=child_id, now=utc(2026, 1, 1))
    with engine.connect() as connection:
        assert assert_right(connection) == before
        assert count_window(connection, window_for(PERIOD), today=date(2025, 6, 1)) == counted


def _schema(url: str) -> dict:
    """The triggers (and PostgreSQL trigger functions) and the kept columns' indexes, as the database describes them."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                rows = connection.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type IN ('trigger', 'index')"
                    " AND (name LIKE '%keys%' OR name LIKE '%completion%' OR name LIKE '%completed%') ORDER BY name"
                ).all()
            else:
                rows = connection.exec_driver_sql(
                    "SELECT tgname, pg_get_triggerdef(t.oid) FROM pg_trigger AS t WHERE NOT tgisinternal"
                    " UNION ALL SELECT proname, prosrc FROM pg_proc WHERE proname LIKE '%%report_%%'"
                    " UNION ALL SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%%completed%%' ORDER BY 1"
                ).all()
            return {name: sql for name, sql in rows}
    finally:
        engine.dispose()


def test_the_migration_fills_the_columns_from_the_rows_there_and_makes_what_create_all_makes(database_url):
    made = _schema(database_url)  # the test database: made by metadata.create_all
    assert len(made) == (10 if database_url.startswith("sqlite") else 12)
    engine = emptied(database_url)
    engine.dispose()
    upgrade(database_url)
    assert _schema(database_url) == made
    config = alembic_config(database_url)
    command.downgrade(config, "h30live_0001-1")  # both of this change's migrations, relative, so it still holds once the migrations are re-chained
    assert _schema(database_url) == {}
    engine = make_engine(database_url)
    try:
        from sqlmodel import Session

        with Session(engine, expire_on_commit=False) as db:  # rows written before the columns exist (the ORM never names them)
            _s, statement, worries, _feel = _statement(db, ended=True)
            unfinished = _statement(db, ended=False, ref="K-3")[1]
    finally:
        engine.dispose()
    command.upgrade(config, "head")
    assert _schema(database_url) == made
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            seen = assert_right(connection)
        assert seen["cards"][(worries.id, "home")][0] == ("worries", False, utc(2024, 6, 1, 11))
        assert len(seen["answers"]) == 6 and unfinished.id != statement.id
    finally:
        engine.dispose()
