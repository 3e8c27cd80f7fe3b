"""The report's SQL: a fixed handful of GROUP BY queries, each labelling its rows with the month segment they fall in.

A period and the one before it are cut into month segments (rollup.py). Every count query here
covers any set of those segments at once and says which segment each row belongs to, so the number
of queries never grows with the data (no query per child, review or statement) and a month counted
once can be kept (rollup.py) and never read again until something in it changes (staleness.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from voice_app.models import (
    Answer,
    AnswerChoice,
    Child,
    ChildResponse,
    IntroLetter,
    MenuDecision,
    ParentResponse,
    Review,
    ReviewKind,
    ReviewStatus,
    Statement,
    Visit,
    VisitPurpose,
    VisitStatus,
)
from voice_app.reports.period import LOCAL_TIME, Period, local_midnight_utc

NOW, BEFORE = 0, 1

visit_t, review_t, statement_t = Visit.__table__, Review.__table__, Statement.__table__
answer_t, choice_t, decision_t = Answer.__table__, AnswerChoice.__table__, MenuDecision.__table__
response_t, child_t, parent_t = ChildResponse.__table__, Child.__table__, ParentResponse.__table__
letter_t = IntroLetter.__table__
PARENT_ANSWERS = ("q1", "q2", "q3", "q4", "q5")  # ParentResponse's answer columns, in order

# The day a child protection conference counts on for parents' feedback (as the feedback results do);
# models/reviews.py indexes this very expression. (A declined visit has no date of its own: it counts
# on the day planned, else its review's.)
CONFERENCE_DAY = sa.func.coalesce(review_t.c.held_on, review_t.c.scheduled_for)


@dataclass
class Counts:
    """Everything counted for one period (or one month), keyed by the columns it was grouped on (enum values as text)."""

    visits: Counter = field(default_factory=Counter)  # (status, method, review kind)
    reviews: Counter = field(default_factory=Counter)  # (kind, format_used, chaired_by)
    participated: Counter = field(default_factory=Counter)  # review kind -> reviews with a statement before
    written: Counter = field(default_factory=Counter)  # () -> "you said, we did" answers written
    statements: Counter = field(default_factory=Counter)  # (end_reason, version, scribed, language, sharing)
    answers: Counter = field(default_factory=Counter)  # (question_id, skipped, scale)
    choices: Counter = field(default_factory=Counter)  # (question_id, choice_id, position)
    decisions: Counter = field(default_factory=Counter)  # (item_id, outcome)
    parents: Counter = field(default_factory=Counter)  # (conference stage, q1, q2, q3, q4, q5)
    conferences: Counter = field(default_factory=Counter)  # stage -> conferences held (not cancelled, date come)
    answered_conferences: Counter = field(default_factory=Counter)  # stage -> of those, with a parent's response
    timeliness: Counter = field(default_factory=Counter)  # (kind, stage, participation, timing, late_reason) of reviews held
    visit_checks: Counter = field(default_factory=Counter)  # (purpose, seen_alone) of visits held
    letters: Counter = field(default_factory=Counter)  # () -> introduction letters given ("told who their IRO is")

    @property
    def responses_written(self) -> int:
        return self.written[()]

    def add(self, other: Counts) -> None:
        for name in KINDS:
            getattr(self, name).update(getattr(other, name))


KINDS = tuple(f.name for f in fields(Counts))


@dataclass(frozen=True)
class Named:
    """Free text written by staff about one child, with the child's name and reference for scrubbing."""

    about: str
    text: str
    name: str
    reference: str


@dataclass(frozen=True)
class Window:
    """A period and the one before it."""

    now: Period
    before: Period


def window_for(period: Period) -> Window:
    return Window(now=period, before=period.previous())


@dataclass(frozen=True)
class Segment:
    """Part of one period inside one local calendar month: its days, and the same as UTC instants."""

    bucket: int  # NOW or BEFORE
    first: date
    last: date
    start: datetime  # UTC, included
    end: datetime  # UTC, excluded
    month: date | None  # first day of a whole month that has ended: worth keeping


def _value(item) -> object:
    return item.value if hasattr(item, "value") else item


def _which(column, bounds: list, low: int = 0, high: int | None = None):
    """The index of the segment a value falls in, as a nested CASE: a handful of comparisons per row, not one per month."""
    high = len(bounds) if high is None else high
    if high - low == 1:
        return sa.literal(low)
    middle = (low + high) // 2
    return sa.case((column < bounds[middle], _which(column, bounds, low, middle)), else_=_which(column, bounds, middle, high))


def any_of(conditions: list) -> sa.ColumnElement[bool]:
    """OR of the conditions; false when there are none (an empty `or_()` would match every row)."""
    return sa.or_(*conditions) if conditions else sa.false()


class Segments:
    """SQL for "which of these segments", by day or by instant, over the chosen segments only."""

    def __init__(self, cut: list[Segment], indexes: list[int]) -> None:
        self.cut = cut
        self.runs: list[tuple[int, int]] = []  # (first index, last index) of neighbouring chosen segments
        for index in sorted(indexes):
            if self.runs and self.runs[-1][1] == index - 1:
                self.runs[-1] = (self.runs[-1][0], index)
            else:
                self.runs.append((index, index))

    def by_day(self, column):
        """(which segment, condition) for a date column."""
        which = _which(column, [segment.first for segment in self.cut])
        inside = any_of([column.between(self.cut[a].first, self.cut[b].last) for a, b in self.runs])
        return which, inside

    def by_instant(self, column):
        """(which segment, condition) for a timestamp column."""
        which = _which(column, [segment.start for segment in self.cut])
        inside = any_of([sa.and_(column >= self.cut[a].start, column < self.cut[b].end) for a, b in self.runs])
        return which, inside


# Whether a review held was in time: by its due date (worked out per episode when booked and recorded).
TIMING = sa.case(
    (review_t.c.due_on.is_(None), sa.literal("unknown")),
    (review_t.c.held_on <= review_t.c.due_on, sa.literal("in_time")),
    else_=sa.literal("late"),
)


def count_segments(connection: Connection, cut: list[Segment], indexes: list[int], *, today: date) -> dict[int, Counts]:
    """Count everything the report needs for these segments, in fifteen GROUP BY queries."""
    counted = {index: Counts() for index in indexes}
    chosen = Segments(cut, indexes)

    def fold(query, attribute: str) -> None:
        """Rows are (segment, *key, count): add each count to its segment under its key."""
        for row in connection.execute(query):
            key = tuple(_value(item) for item in row[1:-1])
            getattr(counted[row[0]], attribute)[key[0] if len(key) == 1 else key] += row[-1]

    for query, attribute in _queries(chosen, connection.dialect.name, today):
        fold(query, attribute)
    return counted


def _grouped(which, *columns) -> sa.Select:
    """select(which, *columns, count) ... GROUP BY them all, finished by the caller's FROM and WHERE."""
    return sa.select(which, *columns, sa.func.count()).group_by(sa.literal_column("1"), *columns)


def _queries(chosen: Segments, dialect: str, today: date) -> list[tuple[object, str]]:
    by_review = visit_t.join(review_t, visit_t.c.review_id == review_t.c.id)
    visit_cols = (visit_t.c.status, visit_t.c.method, review_t.c.kind)

    pre_review = visit_t.c.purpose == VisitPurpose.PRE_REVIEW

    which, inside = chosen.by_day(visit_t.c.held_on)
    held_visits = _grouped(which, *visit_cols).select_from(by_review).where(inside, visit_t.c.status == VisitStatus.DONE, pre_review)
    # Every visit an IRO held, pre-review and mid-way, by whether the child was seen alone (a practitioner's
    # views and the child's own phone are not one).
    iro_visit = visit_t.c.purpose.in_([purpose for purpose in VisitPurpose if purpose.by_iro])
    visit_checks = _grouped(which, visit_t.c.purpose, visit_t.c.seen_alone).where(inside, visit_t.c.status == VisitStatus.DONE, iro_visit)
    # A declined visit counts on the day planned, else its review's: two queries, so each can seek an index.
    which, inside = chosen.by_day(visit_t.c.planned_for)
    declined = _grouped(which, *visit_cols).select_from(by_review).where(visit_t.c.status == VisitStatus.DECLINED, pre_review, inside)
    which, inside = chosen.by_day(review_t.c.scheduled_for)
    unplanned = _grouped(which, *visit_cols).select_from(by_review).where(
        visit_t.c.status == VisitStatus.DECLINED, pre_review, visit_t.c.planned_for.is_(None), inside
    )

    which, held_inside = chosen.by_day(review_t.c.held_on)
    held = sa.and_(review_t.c.status == ReviewStatus.HELD, held_inside)
    reviews = _grouped(which, review_t.c.kind, review_t.c.format_used, review_t.c.chaired_by).where(held)
    # Reviews held with a statement begun on or before the review's day, from one of its visits.
    before_review = sa.exists().where(
        visit_t.c.review_id == review_t.c.id,
        statement_t.c.visit_id == visit_t.c.id,
        started_by_end_of(statement_t.c.started_at, review_t.c.held_on, dialect, chosen),
    )
    participated = _grouped(which, review_t.c.kind).where(held, before_review)
    timeliness = _grouped(which, review_t.c.kind, review_t.c.stage, review_t.c.participation, TIMING, review_t.c.late_reason).where(held)

    which, inside = chosen.by_instant(response_t.c.created_at)
    written = _grouped(which).where(inside)

    which, inside = chosen.by_day(letter_t.c.given_on)
    letters = _grouped(which).where(inside)

    which, completed = chosen.by_instant(statement_t.c.ended_at)
    done = sa.and_(statement_t.c.end_reason.is_not(None), completed)
    by_statement = answer_t.join(statement_t, answer_t.c.statement_id == statement_t.c.id)
    statements = _grouped(which, statement_t.c.end_reason, statement_t.c.version, statement_t.c.scribed, statement_t.c.language, statement_t.c.sharing).where(done)
    answers = _grouped(which, answer_t.c.question_id, answer_t.c.skipped, answer_t.c.scale).select_from(by_statement).where(done)
    choices = (
        _grouped(which, answer_t.c.question_id, choice_t.c.choice_id, choice_t.c.position)
        .select_from(choice_t.join(by_statement, choice_t.c.answer_id == answer_t.c.id))
        .where(done, answer_t.c.skipped == sa.false())
    )
    decisions = (
        _grouped(which, decision_t.c.item_id, decision_t.c.outcome)
        .select_from(decision_t.join(statement_t, decision_t.c.statement_id == statement_t.c.id))
        .where(done)
    )

    which, inside = chosen.by_day(CONFERENCE_DAY)
    conference = sa.and_(review_t.c.kind == ReviewKind.CP_CONFERENCE, inside)
    parents = (
        _grouped(which, review_t.c.stage, *(parent_t.c[name] for name in PARENT_ANSWERS))
        .select_from(parent_t.join(review_t, parent_t.c.review_id == review_t.c.id))
        .where(conference)
    )
    came = sa.and_(conference, review_t.c.status != ReviewStatus.CANCELLED, CONFERENCE_DAY <= today)
    conferences = _grouped(which, review_t.c.stage).where(came)
    answered = _grouped(which, review_t.c.stage).where(came, sa.exists().where(parent_t.c.review_id == review_t.c.id))
    return [
        (held_visits, "visits"),
        (declined, "visits"),
        (unplanned, "visits"),
        (reviews, "reviews"),
        (participated, "participated"),
        (written, "written"),
        (statements, "statements"),
        (answers, "answers"),
        (choices, "choices"),
        (decisions, "decisions"),
        (parents, "parents"),
        (conferences, "conferences"),
        (answered, "answered_conferences"),
        (timeliness, "timeliness"),
        (visit_checks, "visit_checks"),
        (letters, "letters"),
    ]


def started_by_end_of(instant, day, dialect: str, chosen: Segments):
    """SQL: the instant falls on or before `day` in local time (British Summer Time included)."""
    if dialect == "postgresql":
        # Before the local midnight after `day`: a bound on the instant itself, so an index can seek it.
        return instant < sa.func.timezone(LOCAL_TIME.key, sa.cast(day, sa.DateTime) + timedelta(days=1))
    # SQLite has no time zones: the local midnight after `day` is UTC midnight, an hour earlier in summer.
    summer = summer_days(chosen.cut[0].first, chosen.cut[-1].last)
    winter_bound = sa.func.datetime(day, "+1 day")
    if not summer:  # a period wholly in winter time: a CASE with no WHEN is not SQL
        return instant < winter_bound
    after = sa.case(
        *[(day.between(first, last), sa.func.datetime(day, "+1 day", "-1 hour")) for first, last in summer],
        else_=winter_bound,
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
    query = (
        sa.select(visit_t.c.declined_reason, child_t.c.preferred_name, child_t.c.case_reference)
        .select_from(visit_t.join(review_t, visit_t.c.review_id == review_t.c.id).join(child_t, review_t.c.child_id == child_t.c.id))
        .where(
            visit_t.c.status == VisitStatus.DECLINED,
            sa.or_(
                visit_t.c.planned_for.between(period.start, period.end),
                sa.and_(visit_t.c.planned_for.is_(None), review_t.c.scheduled_for.between(period.start, period.end)),
            ),
        )
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
