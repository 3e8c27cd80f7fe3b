"""The report's SQL: one GROUP BY query per kind of count, each labelling its rows with the period they fall in.

The report counts live, every time, from the rows as they are now: nothing is kept between reports.
Every count query covers a period and the one before it at once and says which of the two each row
belongs to (`Span`: a UNION ALL of the two periods), so the number of queries never grows with the data (no query per child,
review or statement), and each query is answered from a covering index (docs/reports.md).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

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
    RespondentKind,
    Review,
    ReviewKind,
    ReviewStatus,
    Statement,
    Visit,
    VisitPurpose,
    VisitStatus,
)
from voice_app.questions.bank import MAT_PART, QuestionBank, default_bank, mat_id_of
from voice_app.questions.menu_mat import fills, menu_from_mat, menu_item_ids, menu_mats
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
    young_persons: Counter = field(default_factory=Counter)  # had the young person's statement before -> young person's conferences held
    young_persons_plan: Counter = field(default_factory=Counter)  # outcome -> the chair's answers on young persons' plans

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


def _value(item) -> object:
    return item.value if hasattr(item, "value") else item


class Span:
    """SQL for "inside this period", by day or by instant; every row it finds is labelled with the period (NOW or BEFORE)."""

    def __init__(self, which: int, period: Period) -> None:
        self.which = which
        self.first, self.last = period.start, period.end
        self.start, self.end = period.utc_bounds()

    def by_day(self, column):
        """(the period's label, condition) for a date column."""
        return sa.literal(self.which), column.between(self.first, self.last)

    def by_instant(self, column):
        """(the period's label, condition) for a timestamp column."""
        return sa.literal(self.which), sa.and_(column >= self.start, column < self.end)


# Whether a review held was in time: by its due date (worked out per episode when booked and recorded).
TIMING = sa.case(
    (review_t.c.due_on.is_(None), sa.literal("unknown")),
    (review_t.c.held_on <= review_t.c.due_on, sa.literal("in_time")),
    else_=sa.literal("late"),
)


def count_window(connection: Connection, window: Window, *, today: date, bank: QuestionBank | None = None) -> tuple[Counts, Counts]:
    """Count everything the report needs for a period and the one before it: one GROUP BY query per kind of count,
    and one more for the Child's Menu sorted on a mat (`_count_menu_mats`)."""
    counted = (Counts(), Counts())  # NOW, BEFORE

    dialect = connection.dialect.name
    now, before = _queries(Span(NOW, window.now), dialect, today), _queries(Span(BEFORE, window.before), dialect, today)
    for (for_now, attribute), (for_before, _same) in zip(now, before, strict=True):
        # One statement for both periods: each half seeks its own dates in an index and groups without a CASE.
        # Rows are (period, *key, count): add each count to its period under its key.
        for row in connection.execute(sa.union_all(for_now, for_before)):
            key = tuple(_value(item) for item in row[1:-1])
            getattr(counted[row[0]], attribute)[key[0] if len(key) == 1 else key] += row[-1]
    _count_menu_mats(connection, window, counted, bank or default_bank())
    return counted


def _count_menu_mats(connection: Connection, window: Window, counted: tuple[Counts, Counts], bank: QuestionBank) -> None:
    """A child who sorted the Child's Menu on a mat is counted in the menu's figures as if they had answered: each
    menu item their placements choose (questions/menu_mat.py), where they did not answer it as a question (a skipped
    question counts as answered instead). An item left to agree with the child (two formats wanted) is not counted.
    One query for both periods: the placements, and the menu answers, of the statements that sorted a menu mat."""
    mats = menu_mats(bank)
    if not mats:
        return
    items = sorted(menu_item_ids(bank))
    on_a_mat = sa.or_(*(answer_t.c.question_id.like(f"{MAT_PART}.{mat.id}.%") for mat in mats))
    selects = []
    for chosen in (Span(NOW, window.now), Span(BEFORE, window.before)):
        which, completed = chosen.by_instant(statement_t.c.ended_at)
        sorted_menu = sa.exists().where(answer_t.c.statement_id == statement_t.c.id, on_a_mat)
        placements = answer_t.alias("placement")
        selects.append(
            sa.select(which, statement_t.c.id, placements.c.question_id, placements.c.skipped, choice_t.c.choice_id)
            .select_from(
                statement_t.join(placements, placements.c.statement_id == statement_t.c.id).outerjoin(
                    choice_t, choice_t.c.answer_id == placements.c.id
                )
            )
            .where(
                statement_t.c.end_reason.is_not(None),
                completed,
                sorted_menu,
                sa.or_(placements.c.question_id.in_(items), *(placements.c.question_id.like(f"{MAT_PART}.{mat.id}.%") for mat in mats)),
            )
        )
    found: dict[tuple[int, int], dict] = {}
    mat_ids = {mat.id for mat in mats}
    for which, statement_id, question_id, skipped, choice_id in connection.execute(sa.union_all(*selects)):
        seen = found.setdefault((which, statement_id), {"placed": {}, "answered": set(), "skipped": set()})
        if mat_id_of(question_id) in mat_ids:
            seen["placed"][question_id] = None if skipped else choice_id
        else:
            seen["skipped" if skipped else "answered"].add(question_id)
    for (which, _statement), seen in found.items():
        counts = counted[which]
        for item_id, item in fills(menu_from_mat(bank, seen["placed"]), seen["answered"]).items():
            if item.to_agree:
                continue
            if item_id in seen["skipped"]:
                counts.answers[(item_id, True, None)] -= 1
                if counts.answers[(item_id, True, None)] <= 0:
                    del counts.answers[(item_id, True, None)]
            counts.answers[(item_id, False, None)] += 1
            for choice_id, position in item.choices:
                counts.choices[(item_id, choice_id, position)] += 1


def _grouped(which, *columns) -> sa.Select:
    """select(which, *columns, count) ... GROUP BY the columns, finished by the caller's FROM and WHERE.

    The period's label is the same on every row of one half, so it is not grouped on (SQLite would then sort the rows
    to group them even when an index hands them over in order); a count of no columns groups on it, so that nothing
    found is no row, as for the others.
    """
    return sa.select(which, *columns, sa.func.count()).group_by(*(columns or [sa.literal_column("1")]))


def _queries(chosen: Span, dialect: str, today: date) -> list[tuple[object, str]]:
    by_review = visit_t.join(review_t, visit_t.c.review_id == review_t.c.id)
    visit_cols = (visit_t.c.status, visit_t.c.method, review_t.c.kind)

    pre_review = visit_t.c.purpose == VisitPurpose.PRE_REVIEW

    which, inside = chosen.by_day(visit_t.c.held_on)
    held_visits = (
        _grouped(which, *visit_cols).select_from(by_review).where(inside, visit_t.c.status == VisitStatus.DONE, pre_review)
    )
    # Every visit an IRO held, pre-review and mid-way, by whether the child was seen alone (a practitioner's
    # views and the child's own phone are not one).
    iro_visit = visit_t.c.purpose.in_([purpose for purpose in VisitPurpose if purpose.by_iro])
    visit_checks = _grouped(which, visit_t.c.purpose, visit_t.c.seen_alone).where(
        inside, visit_t.c.status == VisitStatus.DONE, iro_visit
    )
    # A declined visit counts on the day planned, else its review's: two queries, so each can seek an index.
    which, inside = chosen.by_day(visit_t.c.planned_for)
    declined = (
        _grouped(which, *visit_cols).select_from(by_review).where(visit_t.c.status == VisitStatus.DECLINED, pre_review, inside)
    )
    which, inside = chosen.by_day(review_t.c.scheduled_for)
    unplanned = (
        _grouped(which, *visit_cols)
        .select_from(by_review)
        .where(visit_t.c.status == VisitStatus.DECLINED, pre_review, visit_t.c.planned_for.is_(None), inside)
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
    timeliness = _grouped(
        which, review_t.c.kind, review_t.c.stage, review_t.c.participation, TIMING, review_t.c.late_reason
    ).where(held)

    which, inside = chosen.by_instant(response_t.c.created_at)
    written = _grouped(which).where(inside)

    which, inside = chosen.by_day(letter_t.c.given_on)
    letters = _grouped(which).where(inside)

    which, completed = chosen.by_instant(statement_t.c.ended_at)
    done = sa.and_(statement_t.c.end_reason.is_not(None), completed)
    statements = _grouped(
        which,
        statement_t.c.end_reason,
        statement_t.c.version,
        statement_t.c.scribed,
        statement_t.c.language,
        statement_t.c.sharing,
    ).where(done)
    # Answers and cards carry their statement's completion (and cards their answer's question and skipping), kept by
    # the database's own triggers (models/report_keys.py): each count is one range of one index, with no join, no sort.
    which, completed = chosen.by_instant(answer_t.c.completed_at)
    answers = _grouped(which, answer_t.c.question_id, answer_t.c.skipped, answer_t.c.scale).where(completed)
    which, completed = chosen.by_instant(choice_t.c.completed_at)
    choices = _grouped(which, choice_t.c.question_id, choice_t.c.choice_id, choice_t.c.position).where(
        choice_t.c.skipped == sa.false(), completed
    )
    # Menu decisions carry their statement's completion too: one index range, no join.
    which, completed = chosen.by_instant(decision_t.c.completed_at)
    decisions = _grouped(which, decision_t.c.item_id, decision_t.c.outcome).where(completed)

    # Young people's conferences held, by whether the young person's statement came before; and the
    # chair's answers to their plans (statements completed in the period, as the menu's decisions).
    young_persons_held = sa.and_(held, review_t.c.kind == ReviewKind.CP_CONFERENCE, review_t.c.young_persons == sa.true())
    had_statement = sa.select(before_review.label("had")).where(young_persons_held).subquery()
    young_persons = _grouped(which, had_statement.c.had).select_from(had_statement)
    young_persons_plan = (
        _grouped(which, decision_t.c.outcome)
        .select_from(
            decision_t.join(statement_t, decision_t.c.statement_id == statement_t.c.id)
            .join(visit_t, statement_t.c.visit_id == visit_t.c.id)
            .join(review_t, visit_t.c.review_id == review_t.c.id)
        )
        .where(done, review_t.c.young_persons == sa.true())
    )

    which, inside = chosen.by_day(CONFERENCE_DAY)
    conference = sa.and_(review_t.c.kind == ReviewKind.CP_CONFERENCE, inside)
    parents = (
        _grouped(which, review_t.c.stage, *(parent_t.c[name] for name in PARENT_ANSWERS))
        .select_from(parent_t.join(review_t, parent_t.c.review_id == review_t.c.id))
        .where(conference, parent_t.c.respondent_kind == RespondentKind.PARENT)
    )
    came = sa.and_(conference, review_t.c.status != ReviewStatus.CANCELLED, CONFERENCE_DAY <= today)
    conferences = _grouped(which, review_t.c.stage).where(came)
    answered = _grouped(which, review_t.c.stage).where(came, sa.exists().where(parent_t.c.review_id == review_t.c.id, parent_t.c.respondent_kind == RespondentKind.PARENT))
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
        (young_persons, "young_persons"),
        (young_persons_plan, "young_persons_plan"),
    ]


def started_by_end_of(instant, day, dialect: str, chosen: Span):
    """SQL: the instant falls on or before `day` in local time (British Summer Time included)."""
    if dialect == "postgresql":
        # Before the local midnight after `day`: a bound on the instant itself, so an index can seek it.
        return instant < sa.func.timezone(LOCAL_TIME.key, sa.cast(day, sa.DateTime) + timedelta(days=1))
    # SQLite has no time zones: the local midnight after `day` is UTC midnight, an hour earlier in summer.
    after = sa.func.datetime(day, "+1 day")
    summer = summer_days(chosen.first, chosen.last)
    if summer:  # a CASE needs at least one WHEN: a winter-only window has none
        after = sa.case(
            *[(day.between(first, last), sa.func.datetime(day, "+1 day", "-1 hour")) for first, last in summer], else_=after
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
        .select_from(
            visit_t.join(review_t, visit_t.c.review_id == review_t.c.id).join(child_t, review_t.c.child_id == child_t.c.id)
        )
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
    """ "You said, we did" answers written in the period, newest first (one query)."""
    start, end = period.utc_bounds()
    query = (
        sa.select(response_t.c.question_id, response_t.c.we_did, child_t.c.preferred_name, child_t.c.case_reference)
        .select_from(
            response_t.join(statement_t, response_t.c.statement_id == statement_t.c.id).join(
                child_t, statement_t.c.child_id == child_t.c.id
            )
        )
        .where(response_t.c.created_at >= start, response_t.c.created_at < end)
        .order_by(response_t.c.created_at.desc(), response_t.c.id.desc())
        .limit(limit)
    )
    return [Named(question, text, name, reference) for question, text, name, reference in connection.execute(query)]
