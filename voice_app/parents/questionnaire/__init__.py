"""The parents' questionnaire behind a conference's feedback link: no account, nothing to install."""

from flask import Blueprint

from voice_app.extensions import limiter

bp = Blueprint("parents", __name__, url_prefix="/p")

# Per address, across the whole questionnaire: a parent sends about nine forms in all.
limiter.limit("30 per minute", methods=["POST"])(bp)
limiter.limit("120 per minute", methods=["GET"])(bp)

from voice_app.parents.questionnaire import routes  # noqa: E402,F401
