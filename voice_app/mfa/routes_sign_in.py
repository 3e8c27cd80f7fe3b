"""The second step of signing in: a code from the authenticator app, or a recovery code."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from voice_app import db
from voice_app.auth.routes import home_for
from voice_app.auth.throttle import Limits
from voice_app.extensions import limiter
from voice_app.mfa import bp
from voice_app.mfa.forms import CodeForm, RecoveryCodeForm
from voice_app.mfa.pending import complete, pending_user
from voice_app.mfa.services import Check, Factor, check_code
from voice_app.models import utcnow
from voice_app.rendering import render


def limits() -> Limits:
    """The password throttle's limits, so a code gets no more tries than a password."""
    settings = current_app.config["VOICE_APP"]
    return Limits(free_failures=settings.login_max_failures, longest_wait=timedelta(minutes=settings.login_lock_minutes))


def wait_message(check: Check) -> str:
    """What to say when tries must pause."""
    seconds = max(1, int(check.wait.total_seconds()))
    return _("There have been several wrong codes for this account or from this network. Wait %(seconds)s seconds, then try again.", seconds=seconds)


def wrong_code() -> str:
    """What to say about a code that is not accepted (wrong, or used already: the same words for both)."""
    return _("That code is not right, or it was used already. Enter the code the app shows now.")


def used_code() -> str:
    """What to say about a right code that was used already (for example, signing straight back in after signing out)."""
    return _("This code was just used. Wait for the app to show the next one, then enter that.")


def _second_step(factor: Factor, form, template: str, wrong: str):
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    user = pending_user()
    if user is None:
        flash(_("Sign in again: the time for entering a code ran out."), "info")
        return redirect(url_for("auth.sign_in"))
    error, status = None, 200
    if form.validate_on_submit():
        check = check_code(
            db.session(), user=user, code=form.code.data, factor=factor, address=request.remote_addr or "",
            secret=current_app.secret_key, limits=limits(), now=utcnow(),
        )
        if check.ok:
            return complete(user, factor=factor)
        if check.wait:
            error, status = wait_message(check), 429
        else:
            error, status = (used_code() if check.reused else wrong), 422
    elif form.errors:
        status = 422
    return render(template, form=form, error=error, status=status)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def challenge():
    """After a right password: the code from the authenticator app."""
    return _second_step(Factor.TOTP, CodeForm(), "mfa/challenge.html", wrong_code())


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def recovery():
    """After a right password, without the phone: one of the recovery codes."""
    return _second_step(Factor.RECOVERY_CODE, RecoveryCodeForm(), "mfa/recovery_sign_in.html", _("That is not one of your unused recovery codes."))
