"""The child's own phone: joining codes, the phone itself (a device credential), its messages and safety alerts."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.crypto import EncryptedText
from voice_app.models.base import UTCDateTime, enum_type, utcnow


class PhonePairing(SQLModel, table=True):
    """A one-time joining code shown on the IRO's tablet at a visit: works once, for a few minutes."""

    __tablename__ = "phone_pairing"

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", index=True)
    created_by_id: int = Field(foreign_key="staff_user.id")
    # SHA-256 of the short code; the code itself is shown once and never stored.
    code_hash: str = Field(sa_column=sa.Column(sa.String(64), unique=True, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    device_id: int | None = Field(default=None, foreign_key="phone_device.id")


class SecretKind(str, enum.Enum):
    PICTURES = "pictures"  # three pictures in order (younger children)
    PIN = "pin"  # a PIN (older children)


class PhoneEnd(str, enum.Enum):
    CHILD = "child"  # the child switched it off
    REVOKED = "revoked"  # the IRO (or a manager) revoked it
    LEFT_CARE = "left_care"  # the child record says they are no longer cared for nor on a plan
    UNUSED = "unused"  # not used for the service's set period


class PhoneDevice(SQLModel, table=True):
    """One child's own phone: a long-lived credential (hashed) plus the child's secret (Argon2)."""

    __tablename__ = "phone_device"

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", index=True)
    created_by_id: int = Field(foreign_key="staff_user.id")
    credential_hash: str = Field(sa_column=sa.Column(sa.String(64), unique=True, nullable=False))
    secret_kind: SecretKind | None = Field(default=None, sa_type=enum_type(SecretKind))
    secret_hash: str | None = Field(default=None, max_length=255)
    secret_failures: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    language: str = Field(default="en-GB", max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    end_reason: PhoneEnd | None = Field(default=None, sa_type=enum_type(PhoneEnd))
    ended_by_id: int | None = Field(default=None, foreign_key="staff_user.id")


class MessageKind(str, enum.Enum):
    FEELING = "feeling"  # how I feel
    GOOD = "good"  # something good happened
    WRONG = "wrong"  # something is wrong
    TALK = "talk"  # I want to talk to my IRO
    MEETING = "meeting"  # about my next meeting


class Safety(str, enum.Enum):
    SAFE = "safe"
    NOT_SURE = "not_sure"
    NOT_SAFE = "not_safe"  # "I'm not safe / in danger": raises a safety alert at once


class PhoneMessage(SQLModel, table=True):
    """Something a child told their IRO from their own phone, and what the IRO wrote back."""

    __tablename__ = "phone_message"
    __table_args__ = (sa.UniqueConstraint("device_id", "client_id", name="uq_phone_message_client"),)

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", index=True)
    device_id: int = Field(foreign_key="phone_device.id")
    # The id the phone made for it, so a resend after a lost response is not stored twice.
    client_id: str = Field(max_length=64)
    kind: MessageKind = Field(sa_type=enum_type(MessageKind))
    feeling: str | None = Field(default=None, max_length=32)
    safety: Safety | None = Field(default=None, sa_type=enum_type(Safety))
    text: str = Field(default="", sa_column=sa.Column(EncryptedText("phone_message.text"), nullable=False, server_default=""))
    language: str = Field(default="en-GB", max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    read_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    reply: str = Field(default="", sa_column=sa.Column(EncryptedText("phone_message.reply"), nullable=False, server_default=""))
    replied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    replied_by_id: int | None = Field(default=None, foreign_key="staff_user.id")


class SafetyAlert(SQLModel, table=True):
    """A child said they are not safe: shown on the caseload until a person acknowledges it."""

    __tablename__ = "safety_alert"

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", index=True)
    message_id: int = Field(foreign_key="phone_message.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    acknowledged_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    # How many emails were queued for it (0 when the service has no SMTP): the in-app alert never depends on them.
    emails_queued: int = 0


class IroAway(SQLModel, table=True):
    """An IRO's own "I am away until": safety alerts are emailed to the duty manager as well until then."""

    __tablename__ = "iro_away"

    staff_id: int = Field(foreign_key="staff_user.id", primary_key=True)
    away_until: date
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
