"""Admins: the service's second-factor rule, who has an app, and resetting someone's after a lost phone."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from voice_app import db
from voice_app.admin.services import all_staff
from voice_app.mfa import bp
from voice_app.mfa.forms import ButtonForm, PolicyForm
from voice_app.mfa.policy import RULE_LABELS, current_rule, required_roles, set_rule
from voice_app.mfa.services import SecondFactorError, enrolled_ids, reset_by_admin
from voice_app.models import Role, SecondFactorRule, StaffUser, utcnow
from voice_app.rendering import render
from voice_app.security import roles_required


@bp.route("/admin/two-factor", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def policy():
    """Choose who must use an authenticator app, and see who has one."""
    session = db.session()
    rule = current_rule(session)
    form = PolicyForm(data={"rule": rule.value})
    if form.validate_on_submit():
        set_rule(session, rule=SecondFactorRule(form.rule.data), acting=current_user, now=utcnow())
        flash(_("The rule for second factors is now: %(rule)s.", rule=RULE_LABELS[SecondFactorRule(form.rule.data)]), "success")
        return redirect(url_for("mfa.policy"))
    return render(
        "mfa/policy.html",
        form=form,
        rule=rule,
        required_roles=required_roles(rule),
        roles=list(Role),
        staff=all_staff(session),
        enrolled=enrolled_ids(session),
        button=ButtonForm(),
        status=422 if form.errors else 200,
    )


@bp.post("/admin/staff/<int:user_id>/two-factor/reset")
@roles_required(Role.ADMIN)
def reset(user_id: int):
    """Remove someone's authenticator app and recovery codes (a lost or new phone); never an admin's own."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    session = db.session()
    user = session.get(StaffUser, user_id)
    if user is None:
        abort(404)
    try:
        reset_by_admin(session, user=user, acting=current_user, secret=current_app.secret_key, now=utcnow())
    except SecondFactorError as exc:
        flash(str(exc), "error")
    else:
        flash(_("%(name)s's second factor is reset: they set up their app again when they next sign in.", name=user.display_name), "success")
    return redirect(url_for("mfa.policy"))
