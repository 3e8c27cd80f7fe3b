"""The service's figures for managers: participation, children's views and parents' views."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from voice_app.reports import routes  # noqa: E402,F401
