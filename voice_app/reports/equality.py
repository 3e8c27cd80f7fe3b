"""Heard equally: participation, the child's own statement, "I felt heard", escalations and timeliness, split by
age band, disability, ethnicity, gender and plan (issue 32), so a manager can see whether any group is heard less.

Counted live like the rest of the report: one GROUP BY query per family (reviews held, after-meeting answers,
escalations raised), each covering the period and the one before at once (`queries.Span`), grouped by the
children's equality details as codes; the figures put the codes into groups. Every figure is child-level, so the
report's small-number rule (`model.Figure.publish`) hides counts of one to four, and one more in any split left
with a single hidden count. Equality details are optional: a child without them counts as "not recorded".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from voice_app.models import DFE_PARTICIPATED, Escalation, ReviewKind, ReviewStatus
from voice_app.models.equality import DISABILITY, ETHNIC_GROUPS, GENDER, ethnic_group
from voice_app.reports.model import Figure, Row, Value
from voice_app.reports.period import Period
from voice_app.reports.queries import (
    BEFORE,
    NOW,
    TIMING,
    Span,
    answer_t,
    child_t,
    choice_t,
    review_t,
    started_by_end_of,
    statement_t,
    visit_t,
)

SECTION = "Heard equally: which children are heard"
HEARD_QUESTION, HEARD_YES = "after-heard", "yes"
escalation_t = Escalation.__table__

AGE_BANDS = {"0_4": "Aged 0 to 4", "5_9": "Aged 5 to 9", "10_15": "Aged 10 to 15", "16_plus": "Aged 16 and over", "not_known": "Age not known"}
PLANS = {"cared_for": "Cared for", "cp": "On a child protection plan"}
NOT_RECORDED = "Not recorded"
# The splits, in order: (dimension, its values with their labels).
DIMENSIONS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("age", "Age", AGE_BANDS),
    ("disability", "Disability", {**DISABILITY, "": NOT_RECORDED}),
    ("ethnicity", "Ethnicity", {**ETHNIC_GROUPS, "": NOT_RECORDED}),
    ("gender", "Gender", {**GENDER, "": NOT_RECORDED}),
    ("plan", "Plan", PLANS),
)


def _years(start, end, dialect: str):
    """SQL: whole years from the date `start` to the date `end` (a birthday on 29 February counts from 1 March)."""
    if dialect == "postgresql":
        return sa.cast(sa.func.date_part("year", sa.func.age(end, start)), sa.Integer)
    year = lambda day: sa.cast(sa.func.strftime("%Y", day), sa.Integer)  # noqa: E731
    before_birthday = sa.case((sa.func.strftime("%m-%d", end) < sa.func.strftime("%m-%d", start), 1), else_=0)
    return year(end) - year(start) - before_birthday


def _day(instant, dialect: str):
    """SQL: the UTC day of a timestamp (the report's days are local, but a child's age changes by the day, not the hour)."""
    return sa.cast(instant, sa.Date) if dialect == "postgresql" else sa.func.date(instant)


def age_band(day, dialect: str):
    """SQL: the child's age band on `day`, as `Child.age_on` works out the age (date of birth, else the age recorded)."""
    recorded = sa.func.coalesce(child_t.c.age_recorded_on, _day(child_t.c.created_at, dialect))
    age = sa.case(
        (child_t.c.date_of_birth.is_not(None), _years(child_t.c.date_of_birth, day, dialect)),
        (child_t.c.age_years.is_not(None), child_t.c.age_years + _years(recorded, day, dialect)),
    )
    return sa.case(
        (age.is_(None), sa.literal("not_known")),
        (age < 5, sa.literal("0_4")),
        (age < 10, sa.literal("5_9")),
        (age < 16, sa.literal("10_15")),
        else_=sa.literal("16_plus"),
    )


def _who(day, dialect: str) -> tuple:
    """The columns every family groups by: age band on the day, then the three equality details."""
    return age_band(day, dialect), child_t.c.disability, child_t.c.ethnicity, child_t.c.gender


def _grouped(which, *columns) -> sa.Select:
    return sa.select(which, *columns, sa.func.count()).group_by(sa.literal_column("1"), *columns)


def _families(chosen: Span, dialect: str) -> dict[str, sa.Select]:
    """One query per family for one period: reviews held, after-meeting "I felt heard" answers, escalations raised."""
    which, held_inside = chosen.by_day(review_t.c.held_on)
    own_statement = sa.exists().where(
        visit_t.c.review_id == review_t.c.id,
        statement_t.c.visit_id == visit_t.c.id,
        started_by_end_of(statement_t.c.started_at, review_t.c.held_on, dialect, chosen),
    )
    with_statement = sa.case((own_statement, 1), else_=0)
    reviews = (
        _grouped(which, *_who(review_t.c.held_on, dialect), review_t.c.kind, review_t.c.participation, TIMING, with_statement)
        .select_from(review_t.join(child_t, review_t.c.child_id == child_t.c.id))
        .where(review_t.c.status == ReviewStatus.HELD, held_inside)
    )

    # The cards answering "I felt heard", found by the question, skipping and completion each card carries
    # (models/report_keys.py): a range of one index, then only those cards' statements and children are read.
    which, completed = chosen.by_instant(choice_t.c.completed_at)
    about = review_t.alias("about")
    heard = (
        _grouped(which, *_who(_day(statement_t.c.ended_at, dialect), dialect), about.c.kind, choice_t.c.choice_id)
        .select_from(
            choice_t.join(answer_t, choice_t.c.answer_id == answer_t.c.id)
            .join(statement_t, answer_t.c.statement_id == statement_t.c.id)
            .join(child_t, statement_t.c.child_id == child_t.c.id)
            .outerjoin(about, statement_t.c.about_review_id == about.c.id)
        )
        .where(choice_t.c.question_id == HEARD_QUESTION, choice_t.c.skipped == sa.false(), completed)
    )

    which, raised_inside = chosen.by_day(escalation_t.c.raised_on)
    escalations = (
        _grouped(which, *_who(escalation_t.c.raised_on, dialect), escalation_t.c.plan)
        .select_from(escalation_t.join(child_t, escalation_t.c.child_id == child_t.c.id))
        .where(raised_inside)
    )
    return {"reviews": reviews, "heard": heard, "escalations": escalations}


@dataclass
class EqualityCounts:
    """One period's counts, keyed (age band, disability, ethnicity, gender, plan, ...what the family adds)."""

    reviews: Counter = field(default_factory=Counter)  # + (participation, timing, with_statement)
    heard: Counter = field(default_factory=Counter)  # + (choice_id,)
    escalations: Counter = field(default_factory=Counter)  # + ()


def _plan(value) -> str:
    value = getattr(value, "value", value)
    return "cared_for" if value in (ReviewKind.CARED_FOR.value, "cared_for") else "cp" if value else ""


def count_equality(connection: Connection, *, period: Period, previous: Period) -> tuple[EqualityCounts, EqualityCounts]:
    """Both periods' counts: three grouped queries, each a UNION ALL of the two periods."""
    dialect = connection.dialect.name
    counted = (EqualityCounts(), EqualityCounts())
    now, before = _families(Span(NOW, period), dialect), _families(Span(BEFORE, previous), dialect)
    for family in ("reviews", "heard", "escalations"):
        for row in connection.execute(sa.union_all(now[family], before[family])):
            which, age, disability, ethnicity, gender, plan, *rest, count = row
            rest = [getattr(item, "value", item) for item in rest]
            getattr(counted[which], family)[(age, disability or "", ethnicity or "", gender or "", _plan(plan), *rest)] += count
    return counted


# The measures: (figure id, title, description, count, base), each a function of one period's counts and a row filter.
Match = Callable[[tuple], bool]
PARTICIPATED = {code.value for code in DFE_PARTICIPATED}


def _sum(counter: Counter, match: Match) -> int:
    return sum(value for key, value in counter.items() if match(key))


def _coded(key: tuple) -> bool:
    return key[5] is not None and key[5] != "PN0"


MEASURES: tuple[tuple[str, str, str, str, Callable[[EqualityCounts, Match], int], Callable[[EqualityCounts, Match], int]], ...] = (
    (
        "equality-participation",
        "Reviews and conferences the child took part in",
        "Of reviews and conferences held in the period with a participation code for a child aged 4 or over (PN1 to PN7), "
        "the share where the child took part (PN1 to PN6), by group.",
        "of reviews with a code",
        lambda c, m: _sum(c.reviews, lambda k: m(k) and _coded(k) and k[5] in PARTICIPATED),
        lambda c, m: _sum(c.reviews, lambda k: m(k) and _coded(k)),
    ),
    (
        "equality-statement",
        "Reviews and conferences with the child's own statement",
        "Of reviews and conferences held in the period, the share with a statement the child began on or before the day, by group.",
        "of reviews held",
        lambda c, m: _sum(c.reviews, lambda k: m(k) and k[7] == 1),
        lambda c, m: _sum(c.reviews, m),
    ),
    (
        "equality-heard",
        "Children who felt listened to at their meeting",
        "Of children who answered \u201cDid you feel listened to at your meeting?\u201d after a meeting (statements finished in the "
        "period), the share who said yes, by group.",
        "of children who answered",
        lambda c, m: _sum(c.heard, lambda k: m(k) and k[5] == HEARD_YES),
        lambda c, m: _sum(c.heard, m),
    ),
    (
        "equality-escalations",
        "Escalations raised for children",
        "Escalations raised in the period under the dispute resolution procedure, by the group of the child they were for, "
        "as a share of all escalations raised.",
        "of escalations raised",
        lambda c, m: _sum(c.escalations, m),
        lambda c, m: _sum(c.escalations, lambda k: True),
    ),
    (
        "equality-timeliness",
        "Reviews and conferences held in time",
        "Of reviews and conferences held in the period with a due date, the share held by it, by group.",
        "of reviews with a due date",
        lambda c, m: _sum(c.reviews, lambda k: m(k) and k[6] == "in_time"),
        lambda c, m: _sum(c.reviews, lambda k: m(k) and k[6] != "unknown"),
    ),
)
# Where each dimension's value sits in a key, and how a stored value becomes the value a row counts.
_POSITION = {"age": 0, "disability": 1, "ethnicity": 2, "gender": 3, "plan": 4}
_GROUP_OF = {"ethnicity": ethnic_group}


def _in(dimension: str, value: str) -> Match:
    position, to_group = _POSITION[dimension], _GROUP_OF.get(dimension, lambda stored: stored)
    return lambda key: to_group(key[position]) == value


def _figure(measure, now: EqualityCounts, before: EqualityCounts) -> Figure:
    figure_id, title, description, share_of, count, base = measure
    everyone: Match = lambda key: True  # noqa: E731
    rows = [Row("all", "All children", Value(count(now, everyone), base(now, everyone)), Value(count(before, everyone), base(before, everyone)), total=True)]
    for dimension, name, values in DIMENSIONS:
        for value, label in values.items():
            match = _in(dimension, value)
            rows.append(
                Row(
                    f"{dimension}:{value or 'not_recorded'}",
                    f"{name}: {label}",
                    Value(count(now, match), base(now, match)),
                    Value(count(before, match), base(before, match)),
                    group=dimension,  # a split adds up to the total: the small-number rule works within it
                )
            )
    return Figure(figure_id, SECTION, title, description, rows, child_level=True, chart=False, share_of=share_of)


def equality_figures(connection: Connection, *, period: Period, previous: Period) -> list[Figure]:
    """The five "heard equally" figures for the period, beside the one before."""
    now, before = count_equality(connection, period=period, previous=previous)
    return [_figure(measure, now, before) for measure in MEASURES]
