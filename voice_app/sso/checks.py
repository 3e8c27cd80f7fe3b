"""Every request of a provider sign-in re-checks it with the provider once the interval has passed."""

from __future__ import annotations

from flask import Flask, flash, g, redirect, request, url_for
from flask_login import current_user

from voice_app import db
from voice_app.models import utcnow
from voice_app.sessions import sign_out_browser
from voice_app.sso.handback import can_hand_back_through_provider
from voice_app.sso.services import active_provider, due, end_for_provider, recheck, session_link


def council_sign_in_name() -> str:
    """The provider's name for the sign-in button, or "" when sign-in with the council's account is off."""
    provider = active_provider(db.session())
    return provider.display_name if provider else ""


def council_hand_back_name() -> str:
    """On the hand-back page: the provider's name when the hand-over's IRO can take the tablet back through it, else ""."""
    if not can_hand_back_through_provider(db.session(), iro=g.get("iro")):
        return ""
    return council_sign_in_name()


def install_provider_checks(app: Flask) -> None:
    """Install the re-check and the helpers the sign-in and hand-back pages call."""
    app.jinja_env.globals["council_sign_in_name"] = council_sign_in_name
    app.jinja_env.globals["council_hand_back_name"] = council_hand_back_name

    @app.before_request
    def _recheck_provider_session():
        if (request.endpoint or "static") == "static" or not current_user.is_authenticated:
            return None
        row = g.get("staff_session")
        link = session_link(db.session(), session_id=row.id) if row is not None else None
        if link is None:
            return None
        provider = active_provider(db.session())
        if not due(link, provider=provider, now=utcnow()):
            return None
        code = recheck(db.session(), link=link, provider=provider)
        if code is None:
            return None
        end_for_provider(db.session(), link=link, code=code)
        sign_out_browser("provider-refused")
        flash("The council's sign-in no longer lets you into voice-app, so you have been signed out.", "info")
        return redirect(url_for("auth.sign_in"))
