"""Whether the session cookie (which also holds the CSRF token) is sent with Secure: decided here, per request."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

from voice_app.config import Settings

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
    each time it is written: twice a request)."""

    def get_signing_serializer(self, app: Flask):
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        cached = getattr(self, "_signing", None)
        if cached is None or cached[0] != keys:
            cached = self._signing = (keys, super().get_signing_serializer(app))
        return cached[1]

    def get_cookie_secure(self, app: Flask) -> bool:
        return cookies_secure(settings=app.config["VOICE_APP"], scheme=request.scheme, host=request.host)
