"""Single sign-on with the council's OpenID Connect provider: its settings, who is linked, sessions, approvals."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from voice_app.crypto import EncryptedText
from voice_app.models.base import UTCDateTime, utcnow


class SsoProvider(SQLModel, table=True):
    """The council's identity provider as an admin set it up (one row; settings, never code)."""

    __tablename__ = "sso_provider"

    id: int | None = Field(default=None, primary_key=True)
    enabled: bool = False
    display_name: str = Field(default="", max_length=80)  # "Sunderland City Council": the button says "Sign in with ..."
    issuer: str = Field(default="", max_length=255)
    client_id: str = Field(default="", max_length=255)
    client_secret: str = Field(default="", sa_column=sa.Column(EncryptedText("sso_provider.client_secret"), nullable=False, default=""))
    scopes: str = Field(default="openid email profile offline_access", max_length=255)
    allowed_domains: str = Field(default="", max_length=1000)  # one per line or comma-separated
    role_claim: str = Field(default="roles", max_length=64)  # "roles" (Entra app roles) or "groups"
    role_map: str = Field(default="{}", sa_column=sa.Column(sa.Text, nullable=False, default="{}"))  # JSON: role value -> [claim values]
    unknown_staff: str = Field(default="approve", max_length=16)  # "create" or "approve"
    check_minutes: int = 15  # how often a provider sign-in is re-checked with the provider
    version: int = 0  # bumped on every change, so the app builds a fresh client
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="staff_user.id")


class SsoIdentity(SQLModel, table=True):
    """A staff account linked to one person at the provider (by issuer and subject, never by email alone)."""

    __tablename__ = "sso_identity"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff_user.id", index=True)
    issuer: str = Field(max_length=255)
    subject: str = Field(max_length=255)
    linked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_sign_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SsoSession(SQLModel, table=True):
    """The provider's tokens behind one staff session, to re-check the person with the provider now and then."""

    __tablename__ = "sso_session"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(sa_column=sa.Column(sa.Integer, sa.ForeignKey("staff_session.id"), unique=True, nullable=False))
    identity_id: int = Field(foreign_key="sso_identity.id", index=True)
    access_token: str = Field(default="", sa_column=sa.Column(EncryptedText("sso_session.access_token"), nullable=False, default=""))
    refresh_token: str = Field(default="", sa_column=sa.Column(EncryptedText("sso_session.refresh_token"), nullable=False, default=""))
    checked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SsoApproval(SQLModel, table=True):
    """Someone the provider allows but voice-app does not know yet, waiting for an admin (when the service asks for that)."""

    __tablename__ = "sso_approval"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    issuer: str = Field(max_length=255)
    subject: str = Field(max_length=255)
    email: str = Field(max_length=254)
    display_name: str = Field(max_length=120)
    role: str = Field(max_length=32)  # the role the provider's claims map to
    asked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    outcome: str = Field(default="", max_length=16)  # "", "approved" or "refused"
