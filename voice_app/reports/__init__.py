"""The service's figures for managers: participation, children's views and parents' views."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from voice_app.reports import routes, staleness  # noqa: E402,F401

# The report keeps closed months' counts: from the moment this package is loaded (by the app, the
# command line, or anything that reads reports), every ORM write in the process marks the months it changes.
staleness.install()
