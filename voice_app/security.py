"""Roles, access to children, and the security headers every response carries."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Flask, abort, request
from flask_login import current_user, login_required
from sqlmodel import Session, select

from voice_app.models import Child, Role, StaffUser

F = TypeVar("F", bound=Callable)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Require a signed-in, active member of staff with one of these roles (else 403)."""

    def decorate(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def can_see_all_children(user: StaffUser) -> bool:
    """Managers see every child; IROs only their own; admins manage accounts, not children."""
    return user.role == Role.MANAGER


def children_visible_to(user: StaffUser):
    """A select() of the children this user may see."""
    query = select(Child).where(Child.active == True)  # noqa: E712
    if can_see_all_children(user):
        return query
    if user.role == Role.IRO:
        return query.where(Child.iro_id == user.id)
    return query.where(False)


def child_for(db: Session, user: StaffUser, child_id: int) -> Child:
    """The child if this user may see them; a 404 otherwise, so nothing leaks."""
    child = db.get(Child, child_id)
    if child is None or not child.active:
        abort(404)
    if can_see_all_children(user) or (user.role == Role.IRO and child.iro_id == user.id):
        return child
    abort(404)


def install_security_headers(app: Flask) -> None:
    """Send strict headers on every response; HSTS only when the request came over HTTPS."""

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        if request.is_secure:
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if not request.path.startswith("/static/"):
            # Children's words must never sit in a shared tablet's cache.
            headers["Cache-Control"] = "no-store"
        return response


# Set in the signed session cookie by the hand-over to a child (see the child blueprint).
CHILD_MODE_KEY = "child_mode"
# "sso": an IRO signed in only through the council's provider takes the tablet back through it (voice_app/sso/handback.py).
CHILD_MODE_OPEN_BLUEPRINTS = frozenset({"child", "static", "health", "credits", "sso"})


def install_child_mode_lock(app: Flask) -> None:
    """While a tablet is in child mode, every other page is refused until the IRO takes it back."""

    @app.before_request
    def _child_mode_lock():
        from flask import current_app, render_template, session, url_for

        if not session.get(CHILD_MODE_KEY):
            return None
        endpoint = request.endpoint or ""
        blueprint = endpoint.split(".", 1)[0] if "." in endpoint else endpoint
        if blueprint in CHILD_MODE_OPEN_BLUEPRINTS:
            return None
        state = session.get(CHILD_MODE_KEY)
        if blueprint == "phone" and isinstance(state, dict) and state.get("phone"):
            return None  # child mode on the child's own phone: its own pages stay open (voice_app/phone/conversation.py)
        resume = url_for("child.resume") if "child.resume" in current_app.view_functions else None
        return render_template("errors/child_mode.html", resume_url=resume), 403


# Pages someone with a temporary password may still reach: choosing their own, signing out, and pages with no data.
TEMPORARY_PASSWORD_OPEN = frozenset({"auth.change_password", "auth.sign_out", "static", "health.healthz", "health.readyz", "credits.credits"})


def install_temporary_password_gate(app: Flask) -> None:
    """Someone signed in with a password an admin chose goes to "change your password" until they have."""

    @app.before_request
    def _temporary_password_gate():
        from flask import flash, redirect, url_for
        from flask_login import current_user

        if (request.endpoint or "") in TEMPORARY_PASSWORD_OPEN:
            return None
        if not (current_user.is_authenticated and getattr(current_user, "must_change_password", False)):
            return None
        flash("Choose your own password before you go on: the one you were given is only for signing in the first time.", "info")
        return redirect(url_for("auth.change_password"))
