"""Checking a sign-in attempt: passwords, growing waits after failures, rehashing; changing a password."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from voice_app.audit_labels import label_actions
from voice_app.auth.throttle import ACCOUNT_BOUND, ALERT_AFTER, PASSWORDS, Limits, account_limited_until
from voice_app.mail import queue_email
from voice_app.models import AuditEvent, StaffUser, utcnow
from voice_app.passwords import burn_time_for_unknown_user, hash_password, needs_rehash, verify_password
from voice_app.sessions import end_sessions_of

SIGN_IN_FAILED = "staff.sign_in_failed"  # an audit action; the owner and admins see these
SIGNED_IN = "staff.signed_in"  # an audit action; its detail names the factors used, never the person's details
label_actions({SIGN_IN_FAILED: "A failed try to sign in", SIGNED_IN: "Signed in"})


@dataclass(frozen=True)
class SignInResult:
    """The person signed in, or nobody; `wait` is set when tries for that email or from that address must pause."""

    user: StaffUser | None
    wait: timedelta = timedelta(0)


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def find_staff_by_email(db: Session, email: str) -> StaffUser | None:
    """The staff account with this email, if any."""
    return db.exec(select(StaffUser).where(StaffUser.email == normalise_email(email))).first()


def email_key(secret: str, email: str) -> str:
    """The throttle key of an email address's failures from all addresses (known or not)."""
    return PASSWORDS.account_key(secret, normalise_email(email))


def attempt_sign_in(
    db: Session, *, email: str, password: str, address: str, secret: str, limits: Limits, now: datetime | None = None
) -> SignInResult:
    """Check a sign-in the same way for every email, known or not.

    Waits grow per (email, address) pair and per address, so wrong passwords slow only the address sending them:
    the owner, signing in from an address that has not been failing, is never kept waiting by someone else's tries.
    Past ACCOUNT_BOUND failures for the email from all addresses together, a password is checked only from an
    address the account signed in from before; anywhere else is told to wait until the count is forgotten.
    """
    now = now or utcnow()
    attempt = PASSWORDS.begin(db, who=normalise_email(email), address=address, secret=secret, limits=limits, now=now)
    if attempt.wait > timedelta(0):
        burn_time_for_unknown_user(password)  # a refused try costs what a checked one does
        return SignInResult(user=None, wait=attempt.wait)
    user = find_staff_by_email(db, email)
    if user is None or not user.active:
        burn_time_for_unknown_user(password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password)
    if not ok:
        failures = PASSWORDS.failed(db, attempt, now=now)
        if user is not None:
            # The owner and admins see these; nobody else learns whether the account exists.
            user.failed_logins += 1
            user.locked_until = account_limited_until(db, attempt.account, now=now)  # shown to admins, who can lift it
            db.add(user)
            db.add(AuditEvent(at=now, staff_id=user.id, action=SIGN_IN_FAILED, detail="factor=password"))
            _tell_owner(db, user=user, failures=failures)
        db.commit()
        return SignInResult(user=None)
    PASSWORDS.succeeded(db, attempt, now=now)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.add(user)
    db.commit()
    return SignInResult(user=user)


FAILED_TRIES_EMAIL = "sign_in_failures"  # the outbox's kind for the owner's warning


def _tell_owner(db: Session, *, user: StaffUser, failures: int) -> None:
    """Email the owner once per burst: when failures reach ALERT_AFTER, and again if they reach ACCOUNT_BOUND."""
    if failures == ALERT_AFTER:
        queue_email(
            db,
            to=user.email,
            subject="voice-app: several wrong passwords were tried for your account",
            text=(
                f"Someone has tried to sign in to your voice-app account with a wrong password {ALERT_AFTER} times "
                "since your last sign-in.\n\n"
                "If this was you, there is nothing to do. If it was not, your password may be being guessed: "
                "choose a new, long password from your account page, and set up an authenticator app if you have not.\n\n"
                "You can still sign in as usual: the tries slow down only the place they come from.\n"
            ),
            kind=FAILED_TRIES_EMAIL,
        )
    elif failures == ACCOUNT_BOUND:
        queue_email(
            db,
            to=user.email,
            subject="voice-app: your password now only works where you signed in before",
            text=(
                f"There have been {ACCOUNT_BOUND} wrong passwords for your voice-app account. To stop your password being "
                "guessed, for the next day it is accepted only on networks where you have signed in before.\n\n"
                "If you need to sign in from somewhere new, ask an admin to lift this. Then change your password.\n"
            ),
            kind=FAILED_TRIES_EMAIL,
        )


def record_sign_in(db: Session, *, user_id: int, factors: str, now: datetime | None = None) -> None:
    """Audit a completed sign-in and the factors it used ("password", "password+totp", ...)."""
    db.add(AuditEvent(at=now or utcnow(), staff_id=user_id, action=SIGNED_IN, detail=f"factors={factors}"))
    db.commit()


def failed_sign_ins(db: Session, *, user_id: int, since: datetime, limit: int = 20) -> list[AuditEvent]:
    """Recent failed sign-ins to this account, newest first (for its owner and for admins)."""
    return list(
        db.exec(
            select(AuditEvent)
            .where(AuditEvent.staff_id == user_id, AuditEvent.action == SIGN_IN_FAILED, col(AuditEvent.at) >= since)
            .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
            .limit(limit)
        ).all()
    )


def change_password(db: Session, *, user: StaffUser, current: str, new: str, keep_session_id: int | None = None) -> str | None:
    """Change a password after checking the current one, ending the person's other sessions; a problem, or None."""
    from voice_app.passwords import password_problem

    if not verify_password(user.password_hash, current):
        return "Your current password is not right."
    problem = password_problem(new)
    if problem:
        return problem
    if new == current:
        return "Choose a password you have not used here before."
    user.password_hash = hash_password(new)
    user.must_change_password = False
    db.add(user)
    db.commit()
    # Whoever knew the old password may be signed in elsewhere: only this browser stays signed in.
    end_sessions_of(db, user_id=user.id, reason="password-changed", keep_id=keep_session_id)
    return None
