"""Feedback counted for a period: answers by question, conference type, quarter and chair; response rate;
and, for everyone's feedback, by kind of meeting, kind of respondent, how the meeting was held and agency.

Three SQL queries fetch what is needed (responses with their meeting, conferences held, chairs'
names); the counting is plain Python on those rows, so the annual report can reuse every function.
Responses belong to the period of their meeting's date (held_on, else scheduled_for). The response
rate is of child protection conferences; responses after cared-for reviews count in every other split.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from voice_app.financial_year import financial_year_of, quarter_of
from voice_app.models import (
    Agency,
    MeetingFormat,
    ParentResponse,
    RespondentKind,
    Review,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    StaffUser,
)
from voice_app.parents.local_questions import LocalCounts, local_results
from voice_app.parents.periods import Period, quarters_of
from voice_app.parents.questions import QUESTIONS, Question, is_asked

MIN_CHAIR_RESPONSES = 5
# A split's group with fewer responses than this is counted but its answers are not shown, so
# nobody who answered (a lone carer, the one police officer at a meeting) can be picked out.
MIN_GROUP_RESPONSES = 5
NOT_RECORDED = "not_recorded"
OTHER_CHAIRS = "Other chairs (fewer than 5 responses each)"
CONFERENCE_STAGES = (ReviewStage.INITIAL_CONFERENCE, ReviewStage.REVIEW_CONFERENCE, ReviewStage.TRANSFER_IN)
_CONFERENCE_DAY = func.coalesce(Review.held_on, Review.scheduled_for)


def percent(count: int, total: int) -> int | None:
    """count as a whole-number percentage of total, rounded half up (12.5 -> 13); None when total is 0."""
    if total == 0:
        return None
    return int((Decimal(100 * count) / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def per_conference(responses: int, conferences: int) -> Decimal | None:
    """Responses per conference to two decimal places, rounded half up; None when no conference was held."""
    if conferences == 0:
        return None
    return (Decimal(responses) / Decimal(conferences)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ResponseRow:
    """One response reduced to what results need: no comment, no name."""

    review_id: int
    stage: ReviewStage
    chair_id: int | None
    day: date
    answers: dict[str, str | None]
    kind: ReviewKind = ReviewKind.CP_CONFERENCE
    respondent: RespondentKind = RespondentKind.PARENT
    format_used: MeetingFormat | None = None
    agency: Agency | None = None


@dataclass(frozen=True)
class ConferenceRow:
    review_id: int
    stage: ReviewStage
    chair_id: int | None
    day: date


@dataclass(frozen=True)
class Comment:
    day: date
    stage: ReviewStage
    text: str

    @property
    def quarter_label(self) -> str:
        """The financial quarter only: a month and a type could point to one family."""
        year = financial_year_of(self.day)
        return f"Q{quarter_of(self.day)} {year}/{(year + 1) % 100:02d}"


def _in_period(period: Period, *, conferences_only: bool = True):
    kinds = (Review.kind == ReviewKind.CP_CONFERENCE,) if conferences_only else ()
    return (*kinds, _CONFERENCE_DAY >= period.start, _CONFERENCE_DAY <= period.end)


def response_rows(db: Session, *, period: Period) -> list[ResponseRow]:
    """Every response about a meeting in the period (conference or cared-for review), with the meeting's stage, chair, date and format (one query)."""
    query = (
        select(
            ParentResponse.review_id,
            Review.stage,
            Review.chair_id,
            _CONFERENCE_DAY,
            Review.kind,
            ParentResponse.respondent_kind,
            Review.format_used,
            ParentResponse.agency,
            *(getattr(ParentResponse, q.id) for q in QUESTIONS),
        )
        .join(Review, Review.id == ParentResponse.review_id)
        .where(*_in_period(period, conferences_only=False))
        .order_by(col(ParentResponse.id))
    )
    rows = []
    for review_id, stage, chair_id, day, kind, respondent, format_used, agency, *answers in db.exec(query).all():
        rows.append(
            ResponseRow(
                review_id,
                ReviewStage(stage),
                chair_id,
                _as_date(day),
                dict(zip((q.id for q in QUESTIONS), answers, strict=True)),
                ReviewKind(kind),
                RespondentKind(respondent),
                MeetingFormat(format_used) if format_used else None,
                Agency(agency) if agency else None,
            )
        )
    return rows


def conferences_held(db: Session, *, period: Period, today: date) -> list[ConferenceRow]:
    """Conferences in the period that were not cancelled and whose date has come (one query)."""
    query = select(Review.id, Review.stage, Review.chair_id, _CONFERENCE_DAY).where(
        *_in_period(period), Review.status != ReviewStatus.CANCELLED, _CONFERENCE_DAY <= today
    )
    return [
        ConferenceRow(review_id, ReviewStage(stage), chair_id, _as_date(day))
        for review_id, stage, chair_id, day in db.exec(query).all()
    ]


def comments_in_period(db: Session, *, period: Period) -> list[Comment]:
    """The free-text comments about conferences in the period, oldest first, without names (one query)."""
    query = (
        select(_CONFERENCE_DAY, Review.stage, ParentResponse.comment)
        .join(Review, Review.id == ParentResponse.review_id)
        .where(
            *_in_period(period, conferences_only=False), col(ParentResponse.comment).is_not(None), ParentResponse.comment != ""
        )
        .order_by(_CONFERENCE_DAY, col(ParentResponse.id))
    )
    return [Comment(_as_date(day), ReviewStage(stage), text) for day, stage, text in db.exec(query).all()]


def chair_names(db: Session, chair_ids: set[int]) -> dict[int, str]:
    """Display names of chairs (one query)."""
    if not chair_ids:
        return {}
    return dict(db.exec(select(StaffUser.id, StaffUser.display_name).where(col(StaffUser.id).in_(chair_ids))).all())


def _as_date(value) -> date:
    # SQLite hands coalesce() back as text.
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class QuestionCounts:
    """One question's answers in one group: counts per answer id, and how many answered or left it blank."""

    question: Question
    counts: dict[str, int]
    blank: int

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    def percent(self, answer: str) -> int | None:
        return percent(self.counts.get(answer, 0), self.answered)


@dataclass(frozen=True)
class Group:
    """A set of responses counted together (all, one conference type, one quarter, one chair)."""

    key: str
    label: str
    responses: int
    questions: list[QuestionCounts]
    suppressed: bool = False  # too few responses to show their answers


def count_answers(rows: list[ResponseRow], *, key: str, label: str) -> Group:
    """Count each question's answers over these responses (each question only where it was asked)."""
    return tally_answers(((row.stage, row.answers, 1, row.respondent) for row in rows), key=key, label=label)


def tally_answers(tallies: Iterable[tuple], *, key: str, label: str) -> Group:
    """Count each question's answers over responses given as (meeting stage, answers, how many gave exactly those[, respondent kind]).

    The one place answers are counted: the results page passes each response once; the service
    report passes parents' responses already grouped by SQL (voice_app/parents/report.py). A
    question counts as blank only for those it was asked (questions.is_asked).
    """
    tallies = [(t[0], t[1], t[2], t[3] if len(t) > 3 else RespondentKind.PARENT) for t in tallies]
    questions = []
    for question in QUESTIONS:
        asked = [(answers, n) for stage, answers, n, respondent in tallies if is_asked(question, stage, respondent)]
        given: Counter[str] = Counter()
        for answers, n in asked:
            if answers[question.id] in question.answers:
                given[answers[question.id]] += n
        blank = sum(n for _answers, n in asked) - sum(given.values())
        questions.append(QuestionCounts(question, {answer: given.get(answer, 0) for answer in question.answers}, blank))
    return Group(key, label, sum(n for _stage, _answers, n, _respondent in tallies), questions)


def _split(rows: list[ResponseRow], groups: list[tuple[str, str, object]], *, minimum: int) -> list[Group]:
    """One group per (key, label, keep) with any responses; those under `minimum` are suppressed."""
    found = []
    for key, label, keep in groups:
        chosen = [row for row in rows if keep(row)]
        if not chosen:
            continue
        group = count_answers(chosen, key=key, label=label)
        if len(chosen) < minimum:
            group = Group(key, label, group.responses, [], suppressed=True)
        found.append(group)
    return found


def by_meeting(rows: list[ResponseRow], *, minimum: int = MIN_GROUP_RESPONSES) -> list[Group]:
    """Answers after child protection conferences and after cared-for reviews."""
    return _split(rows, [(kind.value, kind.label, lambda r, k=kind: r.kind == k) for kind in ReviewKind], minimum=minimum)


def by_respondent(rows: list[ResponseRow], *, minimum: int = MIN_GROUP_RESPONSES) -> list[Group]:
    """Answers from parents and family, from carers and from professionals."""
    return _split(
        rows, [(kind.value, kind.label, lambda r, k=kind: r.respondent == k) for kind in RespondentKind], minimum=minimum
    )


def by_format(rows: list[ResponseRow], *, minimum: int = MIN_GROUP_RESPONSES) -> list[Group]:
    """Answers by how the meeting was held: face to face, virtual, hybrid (or not recorded on the review)."""
    groups = [(fmt.value, fmt.label, lambda r, f=fmt: r.format_used == f) for fmt in MeetingFormat]
    groups.append((NOT_RECORDED, "How it was held not recorded", lambda r: r.format_used is None))
    return _split(rows, groups, minimum=minimum)


def by_agency(rows: list[ResponseRow], *, minimum: int = MIN_GROUP_RESPONSES) -> list[Group]:
    """Professionals' answers by the agency they answered for."""
    professionals = [row for row in rows if row.respondent == RespondentKind.PROFESSIONAL]
    groups = [(agency.value, agency.label, lambda r, a=agency: r.agency == a) for agency in Agency]
    groups.append((NOT_RECORDED, "Agency not given", lambda r: r.agency is None))
    return _split(professionals, groups, minimum=minimum)


def by_stage(rows: list[ResponseRow]) -> list[Group]:
    """Answers for each conference type: initial, review, transfer-in."""
    return [
        count_answers([r for r in rows if r.stage == stage], key=stage.value, label=stage.label) for stage in CONFERENCE_STAGES
    ]


def by_quarter(rows: list[ResponseRow], *, period: Period) -> list[Group]:
    """Answers for each quarter of the period."""
    return [
        count_answers([r for r in rows if q.contains(r.day)], key=f"Q{q.quarter}", label=q.label) for q in quarters_of(period)
    ]


def by_chair(rows: list[ResponseRow], *, names: dict[int, str], minimum: int = MIN_CHAIR_RESPONSES) -> list[Group]:
    """Answers for each chair with at least `minimum` responses; the rest together, so no parent can be picked out."""
    per_chair: dict[int | None, list[ResponseRow]] = {}
    for row in rows:
        per_chair.setdefault(row.chair_id, []).append(row)
    named = sorted(
        (
            (chair_id, chair_rows)
            for chair_id, chair_rows in per_chair.items()
            if chair_id is not None and len(chair_rows) >= minimum
        ),
        key=lambda item: names.get(item[0], "").lower(),
    )
    groups = [
        count_answers(chair_rows, key=f"chair-{chair_id}", label=names.get(chair_id, "Unknown chair"))
        for chair_id, chair_rows in named
    ]
    shown = {chair_id for chair_id, _rows in named}
    others = [row for row in rows if row.chair_id is None or row.chair_id not in shown]
    if others:
        label = OTHER_CHAIRS if minimum == MIN_CHAIR_RESPONSES else f"Other chairs (fewer than {minimum} responses each)"
        groups.append(count_answers(others, key="other-chairs", label=label))
    return groups


@dataclass(frozen=True)
class RateRow:
    """Response rate for one group of conferences."""

    key: str
    label: str
    conferences: int
    responses: int
    answered_conferences: int  # conferences with at least one response

    @property
    def per_conference(self) -> Decimal | None:
        return per_conference(self.responses, self.conferences)

    @property
    def percent_answered(self) -> int | None:
        return percent(self.answered_conferences, self.conferences)


def response_rates(rows: list[ResponseRow], conferences: list[ConferenceRow], *, period: Period) -> list[RateRow]:
    """Responses per conference held: for the whole period, each conference type and each quarter."""
    groups: list[tuple[str, str, object]] = [("all", "All conferences", lambda day, stage: True)]
    groups += [(s.value, s.label, lambda day, stage, s=s: stage == s) for s in CONFERENCE_STAGES]
    if period.quarter is None:
        groups += [(f"Q{q.quarter}", q.short_label, lambda day, stage, q=q: q.contains(day)) for q in quarters_of(period)]
    held_ids = {c.review_id for c in conferences}
    rates = []
    for key, label, keep in groups:
        held = [c for c in conferences if keep(c.day, c.stage)]
        answers = [r for r in rows if keep(r.day, r.stage)]
        answered = {r.review_id for r in answers} & {c.review_id for c in held}
        rates.append(RateRow(key, label, len(held), len([r for r in answers if r.review_id in held_ids]), len(answered)))
    return rates


@dataclass(frozen=True)
class FeedbackResults:
    period: Period
    overall: Group
    stages: list[Group]
    quarters: list[Group]
    chairs: list[Group]
    rates: list[RateRow]
    comments: list[Comment] = field(default_factory=list)
    meetings: list[Group] = field(default_factory=list)
    respondents: list[Group] = field(default_factory=list)
    formats: list[Group] = field(default_factory=list)
    agencies: list[Group] = field(default_factory=list)
    local: list[LocalCounts] = field(default_factory=list)


def feedback_results(
    db: Session, *, period: Period, today: date, min_chair_responses: int = MIN_CHAIR_RESPONSES
) -> FeedbackResults:
    """Everything the results page and its CSV files show for a period, in four queries."""
    rows = response_rows(db, period=period)
    conference_rows = [row for row in rows if row.kind == ReviewKind.CP_CONFERENCE]
    held = conferences_held(db, period=period, today=today)
    names = chair_names(db, {row.chair_id for row in rows if row.chair_id is not None})
    return FeedbackResults(
        period=period,
        overall=count_answers(rows, key="all", label="All responses"),
        stages=by_stage(conference_rows),
        quarters=by_quarter(rows, period=period),
        chairs=by_chair(rows, names=names, minimum=min_chair_responses),
        rates=response_rates(conference_rows, held, period=period),
        comments=comments_in_period(db, period=period),
        meetings=by_meeting(rows),
        respondents=by_respondent(rows),
        formats=by_format(rows),
        agencies=by_agency(rows),
        local=local_results(db, start=period.start, end=period.end),
    )


def years_with_conferences(db: Session, *, today: date) -> list[int]:
    """Financial years from the first conference on record to this one, newest first (one query)."""
    first = db.exec(select(func.min(_CONFERENCE_DAY)).where(Review.kind == ReviewKind.CP_CONFERENCE)).one()
    start = financial_year_of(_as_date(first)) if first else financial_year_of(today)
    return list(range(financial_year_of(today), min(start, financial_year_of(today)) - 1, -1))
