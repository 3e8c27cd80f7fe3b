"""Signing in in two steps: a right password for someone with an authenticator app only starts a short wait for the code.

The waiting state sits in the signed session cookie (who, until when, and a fingerprint of the password
hash, so a password changed meanwhile ends it); no staff session exists until the second factor passes.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import redirect, session, url_for
from werkzeug.wrappers import Response

from voice_app import db as database
from voice_app.auth.routes import sign_in_now
from voice_app.auth.services import record_sign_in
from voice_app.mfa.services import Factor, is_enrolled
from voice_app.models import StaffUser, utcnow
from voice_app.sessions import sign_in_browser

PENDING_KEY = "second_factor"
PENDING_FOR = timedelta(minutes=5)


def _fingerprint(user: StaffUser) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def after_password(user: StaffUser, *, next_url: str) -> Response:
    """Finish a right password: ask for the second factor if the person has one, else sign them in now."""
    db = database.session()
    if is_enrolled(db, user_id=user.id):
        session.clear()  # nothing from before the sign-in carries over
        until = int((utcnow() + PENDING_FOR).timestamp())
        session[PENDING_KEY] = {"user": user.id, "until": until, "pw": _fingerprint(user), "next": next_url}
        return redirect(url_for("mfa.challenge"))
    return sign_in_now(user, next_url=next_url)


def pending_user() -> StaffUser | None:
    """The person whose password was right a moment ago and who now owes a second factor, if any."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    user = database.session().get(StaffUser, pending.get("user")) if isinstance(pending.get("user"), int) else None
    fresh = isinstance(pending.get("until"), int) and pending["until"] > utcnow().timestamp()
    if user is None or not user.active or not fresh or pending.get("pw") != _fingerprint(user):
        session.pop(PENDING_KEY, None)
        return None
    return user


def complete(user: StaffUser, *, factor: Factor) -> Response:
    """The second factor passed: start the staff session and go where the person was heading."""
    next_url = session.get(PENDING_KEY, {}).get("next") or url_for("auth.index")
    sign_in_browser(user)  # clears the cookie, the waiting state with it
    record_sign_in(database.session(), user_id=user.id, factors=f"password+{factor.value}")
    return redirect(next_url)
