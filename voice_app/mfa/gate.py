"""Where the service requires a second factor, someone without one sets it up before anything else."""

from __future__ import annotations

from flask import Flask, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from voice_app import db as database
from voice_app.auth.routes import AFTER_PASSWORD
from voice_app.mfa.pending import after_password
from voice_app.mfa.policy import required_for
from voice_app.mfa.services import is_enrolled

# Pages someone who must set up an app may still reach: setting it up, signing out, and pages with no data.
SETUP_OPEN = frozenset({"mfa.set_up", "auth.sign_out", "static", "health.healthz", "health.readyz", "credits.credits"})
# How this browser's staff session began. Sign-ins through the council's identity provider rely on the
# council's own multi-factor rules, so the service's rule is for password sign-ins only: the provider's
# sign-in sets this key to PROVIDER right after sign_in_browser() (which clears the cookie, so it never
# outlives that session).
SIGNED_IN_WITH = "signed_in_with"
PROVIDER = "provider"


def mark_provider_sign_in() -> None:
    """Record that this browser signed in through the identity provider (so the local rule does not apply)."""
    session[SIGNED_IN_WITH] = PROVIDER


def install_second_factor_gate(app: Flask) -> None:
    """Send anyone signed in without a required second factor to set one up (after any temporary password);
    and after a right password, ask for the code of anyone who has an authenticator app."""
    app.extensions[AFTER_PASSWORD] = after_password

    @app.before_request
    def _second_factor_gate():
        if (request.endpoint or "") in SETUP_OPEN or not current_user.is_authenticated:
            return None
        if getattr(current_user, "must_change_password", False):
            return None  # the temporary-password gate goes first
        if session.get(SIGNED_IN_WITH) == PROVIDER:
            return None
        db = database.session()
        if not required_for(db, user=current_user) or is_enrolled(db, user_id=current_user.id):
            return None
        flash(_("Your service asks everyone in your role to use an authenticator app when they sign in. Set one up before you go on."), "info")
        return redirect(url_for("mfa.set_up"))
