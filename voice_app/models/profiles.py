"""How a child meets their IRO: the IRO's short profile and the service's contact details."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.models.base import UTCDateTime, utcnow


class IroProfile(SQLModel, table=True):
    """An IRO's profile for children: a first name, a few plain lines, and a photo or a chosen symbol."""

    __tablename__ = "iro_profile"

    staff_id: int = Field(foreign_key="staff_user.id", primary_key=True)
    first_name: str = Field(default="", max_length=60)
    about: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    # The same lines in other languages, written by the service ({"cy": "...", "ar": "..."}).
    about_translations: dict = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False, server_default="{}"))
    symbol: str = Field(default="iro", max_length=64)
    # Re-encoded JPEG without metadata (see voice_app/photos.py); shown instead of the symbol when present.
    photo: bytes | None = Field(default=None, sa_column=sa.Column(sa.LargeBinary, nullable=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ServiceContact(SQLModel, table=True):
    """How a child reaches the reviewing service (one row, set by an admin)."""

    __tablename__ = "service_contact"

    id: int = Field(default=1, primary_key=True)
    phone: str = Field(default="", max_length=40)
    text: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=254)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IntroLetter(SQLModel, table=True):
    """The date a child was given the letter telling them who their IRO is (counted in the service figures)."""

    __tablename__ = "intro_letter"

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", index=True)
    iro_id: int = Field(foreign_key="staff_user.id")
    given_on: date = Field(index=True)
    recorded_by_id: int = Field(foreign_key="staff_user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
