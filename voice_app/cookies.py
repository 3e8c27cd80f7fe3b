"""Whether the session cookie (which also holds the CSRF token) is sent with Secure: decided here, per request."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

from voice_app.config import Settings

# A permanent session's cookie (its expiry moved on) is signed again at most this often when nothing in it
# changed: Flask would sign and send it on every request. Its expiry lags by at most this; every server-side
# limit (a staff session's lifetime and idle time, a hand-over's expiry) is checked on each request as before.
REFRESH_SECONDS = 60
# Only where a newcomer runs the app on their own machine; test and production keep Secure always.
LOCAL_ENVS = frozenset({"demo", "development"})


def is_loopback_host(host: str) -> bool:
    """True for a Host header naming this machine: localhost, 127.0.0.0/8 or ::1 (with or without a port)."""
    try:
        hostname = urlsplit(f"//{host}").hostname or ""
    except ValueError:
        return False
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def cookies_secure(*, settings: Settings, scheme: str, host: str) -> bool:
    """Whether cookies on this response carry Secure.

    Chromium keeps a Secure cookie on http://127.0.0.1, but WebKit (Safari, every iPad
    browser) drops it, so the CSRF token in the session never comes back and no form works. A demo
    or development server reached over plain http on loopback therefore sends it without Secure;
    everything else, and production always, sends Secure as configured.
    """
    if not settings.secure_cookies:
        return False
    if settings.env in LOCAL_ENVS and scheme == "http" and is_loopback_host(host):
        return False
    return True


class SessionCookieInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with Secure decided per request by cookies_secure().

    The signing serializer is built once per secret (Flask builds one each time a session is read and
    each time it is written: twice a request), and an unchanged permanent session is signed again only
    when its cookie is REFRESH_SECONDS old (every step of a child's conversation sent it anew)."""

    def open_session(self, app: Flask, request):
        signing = self.get_signing_serializer(app)
        if signing is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        try:
            data, signed_at = signing.loads(
                value, max_age=int(app.permanent_session_lifetime.total_seconds()), return_timestamp=True
            )
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app: Flask, session) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or (datetime.now(UTC) - signed_at).total_seconds() >= REFRESH_SECONDS

    def get_signing_serializer(self, app: Flask):
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        cached = getattr(self, "_signing", None)
        if cached is None or cached[0] != keys:
            cached = self._signing = (keys, super().get_signing_serializer(app))
        return cached[1]

    def get_cookie_secure(self, app: Flask) -> bool:
        return cookies_secure(settings=app.config["VOICE_APP"], scheme=request.scheme, host=request.host)
