"""The report runs a fixed number of queries, and counts live: any change is in the next report."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from tests.reports_seed import PERIOD, Seeder, seed, utc
from voice_app.models import (
    Answer,
    AnswerChoice,
    MeetingFormat,
    MenuDecision,
    ParentResponse,
    Review,
    ReviewKind,
    StaffUser,
    Statement,
    Visit,
    VisitMethod,
)
from voice_app.reports.period import Period
from voice_app.reports.report import build_report

pytestmark = pytest.mark.usefixtures("today")  # "today" is a fixed day (tests/clock.py), never the day the suite runs


@pytest.fixture
def engine(app):
    return app.extensions["voice_app_engine"]


def _run(engine, period=PERIOD):
    """Build the report on a fresh connection; return it and how many SQL statements it ran."""
    seen: list[str] = []
    listener = lambda _conn, _cursor, statement, *rest: seen.append(statement)  # noqa: E731
    with engine.connect() as connection:
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
        statement = s.statement(
            visit, child, utc(2024, 5 + n % 7, 1, 10), utc(2024, 5 + n % 7, 1, 11), language=["en-GB", "cy", "ar"][n % 3]
        )
        s.answer(statement, "feel-today", ["ok", "angry", "happy"][n % 3])
        s.answer(statement, f"new-question-{n % 4}", "yes")
        s.decision(statement, "menu-format", "agreed")
        s.response(statement, "feel-today", f"We did thing {n}.", utc(2024, 6 + n % 7, 2))
        s.parent(review, utc(2024, 6 + n % 7, 3, n % 24), q1="agree")
    db.commit()


PHONE_LIVE = 4
# How children answered (reports/access_ways.py): one live query for each of the two periods.
ACCESS_LIVE = 2
# Escalations, permanence, tracking and caseloads (reports/oversight.py): a fixed number of live queries
# (22: ten for each period, two of them the mid-points, then the chosen examples and the caseloads).
OVERSIGHT_LIVE = 22
# Heard equally (reports/equality.py): one grouped query per family (reviews held, "I felt heard", escalations), each for both periods.
EQUALITY_LIVE = 3


def test_the_number_of_queries_does_not_grow_with_the_data(db, engine):
    seed(db)
    _, small = _run(engine)
    _more_of_everything(db, 40)
    _, large = _run(engine)
    # + PHONE_LIVE: the own-phone figures (reports/phone.py) are two grouped counts for each of the two periods;
    # + ACCESS_LIVE: how children answered (reports/access_ways.py), one live query for each period.
    # Nineteen counts (each for both periods; the last, the Child's Menu sorted on a mat), the two lists of words, three settings.
    assert large == small <= 24 + PHONE_LIVE + ACCESS_LIVE + OVERSIGHT_LIVE + EQUALITY_LIVE


def _feel_today(report) -> dict[str, int]:
    return {row.key: row.now.count for row in report.figure("views-feel-today").rows}


def test_a_changed_card_in_an_old_month_is_counted_as_it_is_now(db, engine):
    seed(db)
    _run(engine)
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
    report, _ = _run(engine)
    assert _feel_today(report)["0:sad"] == 0 and _feel_today(report)["0:scared"] == 1


def test_a_later_decision_on_an_old_statement_is_counted(db, engine):
    seed(db)
    before, _ = _run(engine)
    statement = db.scalars(sa.select(Statement).where(Statement.version == "older", Statement.language == "pl")).one()
    iro_id = db.scalars(sa.select(StaffUser.id)).first()
    db.add(MenuDecision(statement_id=statement.id, item_id="menu-place", outcome="not_possible", decided_by_id=iro_id))
    db.commit()
    after, _ = _run(engine)
    rows = {row.key: row.now.count for row in after.figure("menu-decisions").rows}
    assert rows["menu-place:not_possible"] == 1
    assert rows["not_possible"] == {row.key: row.now.count for row in before.figure("menu-decisions").rows}["not_possible"] + 1


def test_changes_to_visits_reviews_and_parents_views_in_old_months_are_counted(db, engine):
    seed(db)
    _run(engine)
    visit = db.scalars(sa.select(Visit).where(Visit.method == VisitMethod.VIDEO_CALL)).one()
    visit.method = VisitMethod.PHONE  # the IRO corrects how they met
    review = db.get(Review, visit.review_id)
    review.format_used = MeetingFormat.HYBRID
    conference = db.scalars(
        sa.select(Review).where(Review.kind == ReviewKind.CP_CONFERENCE, Review.held_on == date(2024, 9, 2))
    ).one()
    db.add(
        ParentResponse(review_id=conference.id, submitted_at=utc(2025, 1, 5, 12), submission_key="late-paper-form", q1="agree")
    )
    db.commit()
    fresh, _ = _run(engine)
    visits = {row.key: row.now.count for row in fresh.figure("visits").rows}
    assert (visits["video_call"], visits["phone"]) == (0, 2)
    assert {row.key: row.now.count for row in fresh.figure("parents-responses").rows}["review_conference"] == 2


def test_moving_a_review_out_of_the_period_takes_it_out_of_the_figures(db, engine):
    seed(db)
    before, _ = _run(engine)
    review = db.scalars(sa.select(Review).where(Review.held_on == date(2024, 6, 10))).one()
    review.held_on = review.scheduled_for = date(2025, 8, 10)
    db.commit()
    after, _ = _run(engine)
    held = lambda report: {row.key: row.now.count for row in report.figure("participation").rows}["held_cared_for"]  # noqa: E731
    assert held(after) == held(before) - 1


def test_reopening_a_statement_takes_it_out_of_the_figures(db, engine):
    seed(db)
    before, _ = _run(engine)
    statement = db.scalars(sa.select(Statement).where(Statement.language == "pl")).one()
    statement.ended_at = statement.end_reason = None  # handed over again (child/handover.py)
    db.commit()
    after, _ = _run(engine)
    completed = lambda report: {row.key: row.now.count for row in report.figure("statements").rows}["completed"]  # noqa: E731
    assert completed(after) == completed(before) - 1


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
    report, _ = _run(engine)
    rows = {row.key: row.now.count for row in report.figure("participation").rows}
    assert (rows["held_cared_for"], rows["participated_cared_for"]) == (4, 2)


def test_participation_in_a_winter_only_period_goes_by_the_local_day(db, engine):
    # November and December 2024 have no day of British Summer Time: the report (and the month before
    # it) needs no summer-time bound at all.
    s = Seeder(db)
    cases = [
        (date(2024, 12, 10), utc(2024, 12, 10, 23, 30)),  # 23:30 GMT on the day: counts
        (date(2024, 12, 11), utc(2024, 12, 12, 0, 30)),  # 00:30 the day after: does not
        (date(2024, 11, 20), utc(2024, 11, 20, 23, 59)),  # the month before, on the day: counts
    ]
    for n, (held, started) in enumerate(cases):
        child = s.child(f"W{n}", f"W-{n}")
        review = s.review(child, held)
        s.statement(s.visit(review, held), child, started, started.replace(minute=59))
    db.commit()
    report, _ = _run(engine, Period(date(2024, 12, 1), date(2024, 12, 31)))
    rows = {row.key: (row.now.count, row.before.count) for row in report.figure("participation").rows}
    assert rows["held_cared_for"] == (2, 1) and rows["participated_cared_for"] == (1, 1)
