"""Practitioners invited to gather one child's views for one child protection conference."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.models.base import UTCDateTime, enum_type, utcnow


class Profession(str, enum.Enum):
    SOCIAL_WORKER = "social_worker"
    SCHOOL = "school"
    HEALTH = "health"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"social_worker": "Social worker", "school": "School", "health": "Health", "other": "Another professional"}[self.value]


class PractitionerInvitation(SQLModel, table=True):
    """One practitioner asked to gather one child's views before one upcoming conference.

    Access lasts while the invitation is not withdrawn and the conference is still booked (not held, not
    cancelled, as the review record says); the link in the email is single-use and expires sooner.
    """

    __tablename__ = "practitioner_invitation"

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    child_id: int = Field(foreign_key="child.id", index=True)
    practitioner_id: int = Field(foreign_key="staff_user.id", index=True)
    profession: Profession = Field(sa_type=enum_type(Profession))
    organisation: str = Field(default="", max_length=120)
    invited_by_id: int = Field(foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The email's link: only its SHA-256 is kept; None when the person already had a password (the email says sign in).
    token_hash: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), unique=True, nullable=True))
    token_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    token_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    # The practitioner's visit under the conference, made at their first hand-over: the statement hangs on it.
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
