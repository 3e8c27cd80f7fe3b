"""The IRO's work between reviews: tracking discussions, the plan of permanence at the second review, and the
reasons a child protection plan has lasted 12 months or more."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.crypto import EncryptedText
from voice_app.models.base import UTCDateTime, utcnow

NOT_YET = "not_yet"


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
