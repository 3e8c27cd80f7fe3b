"""Reviews and visits: the rules and writes behind the staff pages, testable without a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlmodel import Session, col, select

from voice_app.models import (
    ChairRole,
    Child,
    LateReason,
    MeetingFormat,
    Participation,
    Review,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    StaffUser,
    Visit,
    VisitMethod,
    VisitPurpose,
    VisitStatus,
    utcnow,
)
from voice_app.schedule import DEFAULT_NATION, cared_for_review_due, cp_review_due, current_plan, initial_conference_due
from voice_app.security import child_for

CONFERENCE_START_STAGES = (ReviewStage.INITIAL_CONFERENCE, ReviewStage.TRANSFER_IN)


@dataclass(frozen=True)
class ReviewWithVisits:
    review: Review
    visits: list[Visit]


def reviews_for_child(db: Session, *, child_id: int) -> list[ReviewWithVisits]:
    """All of a child's reviews, newest first, each with its visits, in two queries."""
    reviews = db.exec(
        select(Review).where(Review.child_id == child_id).order_by(col(Review.scheduled_for).desc(), col(Review.id).desc())
    ).all()
    ids = [review.id for review in reviews]
    visits_by_review: dict[int, list[Visit]] = {review_id: [] for review_id in ids}
    if ids:
        for visit in db.exec(select(Visit).where(col(Visit.review_id).in_(ids)).order_by(col(Visit.id))).all():
            visits_by_review[visit.review_id].append(visit)
    return [ReviewWithVisits(review, visits_by_review[review.id]) for review in reviews]


CONFERENCE_KIND = {ReviewStage.INITIAL_CONFERENCE: "initial", ReviewStage.REVIEW_CONFERENCE: "review", ReviewStage.TRANSFER_IN: "transfer_in"}


def _held(reviews: list[Review], kind: ReviewKind, *, before: date | None = None, leave_out: Review | None = None) -> list[Review]:
    return [
        r
        for r in reviews
        if r.kind == kind and r.status == ReviewStatus.HELD and r.held_on and r is not leave_out and (before is None or r.held_on < before)
    ]


def _plan(conferences: list[Review], *, plan_since: date | None) -> list[date]:
    """The days of the current plan's conferences; none when the latest plan began before the child's current plan did."""
    plan = current_plan((r.held_on, CONFERENCE_KIND.get(r.stage, "review")) for r in conferences)
    return [] if plan and plan_since and plan[0] < plan_since else plan


def _conference_start_due(review: Review, *, nation: str) -> date | None:
    """An initial conference from its strategy discussion, a transfer-in one from the notice of transfer."""
    start = review.strategy_discussion_on if review.stage == ReviewStage.INITIAL_CONFERENCE else review.transfer_notified_on
    return initial_conference_due(strategy_discussion=start, nation=nation) if start else None


def due_for(*, child: Child, review: Review, reviews: list[Review], on: date | None = None, nation: str = DEFAULT_NATION) -> date | None:
    """The last day the law allows for this review (held `on` a day, else its own), from what was held before it in its own episode.

    None when it cannot be known: a review of an earlier period of care, a conference without its strategy discussion.
    """
    day = on or review.held_on or review.scheduled_for
    earlier = _held(reviews, review.kind, before=day, leave_out=review)
    try:
        if review.kind == ReviewKind.CARED_FOR:
            since = child.cared_for_since
            if since is None or day < since:
                return None  # a review of an earlier period of care: its start is not kept
            return cared_for_review_due(
                became_cared_for=since, reviews_held=[r.held_on for r in earlier], short_breaks=child.short_breaks, nation=nation
            )
        if review.stage in CONFERENCE_START_STAGES:
            return _conference_start_due(review, nation=nation)
        plan = current_plan((r.held_on, CONFERENCE_KIND.get(r.stage, "review")) for r in earlier)
        return cp_review_due(conferences_held=plan) if plan else None
    except (ValueError, OverflowError):
        return None  # the same day held twice, or a date at the calendar's end: no due date rather than a wrong one


def statutory_due_dates(*, child: Child, reviews: list[Review], nation: str = DEFAULT_NATION) -> dict[ReviewKind, date]:
    """When the next cared-for review and the next child protection conference are due by law, per episode."""
    due: dict[ReviewKind, date] = {}
    try:
        if child.cared_for and child.cared_for_since:
            cared_for_held = [r.held_on for r in _held(reviews, ReviewKind.CARED_FOR)]
            due[ReviewKind.CARED_FOR] = cared_for_review_due(
                became_cared_for=child.cared_for_since, reviews_held=cared_for_held, short_breaks=child.short_breaks, nation=nation
            )
        starting = [r for r in reviews if r.status == ReviewStatus.SCHEDULED and r.stage in CONFERENCE_START_STAGES]
        plan = _plan(_held(reviews, ReviewKind.CP_CONFERENCE), plan_since=child.cp_plan_since)
        if starting:
            # A new plan is being decided: the old plan's reviews are no longer due.
            dates = [d for d in (_conference_start_due(r, nation=nation) for r in starting) if d]
            if dates:
                due[ReviewKind.CP_CONFERENCE] = min(dates)
        elif plan and child.on_cp_plan and not child.cp_conference_pending:
            due[ReviewKind.CP_CONFERENCE] = cp_review_due(conferences_held=plan)
    except (ValueError, OverflowError):
        pass  # the same day held twice, or a date at the calendar's end: show nothing rather than a wrong date
    return due


def needs_initial_conference(*, child: Child, reviews: list[Review]) -> bool:
    """Whether the next conference for this child starts a plan (an enquiry under way, or no current plan to review)."""
    return child.cp_conference_pending or not _plan(_held(reviews, ReviewKind.CP_CONFERENCE), plan_since=child.cp_plan_since)


def refresh_due_dates(db: Session, *, child: Child, nation: str = DEFAULT_NATION) -> None:
    """Work out again the due date of each of the child's reviews (after a booking, a record or a change to the child)."""
    reviews = list(db.exec(select(Review).where(Review.child_id == child.id)).all())
    for review in reviews:
        due = due_for(child=child, review=review, reviews=reviews, nation=nation)
        if review.due_on != due:
            review.due_on = due
            db.add(review)
    db.commit()


def fill_missing_due_dates(db: Session, *, nation: str = DEFAULT_NATION) -> int:
    """Work out the due dates of reviews that have none yet (after upgrading), child by child; returns how many children."""
    child_ids = sorted(set(db.exec(select(Review.child_id).where(col(Review.due_on).is_(None))).all()))
    for child_id in child_ids:
        child = db.get(Child, child_id)
        if child is not None:
            refresh_due_dates(db, child=child, nation=nation)
    return len(child_ids)


def review_for(db: Session, user: StaffUser, review_id: int) -> tuple[Review, Child]:
    """A review and its child, if this user may see the child (404 otherwise)."""
    review = db.get(Review, review_id)
    if review is None:
        abort(404)
    return review, child_for(db, user, review.child_id)


def visit_for(db: Session, user: StaffUser, visit_id: int) -> tuple[Visit, Review, Child]:
    """A visit with its review and child, if this user may see the child (404 otherwise)."""
    visit = db.get(Visit, visit_id)
    if visit is None:
        abort(404)
    review, child = review_for(db, user, visit.review_id)
    return visit, review, child


def schedule_review(
    db: Session,
    *,
    child: Child,
    kind: ReviewKind,
    stage: ReviewStage,
    scheduled_for: date,
    chair: StaffUser | None,
    strategy_discussion_on: date | None = None,
    transfer_notified_on: date | None = None,
    nation: str = DEFAULT_NATION,
) -> Review:
    """Book a review or conference for a child, chaired by the child's IRO unless said otherwise, with its due date."""
    review = Review(
        child_id=child.id,
        kind=kind,
        stage=stage,
        scheduled_for=scheduled_for,
        chair_id=chair.id if chair else child.iro_id,
        strategy_discussion_on=strategy_discussion_on if stage == ReviewStage.INITIAL_CONFERENCE else None,
        transfer_notified_on=transfer_notified_on if stage == ReviewStage.TRANSFER_IN else None,
    )
    db.add(review)
    db.commit()
    refresh_due_dates(db, child=child, nation=nation)
    return review


def plan_visit(
    db: Session, *, review: Review, iro: StaffUser, planned_for: date, method: VisitMethod | None, purpose: VisitPurpose = VisitPurpose.PRE_REVIEW
) -> Visit:
    """Plan a pre-review (or mid-way) visit, or move the date of the one of that kind already planned for this review."""
    visit = db.exec(
        select(Visit).where(Visit.review_id == review.id, Visit.status == VisitStatus.PLANNED, Visit.purpose == purpose)
    ).first()
    if visit is None:
        visit = Visit(review_id=review.id, iro_id=iro.id, purpose=purpose)
    visit.planned_for = planned_for
    visit.method = method
    visit.updated_at = utcnow()
    db.add(visit)
    db.commit()
    return visit


def record_visit_done(db: Session, *, visit: Visit, held_on: date, method: VisitMethod, seen_alone: bool | None = None) -> Visit:
    """Record that the visit happened, when and how, and whether the child was seen alone (None: not recorded)."""
    visit.status = VisitStatus.DONE
    visit.held_on = held_on
    visit.method = method
    visit.seen_alone = seen_alone
    visit.declined_reason = None
    visit.updated_at = utcnow()
    db.add(visit)
    db.commit()
    return visit


def record_visit_declined(db: Session, *, visit: Visit, reason: str) -> Visit:
    """Record that the child did not want a visit, with the reason (which is required)."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A declined visit needs the reason the child gave.")
    visit.status = VisitStatus.DECLINED
    visit.declined_reason = reason
    visit.held_on = None
    visit.updated_at = utcnow()
    db.add(visit)
    db.commit()
    return visit


def record_review(
    db: Session,
    *,
    review: Review,
    status: ReviewStatus,
    held_on: date | None = None,
    format_used: MeetingFormat | None = None,
    chaired_by: ChairRole | None = None,
    participation: Participation | None = None,
    late_reason: LateReason | None = None,
    late_reason_other: str | None = None,
    child: Child | None = None,
    nation: str = DEFAULT_NATION,
    iro_attended: bool | None = None,
) -> Review:
    """Record what became of a review: held (on a day, in a format, chaired by someone, how the child took part, why late), cancelled, or not yet.

    The format and chair may already hold what the IRO agreed from the child's menu; they are only
    replaced when the review is recorded as held. A held cared-for review needs its participation code.
    """
    if status == ReviewStatus.HELD and held_on is None:
        raise ValueError("A review that was held needs the day it was held.")
    if status == ReviewStatus.HELD and review.kind == ReviewKind.CARED_FOR and participation is None:
        raise ValueError("A cared-for review that was held needs its participation code.")
    held = status == ReviewStatus.HELD
    review.status = status
    review.held_on = held_on if held else None
    if held:
        review.format_used = format_used
        review.chaired_by = chaired_by
    # Asked only when the child or a social worker chaired a cared-for review (the IRO chairs otherwise).
    others_chair = held and review.kind == ReviewKind.CARED_FOR and chaired_by in (ChairRole.CHILD, ChairRole.SOCIAL_WORKER)
    review.iro_attended = iro_attended if others_chair else None
    review.participation = participation if held else None
    review.late_reason = late_reason if held else None
    other = (late_reason_other or "").strip()
    review.late_reason_other = other if held and late_reason == LateReason.OTHER and other else None
    db.add(review)
    db.commit()
    if child is not None:
        refresh_due_dates(db, child=child, nation=nation)
    return review


def active_iros(db: Session) -> list[StaffUser]:
    """IROs who can have children allocated to them, by name."""
    from voice_app.models import Role

    return list(
        db.exec(
            select(StaffUser).where(StaffUser.role == Role.IRO, StaffUser.active == True).order_by(col(StaffUser.display_name))  # noqa: E712
        ).all()
    )
