"""Setting up, checking, replacing and resetting a person's second factor; every change is audited."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from voice_app.audit_labels import label_actions
from voice_app.auth.services import FAILED_TRIES_EMAIL, SIGN_IN_FAILED
from voice_app.auth.throttle import ALERT_AFTER, SECOND_FACTOR_CODES, Limits, forget
from voice_app.mail import queue_email
from voice_app.mfa import recovery, totp
from voice_app.mfa.policy import required_for
from voice_app.models import AuditEvent, AuthenticatorApp, StaffUser
from voice_app.sessions import end_sessions_of

SECOND_FACTOR_ON = "staff.second_factor_on"
SECOND_FACTOR_OFF = "staff.second_factor_off"
SECOND_FACTOR_RESET = "staff.second_factor_reset"
RECOVERY_CODES_NEW = "staff.recovery_codes_new"
label_actions(
    {
        SECOND_FACTOR_ON: "Set up an authenticator app",
        SECOND_FACTOR_OFF: "Removed their authenticator app",
        SECOND_FACTOR_RESET: "Reset someone's second factor (lost phone)",
        RECOVERY_CODES_NEW: "Made new recovery codes",
    }
)


class Factor(str, enum.Enum):
    """A second factor, as named in the audit trail."""

    TOTP = "totp"
    RECOVERY_CODE = "recovery-code"


class SecondFactorError(ValueError):
    """A change that is not allowed; the message says why in plain words."""


@dataclass(frozen=True)
class Check:
    """Whether a code was accepted; `wait` is set when tries must pause first; `reused` when it was right but spent already."""

    ok: bool
    wait: timedelta = field(default=timedelta(0))
    reused: bool = False


def authenticator_of(db: Session, *, user_id: int) -> AuthenticatorApp | None:
    """This person's authenticator app, switched on or still being set up."""
    return db.exec(select(AuthenticatorApp).where(AuthenticatorApp.user_id == user_id)).first()


def is_enrolled(db: Session, *, user_id: int) -> bool:
    """Whether this person's sign-in asks for a second factor."""
    app = authenticator_of(db, user_id=user_id)
    return app is not None and app.confirmed_at is not None


def start_setup(db: Session, *, user: StaffUser) -> AuthenticatorApp:
    """The secret being set up for this person (made once, kept until confirmed, so reloading shows the same one)."""
    app = authenticator_of(db, user_id=user.id)
    if app is not None and app.confirmed_at is not None:
        raise SecondFactorError(_l("You have an authenticator app set up already."))
    if app is None:
        app = AuthenticatorApp(user_id=user.id, secret=totp.new_secret())
        db.add(app)
        db.commit()
    return app


def _spend_totp(db: Session, *, app: AuthenticatorApp, code: str, now: datetime) -> bool | None:
    """Accept a code once: its time step is stored, and a code of that step or an older one is refused afterwards.

    True when accepted, False when wrong, None when it is a right code that was spent already (a code works once:
    someone signing out and straight back in must wait for the app's next code, and is told so).
    """
    step = totp.matching_step(app.secret, code, now=now)
    if step is None:
        return False
    if app.last_used_step is not None and step <= app.last_used_step:
        return None
    # Conditional, so two requests racing with the same code cannot both pass.
    result = db.execute(
        update(AuthenticatorApp)
        .where(col(AuthenticatorApp.id) == app.id, or_(col(AuthenticatorApp.last_used_step).is_(None), col(AuthenticatorApp.last_used_step) < step))
        .values(last_used_step=step)
    )
    return bool(result.rowcount)


def check_code(
    db: Session, *, user: StaffUser, code: str, factor: Factor, address: str, secret: str, limits: Limits, now: datetime, purpose: str = "sign-in"
) -> Check:
    """Check a code from the app (or a recovery code) behind the same growing waits as passwords; failures are audited.

    The throttle is the passwords' own rule (docs/security.md) with keys of its own: waits grow per (account, address)
    and per address, so wrong codes sent by someone else never make the owner wait elsewhere; past ACCOUNT_BOUND wrong
    codes from all addresses together, a code is checked only from an address where this account completed its
    second factor before.
    """
    attempt = SECOND_FACTOR_CODES.begin(db, who=str(user.id), address=address, secret=secret, limits=limits, now=now)
    if attempt.wait > timedelta(0):
        return Check(ok=False, wait=attempt.wait)
    app = authenticator_of(db, user_id=user.id)
    ok: bool | None = False
    if app is not None and app.confirmed_at is not None:
        if factor == Factor.TOTP:
            ok = _spend_totp(db, app=app, code=code, now=now)
        else:
            ok = recovery.use_code(db, user_id=user.id, code=code, now=now)
    if not ok:
        failures = SECOND_FACTOR_CODES.failed(db, attempt, now=now)  # a spent code counts as a try too, so replays are throttled
        if failures == ALERT_AFTER:
            _tell_owner(db, user=user)
        if purpose == "sign-in":
            # Shown to the person on their sessions page: a right password with a wrong code means the password is known.
            db.add(AuditEvent(at=now, staff_id=user.id, action=SIGN_IN_FAILED, detail=f"factor={factor.value}"))
        db.commit()
        return Check(ok=False, reused=ok is None)
    SECOND_FACTOR_CODES.succeeded(db, attempt, now=now)
    db.commit()
    return Check(ok=True)


def _tell_owner(db: Session, *, user: StaffUser) -> None:
    """Email the owner once per burst of wrong codes: only someone who knew their password could send them."""
    queue_email(
        db,
        to=user.email,
        subject="voice-app: someone with your password entered wrong codes",
        text=(
            f"The code from your authenticator app was entered wrongly {ALERT_AFTER} times after your right password "
            "was given, since your last sign-in.\n\n"
            "If this was not you, someone knows your password: change it now from your account page. They still "
            "cannot sign in without your phone.\n\n"
            "You can still sign in as usual: the tries slow down only the place they come from.\n"
        ),
        kind=FAILED_TRIES_EMAIL,
    )


def confirm_setup(db: Session, *, user: StaffUser, code: str, now: datetime, keep_session_id: int | None) -> list[str] | None:
    """Switch the app on if the code is right: the new recovery codes (to show once), or None for a wrong code."""
    app = authenticator_of(db, user_id=user.id)
    if app is None or app.confirmed_at is not None:
        return None
    step = totp.matching_step(app.secret, code, now=now)
    if step is None:
        return None
    app.confirmed_at, app.last_used_step = now, step
    db.add(app)
    codes = recovery.replace_codes(db, user_id=user.id, now=now)
    db.add(AuditEvent(at=now, staff_id=user.id, action=SECOND_FACTOR_ON, detail=f"factor={Factor.TOTP.value}"))
    db.commit()
    # Whoever knew only the password may be signed in elsewhere: from now on they would need the app too.
    end_sessions_of(db, user_id=user.id, reason="second-factor-on", keep_id=keep_session_id)
    return codes


def new_recovery_codes(db: Session, *, user: StaffUser, now: datetime) -> list[str]:
    """A fresh set of recovery codes (the old ones stop working), after the caller has checked a code from the app."""
    codes = recovery.replace_codes(db, user_id=user.id, now=now)
    db.add(AuditEvent(at=now, staff_id=user.id, action=RECOVERY_CODES_NEW))
    db.commit()
    return codes


def _remove(db: Session, *, user_id: int) -> None:
    db.execute(delete(AuthenticatorApp).where(col(AuthenticatorApp.user_id) == user_id))
    recovery.forget_codes(db, user_id=user_id)


def switch_off(db: Session, *, user: StaffUser, now: datetime) -> None:
    """The person removes their own app (only where the service does not require one), after a code from it."""
    if required_for(db, user=user):
        raise SecondFactorError(_l("Your service requires a second factor for your role, so it cannot be switched off."))
    _remove(db, user_id=user.id)
    db.add(AuditEvent(at=now, staff_id=user.id, action=SECOND_FACTOR_OFF))
    db.commit()


def reset_by_admin(db: Session, *, user: StaffUser, acting: StaffUser | None, secret: str, now: datetime) -> None:
    """Another admin removes someone's app and recovery codes (a lost phone); they set up a new one at their next sign-in.

    `acting` is None only for `voice-app second-factor reset`, run by whoever runs the server (the last admin's lost phone).
    """
    if acting is not None and user.id == acting.id:
        raise SecondFactorError(_l("Another admin must reset your own second factor, so that one stolen password is never enough."))
    _remove(db, user_id=user.id)
    forget(db, keys=[SECOND_FACTOR_CODES.account_key(secret, str(user.id))])  # its wrong codes start again
    by = "" if acting is not None else " by=command-line"
    db.add(AuditEvent(at=now, staff_id=acting.id if acting else None, action=SECOND_FACTOR_RESET, detail=f"staff_id={user.id}{by}"))
    db.commit()
    # Any browser still signed in may be the lost phone's.
    end_sessions_of(db, user_id=user.id, reason="second-factor-reset")


def enrolled_ids(db: Session) -> set[int]:
    """The ids of everyone with an app switched on (for the admins' list)."""
    return set(db.exec(select(AuthenticatorApp.user_id).where(col(AuthenticatorApp.confirmed_at).is_not(None))).all())
