"""What a child tells us at a visit: the statement, its answers, and what the IRO does with it."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.crypto import EncryptedBytes, EncryptedText
from voice_app.models.base import UTCDateTime, enum_type, utcnow


class FlowVersion(str, enum.Enum):
    YOUNGER = "younger"
    OLDER = "older"
    MAT = "mat"  # sorting mats (voice_app/questions/mats.toml) in place of the views questions


class StatementEnd(str, enum.Enum):
    FINISHED = "finished"
    STOPPED = "stopped"


class Sharing(str, enum.Enum):
    MEETING = "meeting"  # "my review meeting"
    IRO_ONLY = "iro_only"  # "only my IRO"


class GivenVia(str, enum.Enum):
    """Where a statement was given: the service figures count statements by it."""

    IRO_TABLET = "iro_tablet"  # handed over on the IRO's tablet at a visit (every statement before this existed)
    OWN_PHONE = "own_phone"  # on the child's own phone, between meetings
    PRACTITIONER = "practitioner"  # on the device of a practitioner gathering views for a conference


class Statement(SQLModel, table=True):
    """One child's views (and Child's Menu) given at one pre-review visit."""

    __tablename__ = "statement"
    # The service report finds completed statements by when they ended, and counts them by every column it groups
    # them by from this index alone (reports/queries.py, phone.py, access_ways.py).
    __table_args__ = (
        sa.Index(
            "ix_statement_report",
            "ended_at", "end_reason", "id", "version", "scribed", "language", "sharing", "given_via", "access_modes",
        ),
        # ... and whether a review had a statement begun before it, visit by visit.
        sa.Index("ix_statement_visit_started", "visit_id", "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", index=True)
    visit_id: int = Field(foreign_key="visit.id", index=True)
    version: FlowVersion = Field(default=FlowVersion.YOUNGER, sa_type=enum_type(FlowVersion))
    # Which parts were offered: "views", "menu" or "views,menu", with "after" first when the child is asked
    # how their last meeting went (about_review_id names that held review).
    parts: str = Field(default="views,menu", max_length=32)
    about_review_id: int | None = Field(default=None, foreign_key="review.id")
    language: str = Field(default="en-GB", max_length=16)
    scribed: bool = False
    scribe_id: int | None = Field(default=None, foreign_key="staff_user.id")
    given_via: GivenVia = Field(
        default=GivenVia.IRO_TABLET,
        sa_column=sa.Column(enum_type(GivenVia), nullable=False, server_default=GivenVia.IRO_TABLET.value),
    )
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # How the child answered (voice_app/questions/access.py modes, comma-separated, in the order first used), kept on
    # the statement itself: hand-over rows are disposed of after a while, the statement and its figures are not.
    access_modes: str | None = Field(default=None, sa_column=sa.Column(sa.String(40), nullable=True))
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    end_reason: StatementEnd | None = Field(default=None, sa_type=enum_type(StatementEnd))
    sharing: Sharing | None = Field(default=None, sa_type=enum_type(Sharing))
    # The IRO's own notes: always shown apart from the child's words.
    iro_notes: str = Field(default="", sa_column=sa.Column(EncryptedText("statement.iro_notes"), nullable=False, server_default=""))
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    # An "only my IRO" statement goes into meeting exports only once the IRO confirms it.
    meeting_release_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    meeting_release_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Answer(SQLModel, table=True):
    """The child's answer to one question (or menu item) of a statement; one row per question."""

    __tablename__ = "answer"
    __table_args__ = (
        sa.UniqueConstraint("statement_id", "question_id", name="uq_answer_question"),
        # Covers the service report's counts of answers per question, statement by statement.
        sa.Index("ix_answer_report", "statement_id", "question_id", "skipped", "scale", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", index=True)
    question_id: str = Field(max_length=64)
    scale: int | None = None
    # The child's own words, stored exactly as typed.
    text: str | None = Field(default=None, sa_column=sa.Column(EncryptedText("answer.text"), nullable=True))
    skipped: bool = False
    scribed: bool = False
    answered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AnswerChoice(SQLModel, table=True):
    """One chosen card of an answer (several for "tick all that fit" questions)."""

    __tablename__ = "answer_choice"
    __table_args__ = (sa.Index("ix_answer_choice_report", "answer_id", "choice_id", "position"),)

    answer_id: int = Field(foreign_key="answer.id", primary_key=True, ondelete="CASCADE")
    choice_id: str = Field(max_length=64, primary_key=True)
    # Which group of the question it belongs to, e.g. "wanted" / "not_wanted" for who attends.
    position: int = 0


class AnswerReceipt(SQLModel, table=True):
    """One answer as the tablet sent it, by the id the tablet made for it: a repeat (a resend after a
    lost response, a replay from the offline queue) is acknowledged and never written twice."""

    __tablename__ = "answer_receipt"
    __table_args__ = (sa.UniqueConstraint("statement_id", "client_id", name="uq_answer_receipt_client"),)

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id")
    client_id: str = Field(max_length=64)
    question_id: str = Field(max_length=64)
    # When the child tapped, as the tablet's clock says (for answers sent later from the queue).
    given_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DecisionOutcome(str, enum.Enum):
    AGREED = "agreed"
    NOT_POSSIBLE = "not_possible"


class MenuDecision(SQLModel, table=True):
    """The IRO's answer to one Child's Menu choice: agreed, or not possible with a reason."""

    __tablename__ = "menu_decision"
    __table_args__ = (
        sa.UniqueConstraint("statement_id", "item_id", name="uq_menu_decision_item"),
        sa.Index("ix_menu_decision_report", "statement_id", "item_id", "outcome"),  # the service report's count, from the index alone
    )

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", index=True)
    item_id: str = Field(max_length=64)
    outcome: DecisionOutcome = Field(sa_type=enum_type(DecisionOutcome))
    reason_for_child: str = Field(default="", sa_column=sa.Column(EncryptedText("menu_decision.reason_for_child"), nullable=False, server_default=""))
    decided_by_id: int = Field(foreign_key="staff_user.id")
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChildResponse(SQLModel, table=True):
    """"You said, we did": the IRO's answer to one thing the child raised, in words for a child."""

    __tablename__ = "child_response"
    __table_args__ = (
        sa.UniqueConstraint("statement_id", "question_id", name="uq_response_question"),
        sa.Index("ix_child_response_created", "created_at"),  # the service report's "you said, we did"
    )

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", index=True)
    question_id: str = Field(max_length=64)
    we_did: str = Field(sa_column=sa.Column(EncryptedText("child_response.we_did"), nullable=False))
    written_by_id: int = Field(foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    shown_to_child_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Handover(SQLModel, table=True):
    """Child mode: a short-lived capability bound to one statement, not a login."""

    __tablename__ = "handover"

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", index=True)
    token_hash: str = Field(sa_column=sa.Column(sa.String(64), unique=True, nullable=False))
    created_by_id: int = Field(foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Wrong hand-back tries, counted here and not in the cookie, so putting an old cookie back resets nothing.
    handback_failures: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))
    last_handback_failure_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # How the child answers (voice_app/questions/access.py, as JSON): None is touch with nothing changed.
    access: str | None = Field(default=None, sa_column=sa.Column(sa.String(400), nullable=True))


class AttentionAction(SQLModel, table=True):
    """What the IRO did about one answer that needed attention (kept with the statement; never shown to the child)."""

    __tablename__ = "attention_action"
    __table_args__ = (sa.UniqueConstraint("statement_id", "question_id", name="uq_attention_action_question"),)

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", index=True)
    question_id: str = Field(max_length=64)
    action: str = Field(sa_column=sa.Column(EncryptedText("attention_action.action"), nullable=False))
    recorded_by_id: int = Field(foreign_key="staff_user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Observation(SQLModel, table=True):
    """What the IRO saw a child say without words (issue 29), against one of the conversation's topics.

    For a child who communicates through behaviour, or is very young: what they did, where, who they were with, how
    sure the IRO is of what it meant, and who helped interpret it. The texts are encrypted like the child's words.
    """

    __tablename__ = "observation"

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", index=True)
    # A views question's id (the same topics as the conversation), or "general" for anything else.
    topic: str = Field(max_length=64)
    what: str = Field(sa_column=sa.Column(EncryptedText("observation.what"), nullable=False))
    place: str = Field(default="", sa_column=sa.Column(EncryptedText("observation.place"), nullable=False, server_default=""))
    with_whom: str = Field(default="", sa_column=sa.Column(EncryptedText("observation.with_whom"), nullable=False, server_default=""))
    # "sure", "fairly" or "unsure" (voice_app/statements/observations.py).
    certainty: str = Field(max_length=8)
    # Who helped interpret, as codes ("parent,teacher"; empty: nobody), and their names or roles if given.
    helpers: str = Field(default="", max_length=80)
    helper_names: str = Field(default="", sa_column=sa.Column(EncryptedText("observation.helper_names"), nullable=False, server_default=""))
    recorded_by_id: int = Field(foreign_key="staff_user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MatPhoto(SQLModel, table=True):
    """One of the child's own photos, added by the IRO at hand-over as an option card on one sorting mat of one
    statement (its placement is an answer to "mat.<mat>.photo-<number>"). The photo (re-encoded, no metadata:
    voice_app/photos.py) and its label are encrypted; retention deletes the row with the child's record."""

    __tablename__ = "mat_photo"
    __table_args__ = (sa.UniqueConstraint("statement_id", "mat_id", "number", name="uq_mat_photo_number"),)

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", index=True)
    child_id: int = Field(foreign_key="child.id", index=True)
    mat_id: str = Field(max_length=32)
    number: int  # 1 to 4 on its mat, in the order the IRO added them
    label: str = Field(sa_column=sa.Column(EncryptedText("mat_photo.label"), nullable=False))
    photo: bytes = Field(sa_column=sa.Column(EncryptedBytes("mat_photo.photo"), nullable=False))
    added_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
