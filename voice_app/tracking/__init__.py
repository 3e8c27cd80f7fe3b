"""The IRO's work between reviews: tracking discussions and mid-way points, the plan of permanence by the second
cared-for review, and child protection plans of 12 months or more with the reasons asked on the child's behalf.

Pages for IROs (their own children) and managers (every child); admins, practitioners and children see none.
"""

from flask import Blueprint

bp = Blueprint("tracking", __name__)

from voice_app.tracking import routes  # noqa: E402,F401
