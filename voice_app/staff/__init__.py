"""Pages for IROs and managers: caseload, children, reviews and visits."""

from flask import Blueprint

bp = Blueprint("staff", __name__)

from voice_app.staff import equality_routes, routes  # noqa: E402,F401
