"""The manager's page for a child's rights over their record: subject access, correction, erasure."""

from flask import Blueprint

bp = Blueprint("records", __name__, url_prefix="/records")

from voice_app.records import routes  # noqa: E402,F401
