"""GET /credits: the licences of the symbols, styles and scripts voice-app ships."""

from flask import Blueprint, render_template

bp = Blueprint("credits", __name__)


@bp.get("/credits")
def credits():
    """Who made the symbols and libraries we ship, and their licences."""
    return render_template("credits.html")
