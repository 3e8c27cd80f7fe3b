"""Sign-in and sign-out pages."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required

from voice_app import db
from voice_app.auth import bp
from voice_app.auth.forms import ChangePasswordForm, EndSessionForm, SignInForm
from voice_app.auth.services import attempt_sign_in, failed_sign_ins, record_sign_in
from voice_app.auth.services import change_password as change_password_service
from voice_app.auth.throttle import Limits
from voice_app.extensions import limiter
from voice_app.models import Role, utcnow
from voice_app.rendering import render
from voice_app.sessions import END_REASONS, active_sessions_of, current_session, end_session, sign_in_browser, sign_out_browser

# What follows a right password, kept in app.extensions under this key. The second factor
# (voice_app.mfa.gate.install_second_factor_gate) puts its step there, which asks for the code when the
# person has an authenticator app; with nothing there the person is signed in at once.
AFTER_PASSWORD = "voice_app_after_password"


def sign_in_now(user, *, next_url: str):
    """Sign in with the password alone."""
    sign_in_browser(user)
    record_sign_in(db.session(), user_id=user.id, factors="password")
    return redirect(next_url)


# The same words for an unknown email, a wrong password and an account switched off: nothing to learn from them.
WRONG = "The email address or password is not right. Check them and try again."


def home_for(user) -> str:
    """Where each role lands after signing in."""
    if user.role == Role.ADMIN:
        return url_for("admin.staff_list")
    if user.role == Role.PRACTITIONER:
        return url_for("practitioners.home")
    return url_for("staff.caseload")


def _safe_next(target: str | None) -> str | None:
    # Only same-site paths, so a sign-in link cannot bounce anyone elsewhere.
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/", methods=["GET"])
def index():
    """Send visitors to sign in, and signed-in staff to their start page."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.sign_in"))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def sign_in():
    """Staff sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignInForm()
    error = None
    status = 200
    if form.validate_on_submit():
        settings = current_app.config["VOICE_APP"]
        result = attempt_sign_in(
            db.session(),
            email=form.email.data,
            password=form.password.data,
            address=request.remote_addr or "",
            secret=current_app.secret_key,
            limits=Limits(free_failures=settings.login_max_failures, longest_wait=timedelta(minutes=settings.login_lock_minutes)),
        )
        if result.user is not None:
            after_password = current_app.extensions.get(AFTER_PASSWORD, sign_in_now)
            return after_password(result.user, next_url=_safe_next(request.args.get("next")) or home_for(result.user))
        if result.wait:
            seconds = max(1, int(result.wait.total_seconds()))
            error = f"There have been several tries to sign in with that email address or from this network. Wait {seconds} seconds, then try again."
            status = 429
        else:
            error = WRONG
    if status == 200 and (error or form.errors):
        status = 422
    return render("auth/sign_in.html", form=form, error=error, status=status)


@bp.post("/sign-out")
def sign_out():
    """End the session on the server and in this browser, including any child mode."""
    sign_out_browser()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])
def change_password():
    """Any member of staff changes their own password (for example, after a temporary one)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        here = current_session()
        problem = change_password_service(
            db.session(), user=current_user, current=form.current.data, new=form.new.data, keep_session_id=here.id if here else None
        )
        if problem is None:
            flash("Your password is changed.", "success")
            return redirect(home_for(current_user))
        (form.current if "current" in problem else form.new).errors.append(problem)
    return render("auth/change_password.html", form=form, status=422 if form.errors else 200)


@bp.get("/account/sessions")
@login_required
def sessions():
    """Where this person is signed in, and failed tries to sign in as them; any session can be ended."""
    now = utcnow()
    idle = timedelta(minutes=current_app.config["VOICE_APP"].session_idle_minutes)
    here = current_session()
    return render(
        "auth/sessions.html",
        sessions=active_sessions_of(db.session(), user_id=current_user.id, idle=idle, now=now),
        current_id=here.id if here else None,
        failures=failed_sign_ins(db.session(), user_id=current_user.id, since=now - timedelta(days=30)),
        reasons=END_REASONS,
        form=EndSessionForm(),
    )


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_own_session(session_id: int):
    """End one of this person's sessions; ending this browser's own signs it out."""
    if not EndSessionForm().validate_on_submit():
        abort(400)
    here = current_session()
    if here is not None and here.id == session_id:
        sign_out_browser("ended-by-owner")
        flash("You have signed out.", "success")
        return redirect(url_for("auth.sign_in"))
    if not end_session(db.session(), session_id=session_id, reason="ended-by-owner", user_id=current_user.id):
        abort(404)
    flash("That session has ended: whoever was using it must sign in again.", "success")
    return redirect(url_for("auth.sessions"))
