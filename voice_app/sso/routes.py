"""Sign in with the council's account: off to the provider, and back."""

from __future__ import annotations

from flask import abort, flash, redirect, request, session, url_for
from flask_login import current_user

from voice_app import db
from voice_app.auth.routes import _safe_next, home_for
from voice_app.extensions import limiter
from voice_app.mfa.gate import mark_provider_sign_in
from voice_app.rendering import render
from voice_app.sessions import SESSION_KEY, sign_in_browser, token_hash
from voice_app.sso import bp
from voice_app.sso.claims import REFUSALS
from voice_app.sso.client import LEEWAY_SECONDS, ProviderRefused, checked_metadata, client_for, talking_to_provider
from voice_app.sso.handback import begin, can_hand_back_through_provider, finish, live_handover
from voice_app.sso.services import account_for, active_provider, audit_refusal, audit_sign_in, remember_tokens

NEXT_KEY = "sso_next"
_BAD_REQUEST = {"state", "token-invalid", "token-expired", "provider-error"}


def _refused(code: str, provider, *, staff_id: int | None = None):
    audit_refusal(db.session(), provider=provider, code=code, staff_id=staff_id)
    status = 400 if code in _BAD_REQUEST else 502 if code == "unreachable" else 403
    # A tablet still in child mode goes back to the hand-back page; anyone else to the sign-in page.
    back = url_for("child.give_back") if live_handover(db.session()) is not None else url_for("auth.sign_in")
    return render("sso/refused.html", message=REFUSALS[code], back=back, status=status)


def _off_to_provider(provider, **params):
    """The redirect to the provider's authorization endpoint (Authlib keeps state, nonce and PKCE verifier in the session)."""
    client = client_for(provider)
    redirect_uri = url_for("sso.callback", _external=True)
    try:
        return talking_to_provider(lambda: (checked_metadata(client, provider), client.authorize_redirect(redirect_uri, **params))[1])
    except ProviderRefused as refused:
        return _refused(refused.code, provider)


@bp.get("/sign-in/council")
@limiter.limit("20 per minute")
def start():
    """Send the person to the council's provider (authorization code flow with PKCE, state and nonce)."""
    if live_handover(db.session()) is not None:
        return redirect(url_for("sso.hand_back"))  # a tablet in child mode is only ever handed back
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    provider = active_provider(db.session())
    if provider is None:
        return _refused("not-configured", None)
    session[NEXT_KEY] = _safe_next(request.args.get("next")) or ""
    return _off_to_provider(provider)


@bp.get("/give-back/council")
@limiter.limit("20 per minute")
def hand_back():
    """In child mode: the hand-over's IRO takes the tablet back by signing in again through the provider."""
    check = live_handover(db.session())
    if check is None:
        abort(404)
    provider = active_provider(db.session())
    if provider is None or not can_hand_back_through_provider(db.session(), iro=check.iro):
        return _refused("not-configured", provider)
    begin(check=check)
    return _off_to_provider(provider, prompt="login", max_age=0)


@bp.get("/sign-in/council/callback")
@limiter.limit("20 per minute")
def callback():
    """The provider sends the person back: check everything, then start a session exactly as a password sign-in does."""
    provider = active_provider(db.session())
    if provider is None:
        return _refused("not-configured", None)
    handover = live_handover(db.session())  # in child mode, this sign-in can only hand the tablet back
    client = client_for(provider)
    try:
        token = talking_to_provider(lambda: (checked_metadata(client, provider), client.authorize_access_token(leeway=LEEWAY_SECONDS))[1])
        if not token.get("userinfo"):
            raise ProviderRefused("token-invalid")  # no ID token: this is not OpenID Connect
        user, identity = account_for(db.session(), provider=provider, claims=token["userinfo"])
        if handover is not None:
            finish(db.session(), check=handover, user=user, claims=token["userinfo"])
    except ProviderRefused as refused:
        return _refused(refused.code, provider, staff_id=getattr(refused, "staff_id", None))
    if handover is not None:
        target = url_for("statements.show", statement_id=handover.statement.id)
    else:
        target = session.pop(NEXT_KEY, "") or home_for(user)
    sign_in_browser(user)  # a fresh session: child mode and the flow's state are gone with the old cookie
    mark_provider_sign_in()  # the council's own factors apply, not voice-app's rule for local accounts
    if handover is not None:
        flash(f"Welcome back. {handover.child.preferred_name}'s answers are saved.", "success")
    remember_tokens(db.session(), session_token_hash=token_hash(session[SESSION_KEY]), identity=identity, token=token)
    audit_sign_in(db.session(), user=user, provider=provider)
    return redirect(target)
