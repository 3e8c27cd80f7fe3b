"""Reviews and visits: the rules and writes behind the staff pages, testable without a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlmodel import Session, col, select

from voice_app.models import (
    ChairRole,
    Child,
    MeetingFormat,
    Review,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    StaffUser,
    Visit,
    VisitMethod,
    VisitStatus,
    utcnow,
)
from voice_app.schedule import cared_for_review_due, cp_review_due
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


def statutory_due_dates(*, child: Child, reviews: list[Review]) -> dict[ReviewKind, date]:
    """When the next cared-for review and the next child protection review are due by law."""
    due: dict[ReviewKind, date] = {}
    held = [r for r in reviews if r.status == ReviewStatus.HELD and r.held_on]
    if child.cared_for and child.cared_for_since:
        cared_for_held = [r.held_on for r in held if r.kind == ReviewKind.CARED_FOR and r.held_on >= child.cared_for_since]
        try:
            due[ReviewKind.CARED_FOR] = cared_for_review_due(became_cared_for=child.cared_for_since, reviews_held=cared_for_held)
        except ValueError:
            pass  # dates outside the bank-holiday table: show nothing rather than a wrong date
    if child.on_cp_plan:
        conferences = [r.held_on for r in held if r.kind == ReviewKind.CP_CONFERENCE]
        if conferences:
            try:
                due[ReviewKind.CP_CONFERENCE] = cp_review_due(conferences_held=conferences)
            except ValueError:
                pass
    return due


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


def schedule_review(db: Session, *, child: Child, kind: ReviewKind, stage: ReviewStage, scheduled_for: date, chair: StaffUser | None) -> Review:
    """Book a review or conference for a child, chaired by the child's IRO unless said otherwise."""
    review = Review(
        child_id=child.id,
        kind=kind,
        stage=stage,
        scheduled_for=scheduled_for,
        chair_id=chair.id if chair else child.iro_id,
    )
    db.add(review)
    db.commit()
    return review


def plan_visit(db: Session, *, review: Review, iro: StaffUser, planned_for: date, method: VisitMethod | None) -> Visit:
    """Plan a pre-review visit, or move the date of the one already planned for this review."""
    visit = db.exec(
        select(Visit).where(Visit.review_id == review.id, Visit.status == VisitStatus.PLANNED)
    ).first()
    if visit is None:
        visit = Visit(review_id=review.id, iro_id=iro.id)
    visit.planned_for = planned_for
    visit.method = method
    visit.updated_at = utcnow()
    db.add(visit)
    db.commit()
    return visit


def record_visit_done(db: Session, *, visit: Visit, held_on: date, method: VisitMethod) -> Visit:
    """Record that the visit happened, when and how."""
    visit.status = VisitStatus.DONE
    visit.held_on = held_on
    visit.method = method
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
) -> Review:
    """Record what became of a review: held (on a day, in a format, chaired by someone), cancelled, or not yet.

    The format and chair may already hold what the IRO agreed from the child's menu; they are only
    replaced when the review is recorded as held.
    """
    if status == ReviewStatus.HELD and held_on is None:
        raise ValueError("A review that was held needs the day it was held.")
    review.status = status
    review.held_on = held_on if status == ReviewStatus.HELD else None
    if status == ReviewStatus.HELD:
        review.format_used = format_used
        review.chaired_by = chaired_by
    db.add(review)
    db.commit()
    return review


def active_iros(db: Session) -> list[StaffUser]:
    """IROs who can have children allocated to them, by name."""
    from voice_app.models import Role

    return list(
        db.exec(
            select(StaffUser).where(StaffUser.role == Role.IRO, StaffUser.active == True).order_by(col(StaffUser.display_name))  # noqa: E712
        ).all()
    )
