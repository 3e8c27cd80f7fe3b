"""The admin's pages: the council's provider, and people waiting for approval."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from voice_app import db
from voice_app.models import Role, SsoApproval
from voice_app.rendering import render
from voice_app.security import roles_required
from voice_app.sso import admin_bp
from voice_app.sso.claims import REFUSALS, dump_role_map, role_map, split_list
from voice_app.sso.client import ProviderRefused
from voice_app.sso.forms import DecisionForm, provider_form_class, role_field_name
from voice_app.sso.services import check_discovery, decide_approval, provider_settings, save_provider, waiting_approvals


@admin_bp.route("", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings():
    """Set up sign-in with the council's OpenID Connect provider."""
    provider = provider_settings(db.session())
    form = provider_form_class()(obj=None if request.method == "POST" else provider)
    form.secret_saved = bool(provider.client_secret)
    if request.method == "GET":
        form.allowed_domains.data = "\n".join(split_list(provider.allowed_domains))
        for role, values in role_map(provider).items():
            form[role_field_name(role)].data = "\n".join(values)
        form.client_secret.data = ""
    if form.validate_on_submit():
        changes = {
            "enabled": bool(form.enabled.data),
            "display_name": form.display_name.data,
            "issuer": form.issuer.data.rstrip("/"),
            "client_id": form.client_id.data,
            "scopes": " ".join(split_list(form.scopes.data)),
            "allowed_domains": "\n".join(d.lower().lstrip("@") for d in split_list(form.allowed_domains.data)),
            "role_claim": form.role_claim.data,
            "role_map": dump_role_map({role: split_list(form[role_field_name(role)].data) for role in Role}),
            "unknown_staff": form.unknown_staff.data,
            "check_minutes": form.check_minutes.data,
        }
        if form.client_secret.data:
            changes["client_secret"] = form.client_secret.data
        problem = _discovery_problem(provider, changes) if changes["enabled"] else None
        if problem:
            form.issuer.errors.append(problem)
        else:
            save_provider(db.session(), provider=provider, changes=changes, acting=current_user)
            flash("The council's sign-in settings are saved.", "success")
            return redirect(url_for("sso_admin.settings"))
    callback = url_for("sso.callback", _external=True)
    return render("sso/settings.html", form=form, roles=list(Role), role_field_name=role_field_name, callback=callback,
                  status=422 if form.errors else 200)


def _discovery_problem(provider, changes) -> str | None:
    """Before switching sign-in on, fetch the discovery document the new settings point at."""
    from voice_app.models import SsoProvider

    trial = SsoProvider(**{**provider.model_dump(exclude={"id"}), **changes, "version": -(provider.version + 1)})
    try:
        check_discovery(trial)
    except ProviderRefused as refused:
        if refused.code == "token-invalid":
            return "The provider's discovery document names a different issuer: copy the issuer URL exactly."
        return "voice-app could not read the provider's discovery document at that issuer URL. Check it and try again. " + (
            REFUSALS["unreachable"] if refused.code == "unreachable" else ""
        )
    return None


@admin_bp.get("/approvals")
@roles_required(Role.ADMIN)
def approvals():
    """People the council's provider allows, waiting for an admin before their first sign-in."""
    return render("sso/approvals.html", waiting=waiting_approvals(db.session()), form=DecisionForm())


@admin_bp.post("/approvals/<int:approval_id>")
@roles_required(Role.ADMIN)
def decide(approval_id: int):
    """Approve or refuse one person waiting."""
    form = DecisionForm()
    decision = request.form.get("decision")
    if not form.validate_on_submit() or decision not in {"approve", "refuse"}:
        abort(400)
    approval = db.session().get(SsoApproval, approval_id)
    if approval is None or approval.outcome:
        abort(404)
    user = decide_approval(db.session(), approval=approval, approve=decision == "approve", acting=current_user)
    if user is not None:
        flash(f"{user.display_name} can now sign in with the council's account, as {user.role.label}.", "success")
    else:
        flash(f"{approval.display_name} will not get an account.", "success")
    return redirect(url_for("sso_admin.approvals"))
