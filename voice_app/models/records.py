"""Requests to erase a child's records, which need a second manager's confirmation."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.crypto import EncryptedText
from voice_app.models.base import UTCDateTime, utcnow


class ErasureRequest(SQLModel, table=True):
    """One manager's request to erase a child's records; done only when another manager confirms it."""

    __tablename__ = "erasure_request"

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", index=True)
    requested_by_id: int = Field(foreign_key="staff_user.id")
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Why the law requires it (may name people, so encrypted like the rest of the free text).
    reason: str = Field(sa_column=sa.Column(EncryptedText("erasure_request.reason"), nullable=False))
    confirmed_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
