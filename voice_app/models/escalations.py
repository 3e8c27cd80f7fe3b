"""Escalations (the dispute resolution procedure): a worry about a child's plan, raised by the IRO and followed
stage by stage to an outcome for the child."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.crypto import EncryptedText
from voice_app.models.base import UTCDateTime, enum_type, utcnow


class PlanKind(str, enum.Enum):
    """Which of the child's plans the escalation is about: the annual report counts the two apart."""

    CARED_FOR = "cared_for"
    CP_PLAN = "cp_plan"

    @property
    def label(self) -> str:
        return {"cared_for": "Cared for", "cp_plan": "Child protection plan"}[self.value]


class Escalation(SQLModel, table=True):
    """One escalation about one child. Stage and theme keys come from the service's procedure file."""

    __tablename__ = "escalation"
    __table_args__ = (
        # The tracker lists open ones by deadline; the report counts by the day raised and the day closed.
        sa.Index("ix_escalation_open", "closed_on", "next_due_on"),
        sa.Index("ix_escalation_raised", "raised_on", "plan"),
    )

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", index=True)
    raised_by_id: int = Field(foreign_key="staff_user.id")
    plan: PlanKind = Field(sa_type=enum_type(PlanKind))
    theme: str = Field(max_length=64)
    # The day the IRO identified the issue (the alert is due the next working day) and the day it was raised.
    identified_on: date
    raised_on: date
    # What the worry is, in the IRO's words: free text about the child, so encrypted at rest.
    challenge: str = Field(sa_column=sa.Column(EncryptedText("escalation.challenge"), nullable=False))
    # What prompted it, kept linked so the child's own words can be followed to the outcome.
    statement_id: int | None = Field(default=None, foreign_key="statement.id")
    question_id: str | None = Field(default=None, max_length=64)
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    review_id: int | None = Field(default=None, foreign_key="review.id")
    # Where it stands now: the current stage, when it began, and the next day something is due.
    stage: str = Field(max_length=32)
    stage_started_on: date
    stage_due_on: date
    overall_due_on: date
    next_due_on: date | None = None  # None once closed
    closed_on: date | None = None
    closed_stage: str | None = Field(default=None, max_length=32)
    # What changed for the child, written for the child.
    outcome_for_child: str | None = Field(
        default=None, sa_column=sa.Column(EncryptedText("escalation.outcome_for_child"), nullable=True)
    )
    tell_child: bool = False
    told_via_response_id: int | None = Field(default=None, foreign_key="child_response.id")
    # A manager picked it as an anonymised example for the annual report.
    report_example: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false()))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EscalationStep(SQLModel, table=True):
    """One stage of an escalation: when, with whom (a role, not necessarily an account) and their response."""

    __tablename__ = "escalation_step"

    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    stage: str = Field(max_length=32)
    started_on: date
    due_on: date
    with_whom: str = Field(max_length=120)
    response: str = Field(
        default="", sa_column=sa.Column(EncryptedText("escalation_step.response"), nullable=False, server_default="")
    )
    recorded_by_id: int = Field(foreign_key="staff_user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
