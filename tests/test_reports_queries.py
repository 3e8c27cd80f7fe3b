"""The report runs a fixed number of queries, keeps closed months, and notices when they change."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from tests.reports_seed import PERIOD, Seeder, seed, settle, utc
from voice_app.models import (
    Answer,
    AnswerChoice,
    MenuDecision,
    ReportMonth,
    StaffUser,
    Statement,
)
from voice_app.reports.period import Period
from voice_app.reports.queries import window_for
from voice_app.reports.report import build_report
from voice_app.reports.rollup import forget, segments


@pytest.fixture
def engine(app):
    return app.extensions["voice_app_engine"]


def _run(engine, period=PERIOD, *, cold: bool):
    """Build the report on a fresh connection; return it and how many SQL statements it ran."""
    seen: list[str] = []
    listener = lambda _conn, _cursor, statement, *rest: seen.append(statement)  # noqa: E731
    with engine.connect() as connection:
        if cold:
            forget(connection)
            connection.commit()
        event.listen(engine, "before_cursor_execute", listener)
        try:
            report = build_report(connection, period)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    return report, len(seen)


def _more_of_everything(db, copies: int) -> None:
    """Many more children, reviews, visits, statements, answers, decisions, responses and parents' views."""
    s = Seeder(db)
    for n in range(copies):
        child = s.child(f"Extra{n}", f"X-{n}", cp=n % 2 == 1)
        review = s.review(child, date(2024, 5 + n % 7, 10), chaired_by=None)
        visit = s.visit(review, date(2024, 5 + n % 7, 1))
        statement = s.statement(visit, child, utc(2024, 5 + n % 7, 1, 10), utc(2024, 5 + n % 7, 1, 11), language=["en-GB", "cy", "ar"][n % 3])
        s.answer(statement, "feel-today", ["ok", "angry", "happy"][n % 3])
        s.answer(statement, f"new-question-{n % 4}", "yes")
        s.decision(statement, "menu-format", "agreed")
        s.response(statement, "feel-today", f"We did thing {n}.", utc(2024, 6 + n % 7, 2))
        s.parent(review, utc(2024, 6 + n % 7, 3, n % 24), q1="agree")
    db.commit()
    settle(db)


def test_the_number_of_queries_does_not_grow_with_the_data(db, engine):
    seed(db)
    _, cold_small = _run(engine, cold=True)
    _, warm_small = _run(engine, cold=False)
    _more_of_everything(db, 40)
    _, cold_large = _run(engine, cold=True)
    _, warm_large = _run(engine, cold=False)
    assert cold_large == cold_small <= 25
    assert warm_large == warm_small < cold_small


def test_closed_months_are_kept_and_give_the_same_figures(db, engine):
    seed(db)
    first, _ = _run(engine, cold=True)
    assert db.scalar(sa.select(sa.func.count()).select_from(ReportMonth)) == 24  # both years, month by month
    second, _ = _run(engine, cold=False)
    for figure in first.figures:
        if hasattr(figure, "rows"):
            assert [(r.key, r.now, r.before) for r in figure.rows] == [(r.key, r.now, r.before) for r in second.figure(figure.id).rows]


def _feel_today(report) -> dict[str, int]:
    return {row.key: row.now.count for row in report.figure("views-feel-today").rows}


def test_a_changed_answer_in_a_kept_month_is_counted_again(db, engine):
    seed(db)
    _run(engine, cold=True)
    sad = db.scalars(
        sa.select(AnswerChoice)
        .join(Answer, Answer.id == AnswerChoice.answer_id)
        .join(Statement, Statement.id == Answer.statement_id)
        .where(AnswerChoice.choice_id == "sad", Statement.ended_at >= utc(2024, 4, 1))
    ).one()
    db.delete(sad)
    db.flush()
    db.add(AnswerChoice(answer_id=sad.answer_id, choice_id="scared"))  # as the flow would change a card
    db.commit()
    report, _ = _run(engine, cold=False)
    assert _feel_today(report)["0:sad"] == 0 and _feel_today(report)["0:scared"] == 1


def test_a_later_decision_on_an_old_statement_is_counted(db, engine):
    seed(db)
    before, _ = _run(engine, cold=True)
    statement = db.scalars(sa.select(Statement).where(Statement.version == "older", Statement.language == "pl")).one()
    iro_id = db.scalars(sa.select(StaffUser.id)).first()
    db.add(MenuDecision(statement_id=statement.id, item_id="menu-place", outcome="not_possible", decided_by_id=iro_id))
    db.commit()
    after, _ = _run(engine, cold=False)
    rows = {row.key: row.now.count for row in after.figure("menu-decisions").rows}
    assert rows["menu-place:not_possible"] == 1
    assert rows["not_possible"] == {row.key: row.now.count for row in before.figure("menu-decisions").rows}["not_possible"] + 1


def test_participation_goes_by_the_local_day_of_the_review(db, engine):
    s = Seeder(db)
    cases = [
        (date(2024, 7, 10), utc(2024, 7, 10, 22, 30), True),  # 23:30 BST on the day: counts
        (date(2024, 7, 11), utc(2024, 7, 11, 23, 30), False),  # 00:30 BST the day after: does not
        (date(2024, 12, 10), utc(2024, 12, 10, 23, 30), True),  # 23:30 GMT on the day: counts
        (date(2024, 12, 11), utc(2024, 12, 12, 0, 30), False),
    ]
    for n, (held, started, _counts) in enumerate(cases):
        child = s.child(f"P{n}", f"P-{n}")
        review = s.review(child, held)
        s.statement(s.visit(review, held), child, started, started.replace(minute=59))
    db.commit()
    report, _ = _run(engine, cold=True)
    rows = {row.key: row.now.count for row in report.figure("participation").rows}
    assert (rows["held_cared_for"], rows["participated_cared_for"]) == (4, 2)


def test_periods_are_cut_into_months_and_only_whole_past_months_are_kept():
    window = window_for(Period(date(2024, 3, 15), date(2024, 5, 20)))
    cut = segments(window, now=datetime(2024, 5, 25, tzinfo=UTC))
    now_part = [segment for segment in cut if segment.bucket == 0]
    assert [segment.month for segment in now_part] == [None, date(2024, 4, 1), None]
    assert now_part[1].start == datetime(2024, 3, 31, 23, tzinfo=UTC)  # local midnight, in summer time
    assert cut[0].start == datetime(2024, 1, 8, tzinfo=UTC) and cut[-1].end == datetime(2024, 5, 20, 23, tzinfo=UTC)
