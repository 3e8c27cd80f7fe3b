"""Escalations (the dispute resolution procedure): what a child said, followed to an outcome for the child.

Pages for IROs (their own children) and managers (every child); admins, practitioners and children see none.
"""

from flask import Blueprint

bp = Blueprint("escalations", __name__)

from voice_app.escalations import routes  # noqa: E402,F401
