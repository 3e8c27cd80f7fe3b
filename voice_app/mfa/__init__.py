"""A second factor for local accounts: an authenticator app (TOTP) and recovery codes, and the service's policy."""

from flask import Blueprint

bp = Blueprint("mfa", __name__)

from voice_app.mfa import routes_account, routes_admin, routes_sign_in  # noqa: E402,F401
