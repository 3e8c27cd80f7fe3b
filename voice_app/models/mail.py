"""Email waiting to go, or gone: the outbox (voice_app/mail). A message is stored before anyone tries to send it."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.crypto import EncryptedText
from voice_app.models.base import UTCDateTime, enum_type, utcnow


class OutboxStatus(str, enum.Enum):
    PENDING = "pending"  # not sent yet: due at next_attempt_at
    SENT = "sent"
    GAVE_UP = "gave_up"  # every attempt failed; kept so a person can see it and send it again


class OutboxEmail(SQLModel, table=True):
    """One email: who to, what it says, and how its sending went."""

    __tablename__ = "outbox_email"
    # The sender looks for due messages by status and time.
    __table_args__ = (sa.Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # What the message is for ("safety_alert", "practitioner_invite", ...): plain, so it can be counted and logged.
    kind: str = Field(max_length=32)
    # Addresses and words are personal data: encrypted like the children's words.
    to_address: str = Field(sa_column=sa.Column(EncryptedText("outbox_email.to_address"), nullable=False))
    subject: str = Field(sa_column=sa.Column(EncryptedText("outbox_email.subject"), nullable=False))
    text_body: str = Field(sa_column=sa.Column(EncryptedText("outbox_email.text_body"), nullable=False))
    html_body: str | None = Field(default=None, sa_column=sa.Column(EncryptedText("outbox_email.html_body"), nullable=True))
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_type=enum_type(OutboxStatus))
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Why the last attempt failed, without personal data: the error's kind and the SMTP code.
    last_error: str = Field(default="", max_length=200)
