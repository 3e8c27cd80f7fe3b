"""Between reviews: mid-points, tracking discussions, the plan of permanence by the second cared-for review, and plans
of 12 months or more. Testable without a request; every write is audited (ids only, never the words)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort
from sqlmodel import Session, col, select

from voice_app.audit_labels import label_actions
from voice_app.models import (
    NOT_YET,
    AuditEvent,
    Child,
    LongPlanReason,
    PermanencePlan,
    Review,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    StaffUser,
    TrackingDiscussion,
    Visit,
    VisitPurpose,
    VisitStatus,
    mid_point_after,
    next_review_due_after,
    tracked_on,
)
from voice_app.security import child_for
from voice_app.tracking.wording import Wording, load_wording

MAX_WORDS = 4000
PLAN_MONTHS_WORTH_ASKING = 12

label_actions(
    {
        "tracking.discussion": "Recorded a tracking discussion",
        "tracking.permanence": "Recorded the plan of permanence at the second review",
        "tracking.long_plan": "Recorded why a child protection plan has lasted 12 months or more",
    }
)


class TrackingError(ValueError):
    """A request the rules refuse; the message is written for the IRO and shown as it is."""


def _audit(db: Session, *, action: str, by: StaffUser, child_id: int, detail: str) -> None:
    db.add(AuditEvent(staff_id=by.id, action=action, child_id=child_id, detail=detail))


def _words(text: str | None, *, missing: str | None) -> str:
    cleaned = (text or "").strip()
    if missing and not cleaned:
        raise TrackingError(missing)
    if len(cleaned) > MAX_WORDS:
        raise TrackingError(f"Keep it under {MAX_WORDS:,} characters.")
    return cleaned


# ----- mid-points ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MidPoint:
    review: Review
    mid_point: date
    next_due: date
    tracked_on: date | None  # the first tracking discussion or mid-way visit after the review, by the mid-point
    superseded: bool  # a later review of the same kind was held, so this mid-point is history

    def state(self, today: date) -> str:
        """ "met", "missed", "due" (mid-point still ahead or today) or "late" (passed, nothing yet, still current)."""
        if self.tracked_on is not None:
            return "met"
        if self.superseded:
            return "missed"
        return "due" if today <= self.mid_point else "late"


def mid_points_for(db: Session, *, child: Child) -> list[MidPoint]:
    """Every held review's mid-point, newest first, and whether the IRO tracked the plan by then."""
    return mid_points_by_child(db, children=[child]).get(child.id, [])


def mid_points_by_child(db: Session, *, children: list[Child]) -> dict[int, list[MidPoint]]:
    """Each child's mid-points (newest first), for many children in three queries."""
    by_id = {child.id: child for child in children}
    if not by_id:
        return {}
    reviews = db.exec(
        select(Review).where(col(Review.child_id).in_(list(by_id))).order_by(col(Review.held_on), col(Review.id))
    ).all()
    review_child = {r.id: r.child_id for r in reviews}
    contacts: dict[int, list[date]] = {child_id: [] for child_id in by_id}
    for child_id, day in db.exec(
        select(TrackingDiscussion.child_id, TrackingDiscussion.held_on).where(col(TrackingDiscussion.child_id).in_(list(by_id)))
    ).all():
        contacts[child_id].append(day)
    if review_child:
        mid_way = db.exec(
            select(Visit.review_id, Visit.held_on).where(
                col(Visit.review_id).in_(list(review_child)),
                Visit.purpose == VisitPurpose.MID_WAY,
                Visit.status == VisitStatus.DONE,
                col(Visit.held_on).is_not(None),
            )
        ).all()
        for review_id, day in mid_way:
            contacts[review_child[review_id]].append(day)
    held: dict[int, list[Review]] = {child_id: [] for child_id in by_id}
    for review in reviews:
        if review.status == ReviewStatus.HELD and review.held_on is not None:
            held[review.child_id].append(review)
    found: dict[int, list[MidPoint]] = {}
    for child_id, child_reviews in held.items():
        child, days = by_id[child_id], sorted(contacts[child_id])
        points = []
        for index, review in enumerate(child_reviews):
            mid = mid_point_after(review, short_breaks=child.short_breaks)
            due = next_review_due_after(review, short_breaks=child.short_breaks)
            if mid is None or due is None:
                continue
            tracked = tracked_on(days, held_on=review.held_on, mid_point=mid)
            superseded = any(later.kind == review.kind for later in child_reviews[index + 1 :])
            points.append(MidPoint(review, mid, due, tracked, superseded))
        found[child_id] = list(reversed(points))
    return found


@dataclass(frozen=True)
class FallingDue:
    child: Child
    mid_point: MidPoint
    passed: bool


def mid_points_falling_due(
    db: Session, *, children: list[Child], today: date, wording: Wording | None = None
) -> list[FallingDue]:
    """The current mid-points with no tracking yet that are within the warning days or past: the caseload's list."""
    wording = wording or load_wording()
    found = []
    points = mid_points_by_child(db, children=children)
    for child in children:
        for point in points.get(child.id, []):
            if point.state(today) in ("due", "late") and point.mid_point <= today + timedelta(
                days=wording.mid_point_warning_days
            ):
                found.append(FallingDue(child, point, point.mid_point < today))
    return sorted(found, key=lambda item: item.mid_point.mid_point)


# ----- tracking discussions -------------------------------------------------------------------------------------


def record_discussion(
    db: Session, *, child: Child, held_on: date, with_whom: str, checked: str, actions: str, by: StaffUser, today: date
) -> TrackingDiscussion:
    """Record a tracking discussion with the child's social worker (or another professional)."""
    if held_on > today:
        raise TrackingError("A tracking discussion is recorded once it has happened: the date cannot be in the future.")
    who = (with_whom or "").strip()
    if not who or len(who) > 120:
        raise TrackingError("Say who it was with (their role is enough), in under 120 characters.")
    discussion = TrackingDiscussion(
        child_id=child.id,
        held_on=held_on,
        with_whom=who,
        checked=_words(checked, missing="Say what was checked."),
        actions=_words(actions, missing=None),
        recorded_by_id=by.id,
    )
    db.add(discussion)
    db.flush()
    _audit(db, action="tracking.discussion", by=by, child_id=child.id, detail=f"discussion={discussion.id}")
    db.commit()
    return discussion


def discussions_for(db: Session, *, child_id: int) -> list[TrackingDiscussion]:
    return list(
        db.exec(
            select(TrackingDiscussion)
            .where(TrackingDiscussion.child_id == child_id)
            .order_by(col(TrackingDiscussion.held_on).desc(), col(TrackingDiscussion.id).desc())
        ).all()
    )


# ----- permanence by the second review --------------------------------------------------------------------------


def asks_for_permanence(review: Review) -> bool:
    """Only a held second cared-for review asks for the plan of permanence."""
    return review.kind == ReviewKind.CARED_FOR and review.stage == ReviewStage.SECOND and review.status == ReviewStatus.HELD


def second_review_for(db: Session, user: StaffUser, review_id: int) -> tuple[Review, Child]:
    """A held second cared-for review of a child this user may see (a 404 otherwise)."""
    review = db.get(Review, review_id)
    if review is None:
        abort(404)
    child = child_for(db, user, review.child_id)
    if not asks_for_permanence(review):
        abort(404)
    return review, child


def permanence_for(db: Session, *, review_id: int) -> PermanencePlan | None:
    return db.exec(select(PermanencePlan).where(PermanencePlan.review_id == review_id)).first()


def record_permanence(
    db: Session, *, review: Review, kind: str, not_yet_why: str, by: StaffUser, wording: Wording | None = None
) -> PermanencePlan:
    """Record (or change) the plan of permanence at a held second cared-for review; "not yet" needs the reason why."""
    wording = wording or load_wording()
    if not asks_for_permanence(review):
        raise TrackingError("The plan of permanence is recorded at a held second cared-for review.")
    if kind not in {key for key, _label in wording.permanence_choices}:
        raise TrackingError('Choose the plan of permanence, or "not yet".')
    why = _words(not_yet_why, missing="Say why there is no plan of permanence yet.") if kind == NOT_YET else ""
    plan = permanence_for(db, review_id=review.id) or PermanencePlan(
        review_id=review.id, child_id=review.child_id, kind=kind, recorded_by_id=by.id
    )
    plan.kind, plan.not_yet_why, plan.recorded_by_id = kind, why, by.id
    db.add(plan)
    db.flush()
    _audit(db, action="tracking.permanence", by=by, child_id=review.child_id, detail=f"review={review.id};kind={kind}")
    db.commit()
    return plan


def future_home_answers(
    db: Session, *, child_id: int, before: date, wording: Wording | None = None
) -> tuple[object | None, list]:
    """The child's own answers about their future home from their latest statement up to a day: (record, answers)."""
    from voice_app.models import Statement
    from voice_app.statements.access import load_context
    from voice_app.statements.reading import read_statement

    wording = wording or load_wording()
    statements = db.exec(
        select(Statement)
        .where(Statement.child_id == child_id, col(Statement.ended_at).is_not(None))
        .order_by(col(Statement.ended_at).desc())
    ).all()
    for statement in statements:
        if statement.ended_at.date() > before:
            continue
        context = load_context(db, statement.id)
        if context is None:
            continue
        record = read_statement(db, context)
        answers = [item for item in record.views if item.question_id in wording.future_home_questions and not item.skipped]
        if answers:
            order = {qid: n for n, qid in enumerate(wording.future_home_questions)}
            return record, sorted(answers, key=lambda item: order[item.question_id])
    return None, []


# ----- plans of 12 months or more --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LongPlan:
    child: Child
    months: int
    reasons: list[LongPlanReason]


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def long_plans(db: Session, *, children: list[Child], today: date) -> list[LongPlan]:
    """Children on a child protection plan for 12 months or more, longest first, each with the reasons recorded."""
    long = [
        c
        for c in children
        if c.on_cp_plan and c.cp_plan_since and months_between(c.cp_plan_since, today) >= PLAN_MONTHS_WORTH_ASKING
    ]
    if not long:
        return []
    reasons: dict[int, list[LongPlanReason]] = {c.id: [] for c in long}
    for reason in db.exec(
        select(LongPlanReason)
        .where(col(LongPlanReason.child_id).in_(list(reasons)))
        .order_by(col(LongPlanReason.considered_on).desc())
    ).all():
        reasons[reason.child_id].append(reason)
    return sorted(
        (LongPlan(c, months_between(c.cp_plan_since, today), reasons[c.id]) for c in long),
        key=lambda p: (-p.months, p.child.preferred_name),
    )


def record_long_plan_reason(
    db: Session, *, child: Child, considered_on: date, reasons: str, by: StaffUser, today: date
) -> LongPlanReason:
    """Record why the chair thinks the plan has lasted 12 months or more (asked on the child's behalf)."""
    if not child.on_cp_plan:
        raise TrackingError("The child is not on a child protection plan.")
    if considered_on > today:
        raise TrackingError("The date cannot be in the future.")
    reason = LongPlanReason(
        child_id=child.id,
        considered_on=considered_on,
        reasons=_words(reasons, missing="Write the reasons."),
        recorded_by_id=by.id,
    )
    db.add(reason)
    db.flush()
    _audit(db, action="tracking.long_plan", by=by, child_id=child.id, detail=f"reason={reason.id}")
    db.commit()
    return reason


# ----- the child's record (called by voice_app/records) ----------------------------------------------------------


def subject_access_record(db: Session, *, child_id: int, name) -> dict:
    wording = load_wording()
    plans = db.exec(select(PermanencePlan).where(PermanencePlan.child_id == child_id)).all()
    return {
        "tracking_discussions": [
            {
                "held_on": d.held_on.isoformat(),
                "with_whom": d.with_whom,
                "checked": d.checked,
                "actions": d.actions or None,
                "recorded_by": name(d.recorded_by_id),
            }
            for d in reversed(discussions_for(db, child_id=child_id))
        ],
        "permanence_at_second_review": [
            {
                "review_id": p.review_id,
                "plan": wording.permanence_label(p.kind),
                "why_not_yet": p.not_yet_why or None,
                "recorded_by": name(p.recorded_by_id),
            }
            for p in plans
        ],
        "statements_considered_at_review": [
            {
                "statement_id": c.statement_id,
                "review_id": c.review_id,
                "minutes_reference": c.minutes_reference,
                "recorded_by": name(c.recorded_by_id),
            }
            for c in _considered_of_child(db, child_id=child_id)
        ],
        "plan_over_a_year_reasons": [
            {"considered_on": r.considered_on.isoformat(), "reasons": r.reasons, "recorded_by": name(r.recorded_by_id)}
            for r in db.exec(
                select(LongPlanReason).where(LongPlanReason.child_id == child_id).order_by(col(LongPlanReason.considered_on))
            ).all()
        ],
    }


def anonymise_for_retention(connection, *, child_id: int, removed: str) -> None:
    """The words go; the dates and kinds stay for the figures."""
    import sqlalchemy as sa

    discussion_t, plan_t, reason_t = TrackingDiscussion.__table__, PermanencePlan.__table__, LongPlanReason.__table__
    connection.execute(
        sa.update(discussion_t)
        .where(discussion_t.c.child_id == child_id)
        .values(checked=removed, actions="", with_whom=removed[:120])
    )
    connection.execute(
        sa.update(plan_t).where(plan_t.c.child_id == child_id, plan_t.c.not_yet_why != "").values(not_yet_why=removed)
    )
    connection.execute(sa.update(reason_t).where(reason_t.c.child_id == child_id).values(reasons=removed))


@dataclass(frozen=True)
class WithoutPermanence:
    child: Child
    review: Review
    plan: PermanencePlan | None  # None: not recorded; else "not yet" with why


def second_reviews_without_permanence(db: Session, *, children: list[Child], since: date) -> list[WithoutPermanence]:
    """Held second cared-for reviews since a day with no plan of permanence (not recorded, or "not yet"), newest first."""
    by_id = {child.id: child for child in children}
    if not by_id:
        return []
    reviews = db.exec(
        select(Review)
        .where(
            col(Review.child_id).in_(list(by_id)),
            Review.kind == ReviewKind.CARED_FOR,
            Review.stage == ReviewStage.SECOND,
            Review.status == ReviewStatus.HELD,
            col(Review.held_on) >= since,
        )
        .order_by(col(Review.held_on).desc())
    ).all()
    plans = (
        {
            p.review_id: p
            for p in db.exec(select(PermanencePlan).where(col(PermanencePlan.review_id).in_([r.id for r in reviews]))).all()
        }
        if reviews
        else {}
    )
    return [
        WithoutPermanence(by_id[r.child_id], r, plans.get(r.id))
        for r in reviews
        if r.id not in plans or plans[r.id].kind == NOT_YET
    ]


# ----- statements considered at the review ---------------------------------------------------------------------

label_actions(
    {
        "tracking.considered": "Recorded that the statement was considered at the review",
        "tracking.not_considered": "Took back that the statement was considered at the review",
    }
)


def considered_for(db: Session, *, statement_id: int):
    from voice_app.models import StatementConsidered

    return db.exec(select(StatementConsidered).where(StatementConsidered.statement_id == statement_id)).first()


def record_considered(db: Session, *, statement, review: Review, minutes_reference: str, by: StaffUser):
    """Record that the statement was considered at its review, with the minutes' reference (an empty reference takes it back)."""
    from voice_app.models import StatementConsidered

    reference = (minutes_reference or "").strip()
    if len(reference) > 120:
        raise TrackingError("Keep the minutes' reference under 120 characters.")
    found = considered_for(db, statement_id=statement.id)
    if not reference:
        if found is not None:
            db.delete(found)
            _audit(db, action="tracking.not_considered", by=by, child_id=statement.child_id, detail=f"statement={statement.id}")
            db.commit()
        return None
    found = found or StatementConsidered(
        statement_id=statement.id, review_id=review.id, minutes_reference=reference, recorded_by_id=by.id
    )
    found.minutes_reference, found.recorded_by_id, found.review_id = reference, by.id, review.id
    db.add(found)
    db.flush()
    db.add(
        AuditEvent(
            staff_id=by.id,
            action="tracking.considered",
            child_id=statement.child_id,
            statement_id=statement.id,
            detail=f"review={review.id}",
        )
    )
    db.commit()
    return found


def _considered_of_child(db: Session, *, child_id: int) -> list:
    from voice_app.models import Statement, StatementConsidered

    return list(
        db.exec(
            select(StatementConsidered)
            .join(Statement, Statement.id == StatementConsidered.statement_id)
            .where(Statement.child_id == child_id)
        ).all()
    )
