"""Staff administration, for admins only."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from voice_app.admin import routes  # noqa: E402,F401
