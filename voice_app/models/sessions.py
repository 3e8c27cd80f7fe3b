"""Staff sign-ins kept on the server, so they can end when they should; and sign-in throttling."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.models.base import UTCDateTime, utcnow


class StaffSession(SQLModel, table=True):
    """One staff sign-in on one browser; the cookie holds only a random token whose hash is here."""

    __tablename__ = "staff_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    token_hash: str = Field(sa_column=sa.Column(sa.String(64), unique=True, nullable=False))
    device: str = Field(default="", max_length=120)  # "Firefox on Windows": from the browser, for the sessions page
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)  # the absolute lifetime, whatever the activity
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    end_reason: str = Field(default="", max_length=32)


class SignInThrottle(SQLModel, table=True):
    """Recent failed sign-ins for one email address (known or not) or one network address, by keyed hash."""

    __tablename__ = "sign_in_throttle"

    key: str = Field(sa_column=sa.Column(sa.String(64), primary_key=True))
    failures: int = 0
    last_failure_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
