"""Sign-in and sign-out pages."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from voice_app import db
from voice_app.auth import bp
from voice_app.auth.forms import ChangePasswordForm, SignInForm
from voice_app.auth.services import attempt_sign_in
from voice_app.auth.services import change_password as change_password_service
from voice_app.extensions import limiter
from voice_app.models import Role
from voice_app.rendering import render


def home_for(user) -> str:
    """Where each role lands after signing in."""
    if user.role == Role.ADMIN:
        return url_for("admin.staff_list")
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
    if form.validate_on_submit():
        settings = current_app.config["VOICE_APP"]
        result = attempt_sign_in(
            db.session(),
            email=form.email.data,
            password=form.password.data,
            max_failures=settings.login_max_failures,
            lock_minutes=settings.login_lock_minutes,
        )
        if result.user is not None:
            session.clear()  # a fresh session on sign-in: no fixation, no leftover child mode
            login_user(result.user)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")) or home_for(result.user))
        if result.locked_until is not None:
            error = (
                f"Too many wrong passwords. For safety this account is locked for "
                f"{settings.login_lock_minutes} minutes. Ask an admin if you need help sooner."
            )
        else:
            error = "The email address or password is not right. Check them and try again."
    status = 200 if error is None and not form.errors else 422
    return render("auth/sign_in.html", form=form, error=error, status=status)


@bp.post("/sign-out")
def sign_out():
    """End the session completely, including any child mode."""
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])
def change_password():
    """Any member of staff changes their own password (for example, after a temporary one)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        problem = change_password_service(db.session(), user=current_user, current=form.current.data, new=form.new.data)
        if problem is None:
            flash("Your password is changed.", "success")
            return redirect(home_for(current_user))
        (form.current if "current" in problem else form.new).errors.append(problem)
    return render("auth/change_password.html", form=form, status=422 if form.errors else 200)
