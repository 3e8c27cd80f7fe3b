"""Checking a sign-in attempt: passwords, lock-out after repeated failures, rehashing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from voice_app.models import StaffUser, utcnow
from voice_app.passwords import burn_time_for_unknown_user, hash_password, needs_rehash, verify_password


@dataclass(frozen=True)
class SignInResult:
    user: StaffUser | None
    locked_until: datetime | None = None


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def find_staff_by_email(db: Session, email: str) -> StaffUser | None:
    """The staff account with this email, if any."""
    return db.exec(select(StaffUser).where(StaffUser.email == normalise_email(email))).first()


def attempt_sign_in(
    db: Session, *, email: str, password: str, max_failures: int, lock_minutes: int, now: datetime | None = None
) -> SignInResult:
    """Check the password; lock the account for a while after too many failures in a row."""
    now = now or utcnow()
    user = find_staff_by_email(db, email)
    if user is None or not user.active:
        burn_time_for_unknown_user(password)
        return SignInResult(user=None)
    if user.locked_until and user.locked_until > now:
        burn_time_for_unknown_user(password)
        return SignInResult(user=None, locked_until=user.locked_until)
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        locked_until = None
        if user.failed_logins >= max_failures:
            locked_until = now + timedelta(minutes=lock_minutes)
            user.locked_until = locked_until
            user.failed_logins = 0
        db.add(user)
        db.commit()
        return SignInResult(user=None, locked_until=locked_until)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.add(user)
    db.commit()
    return SignInResult(user=user)


def change_password(db: Session, *, user: StaffUser, current: str, new: str) -> str | None:
    """Change a password after checking the current one; a plain-words problem, or None when done."""
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
    return None
