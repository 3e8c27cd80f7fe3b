"""The report runs a fixed number of queries, keeps closed months, and counts a month again once anything in it changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from tests.reports_seed import PERIOD, Seeder, seed, utc
from voice_app import cli
from voice_app.models import (
    Answer,
    AnswerChoice,
    MeetingFormat,
    MenuDecision,
    ParentResponse,
    ReportMonth,
    Review,
    ReviewKind,
    StaffUser,
    Statement,
    Visit,
    VisitMethod,
)
from voice_app.reports import rollup
from voice_app.reports.period import Period
from voice_app.reports.queries import window_for
from voice_app.reports.report import build_report
from voice_app.reports.rollup import forget, segments
from voice_app.reports.staleness import Touched, months_of

pytestmark = pytest.mark.usefixtures("today")  # "today" is a fixed day (tests/clock.py), never the day the suite runs


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


def _kept(db) -> dict[date, tuple[int, bool]]:
    """month -> (generation, whether its counts are kept)."""
    db.expire_all()
    return {row.month: (row.generation, row.counts is not None) for row in db.scalars(sa.select(ReportMonth))}


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


def _figures(report) -> dict:
    return {f.id: [(r.key, r.now, r.before) for r in f.rows] for f in report.figures if hasattr(f, "rows")}


PHONE_LIVE = 4


def test_the_number_of_queries_does_not_grow_with_the_data(db, engine):
    seed(db)
    _, cold_small = _run(engine, cold=True)
    _, warm_small = _run(engine, cold=False)
    _more_of_everything(db, 40)
    _, cold_large = _run(engine, cold=True)
    _, warm_large = _run(engine, cold=False)
    # + PHONE_LIVE: the own-phone figures (reports/phone.py) are two grouped counts for each of the two periods,
    # counted live rather than kept by month; they stay four however much data there is.
    assert cold_large == cold_small <= 26 + PHONE_LIVE  # fifteen counts, the kept months, storing them, the two lists of words, settings
    assert warm_large == warm_small <= 5 + PHONE_LIVE  # the kept months, the two lists of words, and a setting or two


def test_closed_months_are_kept_and_give_the_same_figures(db, engine):
    seed(db)
    first, _ = _run(engine, cold=True)
    kept = _kept(db)
    assert sum(1 for _generation, counted in kept.values() if counted) == 24  # both years, month by month
    second, _ = _run(engine, cold=False)
    assert _figures(second) == _figures(first)


def _feel_today(report) -> dict[str, int]:
    return {row.key: row.now.count for row in report.figure("views-feel-today").rows}


def test_a_changed_card_in_a_kept_month_is_counted_again(db, engine):
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
    assert _kept(db)[date(2024, 11, 1)] == (2, False)  # marked by both flushes; counts cleared
    report, _ = _run(engine, cold=False)
    assert _feel_today(report)["0:sad"] == 0 and _feel_today(report)["0:scared"] == 1
    assert _kept(db)[date(2024, 11, 1)] == (2, True)  # counted again, and kept again


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


def test_changes_to_visits_reviews_and_parents_views_in_kept_months_are_counted(db, engine):
    seed(db)
    _run(engine, cold=True)
    visit = db.scalars(sa.select(Visit).where(Visit.method == VisitMethod.VIDEO_CALL)).one()
    visit.method = VisitMethod.PHONE  # the IRO corrects how they met
    review = db.get(Review, visit.review_id)
    review.format_used = MeetingFormat.HYBRID
    conference = db.scalars(sa.select(Review).where(Review.kind == ReviewKind.CP_CONFERENCE, Review.held_on == date(2024, 9, 2))).one()
    db.add(ParentResponse(review_id=conference.id, submitted_at=utc(2025, 1, 5, 12), submission_key="late-paper-form", q1="agree"))
    db.commit()
    fresh, _ = _run(engine, cold=False)
    recounted, _ = _run(engine, cold=True)
    assert _figures(fresh) == _figures(recounted)
    visits = {row.key: row.now.count for row in fresh.figure("visits").rows}
    assert (visits["video_call"], visits["phone"]) == (0, 2)
    assert {row.key: row.now.count for row in fresh.figure("parents-responses").rows}["review_conference"] == 2


def test_moving_a_review_to_another_month_marks_both(db, engine):
    seed(db)
    _run(engine, cold=True)
    review = db.scalars(sa.select(Review).where(Review.held_on == date(2024, 6, 10))).one()
    review.held_on = review.scheduled_for = date(2024, 8, 10)
    db.commit()
    kept = _kept(db)
    assert not kept[date(2024, 6, 1)][1] and not kept[date(2024, 8, 1)][1] and kept[date(2024, 7, 1)][1]


def test_reopening_a_statement_takes_it_out_of_its_month(db, engine):
    seed(db)
    before, _ = _run(engine, cold=True)
    statement = db.scalars(sa.select(Statement).where(Statement.language == "pl")).one()
    statement.ended_at = statement.end_reason = None  # handed over again (child/handover.py)
    db.commit()
    after, _ = _run(engine, cold=False)
    completed = lambda report: {row.key: row.now.count for row in report.figure("statements").rows}["completed"]  # noqa: E731
    assert completed(after) == completed(before) - 1


def test_regrouping_a_review_marks_every_month(db, engine):
    seed(db)
    _run(engine, cold=True)
    review = db.scalars(sa.select(Review).where(Review.held_on == date(2024, 6, 10))).one()
    review.kind = ReviewKind.CP_CONFERENCE  # moves its visits and statements between groups
    db.commit()
    assert not any(counted for _generation, counted in _kept(db).values())


def test_a_change_made_while_a_report_counts_is_never_hidden(db, engine, monkeypatch):
    seed(db)
    count_segments = rollup.count_segments

    def count_then_change(connection, cut, indexes, *, today):
        counted = count_segments(connection, cut, indexes, today=today)
        # Another request changes a statement in November 2024 and commits, after the counting read it.
        answer = db.scalars(sa.select(Answer).join(Statement).where(Statement.ended_at >= utc(2024, 11, 1), Statement.ended_at < utc(2024, 11, 2))).first()
        answer.skipped = True
        db.commit()
        return counted

    monkeypatch.setattr(rollup, "count_segments", count_then_change)
    _run(engine, cold=True)
    kept = _kept(db)
    assert kept[date(2024, 11, 1)] == (1, False)  # the report's counts were older than the change: not kept
    assert kept[date(2024, 10, 1)][1]


def test_running_months_are_neither_marked_nor_kept():
    now = datetime(2024, 5, 25, tzinfo=UTC)
    touched = Touched()
    touched.add(date(2024, 5, 3), date(2024, 4, 30), utc(2024, 4, 30, 23, 30), utc(2024, 3, 31, 22, 59))
    # 23:30 UTC on 30 April is 00:30 BST on 1 May (still running); 22:59 UTC on 31 March is 23:59 BST that day.
    assert months_of(touched, now=now) == [date(2024, 3, 1), date(2024, 4, 1)]


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


def test_periods_are_cut_into_months_and_only_whole_settled_months_are_kept():
    window = window_for(Period(date(2024, 3, 15), date(2024, 5, 20)))
    cut = segments(window, now=datetime(2024, 5, 25, tzinfo=UTC))
    now_part = [segment for segment in cut if segment.bucket == 0]
    assert [segment.month for segment in now_part] == [None, date(2024, 4, 1), None]
    assert now_part[1].start == datetime(2024, 3, 31, 23, tzinfo=UTC)  # local midnight, in summer time
    assert (now_part[1].first, now_part[1].last) == (date(2024, 4, 1), date(2024, 4, 30))
    assert cut[0].start == datetime(2024, 1, 8, tzinfo=UTC) and cut[-1].end == datetime(2024, 5, 20, 23, tzinfo=UTC)
    # April ended at 23:00 UTC on 30 April: not kept until it has settled for an hour.
    just_after = segments(window_for(Period(date(2024, 4, 1), date(2024, 4, 30))), now=datetime(2024, 4, 30, 23, 30, tzinfo=UTC))
    assert [segment.month for segment in just_after if segment.bucket == 0] == [None]


def test_prepare_keeps_every_ended_month_so_the_first_report_reads_only_kept_rows(db, engine, database_url, capsys):
    seed(db)
    assert cli.main(["report", "--prepare", "--database-url", database_url]) == 0
    assert "counted and kept" in capsys.readouterr().err
    kept = _kept(db)
    assert kept[date(2023, 4, 1)][1] and kept[date(2025, 3, 1)][1] and kept[date(2026, 3, 1)][1]
    assert all(counted for _generation, counted in kept.values())
    _, queries = _run(engine, cold=False)
    assert queries <= 5 + PHONE_LIVE


def test_upgrading_the_database_counts_the_reports_months_too(db, engine, database_url, capsys, monkeypatch):
    from voice_app import migrate

    seed(db)
    # The test database was made from the models, not by migrations: only the counting is tried here.
    monkeypatch.setattr(migrate, "upgrade", lambda url, revision="head": None)
    monkeypatch.setattr(migrate, "current_revision", lambda url: "head")
    assert cli.main(["db", "upgrade", "--database-url", database_url]) == 0
    assert "ended months are counted and kept" in capsys.readouterr().out
    assert _kept(db)[date(2024, 11, 1)][1]
