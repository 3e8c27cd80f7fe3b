"""Staff sign-in and sign-out."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from voice_app.auth import routes  # noqa: E402,F401
