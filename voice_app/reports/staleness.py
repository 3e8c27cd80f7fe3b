"""Marks the report's kept months stale as changes are made, so a kept month never hides a change.

A `before_flush` listener on every ORM session works out which local months a flush can change the
counts of, from the rows' values before the flush (read from the database) and after it (on the
objects), and raises those months' generation in report_month, clearing their counts (rollup.py).

Only months that have already ended are marked: a month still running is never kept (rollup.SETTLE).
The child's answers are saved with plain SQL (child/store.py), but only while a statement is open,
and an open statement is not counted; reopening one goes through the ORM and marks its month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import chain

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from voice_app.db import insert_with_conflicts
from voice_app.models import (
    Answer,
    AnswerChoice,
    ChildResponse,
    IntroLetter,
    MenuDecision,
    ParentResponse,
    Review,
    Statement,
    Visit,
)
from voice_app.reports.period import LOCAL_TIME
from voice_app.reports.queries import answer_t, letter_t, parent_t, response_t, review_t, statement_t, visit_t
from voice_app.reports.rollup import month_end, month_t

# The columns each kind of row is counted by (a change to any other column changes no figure).
REVIEW_DAYS = ("held_on", "scheduled_for")
REVIEW_COUNTED = (*REVIEW_DAYS, "status", "format_used", "chaired_by", "participation", "due_on", "late_reason")
REVIEW_REGROUPS = ("kind", "stage")  # moves the review's visits and parents' answers between groups
VISIT_COUNTED = ("status", "held_on", "planned_for", "method", "review_id", "purpose", "seen_alone")
STATEMENT_COUNTED = ("end_reason", "ended_at", "version", "scribed", "language", "sharing", "started_at", "visit_id")
ANSWER_COUNTED = ("question_id", "skipped", "scale", "statement_id")
CHOICE_COUNTED = ("choice_id", "position", "answer_id")
DECISION_COUNTED = ("item_id", "outcome", "statement_id")
RESPONSE_COUNTED = ("created_at",)
PARENT_COUNTED = ("review_id", "q1", "q2", "q3", "q4", "q5")
LETTER_COUNTED = ("given_on",)
COUNTED = {
    Review: (*REVIEW_COUNTED, *REVIEW_REGROUPS),
    Visit: VISIT_COUNTED,
    Statement: STATEMENT_COUNTED,
    Answer: ANSWER_COUNTED,
    AnswerChoice: CHOICE_COUNTED,
    MenuDecision: DECISION_COUNTED,
    ChildResponse: RESPONSE_COUNTED,
    ParentResponse: PARENT_COUNTED,
    IntroLetter: LETTER_COUNTED,
}
# Rows whose values before the flush are read back (answers, cards and decisions never change statement).
LOOKED_UP = {
    Review: "reviews", Visit: "visits", Statement: "statements", ChildResponse: "responses", ParentResponse: "parents", IntroLetter: "letters",
}


@dataclass
class Touched:
    """What a flush changes: days and instants directly, and rows whose days must be looked up."""

    everything: bool = False
    days: set[date] = field(default_factory=set)
    instants: set[datetime] = field(default_factory=set)
    reviews: set[int] = field(default_factory=set)  # their held and scheduled days
    visits: set[int] = field(default_factory=set)  # their days before the flush, and their reviews
    statements: set[int] = field(default_factory=set)  # their end before the flush, and their visits' reviews
    ended_of: set[int] = field(default_factory=set)  # statements whose end alone matters (an answer changed)
    answers: set[int] = field(default_factory=set)  # their statement's end (a card changed)
    responses: set[int] = field(default_factory=set)  # their time written before the flush
    parents: set[int] = field(default_factory=set)  # their review before the flush
    letters: set[int] = field(default_factory=set)  # their day given before the flush

    def add(self, *values) -> None:
        for value in values:
            if isinstance(value, datetime):
                self.instants.add(value)
            elif isinstance(value, date):
                self.days.add(value)


def _changed(obj, names: tuple[str, ...]) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _note(touched: Touched, obj, *, new: bool, deleted: bool) -> None:
    """Note what one new, changed or deleted object touches (its values now; its old ones are looked up)."""
    counted = COUNTED.get(type(obj))
    if counted is None or not (new or deleted or _changed(obj, counted)):
        return
    if isinstance(obj, Review):
        if not new and (deleted or _changed(obj, REVIEW_REGROUPS)):
            touched.everything = True
            return
        touched.add(obj.held_on, obj.scheduled_for)
    elif isinstance(obj, Visit):
        touched.add(obj.held_on, obj.planned_for)
        touched.reviews.add(obj.review_id)
    elif isinstance(obj, Statement):
        touched.add(obj.ended_at)
        touched.visits.add(obj.visit_id)  # the review it may count towards (participation)
    elif isinstance(obj, Answer | MenuDecision):
        touched.ended_of.add(obj.statement_id)
    elif isinstance(obj, AnswerChoice):
        touched.answers.add(obj.answer_id)
    elif isinstance(obj, ChildResponse):
        touched.add(obj.created_at)
    elif isinstance(obj, ParentResponse):
        touched.reviews.add(obj.review_id)
    elif isinstance(obj, IntroLetter):
        touched.add(obj.given_on)
    if not new and type(obj) in LOOKED_UP:
        getattr(touched, LOOKED_UP[type(obj)]).add(obj.id)  # its values before the flush count too


def _look_up(session: Session, touched: Touched) -> None:
    """Read the days the touched rows had before this flush, following statements to visits to reviews."""
    run = lambda query: session.execute(query).all()  # noqa: E731
    ids = lambda found: {i for i in found if i is not None}  # noqa: E731
    ended = statement_t.c.end_reason.is_not(None)
    if touched.answers:
        touched.ended_of |= ids(row[0] for row in run(sa.select(answer_t.c.statement_id).where(answer_t.c.id.in_(touched.answers))))
    if touched.ended_of:
        touched.add(*(row[0] for row in run(sa.select(statement_t.c.ended_at).where(statement_t.c.id.in_(touched.ended_of), ended))))
    if touched.statements:
        for ended_at, visit_id in run(sa.select(statement_t.c.ended_at, statement_t.c.visit_id).where(statement_t.c.id.in_(touched.statements))):
            touched.add(ended_at)
            touched.visits.add(visit_id)
    if visits := ids(touched.visits):
        for held_on, planned_for, review_id in run(sa.select(visit_t.c.held_on, visit_t.c.planned_for, visit_t.c.review_id).where(visit_t.c.id.in_(visits))):
            touched.add(held_on, planned_for)
            touched.reviews.add(review_id)
    if touched.responses:
        touched.add(*(row[0] for row in run(sa.select(response_t.c.created_at).where(response_t.c.id.in_(touched.responses)))))
    if touched.letters:
        touched.add(*(row[0] for row in run(sa.select(letter_t.c.given_on).where(letter_t.c.id.in_(touched.letters)))))
    if touched.parents:
        touched.reviews |= {row[0] for row in run(sa.select(parent_t.c.review_id).where(parent_t.c.id.in_(touched.parents)))}
    if reviews := ids(touched.reviews):
        for held_on, scheduled_for in run(sa.select(review_t.c.held_on, review_t.c.scheduled_for).where(review_t.c.id.in_(reviews))):
            touched.add(held_on, scheduled_for)


def months_of(touched: Touched, *, now: datetime) -> list[date]:
    """The local months of the touched days and instants that have ended by now, oldest first."""
    months = {day.replace(day=1) for day in touched.days}
    months |= {instant.astimezone(LOCAL_TIME).date().replace(day=1) for instant in touched.instants if instant.tzinfo}
    months |= {instant.replace(tzinfo=UTC).astimezone(LOCAL_TIME).date().replace(day=1) for instant in touched.instants if not instant.tzinfo}
    return sorted(month for month in months if month_end(month) <= now)


def mark_stale(session: Session, _context, _instances) -> None:
    """Before a flush: raise the generation of every ended month whose counts it may change."""
    touched = Touched()
    for obj in session.new:
        _note(touched, obj, new=True, deleted=False)
    for obj in chain(session.dirty, session.deleted):
        deleted = obj in session.deleted
        if deleted or session.is_modified(obj):
            _note(touched, obj, new=False, deleted=deleted)
    with session.no_autoflush:
        if touched.everything:
            session.execute(month_t.update().values(generation=month_t.c.generation + 1, counts=None))
            return
        _look_up(session, touched)
        months = months_of(touched, now=datetime.now(UTC))
        if months:
            bump(session, months)


def bump(session: Session, months: list[date]) -> None:
    """Raise these months' generation and clear their counts, making their rows if need be (in month order)."""
    statement = insert_with_conflicts(month_t, session.get_bind().dialect.name)
    statement = statement.on_conflict_do_update(index_elements=["month"], set_={"generation": month_t.c.generation + 1, "counts": None})
    session.execute(statement, [{"month": month, "generation": 1, "counts": None} for month in months])


def install() -> None:
    """Listen on every ORM session (once)."""
    if not event.contains(Session, "before_flush", mark_stale):
        event.listen(Session, "before_flush", mark_stale)
