"""Admin pages: list, create, switch off, unlock staff accounts and give them a temporary password."""

from flask import abort, current_app, flash, redirect, url_for
from flask_login import current_user

from voice_app import db
from voice_app.admin import bp
from voice_app.admin.forms import NewStaffForm, TemporaryPasswordForm
from voice_app.admin.services import StaffAccountError, all_staff, create_staff_user, set_active, set_temporary_password, unlock
from voice_app.models import Role, StaffUser, utcnow
from voice_app.rendering import render
from voice_app.security import roles_required
from voice_app.sessions import end_sessions_of


@bp.get("/staff")
@roles_required(Role.ADMIN)
def staff_list():
    """Every staff account with its role and state."""
    return render("admin/staff_list.html", staff=all_staff(db.session()), now=utcnow())


@bp.route("/staff/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_staff():
    """Create a staff account."""
    form = NewStaffForm()
    if form.validate_on_submit():
        try:
            user = create_staff_user(
                db.session(),
                email=form.email.data,
                display_name=form.display_name.data,
                role=Role(form.role.data),
                password=form.password.data,
                temporary=True,  # the admin knows it: the person chooses their own at first sign-in
            )
        except StaffAccountError as exc:
            form[exc.field].errors.append(str(exc))
        else:
            flash(f"Account created for {user.display_name}.", "success")
            return redirect(url_for("admin.staff_list"))
    return render("admin/new_staff.html", form=form, status=422 if form.errors else 200)


def _staff_or_404(user_id: int) -> StaffUser:
    user = db.session().get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/staff/<int:user_id>/active")
@roles_required(Role.ADMIN)
def toggle_active(user_id: int):
    """Switch an account off (or back on)."""
    user = _staff_or_404(user_id)
    try:
        set_active(db.session(), user=user, active=not user.active, acting=current_user)
    except StaffAccountError as exc:
        flash(str(exc), "error")
    else:
        flash(f"{user.display_name}'s account is now {'on' if user.active else 'off'}.", "success")
    return redirect(url_for("admin.staff_list"))


@bp.post("/staff/<int:user_id>/unlock")
@roles_required(Role.ADMIN)
def unlock_account(user_id: int):
    """Lift the wait after too many wrong passwords for someone's email address."""
    user = _staff_or_404(user_id)
    unlock(db.session(), user=user, secret=current_app.secret_key)
    flash(f"{user.display_name} can sign in again straight away.", "success")
    return redirect(url_for("admin.staff_list"))


@bp.post("/staff/<int:user_id>/sessions/end")
@roles_required(Role.ADMIN)
def end_sessions(user_id: int):
    """Sign someone out everywhere (a lost tablet, a cookie that may have been copied)."""
    user = _staff_or_404(user_id)
    ended = end_sessions_of(db.session(), user_id=user.id, reason="ended-by-admin")
    flash(f"{user.display_name} is signed out everywhere ({ended} {'session' if ended == 1 else 'sessions'} ended).", "success")
    return redirect(url_for("admin.staff_list"))


@bp.route("/staff/<int:user_id>/password", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def temporary_password(user_id: int):
    """Give someone who forgot their password a temporary one, which they must replace when they sign in."""
    user = _staff_or_404(user_id)
    if user.id == current_user.id:
        return redirect(url_for("auth.change_password"))
    form = TemporaryPasswordForm()
    if form.validate_on_submit():
        try:
            set_temporary_password(db.session(), user=user, password=form.password.data, acting=current_user)
        except StaffAccountError as exc:
            form.password.errors.append(str(exc))
        else:
            flash(f"{user.display_name} has a temporary password. They choose their own when they next sign in.", "success")
            return redirect(url_for("admin.staff_list"))
    return render("admin/temporary_password.html", form=form, user=user, status=422 if form.errors else 200)
