"""GET /healthz (liveness) and GET /readyz (readiness) for load balancers and uptime checks."""

from functools import cache

from alembic.runtime.migration import MigrationContext
from flask import Blueprint, current_app, jsonify

from voice_app import db
from voice_app.extensions import limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not."""
    if db.database_answers(db.engine()):
        return jsonify(status="ok", database="ok"), 200
    return jsonify(status="unavailable", database="unreachable"), 503


@cache
def _revisions() -> tuple[str | None, frozenset[str]]:
    from voice_app.migrate import head_revision, known_revisions

    return head_revision(), frozenset(known_revisions())


def _schema_state() -> str:
    try:
        with db.engine().connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except Exception:  # noqa: BLE001 - any failure means the database cannot be used
        return "unreachable"
    head, known = _revisions()
    if current == head:
        return "current"
    # A revision this code does not know was written by a newer version during a rolling deploy: this
    # instance keeps serving until its turn to restart (migrations are additive within a release).
    return "behind" if current is None or current in known else "newer"


def _shared_store_state() -> str:
    settings = current_app.config["VOICE_APP"]
    if not settings.rate_limits_enabled or settings.rate_limit_storage_uri.startswith("memory://"):
        return "not used"
    try:
        return "ok" if limiter.storage.check() else "unreachable"
    except Exception:  # noqa: BLE001 - a store that raises is not reachable
        return "unreachable"


@bp.get("/readyz")
def readyz():
    """200 when this instance can serve: database reachable, schema current, shared store reachable (when used).

    A load balancer sends visits only to instances that answer 200 here; /healthz only says the process lives."""
    schema, store = _schema_state(), _shared_store_state()
    ready = schema in {"current", "newer"} and store in {"ok", "not used"}
    body = {
        "status": "ready" if ready else "not ready",
        "database": "unreachable" if schema == "unreachable" else "ok",
        "schema": schema,
        "shared_store": store,
    }
    return jsonify(body), 200 if ready else 503
