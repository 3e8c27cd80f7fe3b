"""Each person's own second factor: set up an authenticator app, replace recovery codes, switch it off."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from voice_app import db
from voice_app.extensions import limiter
from voice_app.mfa import bp, recovery, totp
from voice_app.mfa.forms import CodeForm
from voice_app.mfa.policy import required_for
from voice_app.mfa.routes_sign_in import limits, wait_message, wrong_code
from voice_app.mfa.services import (
    Factor,
    SecondFactorError,
    authenticator_of,
    check_code,
    confirm_setup,
    new_recovery_codes,
    start_setup,
    switch_off,
)
from voice_app.models import utcnow
from voice_app.qr import qr_svg
from voice_app.rendering import render
from voice_app.sessions import current_session


def _overview(form: CodeForm | None = None, *, error: str | None = None, status: int = 200):
    session = db.session()
    app = authenticator_of(session, user_id=current_user.id)
    return render(
        "mfa/overview.html",
        enrolled=app is not None and app.confirmed_at is not None,
        since=app.confirmed_at if app else None,
        codes_left=recovery.codes_left(session, user_id=current_user.id),
        required=required_for(session, user=current_user),
        form=form or CodeForm(),
        error=error,
        status=status,
    )


@bp.get("/account/two-factor")
@login_required
def overview():
    """Whether this person's sign-in asks for a second factor, and what they can change."""
    return _overview()


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])
def set_up():
    """Set up an authenticator app: scan the QR code (or type the key), then enter its first code to switch it on."""
    session = db.session()
    try:
        app = start_setup(session, user=current_user)
    except SecondFactorError as exc:
        flash(str(exc), "info")
        return redirect(url_for("mfa.overview"))
    form = CodeForm()
    if form.validate_on_submit():
        here = current_session()
        codes = confirm_setup(session, user=current_user, code=form.code.data, now=utcnow(), keep_session_id=here.id if here else None)
        if codes is not None:
            flash(_("Your authenticator app is set up: from now on you sign in with your password and a code from the app."), "success")
            return render("mfa/recovery_codes.html", codes=codes)
        form.code.errors.append(wrong_code())
    service = current_app.config["VOICE_APP"].service_name
    uri = totp.setup_uri(app.secret, account=current_user.email, issuer=service)
    return render(
        "mfa/set_up.html",
        form=form,
        qr=qr_svg(uri, title=_("QR code for setting up your authenticator app"), svg_id="setup-qr"),
        key=totp.grouped(app.secret),
        status=422 if form.errors else 200,
    )


def _checked_code(form: CodeForm):
    """Check a code from the person's app before a change; an error page (or None when it is right)."""
    if not form.validate_on_submit():
        return _overview(form, status=422)
    check = check_code(
        db.session(), user=current_user, code=form.code.data, factor=Factor.TOTP, address=request.remote_addr or "",
        secret=current_app.secret_key, limits=limits(), now=utcnow(), purpose="change",
    )
    if check.wait:
        return _overview(form, error=wait_message(check), status=429)
    if not check.ok:
        form.code.errors.append(wrong_code())
        return _overview(form, status=422)
    return None


@bp.post("/account/two-factor/recovery-codes")
@login_required
@limiter.limit("10 per minute")
def new_codes():
    """Replace the recovery codes (after a code from the app): the old ones stop working."""
    if (problem := _checked_code(CodeForm())) is not None:
        return problem
    return render("mfa/recovery_codes.html", codes=new_recovery_codes(db.session(), user=current_user, now=utcnow()))


@bp.post("/account/two-factor/off")
@login_required
@limiter.limit("10 per minute")
def turn_off():
    """Remove the authenticator app (after a code from it), where the service does not require one."""
    if required_for(db.session(), user=current_user):
        flash(_("Your service requires a second factor for your role, so it cannot be switched off."), "error")
        return redirect(url_for("mfa.overview"))
    if (problem := _checked_code(CodeForm())) is not None:
        return problem
    try:
        switch_off(db.session(), user=current_user, now=utcnow())
    except SecondFactorError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Your authenticator app is removed: you sign in with your password only."), "success")
    return redirect(url_for("mfa.overview"))

