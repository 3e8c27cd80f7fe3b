"""Parents' feedback on child protection conferences."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.crypto import EncryptedText
from voice_app.models.base import UTCDateTime, enum_type, utcnow


class ResponseSource(str, enum.Enum):
    ONLINE = "online"
    PAPER = "paper"


class RespondentKind(str, enum.Enum):
    """Who a feedback link is for, and who gave a response: one questionnaire, three audiences."""

    PARENT = "parent"  # parents and family
    CARER = "carer"  # foster carers, residential staff, kinship carers
    PROFESSIONAL = "professional"  # anyone there for an agency: no name, an agency and a role

    @property
    def label(self) -> str:
        return {"parent": "Parents and family", "carer": "Carers", "professional": "Professionals"}[self.value]


class Agency(str, enum.Enum):
    """The agency a professional answers for (a fixed list, so results can be split without free text)."""

    SOCIAL_CARE = "social_care"
    HEALTH = "health"
    EDUCATION = "education"
    POLICE = "police"
    PROBATION = "probation"
    HOUSING = "housing"
    VOLUNTARY = "voluntary"
    OTHER = "other"

    @property
    def label(self) -> str:
        return AGENCY_LABELS[self.value]


AGENCY_LABELS = {
    "social_care": "Children's social care",
    "health": "Health",
    "education": "School or education",
    "police": "Police",
    "probation": "Probation or youth justice",
    "housing": "Housing",
    "voluntary": "Voluntary or community organisation",
    "other": "Another agency",
}


class FeedbackLink(SQLModel, table=True):
    """An unguessable link for one meeting's parents and family, carers or professionals to give feedback."""

    __tablename__ = "feedback_link"

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    token: str = Field(sa_column=sa.Column(sa.String(64), unique=True, nullable=False))
    created_by_id: int = Field(foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    max_responses: int = 2
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    respondent_kind: RespondentKind = Field(
        default=RespondentKind.PARENT,
        sa_column=sa.Column(enum_type(RespondentKind), nullable=False, server_default=RespondentKind.PARENT.value),
    )


class ParentResponse(SQLModel, table=True):
    """One person's answers about one meeting (a parent's, a carer's or a professional's), given online or copied from paper."""

    __tablename__ = "parent_response"

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    link_id: int | None = Field(default=None, foreign_key="feedback_link.id", index=True)
    source: ResponseSource = Field(default=ResponseSource.ONLINE, sa_type=enum_type(ResponseSource))
    # Answers: strongly_agree / agree / disagree / strongly_disagree (q4 also not_applicable).
    q1: str | None = Field(default=None, max_length=32)
    q2: str | None = Field(default=None, max_length=32)
    q3: str | None = Field(default=None, max_length=32)
    q4: str | None = Field(default=None, max_length=32)
    q5: str | None = Field(default=None, max_length=32)
    comment: str | None = Field(default=None, sa_column=sa.Column(EncryptedText("parent_response.comment"), nullable=True))
    name: str | None = Field(default=None, sa_column=sa.Column(EncryptedText("parent_response.name"), nullable=True))
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    # Makes a double tap or a resent form harmless.
    submission_key: str = Field(sa_column=sa.Column(sa.String(64), unique=True, nullable=False))
    entered_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    respondent_kind: RespondentKind = Field(
        default=RespondentKind.PARENT,
        sa_column=sa.Column(enum_type(RespondentKind), nullable=False, server_default=RespondentKind.PARENT.value),
    )
    # Professionals only: their agency (a fixed list) and, if they give it, their role (free text, encrypted).
    agency: Agency | None = Field(default=None, sa_type=enum_type(Agency))
    role: str | None = Field(default=None, sa_column=sa.Column(EncryptedText("parent_response.role"), nullable=True))


class ParentDraft(SQLModel, table=True):
    """A parent's answers in progress, kept on the server against their browser session until sent."""

    __tablename__ = "parent_draft"

    id: int | None = Field(default=None, primary_key=True)
    link_id: int = Field(foreign_key="feedback_link.id", index=True)
    # Random; the browser's session cookie holds it, and the sent response reuses it as its
    # submission_key, so a second tap on "Send" finds the response the first tap made.
    key: str = Field(sa_column=sa.Column(sa.String(64), unique=True, nullable=False))
    q1: str | None = Field(default=None, max_length=32)
    q2: str | None = Field(default=None, max_length=32)
    q3: str | None = Field(default=None, max_length=32)
    q4: str | None = Field(default=None, max_length=32)
    q5: str | None = Field(default=None, max_length=32)
    comment: str | None = Field(default=None, sa_column=sa.Column(EncryptedText("parent_draft.comment"), nullable=True))
    name: str | None = Field(default=None, sa_column=sa.Column(EncryptedText("parent_draft.name"), nullable=True))
    agency: Agency | None = Field(default=None, sa_type=enum_type(Agency))
    role: str | None = Field(default=None, sa_column=sa.Column(EncryptedText("parent_draft.role"), nullable=True))
    # Answers to the service's own questions in progress: JSON {"<question id>": "<answer id>"}.
    local_answers: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class FeedbackLocalQuestion(SQLModel, table=True):
    """One of a service's own optional questions, asked of everyone after every meeting after the standard ones.

    `default_key` names one of the defaults the service started with (its words translated for
    everyone until the service rewords it); `text` holds the service's own words once it has any.
    Rewording keeps the id, so past answers stay with the question; retiring stops it being asked.
    """

    __tablename__ = "feedback_local_question"

    id: int | None = Field(default=None, primary_key=True)
    default_key: str | None = Field(default=None, max_length=32)
    text: str | None = Field(default=None, max_length=300)
    short: str = Field(max_length=120)  # staff-facing label in results
    position: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    reworded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class FeedbackLocalAnswer(SQLModel, table=True):
    """One person's answer to one of the service's own questions, part of their response."""

    __tablename__ = "feedback_local_answer"
    __table_args__ = (sa.UniqueConstraint("response_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="parent_response.id", index=True)
    question_id: int = Field(foreign_key="feedback_local_question.id", index=True)
    answer: str = Field(max_length=32)


class FeedbackChange(SQLModel, table=True):
    """The service's "you said, we did" for families and partners: what people told it, and what it changed."""

    __tablename__ = "feedback_change"

    id: int | None = Field(default=None, primary_key=True)
    you_said: str = Field(max_length=500)
    we_did: str = Field(max_length=500)
    created_by_id: int = Field(foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
