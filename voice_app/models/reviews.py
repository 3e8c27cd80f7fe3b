"""Reviews and conferences, and the pre-review visits that come before them."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.crypto import EncryptedText
from voice_app.models.base import UTCDateTime, enum_type, utcnow
from voice_app.models.participation import LateReason, Participation, VisitPurpose


class ReviewKind(str, enum.Enum):
    CARED_FOR = "cared_for"
    CP_CONFERENCE = "cp_conference"

    @property
    def label(self) -> str:
        return {"cared_for": "Cared for review", "cp_conference": "Child protection conference"}[self.value]


class ReviewStage(str, enum.Enum):
    # Cared-for reviews
    INITIAL = "initial"
    SECOND = "second"
    SUBSEQUENT = "subsequent"
    # Child protection conferences
    INITIAL_CONFERENCE = "initial_conference"
    REVIEW_CONFERENCE = "review_conference"
    TRANSFER_IN = "transfer_in"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS = {
    ReviewStage.INITIAL: "Initial",
    ReviewStage.SECOND: "Second",
    ReviewStage.SUBSEQUENT: "Subsequent",
    ReviewStage.INITIAL_CONFERENCE: "Initial conference",
    ReviewStage.REVIEW_CONFERENCE: "Review conference",
    ReviewStage.TRANSFER_IN: "Transfer-in conference",
}

STAGES_FOR_KIND = {
    ReviewKind.CARED_FOR: (ReviewStage.INITIAL, ReviewStage.SECOND, ReviewStage.SUBSEQUENT),
    ReviewKind.CP_CONFERENCE: (
        ReviewStage.INITIAL_CONFERENCE,
        ReviewStage.REVIEW_CONFERENCE,
        ReviewStage.TRANSFER_IN,
    ),
}


class ReviewStatus(str, enum.Enum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class MeetingFormat(str, enum.Enum):
    FACE_TO_FACE = "face_to_face"
    VIRTUAL = "virtual"
    HYBRID = "hybrid"

    @property
    def label(self) -> str:
        return {"face_to_face": "Face to face", "virtual": "Virtual (video call)", "hybrid": "Hybrid"}[self.value]


class ChairRole(str, enum.Enum):
    IRO = "iro"
    CHILD = "child"
    CHILD_AND_IRO = "child_and_iro"
    SOCIAL_WORKER = "social_worker"

    @property
    def label(self) -> str:
        return {
            "iro": "The IRO",
            "child": "The child",
            "child_and_iro": "The child and the IRO together",
            "social_worker": "The social worker",
        }[self.value]


class Review(SQLModel, table=True):
    """A cared-for review or a child protection conference for one child."""

    __tablename__ = "review"
    __table_args__ = (
        sa.Index("ix_review_child_date", "child_id", "scheduled_for"),
        # The service report counts reviews held in a period, by kind, format and chair.
        sa.Index("ix_review_report", "held_on", "status", "kind", "format_used", "chaired_by"),
        # ... and by kind, stage, participation code, timeliness and late reason.
        sa.Index("ix_review_timeliness", "held_on", "status", "kind", "stage", "participation", "due_on", "late_reason"),
        # ... and, with their ids, which reviews held had a statement begun by the day (participation).
        sa.Index("ix_review_held", "held_on", "status", "kind", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id")
    kind: ReviewKind = Field(sa_type=enum_type(ReviewKind))
    stage: ReviewStage = Field(sa_type=enum_type(ReviewStage))
    scheduled_for: date
    held_on: date | None = None
    status: ReviewStatus = Field(default=ReviewStatus.SCHEDULED, sa_type=enum_type(ReviewStatus))
    chair_id: int | None = Field(default=None, foreign_key="staff_user.id", index=True)
    # What actually happened, so the service can count children who chose and chaired.
    format_used: MeetingFormat | None = Field(default=None, sa_type=enum_type(MeetingFormat))
    chaired_by: ChairRole | None = Field(default=None, sa_type=enum_type(ChairRole))
    # When the child or a social worker chaired a cared-for review: whether the IRO was there (None: not asked or not recorded).
    iro_attended: bool | None = None
    # How the child took part (a PN code for a cared-for review; the same words for a conference).
    # Reviews recorded before this was asked have none: they show "not recorded", never a guess.
    participation: Participation | None = Field(default=None, sa_type=enum_type(Participation))
    # The last day allowed by law (schedule.py), worked out per episode when booked and when recorded.
    due_on: date | None = None
    late_reason: LateReason | None = Field(default=None, sa_type=enum_type(LateReason))
    late_reason_other: str | None = Field(default=None, max_length=500)
    # An initial conference is due 15 working days after the strategy discussion; a transfer-in
    # conference 15 working days after the service was told of the transfer.
    strategy_discussion_on: date | None = None
    transfer_notified_on: date | None = None
    # A young person's conference (a child protection conference shaped by and with a teenager: the
    # service sets who qualifies, voice_app/staff/young_person.py): their own conversation and menu before it.
    young_persons: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false()))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def meeting_words(self) -> str:
        """What staff pages and exports call this meeting: its kind, and whether it is a young person's conference."""
        return f"{self.kind.label} (young person's conference)" if self.young_persons else self.kind.label


# Parents' feedback (results page and service report) dates a conference by the day it was held, else
# the day it was set for: an index on that very expression lets a month of conferences be found directly.
sa.Index("ix_review_conference_day", Review.__table__.c.kind, sa.func.coalesce(Review.__table__.c.held_on, Review.__table__.c.scheduled_for))


class VisitStatus(str, enum.Enum):
    PLANNED = "planned"
    DONE = "done"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {"planned": "Planned", "done": "Done", "declined": "Declined"}[self.value]


class VisitMethod(str, enum.Enum):
    FACE_TO_FACE = "face_to_face"
    VIDEO_CALL = "video_call"
    PHONE = "phone"

    @property
    def label(self) -> str:
        return {"face_to_face": "Face to face", "video_call": "Video call", "phone": "Phone"}[self.value]


class Visit(SQLModel, table=True):
    """A pre-review visit ("pre-cared-for visit") by an IRO before one review, or a mid-way visit leading up to it."""

    __tablename__ = "visit"
    __table_args__ = (
        # The service report counts visits held in a period, by method,
        sa.Index("ix_visit_report", "held_on", "status", "method", "review_id"),
        # and visits declined, by the day they were planned for.
        sa.Index("ix_visit_declined", "status", "planned_for"),
        # and visits held by purpose (pre-review or mid-way), method and whether the child was seen alone.
        sa.Index("ix_visit_checks", "held_on", "status", "purpose", "method", "review_id", "seen_alone"),
    )

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    iro_id: int = Field(foreign_key="staff_user.id", index=True)
    status: VisitStatus = Field(default=VisitStatus.PLANNED, sa_type=enum_type(VisitStatus))
    planned_for: date | None = None
    held_on: date | None = None
    method: VisitMethod | None = Field(default=None, sa_type=enum_type(VisitMethod))
    declined_reason: str | None = Field(default=None, sa_column=sa.Column(EncryptedText("visit.declined_reason"), nullable=True))
    # A mid-way visit between reviews hangs on the review it leads up to, like a pre-review visit.
    purpose: VisitPurpose = Field(
        default=VisitPurpose.PRE_REVIEW,
        sa_column=sa.Column(enum_type(VisitPurpose), nullable=False, server_default=VisitPurpose.PRE_REVIEW.value),
    )
    # Whether the IRO saw the child on their own (None: not recorded).
    seen_alone: bool | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
