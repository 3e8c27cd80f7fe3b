"""Signing staff in through the council's provider: settings, accounts, audit, and re-checking sessions."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from voice_app.auth.services import SIGN_IN_FAILED, SIGNED_IN, find_staff_by_email
from voice_app.models import AuditEvent, Role, SsoApproval, SsoIdentity, SsoProvider, SsoSession, StaffSession, StaffUser, utcnow
from voice_app.sessions import end_sessions_of
from voice_app.sso.claims import Verdict, judge
from voice_app.sso.client import LEEWAY_SECONDS, ProviderRefused, checked_metadata, client_for, talking_to_provider

log = logging.getLogger(__name__)

# Audit actions. Sign-ins share the password sign-in's actions (auth.services), with the factor "provider".
SETTINGS_CHANGED = "sso.settings_changed"
ACCOUNT_CREATED = "sso.account_created"
ACCOUNT_LINKED = "sso.account_linked"
ROLE_CHANGED = "sso.role_changed"
APPROVAL_ASKED = "sso.approval_asked"
APPROVAL_DECIDED = "sso.approval_decided"
SESSION_ENDED = "sso.session_ended"
# An account made by a provider sign-in has no password: this is no Argon2 hash, so no password ever matches it.
NO_PASSWORD = "!single-sign-on"
RETRY_UNREACHABLE = timedelta(minutes=1)


class SignInRefused(ProviderRefused):
    """A refusal about a known account (so the audit event is on that account's trail)."""

    def __init__(self, code: str, *, staff_id: int | None) -> None:
        super().__init__(code)
        self.staff_id = staff_id


# ----- settings ---------------------------------------------------------------------------------------


def provider_settings(db: Session) -> SsoProvider:
    """The provider's settings row (a blank, switched-off one until an admin saves it)."""
    return db.exec(select(SsoProvider).order_by(col(SsoProvider.id))).first() or SsoProvider()


def active_provider(db: Session) -> SsoProvider | None:
    """The provider when it is switched on and complete, else None."""
    provider = provider_settings(db)
    if provider.id is None or not provider.enabled or not (provider.issuer and provider.client_id and provider.display_name):
        return None
    return provider


def save_provider(db: Session, *, provider: SsoProvider, changes: Mapping[str, object], acting: StaffUser) -> list[str]:
    """Apply an admin's changes (audited by field name, never by value); the names of the fields that changed."""
    changed = [name for name, value in changes.items() if getattr(provider, name) != value]
    if not changed and provider.id is not None:
        return []
    for name in changed:
        setattr(provider, name, changes[name])
    provider.version += 1  # a new client (and fresh discovery) from the next request on
    provider.updated_at = utcnow()
    provider.updated_by_id = acting.id
    db.add(provider)
    db.add(AuditEvent(staff_id=acting.id, action=SETTINGS_CHANGED, detail=("changed: " + ", ".join(changed))[:255]))
    db.commit()
    return changed


def check_discovery(provider: SsoProvider) -> None:
    """Fetch the provider's discovery document now (raises ProviderRefused), so a mistyped issuer shows at once."""
    client = client_for(provider)
    talking_to_provider(lambda: checked_metadata(client, provider))


# ----- signing in -------------------------------------------------------------------------------------


def audit_refusal(db: Session, *, provider: SsoProvider | None, code: str, staff_id: int | None) -> None:
    """A refused provider sign-in, on the audit trail (the account's, when known) and in the log, without personal data."""
    name = provider.display_name if provider else "none"
    db.add(AuditEvent(staff_id=staff_id, action=SIGN_IN_FAILED, detail=f"factor=provider;reason={code};provider={name}"[:255]))
    db.commit()
    log.warning("single sign-on refused: reason=%s known_account=%s", code, staff_id is not None)


def audit_sign_in(db: Session, *, user: StaffUser, provider: SsoProvider) -> None:
    """A successful provider sign-in, on the account's audit trail."""
    db.add(AuditEvent(staff_id=user.id, action=SIGNED_IN, detail=f"factors=provider;provider={provider.display_name}"[:255]))
    db.commit()


def _identity(db: Session, *, issuer: str, subject: str) -> SsoIdentity | None:
    return db.exec(select(SsoIdentity).where(SsoIdentity.issuer == issuer, SsoIdentity.subject == subject)).first()


def _link(db: Session, *, user: StaffUser, issuer: str, subject: str, action: str) -> SsoIdentity:
    identity = SsoIdentity(staff_id=user.id, issuer=issuer, subject=subject)
    db.add(identity)
    db.add(AuditEvent(staff_id=user.id, action=action, detail=f"role: {user.role.value}"))
    db.commit()
    return identity


def _ask_approval(db: Session, *, issuer: str, subject: str, verdict: Verdict) -> None:
    """Put someone on the admins' list (once); refuse with "waiting" or, when an admin said no, "refused"."""
    asked = db.exec(select(SsoApproval).where(SsoApproval.issuer == issuer, SsoApproval.subject == subject)).first()
    if asked is not None and asked.outcome == "refused":
        raise SignInRefused("refused", staff_id=None)
    if asked is None:
        assert verdict.role is not None
        db.add(SsoApproval(issuer=issuer, subject=subject, email=verdict.email, display_name=verdict.name, role=verdict.role.value))
        db.add(AuditEvent(action=APPROVAL_ASKED, detail=f"role: {verdict.role.value}"))
        db.commit()
    raise SignInRefused("waiting", staff_id=None)


def account_for(db: Session, *, provider: SsoProvider, claims: Mapping, now: datetime | None = None) -> tuple[StaffUser, SsoIdentity]:
    """The staff account these checked claims sign in to (linked, created or waiting for approval), with its role
    brought into line with the provider's groups; raises SignInRefused."""
    verdict = judge(claims, provider=provider)
    issuer, subject = str(claims.get("iss") or provider.issuer), str(claims.get("sub") or "")
    if not subject:
        raise SignInRefused("token-invalid", staff_id=None)
    identity = _identity(db, issuer=issuer, subject=subject)
    user = db.get(StaffUser, identity.staff_id) if identity else None
    if verdict.refusal:
        raise SignInRefused(verdict.refusal, staff_id=user.id if user else None)
    assert verdict.role is not None
    if user is None:
        # The first provider sign-in of someone with a local account links it: same council email, allowed domain.
        user = find_staff_by_email(db, verdict.email)
        if user is not None:
            identity = _link(db, user=user, issuer=issuer, subject=subject, action=ACCOUNT_LINKED)
        elif provider.unknown_staff == "create":
            user = StaffUser(email=verdict.email, display_name=verdict.name, role=verdict.role, password_hash=NO_PASSWORD)
            db.add(user)
            db.commit()
            identity = _link(db, user=user, issuer=issuer, subject=subject, action=ACCOUNT_CREATED)
        else:
            _ask_approval(db, issuer=issuer, subject=subject, verdict=verdict)
    assert user is not None and identity is not None
    if not user.active:
        raise SignInRefused("account-off", staff_id=user.id)
    if user.role != verdict.role:
        db.add(AuditEvent(staff_id=user.id, action=ROLE_CHANGED, detail=f"{user.role.value} -> {verdict.role.value}"))
        user.role = verdict.role
    now = now or utcnow()
    user.last_login_at = identity.last_sign_in_at = now
    db.add(user)
    db.add(identity)
    db.commit()
    return user, identity


def remember_tokens(db: Session, *, session_token_hash: str, identity: SsoIdentity, token: Mapping) -> None:
    """Keep the provider's tokens (encrypted) beside the new staff session, for the periodic re-check."""
    row = db.exec(select(StaffSession).where(StaffSession.token_hash == session_token_hash)).one()
    db.add(
        SsoSession(
            session_id=row.id,
            identity_id=identity.id,
            access_token=str(token.get("access_token") or ""),
            refresh_token=str(token.get("refresh_token") or ""),
        )
    )
    db.commit()


# ----- re-checking a signed-in person with the provider ----------------------------------------------


def _fresh_claims(client, *, link: SsoSession) -> tuple[Mapping, Mapping | None]:
    """The person's claims as the provider sees them now, and the new token (None when only userinfo was asked)."""
    if link.refresh_token:
        token = client.fetch_access_token(grant_type="refresh_token", refresh_token=link.refresh_token)
        if "id_token" in token:
            return client.parse_id_token(token, nonce=None, leeway=LEEWAY_SECONDS), token
        return client.userinfo(token=token), token
    return client.userinfo(token={"access_token": link.access_token, "token_type": "Bearer"}), None


def recheck(db: Session, *, link: SsoSession, provider: SsoProvider | None, now: datetime | None = None) -> str | None:
    """Ask the provider whether this session's person may still be here; None if so, else a refusal code.

    A provider that cannot be reached is asked again a minute later: the session's own limits still apply."""
    now = now or utcnow()
    identity = db.get(SsoIdentity, link.identity_id)
    user = db.get(StaffUser, identity.staff_id) if identity else None
    if provider is None or identity is None or user is None:
        return "not-configured"
    # Two requests of one page can both find the check due: only the one that moves checked_at asks the provider
    # (a provider that rotates refresh tokens would refuse the second use of the old one).
    claimed = db.execute(
        update(SsoSession).where(col(SsoSession.id) == link.id, col(SsoSession.checked_at) == link.checked_at).values(checked_at=now)
    )
    db.commit()
    if not claimed.rowcount:
        return None
    client = client_for(provider)
    try:
        claims, token = talking_to_provider(lambda: (checked_metadata(client, provider), _fresh_claims(client, link=link))[1])
    except ProviderRefused as refused:
        if refused.code == "unreachable":
            link.checked_at = now - timedelta(minutes=provider.check_minutes) + RETRY_UNREACHABLE
            db.add(link)
            db.commit()
            return None
        return refused.code
    if str(claims.get("sub")) != identity.subject:
        return "token-invalid"
    verdict = judge(claims, provider=provider)
    if verdict.refusal:
        return verdict.refusal
    if token is not None:
        link.access_token = str(token.get("access_token") or link.access_token)
        link.refresh_token = str(token.get("refresh_token") or link.refresh_token)
    link.checked_at = now
    db.add(link)
    if user.role != verdict.role:
        db.add(AuditEvent(staff_id=user.id, action=ROLE_CHANGED, detail=f"{user.role.value} -> {verdict.role.value}"))
        user.role = verdict.role
        db.add(user)
    db.commit()
    return None


def session_link(db: Session, *, session_id: int) -> SsoSession | None:
    """The provider tokens behind a staff session, if it began with the provider."""
    return db.exec(select(SsoSession).where(SsoSession.session_id == session_id)).first()


def due(link: SsoSession, *, provider: SsoProvider | None, now: datetime) -> bool:
    """True when the session has gone unchecked for the provider's interval (or the provider is switched off)."""
    return provider is None or link.checked_at + timedelta(minutes=provider.check_minutes) <= now


def end_for_provider(db: Session, *, link: SsoSession, code: str) -> None:
    """The provider no longer allows this person: every session of theirs ends, on the audit trail."""
    identity = db.get(SsoIdentity, link.identity_id)
    if identity is None:
        return
    ended = end_sessions_of(db, user_id=identity.staff_id, reason="provider-refused")
    db.add(AuditEvent(staff_id=identity.staff_id, action=SESSION_ENDED, detail=f"reason: {code}; sessions: {ended}"))
    db.commit()
    log.warning("single sign-on re-check ended sessions: reason=%s", code)


# ----- approvals --------------------------------------------------------------------------------------


def waiting_approvals(db: Session) -> list[SsoApproval]:
    """People the provider allows who wait for an admin, oldest first."""
    return list(db.exec(select(SsoApproval).where(SsoApproval.outcome == "").order_by(col(SsoApproval.asked_at), col(SsoApproval.id))).all())


def decide_approval(db: Session, *, approval: SsoApproval, approve: bool, acting: StaffUser, now: datetime | None = None) -> StaffUser | None:
    """An admin lets someone in (their account is made and linked, with the mapped role) or refuses; audited."""
    now = now or utcnow()
    approval.outcome, approval.decided_at, approval.decided_by_id = ("approved" if approve else "refused"), now, acting.id
    db.add(approval)
    db.add(AuditEvent(staff_id=acting.id, action=APPROVAL_DECIDED, detail=f"{approval.outcome}; role: {approval.role}"))
    db.commit()
    if not approve:
        return None
    user = find_staff_by_email(db, approval.email)
    if user is None:
        user = StaffUser(email=approval.email, display_name=approval.display_name, role=Role(approval.role), password_hash=NO_PASSWORD)
        db.add(user)
        db.commit()
    if _identity(db, issuer=approval.issuer, subject=approval.subject) is None:
        _link(db, user=user, issuer=approval.issuer, subject=approval.subject, action=ACCOUNT_CREATED)
    return user
