"""GET /healthz for load balancers and uptime checks."""

from flask import Blueprint, jsonify

from voice_app import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not."""
    if db.database_answers(db.engine()):
        return jsonify(status="ok", database="ok"), 200
    return jsonify(status="unavailable", database="unreachable"), 503
