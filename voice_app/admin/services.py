"""Creating and managing staff accounts."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from voice_app.auth.services import email_key, find_staff_by_email, normalise_email
from voice_app.auth.throttle import forget
from voice_app.models import Role, StaffUser
from voice_app.passwords import hash_password, password_problem
from voice_app.sessions import end_sessions_of


class StaffAccountError(ValueError):
    """A staff account could not be created or changed; the message says why in plain words."""

    def __init__(self, message: str, *, field: str = "email") -> None:
        super().__init__(message)
        self.field = field


def create_staff_user(db: Session, *, email: str, display_name: str, role: Role, password: str, temporary: bool = False) -> StaffUser:
    """Create an active staff account with an Argon2id-hashed password (temporary: to be changed at first sign-in)."""
    email = normalise_email(email)
    if "@" not in email:
        raise StaffAccountError("Enter an email address like name@example.org.")
    if not display_name.strip():
        raise StaffAccountError("Enter the person's name.", field="display_name")
    problem = password_problem(password)
    if problem:
        raise StaffAccountError(problem, field="password")
    if find_staff_by_email(db, email) is not None:
        raise StaffAccountError("There is already an account with that email address.")
    user = StaffUser(email=email, display_name=display_name.strip(), role=role, password_hash=hash_password(password), must_change_password=temporary)
    db.add(user)
    try:
        db.commit()
    except IntegrityError as exc:
        db.rollback()
        raise StaffAccountError("There is already an account with that email address.") from exc
    return user


def all_staff(db: Session) -> list[StaffUser]:
    """Every staff account, active first, then by name."""
    return list(db.exec(select(StaffUser).order_by(col(StaffUser.active).desc(), col(StaffUser.display_name))).all())


def set_active(db: Session, *, user: StaffUser, active: bool, acting: StaffUser) -> None:
    """Switch an account on or off; nobody can switch off their own."""
    if user.id == acting.id and not active:
        raise StaffAccountError("You cannot switch off your own account.")
    user.active = active
    db.add(user)
    db.commit()
    if not active:
        end_sessions_of(db, user_id=user.id, reason="switched-off")


def unlock(db: Session, *, user: StaffUser, secret: str) -> None:
    """Lift the limit after too many wrong passwords for this account (docs/security.md): its count starts again."""
    forget(db, keys=[email_key(secret, user.email)])
    user.locked_until = None
    user.failed_logins = 0
    db.add(user)
    db.commit()


def set_temporary_password(db: Session, *, user: StaffUser, password: str, acting: StaffUser) -> None:
    """Give someone a new password to replace at their next sign-in (for a forgotten one); also lifts a lock-out."""
    if user.id == acting.id:
        raise StaffAccountError("Change your own password from your account page instead.", field="password")
    problem = password_problem(password)
    if problem:
        raise StaffAccountError(problem, field="password")
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.locked_until = None
    user.failed_logins = 0
    db.add(user)
    db.commit()
    # Whoever had the old password (or a copy of a cookie) is signed out everywhere.
    end_sessions_of(db, user_id=user.id, reason="temporary-password")
