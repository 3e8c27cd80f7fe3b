"""Who looked at or exported what about a child, and when."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.crypto import EncryptedText
from voice_app.models.base import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    """One staff action on a child's record (views and exports of statements, among others)."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    action: str = Field(max_length=48)
    child_id: int | None = Field(default=None, foreign_key="child.id", index=True)
    statement_id: int | None = Field(default=None, foreign_key="statement.id")
    detail: str = Field(default="", max_length=255)
    # A corrected fact's value before the correction (voice_app/records/correction.py): personal data, so encrypted.
    old_value: str | None = Field(default=None, sa_column=sa.Column(EncryptedText("audit_event.old_value"), nullable=True))
