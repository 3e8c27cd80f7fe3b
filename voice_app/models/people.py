"""Staff who use voice-app, and the children it exists for."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.crypto import EncryptedText
from voice_app.models.base import UTCDateTime, enum_type, utcnow


class Role(str, enum.Enum):
    IRO = "iro"
    MANAGER = "manager"
    ADMIN = "admin"
    # Invited to gather one child's views for one conference (voice_app/practitioners); sees nothing else.
    PRACTITIONER = "practitioner"

    @property
    def label(self) -> str:
        return {"iro": "IRO", "manager": "Manager", "admin": "Admin", "practitioner": "Practitioner"}[self.value]


class StaffUser(SQLModel, table=True):
    """A member of the reviewing service who signs in with email and password."""

    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=sa.Column(sa.String(254), unique=True, nullable=False))
    display_name: str = Field(max_length=120)
    role: Role = Field(sa_type=enum_type(Role))
    password_hash: str = Field(max_length=255)
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The IRO's own PIN for taking the tablet back from child mode (Argon2 hash, optional).
    handback_pin_hash: str | None = Field(default=None, max_length=255)
    # Set when an admin chose the password: the person must choose their own before anything else.
    must_change_password: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false()))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    # Flask-Login's protocol, kept here so the model is the user object.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class Child(SQLModel, table=True):
    """A child who is cared for and/or on a child protection plan."""

    __tablename__ = "child"

    id: int | None = Field(default=None, primary_key=True)
    preferred_name: str = Field(max_length=80)
    case_reference: str = Field(sa_column=sa.Column(sa.String(40), unique=True, nullable=False))
    date_of_birth: date | None = None
    # Used when the date of birth is not known (for example, an unaccompanied child): the age on the day it was
    # recorded (age_recorded_on, else the day the record was made), so it grows a year older every year after.
    age_years: int | None = None
    age_recorded_on: date | None = None
    # An unborn child (a pre-birth conference): the date of birth is not known yet.
    expected_date_of_birth: date | None = None
    preferred_language: str = Field(default="en-GB", max_length=16)
    # Often health or disability information: encrypted at rest like the child's words.
    communication_needs: str = Field(default="", sa_column=sa.Column(EncryptedText("child.communication_needs"), nullable=False, default=""))
    # The child's communication passport (issue 29): in their words where possible, encrypted like the line above.
    passport_yes_no: str = Field(default="", sa_column=sa.Column(EncryptedText("child.passport_yes_no"), nullable=False, default="", server_default=""))
    passport_helps: str = Field(default="", sa_column=sa.Column(EncryptedText("child.passport_helps"), nullable=False, default="", server_default=""))
    passport_upsets: str = Field(default="", sa_column=sa.Column(EncryptedText("child.passport_upsets"), nullable=False, default="", server_default=""))
    passport_choosing: str = Field(default="", sa_column=sa.Column(EncryptedText("child.passport_choosing"), nullable=False, default="", server_default=""))
    # How they answer on the tablet (voice_app/questions/access.py MODES): pre-selected at hand-over; "" when not known.
    passport_access: str = Field(default="", sa_column=sa.Column(sa.String(8), nullable=False, default="", server_default=""))
    iro_id: int | None = Field(default=None, foreign_key="staff_user.id", index=True)
    cared_for: bool = False
    cared_for_since: date | None = None
    on_cp_plan: bool = False
    cp_plan_since: date | None = None
    # A child protection enquiry is under way: an initial conference may be booked before any plan exists.
    cp_conference_pending: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false()))
    # Cared for through a series of short breaks (reg. 48): reviews follow the short-break timescale.
    short_breaks: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false()))
    # On the service's young people's pathway (harm outside the home): may have a young person's conference at any age.
    young_peoples_pathway: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false()))
    active: bool = True
    # Equality details (voice_app/models/equality.py): optional DfE codes, never shown to the child, special-category
    # data seen only by the child's IRO and managers; "" when not recorded. Plain short codes so the report can count them.
    disability: str = Field(default="", sa_column=sa.Column(sa.String(9), nullable=False, default="", server_default=""))
    ethnicity: str = Field(default="", sa_column=sa.Column(sa.String(4), nullable=False, default="", server_default=""))
    gender: str = Field(default="", sa_column=sa.Column(sa.String(1), nullable=False, default="", server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Set when the retention rules took the child's identity out (voice_app/records/retention.py).
    anonymised_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    def age_on(self, day: date) -> int | None:
        """The child's age in whole years on a day, from the date of birth or the recorded age."""
        if self.date_of_birth is None:
            if self.age_years is None:
                return None
            recorded = self.age_recorded_on or self.created_at.date()
            years = day.year - recorded.year - ((day.month, day.day) < (recorded.month, recorded.day))
            return max(0, self.age_years + years)
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
