"""Running the app for real: whom to believe about forwarded headers, request ids, and log lines.

Every request gets an id: the `X-Request-ID` the service's own HTTPS proxy (VOICE_APP_TRUSTED_PROXY)
sent, or a new one. It is on the response (`X-Request-ID`), in every log line written while the
request runs, and on the error page a user sees ("quote this number"). With VOICE_APP_LOG_FORMAT=json
each line is one JSON object for the council's log collector. Log lines name routes by their rule
(`/p/<token>`), never by the address asked for, so no token, name or answer reaches a log.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

REQUEST_ID_KEY = "voice_app.request_id"
_GOOD_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
# The headers only the trusted proxy may set; from anyone else they are dropped before the app sees them.
_PROXY_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_FORWARDED",
    "HTTP_X_REQUEST_ID",
)
_HANDLER_MARK = "_voice_app_handler"

log = logging.getLogger("voice_app.requests")


class TrustedProxy:
    """WSGI middleware: believe X-Forwarded-For, X-Forwarded-Proto and X-Request-ID from the named proxy only.

    The same rules under gunicorn and Waitress (both are told to believe no one themselves): the
    client's address is the last hop the proxy saw, so a visitor cannot choose their own rate limit."""

    def __init__(self, app, proxy: str) -> None:
        self.app = app
        self.proxy = proxy

    def __call__(self, environ, start_response):
        if self.proxy and environ.get("REMOTE_ADDR") == self.proxy:
            client = environ.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
            if client:
                environ["REMOTE_ADDR"] = client
            scheme = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if scheme in {"http", "https"}:
                environ["wsgi.url_scheme"] = scheme
            given = environ.get("HTTP_X_REQUEST_ID", "").strip()
        else:
            for key in _PROXY_HEADERS:
                environ.pop(key, None)
            given = ""
        environ[REQUEST_ID_KEY] = given if _GOOD_ID.fullmatch(given) else uuid.uuid4().hex
        return self.app(environ, start_response)


def request_id() -> str:
    """This request's id ("-" outside a request)."""
    if has_request_context():
        return request.environ.get(REQUEST_ID_KEY) or "-"
    return "-"


def install_operations(app: Flask, *, trusted_proxy: str) -> None:
    """Proxy trust and request ids on every request; one log line per request, by route rule."""
    app.wsgi_app = TrustedProxy(app.wsgi_app, trusted_proxy)

    @app.before_request
    def _start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _tag_response(response):
        response.headers["X-Request-ID"] = request_id()
        started = g.get("request_started")
        if started is not None and log.isEnabledFor(logging.INFO):
            rule = request.url_rule.rule if request.url_rule else "(no route)"
            log.info("%s %s %s %.0fms", request.method, rule, response.status_code, (time.perf_counter() - started) * 1000)
        return response

    @app.context_processor
    def _request_id():
        return {"request_id": request_id()}


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (so the format can name it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, request id, message (and the exception's type and trace)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            entry["error"] = record.exc_info[0].__name__ if record.exc_info[0] else ""
            entry["trace"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s [%(process)d] [%(request_id)s] %(name)s: %(message)s"


def configure_logging(log_format: str, *, level: int = logging.INFO, stream=None) -> logging.Handler:
    """Send every log line (the app's and the server's) to standard error, as text or JSON lines."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonLines() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    return handler
