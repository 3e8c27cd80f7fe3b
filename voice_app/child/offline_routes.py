"""Child mode without a network: the service worker, what it keeps, a fresh token, and the kind offline page."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, g, jsonify, send_file, url_for
from flask_wtf.csrf import generate_csrf

from voice_app.child import bp
from voice_app.rendering import render

# The scripts and styles a child's page loads; symbols are all of static/icons (small, and shared).
SHELL = ("css/child.css", "js/htmx.min.js", "js/app.js", "js/idb-keyval.umd.js", "js/child-queue.js", "js/child-offline.js", "js/child.js")
SERVICE_WORKER = "js/child-sw.js"


def _static_dir() -> Path:
    return Path(current_app.static_folder)


@bp.get("/sw.js")
def service_worker():
    """The service worker, served from /child/ so that it can only ever control child mode's pages."""
    return send_file(_static_dir() / SERVICE_WORKER, mimetype="text/javascript", max_age=0)


@bp.get("/offline.json")
def offline_manifest():
    """What this tablet keeps for a conversation without network: files only, nothing about the child."""
    icons = sorted(path.name for path in (_static_dir() / "icons").glob("*.svg"))
    files = [url_for("static", filename=name) for name in SHELL]
    files += [url_for("static", filename=f"icons/{name}") for name in icons]
    return jsonify(offline_page=url_for("child.offline_page"), scope=url_for("child.resume"), files=files)


@bp.get("/offline")
def offline_page():
    """Shown by the service worker when a child page cannot be loaded: in the child's language, no names."""
    return render("child/offline.html")


@bp.get("/token")
def session_token():
    """A fresh CSRF token for this session, to send waiting answers after time offline."""
    return jsonify(token=generate_csrf(), handover=g.handover.id)
