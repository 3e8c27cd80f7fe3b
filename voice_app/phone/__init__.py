"""The child's own phone: joining at a visit, telling their IRO something, safety, and the IRO's side of it."""

from flask import Blueprint

# The child's phone: reachable only with a live device credential (a cookie), after the child's secret.
bp = Blueprint("phone", __name__, url_prefix="/phone")
# Staff pages (sign-in needed): showing a joining code, reading messages, alerts, revoking a phone.
staff_bp = Blueprint("phones", __name__)

from voice_app.phone import conversation, routes, staff_routes  # noqa: F401
