"""Child mode without a network: the service worker, what it keeps, a fresh token, and the kind offline page."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, g, jsonify, url_for
from flask_wtf.csrf import generate_csrf

from voice_app.child import bp
from voice_app.questions.access import stored_settings
from voice_app.rendering import render
from voice_app.web_assets import SPRITE, served_script

# A handful of files, not one per symbol: the stylesheet and script a child's page loads (templates/child/base.html,
# each joined from several: web_assets.BUNDLES), the offline pack's script, and the one sprite holding every symbol.
SHELL = ("css/child.bundle.css", "js/child.bundle.js", "js/child-offline.js", "icons/favicon.svg", SPRITE)
# Switches and dwell: kept only for a hand-over whose child answers that way (templates/child/base.html).
SCANNING = ("js/child-scan.js", "css/child-scan.css")
SERVICE_WORKER = "js/child-sw.js"


def _static_dir() -> Path:
    return Path(current_app.static_folder)


@bp.get("/sw.js")
def service_worker():
    """The service worker, served from /child/ so that it can only ever control child mode's pages.

    Minified and sent as a response body (not send_file), so it is compressed like a page: the tablet fetches
    it before it can go offline, on links where a kilobyte counts (issue 33: offline-ready in 80 KB).
    """
    response = current_app.response_class(served_script(_static_dir(), SERVICE_WORKER), mimetype="text/javascript")
    response.cache_control.no_cache = True  # the browser asks again for a new release
    return response


@bp.app_template_global()
def offline_files() -> dict:
    """What this tablet keeps for a conversation without network: files only, nothing about the child.

    Written into each child page (templates/child/base.html), so keeping them costs no request of its own.
    """
    scanning = stored_settings(g.handover.access).scanning
    files = [url_for("static", filename=name) for name in (*SHELL, *(SCANNING if scanning else ()))]
    return {"offline_page": url_for("child.offline_page"), "scope": url_for("child.resume"), "files": files}


@bp.get("/offline")
def offline_page():
    """Shown by the service worker when a child page cannot be loaded: in the child's language, no names."""
    return render("child/offline.html")


@bp.get("/token")
def session_token():
    """A fresh CSRF token for this session, to send waiting answers after time offline."""
    return jsonify(token=generate_csrf(), handover=g.handover.id)
