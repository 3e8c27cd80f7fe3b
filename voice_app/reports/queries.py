"""The report's SQL: a fixed handful of GROUP BY queries over a period and the one before it.

Each query covers both periods at once (they are next to each other) and labels every row with its
period, so the number of queries never grows with the data: no query per child, review or statement.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from voice_app.models import (
    Answer,
    AnswerChoice,
    Child,
    ChildResponse,
    MenuDecision,
    Review,
    ReviewStatus,
    Statement,
    Visit,
    VisitStatus,
)
from voice_app.reports.period import LOCAL_TIME, Period, local_midnight_utc

NOW, BEFORE = 0, 1

visit_t, review_t, statement_t = Visit.__table__, Review.__table__, Statement.__table__
answer_t, choice_t, decision_t = Answer.__table__, AnswerChoice.__table__, MenuDecision.__table__
response_t, child_t = ChildResponse.__table__, Child.__table__


@dataclass
class Counts:
    """Everything counted for one period, keyed by the columns it was grouped on (enum values as text)."""

    visits: Counter = field(default_factory=Counter)  # (status, method, review kind)
    reviews: Counter = field(default_factory=Counter)  # (kind, format_used, chaired_by)
    participated: Counter = field(default_factory=Counter)  # review kind -> reviews with a statement before
    # Filled by rollup.gather_heavy:
    statements: Counter = field(default_factory=Counter)  # (end_reason, version, scribed, language, sharing)
    answers: Counter = field(default_factory=Counter)  # (question_id, skipped, scale)
    choices: Counter = field(default_factory=Counter)  # (question_id, choice_id, position)
    decisions: Counter = field(default_factory=Counter)  # (item_id, outcome)
    responses_written: int = 0


@dataclass(frozen=True)
class Named:
    """Free text written by staff about one child, with the child's name and reference for scrubbing."""

    about: str
    text: str
    name: str
    reference: str


@dataclass(frozen=True)
class Window:
    """A period and the one before it, as date and instant bounds for SQL."""

    now: Period
    before: Period

    @property
    def first_day(self) -> date:
        return self.before.start

    @property
    def instants(self) -> tuple[datetime, datetime, datetime]:
        """(start of the previous period, start of this one, end of this one), in UTC."""
        return self.before.utc_bounds()[0], self.now.utc_bounds()[0], self.now.utc_bounds()[1]

    def bucket_for_day(self, column):
        return sa.case((column >= self.now.start, NOW), else_=BEFORE)

    def bucket_for_instant(self, column):
        return sa.case((column >= self.instants[1], NOW), else_=BEFORE)

    def days(self, column):
        return column.between(self.before.start, self.now.end)

    def span(self, column):
        first, _, end = self.instants
        return sa.and_(column >= first, column < end)


def window_for(period: Period) -> Window:
    return Window(now=period, before=period.previous())


def _value(item) -> object:
    return item.value if hasattr(item, "value") else item


def _fold(connection: Connection, query, periods: tuple[Counts, Counts], attribute: str) -> None:
    """Run a query whose first column is the period and last the count; add the rest as keys."""
    for row in connection.execute(query):
        key = tuple(_value(item) for item in row[1:-1])
        getattr(periods[row[0]], attribute)[key if len(key) > 1 else key[0]] += row[-1]


def gather(connection: Connection, window: Window) -> tuple[Counts, Counts]:
    """The service counts for this period and the previous one (answers and the like: see rollup.py)."""
    periods = (Counts(), Counts())
    n = sa.func.count()

    by_review = visit_t.join(review_t, visit_t.c.review_id == review_t.c.id)
    held_visits = (
        sa.select(window.bucket_for_day(visit_t.c.held_on), visit_t.c.status, visit_t.c.method, review_t.c.kind, n)
        .select_from(by_review)
        .where(window.days(visit_t.c.held_on), visit_t.c.status == VisitStatus.DONE)
        .group_by(sa.literal_column("1"), visit_t.c.status, visit_t.c.method, review_t.c.kind)
    )
    _fold(connection, held_visits, periods, "visits")
    # A declined visit has no date of its own: it counts on the day planned (else the review's day).
    declined_day = sa.func.coalesce(visit_t.c.planned_for, review_t.c.scheduled_for)
    declined = (
        sa.select(window.bucket_for_day(declined_day), visit_t.c.status, visit_t.c.method, review_t.c.kind, n)
        .select_from(by_review)
        .where(visit_t.c.status == VisitStatus.DECLINED, window.days(declined_day))
        .group_by(sa.literal_column("1"), visit_t.c.status, visit_t.c.method, review_t.c.kind)
    )
    _fold(connection, declined, periods, "visits")

    held = sa.and_(review_t.c.status == ReviewStatus.HELD, window.days(review_t.c.held_on))
    review_cols = (review_t.c.kind, review_t.c.format_used, review_t.c.chaired_by)
    reviews = sa.select(window.bucket_for_day(review_t.c.held_on), *review_cols, n).where(held).group_by(sa.literal_column("1"), *review_cols)
    _fold(connection, reviews, periods, "reviews")

    _participation(connection, window, periods, held)

    written = (
        sa.select(window.bucket_for_instant(response_t.c.created_at), n)
        .where(window.span(response_t.c.created_at))
        .group_by(sa.literal_column("1"))
    )
    for bucket, count in connection.execute(written):
        periods[bucket].responses_written += count
    return periods


def _participation(connection: Connection, window: Window, periods: tuple[Counts, Counts], held) -> None:
    """Reviews held with a statement begun on or before the review's day, from one of its visits."""
    before_review = sa.exists().where(
        visit_t.c.review_id == review_t.c.id,
        statement_t.c.visit_id == visit_t.c.id,
        started_by_end_of(statement_t.c.started_at, review_t.c.held_on, connection.dialect.name, window),
    )
    query = (
        sa.select(window.bucket_for_day(review_t.c.held_on), review_t.c.kind, sa.func.count())
        .where(held, before_review)
        .group_by(sa.literal_column("1"), review_t.c.kind)
    )
    for bucket, kind, count in connection.execute(query):
        periods[bucket].participated[_value(kind)] += count


def started_by_end_of(instant, day, dialect: str, window: Window):
    """SQL: the instant falls on or before `day` in local time (British Summer Time included)."""
    if dialect == "postgresql":
        # Before the local midnight after `day`: a bound on the instant itself, so an index can seek it.
        return instant < sa.func.timezone(LOCAL_TIME.key, sa.cast(day, sa.DateTime) + timedelta(days=1))
    # SQLite has no time zones: the local midnight after `day` is UTC midnight, an hour earlier in summer.
    summer = summer_days(window.before.start, window.now.end)
    after = sa.case(
        *[(day.between(first, last), sa.func.datetime(day, "+1 day", "-1 hour")) for first, last in summer],
        else_=sa.func.datetime(day, "+1 day"),
    )
    return instant < after


def summer_days(first: date, last: date) -> list[tuple[date, date]]:
    """Runs of days whose following local midnight is in summer time (UTC+1), between two dates."""
    runs: list[tuple[date, date]] = []
    day = first
    while day <= last:
        nxt = day + timedelta(days=1)
        if local_midnight_utc(nxt).hour == 23:
            if runs and runs[-1][1] == day - timedelta(days=1):
                runs[-1] = (runs[-1][0], day)
            else:
                runs.append((day, day))
        day = nxt
    return runs


def declined_reasons(connection: Connection, period: Period) -> list[Named]:
    """The reasons written for visits children declined in the period (one query)."""
    visit_day = sa.func.coalesce(visit_t.c.planned_for, review_t.c.scheduled_for)
    query = (
        sa.select(visit_t.c.declined_reason, child_t.c.preferred_name, child_t.c.case_reference)
        .select_from(visit_t.join(review_t, visit_t.c.review_id == review_t.c.id).join(child_t, review_t.c.child_id == child_t.c.id))
        .where(visit_t.c.status == VisitStatus.DECLINED, visit_day.between(period.start, period.end))
        .order_by(visit_t.c.id)
    )
    return [Named("", reason or "", name, reference) for reason, name, reference in connection.execute(query)]


def responses(connection: Connection, period: Period, *, limit: int | None) -> list[Named]:
    """"You said, we did" answers written in the period, newest first (one query)."""
    start, end = period.utc_bounds()
    query = (
        sa.select(response_t.c.question_id, response_t.c.we_did, child_t.c.preferred_name, child_t.c.case_reference)
        .select_from(response_t.join(statement_t, response_t.c.statement_id == statement_t.c.id).join(child_t, statement_t.c.child_id == child_t.c.id))
        .where(response_t.c.created_at >= start, response_t.c.created_at < end)
        .order_by(response_t.c.created_at.desc(), response_t.c.id.desc())
        .limit(limit)
    )
    return [Named(question, text, name, reference) for question, text, name, reference in connection.execute(query)]
