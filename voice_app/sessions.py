"""Staff sessions on the server: each sign-in is a row, the cookie holds only its random token.

A small table of our own rather than Flask-Session: that library moves the whole cookie (CSRF token, parents'
drafts, child mode) to the server for every visitor, parents included, and cannot list or end one person's
sign-ins by account, which is what revocation needs. Here the signed cookie keeps the little it held before,
minus the account: who is signed in comes only from a live row.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import Flask, current_app, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy import update
from sqlmodel import Session, col, select

from voice_app import db as database
from voice_app.models import StaffSession, StaffUser, utcnow

SESSION_KEY = "staff_session"
TOKEN_BYTES = 32
TOUCH_EVERY = timedelta(minutes=1)  # last-used is written at most once a minute, not on every request

# Why a session ended, as shown on the sessions page.
END_REASONS = {
    "signed-out": "Signed out",
    "ended-by-owner": "Ended by you",
    "password-changed": "Password changed",
    "ended-by-admin": "Ended by an admin",
    "switched-off": "Account switched off",
    "temporary-password": "Temporary password set",
    "second-factor-on": "Authenticator app set up",
    "second-factor-reset": "Second factor reset by an admin",
    "handed-over": "Tablet handed to a child",
    "idle": "Not used for a while",
    "expired": "Reached its time limit",
    "provider-refused": "The council's sign-in no longer allows it",
    "access-ended": "Access for the conference ended",
}


def token_hash(token: str) -> str:
    """The SHA-256 of a session token, as stored: a copy of the table opens no sessions."""
    return hashlib.sha256(token.encode()).hexdigest()


_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("iPad", "iPad"), ("iPhone", "iPhone"), ("Android", "Android"), ("Windows", "Windows"), ("CrOS", "ChromeOS"), ("Mac OS X", "Mac"), ("Linux", "Linux"))


def describe_device(user_agent: str) -> str:
    """"Chrome on Android" from a User-Agent header: enough to recognise a device, no more."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "A browser")
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    return re.sub(r"\s+", " ", f"{browser} on {system}" if system else browser)[:120]


def start_session(db: Session, *, user: StaffUser, device: str, lifetime: timedelta, now: datetime | None = None) -> str:
    """Record a new sign-in and return its raw token (for the cookie; only its hash is kept)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.add(StaffSession(user_id=user.id, token_hash=token_hash(token), device=device, started_at=now, last_seen_at=now, expires_at=now + lifetime))
    db.commit()
    return token


def live_session(db: Session, *, token: str, idle: timedelta, now: datetime | None = None) -> StaffSession | None:
    """The live session for a token, touched as used; None if unknown, ended, idle too long or past its lifetime."""
    now = now or utcnow()
    row = db.exec(select(StaffSession).where(StaffSession.token_hash == token_hash(token))).first()
    if row is None or row.ended_at is not None:
        return None
    if row.expires_at <= now or row.last_seen_at + idle <= now:
        end_session(db, session_id=row.id, reason="expired" if row.expires_at <= now else "idle", now=now)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        db.add(row)
        db.commit()
    return row


def end_session(db: Session, *, session_id: int, reason: str, user_id: int | None = None, now: datetime | None = None) -> bool:
    """End one session (only if it is the given person's, when user_id is given); True if one was live."""
    query = update(StaffSession).where(col(StaffSession.id) == session_id, col(StaffSession.ended_at).is_(None))
    if user_id is not None:
        query = query.where(col(StaffSession.user_id) == user_id)
    result = db.execute(query.values(ended_at=now or utcnow(), end_reason=reason))
    db.commit()
    return bool(result.rowcount)


def end_sessions_of(db: Session, *, user_id: int, reason: str, keep_id: int | None = None, now: datetime | None = None) -> int:
    """End every live session of one person (but keep_id's); how many were ended."""
    query = update(StaffSession).where(col(StaffSession.user_id) == user_id, col(StaffSession.ended_at).is_(None))
    if keep_id is not None:
        query = query.where(col(StaffSession.id) != keep_id)
    result = db.execute(query.values(ended_at=now or utcnow(), end_reason=reason))
    db.commit()
    return int(result.rowcount)


def active_sessions_of(db: Session, *, user_id: int, idle: timedelta, now: datetime | None = None) -> list[StaffSession]:
    """A person's sessions that would still open pages now, most recently used first."""
    now = now or utcnow()
    rows = db.exec(
        select(StaffSession)
        .where(StaffSession.user_id == user_id, col(StaffSession.ended_at).is_(None), col(StaffSession.expires_at) > now)
        .order_by(col(StaffSession.last_seen_at).desc(), col(StaffSession.id).desc())
    ).all()
    return [row for row in rows if row.last_seen_at + idle > now]


# ----- the browser's side -----------------------------------------------------------------------


def _idle() -> timedelta:
    return timedelta(minutes=current_app.config["VOICE_APP"].session_idle_minutes)


def sign_in_browser(user: StaffUser) -> None:
    """Start a fresh session in this browser for this person (no fixation, no leftover child mode)."""
    settings = current_app.config["VOICE_APP"]
    session.clear()
    token = start_session(
        database.session(),
        user=user,
        device=describe_device(request.headers.get("User-Agent", "")),
        lifetime=timedelta(hours=settings.session_hours),
    )
    session[SESSION_KEY] = token
    session.permanent = True
    login_user(user)
    # Flask-Login would keep the account id in the cookie; who is signed in comes from the row instead.
    session.pop("_user_id", None)


def sign_out_browser(reason: str = "signed-out", *, keep_cookie: bool = False) -> None:
    """End this browser's session on the server and forget everything in its cookie (but its CSRF token, if kept)."""
    row = current_session()
    if row is not None:
        end_session(database.session(), session_id=row.id, reason=reason)
    logout_user()
    session.pop(SESSION_KEY, None)
    if not keep_cookie:
        session.clear()


def current_session() -> StaffSession | None:
    """This request's live staff session row, if signed in."""
    from flask_login import current_user

    current_user._get_current_object()  # loading the user finds the row
    return g.get("staff_session")


def install_server_sessions(app: Flask, login_manager) -> None:
    """Flask-Login finds the signed-in person through the session row named by the cookie's token."""

    @login_manager.request_loader
    def _load_from_session(_request):
        token = session.get(SESSION_KEY)
        if not isinstance(token, str):
            return None
        db = database.session()
        row = live_session(db, token=token, idle=_idle())
        if row is None:
            session.pop(SESSION_KEY, None)
            return None
        user = db.get(StaffUser, row.user_id)
        if user is None or not user.active:
            return None
        g.staff_session = row
        return user
