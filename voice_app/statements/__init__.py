"""The IRO's side of a child's statement: reading it, the meeting plan, "you said, we did", exports, audit."""

from flask import Blueprint

bp = Blueprint("statements", __name__)

from voice_app.statements import routes  # noqa: E402,F401
