"""The staff blueprint for parents' feedback: conference links, QR cards, paper forms, and the results."""

from flask import Blueprint

bp = Blueprint("feedback", __name__, url_prefix="/feedback")

from voice_app.parents.staff import questions_routes, results_routes, routes  # noqa: E402,F401
