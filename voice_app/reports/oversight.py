"""What IROs did with children's views: escalations (the dispute resolution procedure), permanence by the second
review, tracking between reviews, plans of 12 months or more, and caseloads.

Counted live for the period and the one before, straight from their own tables (small next to the answers), so
they need no kept months. The stage and theme words come from the service's procedure file; the permanence words
from its between-reviews file.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session

from voice_app.escalations.procedure import load_procedure
from voice_app.models import (
    LONGEST_REVIEW_MONTHS,
    NOT_YET,
    Child,
    Escalation,
    PermanencePlan,
    Review,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    Role,
    StaffUser,
    TrackingDiscussion,
    Visit,
    VisitPurpose,
    VisitStatus,
    mid_point_after,
    tracked_on,
)
from voice_app.reports.anonymise import scrub
from voice_app.reports.model import Figure, Quote, Row, TextFigure, Value
from voice_app.reports.period import Period
from voice_app.schedule import add_months, working_days_between

SECTION_ESCALATIONS = "Escalations: the dispute resolution procedure"
SECTION_BETWEEN = "Between reviews: permanence, tracking and long plans"
SECTION_CASELOADS = "Caseloads"
PLANS = [("cp_plan", "Children on child protection plans"), ("cared_for", "Cared-for children")]
LONG_PLAN_MONTHS = 12


@dataclass
class OversightCounts:
    raised: Counter = field(default_factory=Counter)  # plan -> escalations raised in the period
    closed: Counter = field(default_factory=Counter)  # (plan, stage) -> closed in the period
    themes: Counter = field(default_factory=Counter)  # theme -> raised in the period
    resolve_days: list[int] = field(default_factory=list)  # working days from raised to closed, closed in the period
    within: int = 0  # closed in the period within the whole procedure's timescale
    open_at_end: int = 0
    overdue_at_end: int = 0
    second_reviews: int = 0
    permanence: Counter = field(default_factory=Counter)  # "plan" / "not_yet" / "not_recorded"
    discussions: Counter = field(default_factory=Counter)  # plan -> tracking discussions held
    mid_points: Counter = field(default_factory=Counter)  # (plan, "due" | "met") -> mid-points in the period
    long_plans: int = 0
    reviews_held: int = 0
    reviews_considered: int = 0  # reviews held with at least one of the child's statements recorded as considered at it
    long_plans_with_reasons: int = 0


def _plan_of(child_row) -> str:
    return "cp_plan" if child_row.on_cp_plan and not child_row.cared_for else "cared_for"


def _count(connection: Connection, period: Period, *, nation: str) -> OversightCounts:
    counts = OversightCounts()
    e = Escalation.__table__
    for plan, theme in connection.execute(
        sa.select(e.c.plan, e.c.theme).where(e.c.raised_on.between(period.start, period.end))
    ).all():
        counts.raised[getattr(plan, "value", plan)] += 1
        counts.themes[theme] += 1
    closed = connection.execute(
        sa.select(e.c.plan, e.c.closed_stage, e.c.raised_on, e.c.closed_on, e.c.overall_due_on).where(
            e.c.closed_on.between(period.start, period.end)
        )
    ).all()
    for plan, stage, raised_on, closed_on, overall_due in closed:
        counts.closed[(getattr(plan, "value", plan), stage)] += 1
        counts.resolve_days.append(working_days_between(raised_on, closed_on, nation=nation))
        counts.within += closed_on <= overall_due
    open_rows = connection.execute(
        sa.select(e.c.overall_due_on).where(
            e.c.raised_on <= period.end, sa.or_(e.c.closed_on.is_(None), e.c.closed_on > period.end)
        )
    ).all()
    counts.open_at_end = len(open_rows)
    counts.overdue_at_end = sum(1 for (due,) in open_rows if due < period.end)

    r, p = Review.__table__, PermanencePlan.__table__
    seconds = connection.execute(
        sa.select(r.c.id, p.c.kind)
        .select_from(r.outerjoin(p, p.c.review_id == r.c.id))
        .where(r.c.kind == ReviewKind.CARED_FOR, r.c.stage == ReviewStage.SECOND, r.c.status == ReviewStatus.HELD)
        .where(r.c.held_on.between(period.start, period.end))
    ).all()
    counts.second_reviews = len(seconds)
    for _id, kind in seconds:
        counts.permanence["not_recorded" if kind is None else "not_yet" if kind == NOT_YET else "plan"] += 1

    c, t = Child.__table__, TrackingDiscussion.__table__
    for child_row in connection.execute(
        sa.select(c.c.cared_for, c.c.on_cp_plan)
        .select_from(t.join(c, c.c.id == t.c.child_id))
        .where(t.c.held_on.between(period.start, period.end))
    ).all():
        counts.discussions[_plan_of(child_row)] += 1

    from voice_app.models import StatementConsidered

    sc = StatementConsidered.__table__
    held = sa.and_(r.c.status == ReviewStatus.HELD, r.c.held_on.between(period.start, period.end))
    counts.reviews_held = connection.execute(sa.select(sa.func.count()).select_from(r).where(held)).scalar_one()
    counts.reviews_considered = connection.execute(
        sa.select(sa.func.count(sa.distinct(r.c.id))).select_from(r.join(sc, sc.c.review_id == r.c.id)).where(held)
    ).scalar_one()

    counts.mid_points = _mid_points(connection, period)

    from voice_app.models import LongPlanReason

    lr = LongPlanReason.__table__
    # Children on a plan for 12 whole months or more by the period's end, and of those, the ones with reasons recorded:
    # one count in the database (a plan that began on or before this day has lasted that long).
    begun_by = add_months(period.end, -LONG_PLAN_MONTHS)
    with_reasons = sa.exists().where(lr.c.child_id == c.c.id)
    counts.long_plans, counts.long_plans_with_reasons = connection.execute(
        sa.select(sa.func.count(), sa.func.count(sa.case((with_reasons, 1)))).where(
            c.c.on_cp_plan == sa.true(), c.c.cp_plan_since <= begun_by, c.c.active == sa.true()
        )
    ).one()
    return counts


def _rows(
    keys, now: Counter, before: Counter, *, base_now: int | None = None, base_before: int | None = None, group: str = ""
) -> list[Row]:
    return [
        Row(key, label, Value(now.get(key, 0), base_now), Value(before.get(key, 0), base_before), group=group)
        for key, label in keys
    ]


def _total(key: str, label: str, now: int, before: int) -> Row:
    return Row(key, label, Value(now), Value(before), total=True)


def escalation_figures(now: OversightCounts, before: OversightCounts) -> list[Figure]:
    procedure = load_procedure()
    stages = [(s.key, s.label) for s in procedure.stages]
    figures = [
        Figure(
            "escalations-raised",
            SECTION_ESCALATIONS,
            "Escalations raised",
            "Escalations (DRPs) raised in the period, for children on child protection plans and for cared-for children, "
            "beside the period before. Counts from 1 to 4 are shown as \u201c<5\u201d.",
            _rows(PLANS, now.raised, before.raised, group="plans")
            + [_total("all", "All escalations raised", sum(now.raised.values()), sum(before.raised.values()))],
            child_level=True,
        )
    ]
    for plan, words in PLANS:
        by_stage_now = Counter({stage: n for (p, stage), n in now.closed.items() if p == plan})
        by_stage_before = Counter({stage: n for (p, stage), n in before.closed.items() if p == plan})
        figures.append(
            Figure(
                f"escalations-closed-{plan.replace('_', '-')}",
                SECTION_ESCALATIONS,
                f"Stage at which escalations closed: {words.lower()}",
                "Escalations closed in the period, by the stage at which they were resolved (the annual report's "
                "\u201cstage DRP closed\u201d table). Counts from 1 to 4 are shown as \u201c<5\u201d.",
                _rows(
                    stages,
                    by_stage_now,
                    by_stage_before,
                    base_now=sum(by_stage_now.values()),
                    base_before=sum(by_stage_before.values()),
                    group="stages",
                )
                + [_total("total", "Total", sum(by_stage_now.values()), sum(by_stage_before.values()))],
                child_level=True,
                share_of="of those closed",
            )
        )
    themes = [(t.key, t.label) for t in procedure.themes]
    themes += [
        (key, procedure.theme_label(key)) for key in sorted(set(now.themes) | set(before.themes)) if key not in dict(themes)
    ]
    figures.append(
        Figure(
            "escalations-themes",
            SECTION_ESCALATIONS,
            "Escalations by theme",
            "Escalations raised in the period, by their theme. Counts from 1 to 4 are shown as \u201c<5\u201d.",
            _rows(
                themes,
                now.themes,
                before.themes,
                base_now=sum(now.raised.values()),
                base_before=sum(before.raised.values()),
                group="themes",
            ),
            child_level=True,
            share_of="of escalations raised",
        )
    )
    median = lambda c: round(statistics.median(c.resolve_days)) if c.resolve_days else 0  # noqa: E731
    figures.append(
        Figure(
            "escalations-timeliness",
            SECTION_ESCALATIONS,
            "How quickly escalations were resolved, and those open",
            f"Escalations closed in the period: the median working days from being raised to being resolved, and how many "
            f"were resolved within the whole procedure's {procedure.overall_working_days} working days. Open: raised by the "
            "end of the period and not closed by then; overdue: open past the whole procedure's timescale.",
            [
                _total("median_days", "Median working days to resolve", median(now), median(before)),
                Row(
                    "within",
                    "Resolved within the timescale",
                    Value(now.within, len(now.resolve_days)),
                    Value(before.within, len(before.resolve_days)),
                    group="within",  # a share of its own: no sum to work back from
                ),
                _total("open", "Open at the end of the period", now.open_at_end, before.open_at_end),
                Row(
                    "overdue",
                    "Open and past the timescale",
                    Value(now.overdue_at_end, now.open_at_end),
                    Value(before.overdue_at_end, before.open_at_end),
                    group="overdue",  # a share of its own: no sum to work back from
                ),
            ],
            child_level=True,
            chart=False,
            share_of="of those closed (or open)",
        )
    )
    return figures


def between_figures(now: OversightCounts, before: OversightCounts) -> list[Figure]:
    permanence = [
        ("plan", "With a plan of permanence"),
        ("not_yet", "Not yet: no plan of permanence"),
        ("not_recorded", "Not recorded"),
    ]
    mid = lambda c, plan: Value(c.mid_points[(plan, "met")], c.mid_points[(plan, "due")])  # noqa: E731
    return [
        Figure(
            "permanence-second-review",
            SECTION_BETWEEN,
            "A plan of permanence by the second review",
            "Second cared-for reviews held in the period, by whether the child had a plan of permanence. "
            "The list of children without one is on the \u201cPlans over a year\u201d page. Counts from 1 to 4 are shown as \u201c<5\u201d.",
            _rows(
                permanence,
                now.permanence,
                before.permanence,
                base_now=now.second_reviews,
                base_before=before.second_reviews,
                group="permanence",
            )
            + [_total("second_reviews", "Second cared-for reviews held", now.second_reviews, before.second_reviews)],
            child_level=True,
            share_of="of second reviews held",
        ),
        Figure(
            "tracking-discussions",
            SECTION_BETWEEN,
            "Tracking discussions, and plans tracked by the mid-point",
            "Tracking discussions with social workers held in the period; and of the mid-points (half-way from a review to "
            "the next one's due date) that fell in the period, how many had a tracking discussion or mid-way visit by then.",
            _rows(PLANS, now.discussions, before.discussions, group="discussions")
            + [_total("discussions", "All tracking discussions", sum(now.discussions.values()), sum(before.discussions.values()))]
            + [
                Row(
                    f"mid_{plan}",
                    f"Tracked by the mid-point: {words.lower()}",
                    mid(now, plan),
                    mid(before, plan),
                    group=f"mid_{plan}",
                )
                for plan, words in PLANS
            ],
            child_level=True,
            share_of="of mid-points in the period",
        ),
        Figure(
            "considered-at-review",
            SECTION_BETWEEN,
            "Children's statements considered at their review",
            "Reviews and conferences held in the period, and those at which a statement of the child's was recorded as "
            "considered, with the minutes' reference.",
            [
                _total("reviews_held", "Reviews and conferences held", now.reviews_held, before.reviews_held),
                Row(
                    "considered",
                    "With the child's statement considered (minutes' reference recorded)",
                    Value(now.reviews_considered, now.reviews_held),
                    Value(before.reviews_considered, before.reviews_held),
                    group="considered",
                ),
            ],
            child_level=True,
            chart=False,
            share_of="of reviews held",
        ),
        Figure(
            "long-plans",
            SECTION_BETWEEN,
            "Child protection plans of 12 months or more",
            "Children on a child protection plan for 12 months or more at the end of the period, and how many have the "
            "reasons recorded that the chair asked for on their behalf.",
            [
                _total("long_plans", "On a plan for 12 months or more", now.long_plans, before.long_plans),
                Row(
                    "with_reasons",
                    "With the reasons recorded",
                    Value(now.long_plans_with_reasons, now.long_plans),
                    Value(before.long_plans_with_reasons, before.long_plans),
                    group="with_reasons",  # a share of its own: no sum to work back from
                ),
            ],
            child_level=True,
            chart=False,
            share_of="of those plans",
        ),
    ]


def caseload_figure(connection: Connection) -> Figure:
    """Children allocated to each IRO today, and the service average (the IRO Handbook suggests 50 to 70)."""
    s, c = StaffUser.__table__, Child.__table__
    rows = connection.execute(
        sa.select(s.c.id, s.c.display_name, sa.func.count(c.c.id))
        .select_from(s.outerjoin(c, sa.and_(c.c.iro_id == s.c.id, c.c.active == sa.true())))
        .where(s.c.role == Role.IRO, s.c.active == sa.true())
        .group_by(s.c.id, s.c.display_name)
        .order_by(s.c.display_name)
    ).all()
    sizes = [int(n) for _id, _name, n in rows]
    average = round(sum(sizes) / len(sizes)) if sizes else 0
    return Figure(
        "caseloads",
        SECTION_CASELOADS,
        "Caseload size per IRO",
        "Children allocated to each active IRO now (not for the period: a caseload is today's), and the service average. "
        "The IRO Handbook suggests 50 to 70.",
        [_total(f"iro_{iro_id}", name, int(n), int(n)) for iro_id, name, n in rows]
        + [_total("average", "Service average", average, average)],
    )


def examples_figure(connection: Connection, period: Period) -> TextFigure:
    """The challenges and outcomes for the child a manager chose for the annual report, names and references taken out."""
    e, c = Escalation.__table__, Child.__table__
    procedure = load_procedure()
    with Session(bind=connection) as session:
        chosen = session.execute(
            sa.select(Escalation, c.c.preferred_name, c.c.case_reference)
            .join(c, c.c.id == e.c.child_id)
            .where(e.c.report_example == sa.true(), e.c.closed_on.between(period.start, period.end))
            .order_by(e.c.closed_on.desc())
        ).all()
        items = [
            Quote(
                f"{escalation.plan.label}, {procedure.theme_label(escalation.theme)}, closed at {procedure.stage_label(escalation.closed_stage)}",
                f"Challenge: {scrub(escalation.challenge, name=name, reference=reference)} \u2192 Outcome for the child: "
                f"{scrub(escalation.outcome_for_child or '', name=name, reference=reference)}",
            )
            for escalation, name, reference in chosen
        ]
        session.expunge_all()
    return TextFigure(
        "escalation-examples",
        SECTION_ESCALATIONS,
        "Challenge and outcome for the child: examples",
        "Escalations closed in the period that a manager chose as examples for the annual report. The child's name and "
        "case reference are replaced by [name] and [reference]; other names or details are not: read each before you publish it.",
        items,
        total_now=len(items),
        total_before=0,
    )


def _mid_points(connection: Connection, period: Period) -> Counter:
    """(plan, "due" | "met") -> held reviews whose mid-point falls in the period, and of those, the ones tracked by then.

    The rule is the tracking area's own (`mid_point_after` and `tracked_on`, kept below both in models/tracking.py),
    worked out once for each day, kind and stage of review.
    Only the reviews that can have a mid-point in the period are read (held at most a review interval before it),
    counted in the database by day, kind and stage; a child with a contact in that time (a tracking discussion or
    a mid-way visit) has their reviews read one by one, to find whether the first contact after each came by its
    mid-point. Two queries, whatever the size of the service.
    """
    since = add_months(period.start, -LONGEST_REVIEW_MONTHS)  # a mid-point is at most half an interval after its review
    r, c, t, v = Review.__table__, Child.__table__, TrackingDiscussion.__table__, Visit.__table__
    contact_rows = sa.union_all(
        sa.select(t.c.child_id, t.c.held_on.label("day")).where(t.c.held_on > since, t.c.held_on <= period.end),
        sa.select(r.c.child_id, v.c.held_on.label("day"))
        .select_from(v.join(r, r.c.id == v.c.review_id))
        .where(
            v.c.held_on > since,
            v.c.held_on <= period.end,
            v.c.status == VisitStatus.DONE,
            v.c.purpose == VisitPurpose.MID_WAY,
        ),
    )
    contacts: dict[int, list[date]] = {}
    for child_id, day in connection.execute(contact_rows):
        contacts.setdefault(child_id, []).append(day)
    for days in contacts.values():
        days.sort()
    contacted = contact_rows.subquery()
    # The child's id only where the child had a contact: everyone else's reviews are counted together.
    child = sa.case((r.c.child_id.in_(sa.select(contacted.c.child_id)), r.c.child_id)).label("child_id")
    key = (r.c.held_on, r.c.kind, r.c.stage, r.c.status, c.c.short_breaks)
    counted: Counter = Counter()
    mids: dict[tuple, date | None] = {}
    for review in connection.execute(
        sa.select(*key, child, sa.func.count().label("reviews"))
        .select_from(r.join(c, c.c.id == r.c.child_id))
        .where(r.c.status == ReviewStatus.HELD, r.c.held_on.between(since, period.end))
        .group_by(*key, child)
    ):
        day = (review.held_on, review.kind, review.stage, review.short_breaks)
        if day not in mids:
            mids[day] = mid_point_after(review, short_breaks=review.short_breaks)
        mid = mids[day]
        if mid is None or not period.contains(mid):
            continue
        plan = "cp_plan" if review.kind == ReviewKind.CP_CONFERENCE else "cared_for"
        counted[(plan, "due")] += review.reviews
        if tracked_on(contacts.get(review.child_id, ()), held_on=review.held_on, mid_point=mid) is not None:
            counted[(plan, "met")] += review.reviews
    return counted


def oversight_figures(
    connection: Connection, *, period: Period, previous: Period, nation: str = "england"
) -> list[Figure | TextFigure]:
    """Every figure of this module for the period, beside the one before."""
    now, before = _count(connection, period, nation=nation), _count(connection, previous, nation=nation)
    return [
        *escalation_figures(now, before),
        examples_figure(connection, period),
        *between_figures(now, before),
        caseload_figure(connection),
    ]
