"""Getting ready for the next meeting on the child's own phone: the tablet's conversation, in child mode, on the phone.

The statement hangs on a visit of its own under the child's next review (purpose "own_phone"), as a
practitioner's does under a conference, so the IRO finds it beside the pre-review visit. The phone's
hand-over is made in the IRO's name (they read it, and the child sees their first name) but nobody hands
anything back: the phone's own credential and secret protect it (see child/routes.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from voice_app.child.handover import HandoverOptions, available_languages, start_handover, statement_for_visit, suggested_version
from voice_app.models import (
    AuditEvent,
    Child,
    GivenVia,
    Handover,
    PhoneDevice,
    Review,
    ReviewKind,
    ReviewStatus,
    StaffUser,
    Statement,
    Visit,
    VisitPurpose,
    VisitStatus,
    utcnow,
)


@dataclass(frozen=True)
class NextMeeting:
    """The child's next booked review or conference, and whoever will read the child's views for it."""

    review: Review
    reader: StaffUser


def next_meeting(db: Session, *, child: Child, today: date) -> NextMeeting | None:
    """The next meeting booked in the child record (today or later, not held or cancelled), if someone will read it."""
    if not child.active:
        return None
    review = db.exec(
        select(Review)
        .where(Review.child_id == child.id, Review.status == ReviewStatus.SCHEDULED, col(Review.held_on).is_(None), col(Review.scheduled_for) >= today)
        .order_by(col(Review.scheduled_for), col(Review.id))
    ).first()
    if review is None:
        return None
    # The child's IRO reads it; for a conference with no allocated IRO, its chair.
    reader_id = child.iro_id or review.chair_id
    reader = db.get(StaffUser, reader_id) if reader_id else None
    if reader is None or not reader.active:
        return None
    return NextMeeting(review, reader)


def phone_visit(db: Session, *, meeting: NextMeeting, today: date) -> Visit:
    """The review's own-phone visit (made the first time the child gets ready for it): the statement hangs on it. Commits."""
    # Take the review's row lock first, so a double tap waits here and then finds the new visit.
    db.execute(update(Review).where(col(Review.id) == meeting.review.id).values(child_id=Review.child_id))
    found = db.exec(
        select(Visit).where(Visit.review_id == meeting.review.id, Visit.purpose == VisitPurpose.OWN_PHONE).order_by(col(Visit.id))
    ).first()
    if found is not None:
        db.commit()
        return found
    visit = Visit(
        review_id=meeting.review.id,
        iro_id=meeting.reader.id,
        status=VisitStatus.DONE,
        held_on=today,
        planned_for=today,
        purpose=VisitPurpose.OWN_PHONE,
    )
    db.add(visit)
    db.commit()
    return visit


def _options(db: Session, *, child: Child, review: Review, existing: Statement | None, today: date) -> HandoverOptions:
    if existing is not None:
        # Resuming: the language the child chose on the first screen, and the same questions.
        return HandoverOptions(version=existing.version, language=existing.language, parts=existing.parts, scribing=False)
    codes = {lang.code for lang in available_languages()}
    return HandoverOptions(
        version=suggested_version(child, today=today),
        language=child.preferred_language if child.preferred_language in codes else "en-GB",
        parts="views,menu" if review.kind == ReviewKind.CARED_FOR else "views",
        scribing=False,
    )


def start_on_phone(
    db: Session, *, device: PhoneDevice, child: Child, meeting: NextMeeting, minutes: int, today: date, now: datetime | None = None
) -> tuple[Handover, str]:
    """Start, or resume, the child's statement for their next meeting in child mode on this phone. Commits."""
    now = now or utcnow()
    visit = phone_visit(db, meeting=meeting, today=today)
    existing = statement_for_visit(db, visit_id=visit.id)
    options = _options(db, child=child, review=meeting.review, existing=existing, today=today)
    handover, token = start_handover(db, visit=visit, child=child, user=meeting.reader, options=options, minutes=minutes, now=now)
    db.execute(update(Statement).where(col(Statement.id) == handover.statement_id).values(given_via=GivenVia.OWN_PHONE))
    db.add(
        AuditEvent(
            staff_id=None,
            action="phone.conversation",
            child_id=child.id,
            statement_id=handover.statement_id,
            detail=f"device={device.id};review={meeting.review.id};{'resumed' if existing else 'started'}",
        )
    )
    db.commit()
    return handover, token


def end_phone_handover(db: Session, *, handover_id: object) -> None:
    """The child left the conversation for the phone's own pages (or the quick exit): its child mode ends. Commits."""
    if not isinstance(handover_id, int):
        return
    statement_ids = select(Statement.id).join(Visit, col(Visit.id) == col(Statement.visit_id)).where(Visit.purpose == VisitPurpose.OWN_PHONE)
    db.execute(
        update(Handover)
        .where(col(Handover.id) == handover_id, col(Handover.ended_at).is_(None), col(Handover.statement_id).in_(statement_ids))
        .values(ended_at=utcnow())
    )
    db.commit()


# ----- what the IRO sees ------------------------------------------------------------------------


def phone_statements(db: Session, *, child_id: int, limit: int = 10) -> list[tuple[Statement, Review]]:
    """The child's views given on their own phone, with the meeting each was for, newest first (the child page)."""
    rows = db.exec(
        select(Statement, Review)
        .join(Visit, col(Visit.id) == col(Statement.visit_id))
        .join(Review, col(Review.id) == col(Visit.review_id))
        .where(Statement.child_id == child_id, Visit.purpose == VisitPurpose.OWN_PHONE)
        .order_by(col(Statement.id).desc())
        .limit(limit)
    ).all()
    return [(statement, review) for statement, review in rows]


def new_phone_views(db: Session, *, child_ids: list[int]) -> dict[int, int]:
    """Per child, views the child finished on their phone that nobody has marked as reviewed yet (the caseload)."""
    if not child_ids:
        return {}
    rows = db.exec(
        select(Statement.child_id, func.count())
        .join(Visit, col(Visit.id) == col(Statement.visit_id))
        .where(col(Statement.child_id).in_(child_ids), Visit.purpose == VisitPurpose.OWN_PHONE, col(Statement.ended_at).is_not(None), col(Statement.reviewed_at).is_(None))
        .group_by(Statement.child_id)
    ).all()
    return {child_id: int(count) for child_id, count in rows}
