"""The IRO's work between reviews: tracking discussions, the plan of permanence at the second review, and the
reasons a child protection plan has lasted 12 months or more; and the mid-point rule that the tracking area and the
service report both count by (here, below both)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.crypto import EncryptedText
from voice_app.models.base import UTCDateTime, utcnow
from voice_app.models.reviews import STAGES_FOR_KIND, ReviewKind, ReviewStage, ReviewStatus
from voice_app.schedule import (
    FIRST_CP_REVIEW_MONTHS,
    LATER_CP_REVIEW_MONTHS,
    LATER_REVIEW_MONTHS,
    SECOND_REVIEW_MONTHS,
    SHORT_BREAK_LATER_REVIEW_MONTHS,
    add_months,
)

NOT_YET = "not_yet"


class HeldReview(Protocol):
    """A review as the rule reads it: a `Review`, or a row of the same columns."""

    kind: ReviewKind
    stage: ReviewStage
    status: ReviewStatus
    held_on: date | None


def review_interval_months(kind: ReviewKind, stage: ReviewStage, *, short_breaks: bool = False) -> int:
    """How many months after a review of this kind and stage the next one is due by law (voice_app/schedule.py)."""
    if kind == ReviewKind.CARED_FOR:
        if short_breaks:
            return SHORT_BREAK_LATER_REVIEW_MONTHS
        return SECOND_REVIEW_MONTHS if stage == ReviewStage.INITIAL else LATER_REVIEW_MONTHS
    return FIRST_CP_REVIEW_MONTHS if stage in (ReviewStage.INITIAL_CONFERENCE, ReviewStage.TRANSFER_IN) else LATER_CP_REVIEW_MONTHS


# The longest time from a held review to the next one's due date, under any rule: a mid-point is at most half of it
# after its review.
LONGEST_REVIEW_MONTHS = max(
    review_interval_months(kind, stage, short_breaks=short_breaks)
    for kind, stages in STAGES_FOR_KIND.items()
    for stage in stages
    for short_breaks in (False, True)
)


def next_review_due_after(review: HeldReview, *, short_breaks: bool = False) -> date | None:
    """The latest day the review after this held one is due by law (None if it was not held)."""
    if review.status != ReviewStatus.HELD or review.held_on is None:
        return None
    return add_months(review.held_on, review_interval_months(review.kind, review.stage, short_breaks=short_breaks))


def mid_point_after(review: HeldReview, *, short_breaks: bool = False) -> date | None:
    """Half-way from a held review to the day the next one is due: the latest a tracking discussion or mid-way visit should happen."""
    due = next_review_due_after(review, short_breaks=short_breaks)
    if due is None:
        return None
    return review.held_on + timedelta(days=(due - review.held_on).days // 2)


def tracked_on(contacts: Sequence[date], *, held_on: date, mid_point: date) -> date | None:
    """The first contact after a review (a tracking discussion or mid-way visit; `contacts` in date order), if it came by the mid-point."""
    after = bisect_right(contacts, held_on)
    if after < len(contacts) and contacts[after] <= mid_point:
        return contacts[after]
    return None


class PermanencePlan(SQLModel, table=True):
    """Whether the child had a plan of permanence by their second cared-for review (a kind from the service's list, or "not yet")."""

    __tablename__ = "permanence_plan"

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(sa_column=sa.Column(sa.Integer, sa.ForeignKey("review.id"), unique=True, nullable=False))
    child_id: int = Field(foreign_key="child.id", index=True)
    kind: str = Field(max_length=32)
    # Why there is no plan yet (free text about the child: encrypted at rest).
    not_yet_why: str = Field(
        default="", sa_column=sa.Column(EncryptedText("permanence_plan.not_yet_why"), nullable=False, server_default="")
    )
    recorded_by_id: int = Field(foreign_key="staff_user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TrackingDiscussion(SQLModel, table=True):
    """A contact between the IRO (or conference chair) and the child's social worker to track the plan between reviews."""

    __tablename__ = "tracking_discussion"
    __table_args__ = (sa.Index("ix_tracking_discussion_child_day", "child_id", "held_on"),)

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id")
    held_on: date = Field(index=True)
    with_whom: str = Field(max_length=120)
    checked: str = Field(sa_column=sa.Column(EncryptedText("tracking_discussion.checked"), nullable=False))
    actions: str = Field(
        default="", sa_column=sa.Column(EncryptedText("tracking_discussion.actions"), nullable=False, server_default="")
    )
    recorded_by_id: int = Field(foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LongPlanReason(SQLModel, table=True):
    """Why a child protection plan has lasted 12 months or more, as the chair asked on the child's behalf."""

    __tablename__ = "long_plan_reason"

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", index=True)
    considered_on: date
    reasons: str = Field(sa_column=sa.Column(EncryptedText("long_plan_reason.reasons"), nullable=False))
    recorded_by_id: int = Field(foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StatementConsidered(SQLModel, table=True):
    """A child's statement was considered at their review, with the minutes' reference (the IRO's footprint)."""

    __tablename__ = "statement_considered"

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(sa_column=sa.Column(sa.Integer, sa.ForeignKey("statement.id"), unique=True, nullable=False))
    review_id: int = Field(foreign_key="review.id", index=True)
    minutes_reference: str = Field(max_length=120)
    recorded_by_id: int = Field(foreign_key="staff_user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
