"""Feedback links for meetings (conferences and cared-for reviews): making, checking and revoking them, and who may manage them."""

from __future__ import annotations

import enum
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import abort
from sqlalchemy import func
from sqlmodel import Session, col, select

from voice_app.models import (
    Child,
    FeedbackLink,
    ParentResponse,
    RespondentKind,
    Review,
    ReviewKind,
    ReviewStatus,
    Role,
    StaffUser,
    utcnow,
)

DEFAULT_MAX_RESPONSES = 2
MAX_RESPONSES_LIMIT = 20
TOKEN_BYTES = 32  # 256 bits from the OS's random source; the issue asks for at least 128
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class LinkState(str, enum.Enum):
    OPEN = "open"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED_UP = "used_up"

    @property
    def label(self) -> str:
        return {"open": "Open", "expired": "Expired", "revoked": "Revoked", "used_up": "All answers received"}[self.value]


def new_token() -> str:
    """An unguessable link token: 32 random bytes, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def link_state(link: FeedbackLink, *, responses: int, now: datetime) -> LinkState:
    """Whether a link still takes answers; revoked wins over expired, which wins over used up."""
    if link.revoked_at is not None:
        return LinkState.REVOKED
    if now >= link.expires_at:
        return LinkState.EXPIRED
    if responses >= link.max_responses:
        return LinkState.USED_UP
    return LinkState.OPEN


def create_link(
    db: Session,
    *,
    review: Review,
    created_by: StaffUser,
    days: int,
    max_responses: int = DEFAULT_MAX_RESPONSES,
    respondent_kind: RespondentKind = RespondentKind.PARENT,
    now: datetime | None = None,
) -> FeedbackLink:
    """A new link for one kind of respondent at a meeting (parents and family, carers or professionals), open for `days` days and `max_responses` answers."""
    if review.kind not in (ReviewKind.CP_CONFERENCE, ReviewKind.CARED_FOR):
        raise ValueError("Feedback links are for conferences and cared-for reviews.")
    if not 1 <= max_responses <= MAX_RESPONSES_LIMIT:
        raise ValueError(f"A link takes between 1 and {MAX_RESPONSES_LIMIT} answers.")
    now = now or utcnow()
    link = FeedbackLink(
        review_id=review.id,
        token=new_token(),
        created_by_id=created_by.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
        max_responses=max_responses,
        respondent_kind=RespondentKind(respondent_kind),
    )
    db.add(link)
    db.commit()
    return link


def revoke_link(db: Session, *, link: FeedbackLink, now: datetime | None = None) -> FeedbackLink:
    """Close a link at once; answers already sent are kept."""
    if link.revoked_at is None:
        link.revoked_at = now or utcnow()
        db.add(link)
        db.commit()
    return link


def link_by_token(db: Session, token: str) -> FeedbackLink | None:
    """The link with this token, or None (without asking the database about junk)."""
    if not _TOKEN_SHAPE.match(token or ""):
        return None
    return db.exec(select(FeedbackLink).where(FeedbackLink.token == token)).first()


def responses_for_link(db: Session, link_id: int) -> int:
    """How many answers a link has taken."""
    return db.exec(select(func.count()).select_from(ParentResponse).where(ParentResponse.link_id == link_id)).one()


@dataclass(frozen=True)
class LinkRow:
    link: FeedbackLink
    responses: int
    state: LinkState


def links_for_conference(db: Session, *, review_id: int, now: datetime) -> list[LinkRow]:
    """A conference's links, newest first, each with its answer count and state (two queries)."""
    links = db.exec(select(FeedbackLink).where(FeedbackLink.review_id == review_id).order_by(col(FeedbackLink.id).desc())).all()
    counts = _counts(db, ParentResponse.link_id, [link.id for link in links])
    return [LinkRow(link, counts.get(link.id, 0), link_state(link, responses=counts.get(link.id, 0), now=now)) for link in links]


def _counts(db: Session, column, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.exec(select(column, func.count()).where(col(column).in_(ids)).group_by(column)).all()
    return {key: count for key, count in rows}


def may_manage(user: StaffUser, *, review: Review, child: Child) -> bool:
    """Managers, the conference's chair and the child's IRO may manage its feedback."""
    if user.role == Role.MANAGER:
        return True
    return user.role == Role.IRO and user.id in {review.chair_id, child.iro_id}


def conference_for(db: Session, user: StaffUser, review_id: int) -> tuple[Review, Child]:
    """A meeting (conference or cared-for review) this user may manage feedback for; 404 otherwise, so nothing leaks."""
    review = db.get(Review, review_id)
    if review is None:
        abort(404)
    child = db.get(Child, review.child_id)
    if child is None or not child.active or not may_manage(user, review=review, child=child):
        abort(404)
    return review, child


def link_for(db: Session, user: StaffUser, link_id: int) -> tuple[FeedbackLink, Review, Child]:
    """A link with its conference and child, if this user may manage them (404 otherwise)."""
    link = db.get(FeedbackLink, link_id)
    if link is None:
        abort(404)
    review, child = conference_for(db, user, link.review_id)
    return link, review, child


def conference_date(review: Review) -> date:
    """When a conference happened (or is booked): the day it was held, else the day it was booked for."""
    return review.held_on or review.scheduled_for


@dataclass(frozen=True)
class ConferenceRow:
    review: Review
    child: Child
    chair: StaffUser | None
    responses: int
    open_links: int


def recent_conferences(db: Session, *, user: StaffUser, today: date, days_back: int, days_ahead: int = 14) -> list[ConferenceRow]:
    """Meetings (conferences and cared-for reviews) from `days_back` days ago to `days_ahead` days ahead that this user may manage, with feedback so far."""
    query = (
        select(Review, Child)
        .join(Child, Child.id == Review.child_id)
        .where(
            Review.status != ReviewStatus.CANCELLED,
            Child.active == True,  # noqa: E712
            func.coalesce(Review.held_on, Review.scheduled_for) >= today - timedelta(days=days_back),
            func.coalesce(Review.held_on, Review.scheduled_for) <= today + timedelta(days=days_ahead),
        )
    )
    if user.role != Role.MANAGER:
        query = query.where((Review.chair_id == user.id) | (Child.iro_id == user.id))
    pairs = db.exec(query).all()
    ids = [review.id for review, _child in pairs]
    responses = _counts(db, ParentResponse.review_id, ids)
    now = utcnow()
    open_links: dict[int, int] = {}
    if ids:
        links = db.exec(select(FeedbackLink).where(col(FeedbackLink.review_id).in_(ids))).all()
        link_counts = _counts(db, ParentResponse.link_id, [link.id for link in links])
        for link in links:
            if link_state(link, responses=link_counts.get(link.id, 0), now=now) == LinkState.OPEN:
                open_links[link.review_id] = open_links.get(link.review_id, 0) + 1
    chairs = (
        {
            user.id: user
            for user in db.exec(
                select(StaffUser).where(col(StaffUser.id).in_({r.chair_id for r, _c in pairs if r.chair_id}))
            ).all()
        }
        if pairs
        else {}
    )
    rows = [
        ConferenceRow(review, child, chairs.get(review.chair_id), responses.get(review.id, 0), open_links.get(review.id, 0))
        for review, child in pairs
    ]
    return sorted(rows, key=lambda row: (conference_date(row.review), row.review.id), reverse=True)
