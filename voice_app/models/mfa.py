"""A second factor for local accounts: an authenticator app's secret, recovery codes, and the service's policy."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.crypto import EncryptedText
from voice_app.models.base import UTCDateTime, enum_type, utcnow


class AuthenticatorApp(SQLModel, table=True):
    """One person's TOTP secret (RFC 6238); switched on only once a first code has confirmed it."""

    __tablename__ = "staff_authenticator"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=sa.Column(sa.Integer, sa.ForeignKey("staff_user.id"), unique=True, nullable=False))
    # Whoever reads the database must not be able to make codes: encrypted like the children's words.
    secret: str = Field(sa_column=sa.Column(EncryptedText("staff_authenticator.secret"), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # None: set up but not yet switched on
    # The 30-second time step of the last code accepted: that code (and any older one) is never accepted again.
    last_used_step: int | None = Field(default=None, sa_type=sa.BigInteger)


class RecoveryCode(SQLModel, table=True):
    """A single-use code for signing in without the authenticator app; only its hash is kept."""

    __tablename__ = "staff_recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    code_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SecondFactorRule(str, enum.Enum):
    """Who must use an authenticator app to sign in with a password."""

    OPTIONAL = "optional"
    MANAGERS_AND_ADMINS = "managers-and-admins"
    EVERYONE = "everyone"


class SecondFactorPolicy(SQLModel, table=True):
    """The service's one second-factor setting (a single row; none means not required)."""

    __tablename__ = "second_factor_policy"

    id: int | None = Field(default=None, primary_key=True)
    rule: SecondFactorRule = Field(default=SecondFactorRule.OPTIONAL, sa_type=enum_type(SecondFactorRule))
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    changed_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
