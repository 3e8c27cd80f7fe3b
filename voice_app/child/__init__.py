"""The child's conversation in child mode, and the IRO's hand-over of the tablet."""

from flask import Blueprint

# Open in child mode (see security.CHILD_MODE_OPEN_BLUEPRINTS): only the hand-over's statement.
bp = Blueprint("child", __name__, url_prefix="/child")
# Staff pages (sign-in needed), refused while the tablet is in child mode.
handover_bp = Blueprint("handover", __name__)

from voice_app.child import after, handover_routes, offline_routes, pack_routes, routes  # noqa: F401

# The child's own IRO in the hand-over (their profile and photo) is the profiles area's: voice_app/profiles/my_iro.py
# adds it to this blueprint.
