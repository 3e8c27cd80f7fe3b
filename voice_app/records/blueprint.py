"""The manager's page for a child's rights over their record: subject access, correction, erasure.

Its pages are in .routes, which the app factory imports (this module imports nothing of the package)."""

from flask import Blueprint

bp = Blueprint("records", __name__, url_prefix="/records")
