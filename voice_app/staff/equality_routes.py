"""The child's equality details page: the child's IRO and managers only (special-category data)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from voice_app import db
from voice_app.models import Role
from voice_app.rendering import render
from voice_app.security import child_for, roles_required
from voice_app.staff import bp
from voice_app.staff.equality import EqualityForm, details, note_viewed, save_equality


@bp.route("/children/<int:child_id>/equality", methods=["GET", "POST"])
@roles_required(Role.IRO, Role.MANAGER)
def equality(child_id: int):
    """See or change a child's optional equality details (disability, ethnicity, gender)."""
    session = db.session()
    child = child_for(session, current_user, child_id)
    form = EqualityForm(obj=child)
    if form.validate_on_submit():
        save_equality(session, child=child, form=form, by=current_user)
        flash("Equality details saved.", "success")
        return redirect(url_for("staff.child", child_id=child.id))
    status = 422 if form.errors else 200
    if status == 200:
        note_viewed(session, child=child, by=current_user)
    return render("staff/equality.html", child=child, form=form, details=details(child), status=status)
