"""My IRO: the IRO's profile for children, the service's contact details and introduction letters."""

from flask import Blueprint

bp = Blueprint("profiles", __name__)

from voice_app.profiles import letter_routes, my_iro, routes  # noqa: E402,F401
