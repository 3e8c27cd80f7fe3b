"""Behind an HTTPS proxy, Waitress believes X-Forwarded-Proto only from the proxy the service names."""

from __future__ import annotations

import threading
import urllib.request

import pytest
from waitress.server import create_server

from tests.conftest import make_settings
from voice_app import create_app
from voice_app.cli import waitress_options
from voice_app.serving import stop_in_thread


def _healthz_headers(*, trusted_proxy: str, forwarded_proto: str | None, tmp_path) -> dict[str, str]:
    settings = make_settings(f"sqlite:///{tmp_path / 'proxy.db'}", trusted_proxy=trusted_proxy)
    app = create_app(settings=settings)
    server = create_server(app, host="127.0.0.1", port=0, threads=1, **waitress_options(settings))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{server.effective_port}/healthz")
        if forwarded_proto:
            request.add_header("X-Forwarded-Proto", forwarded_proto)
            request.add_header("X-Forwarded-For", "203.0.113.9")
        with urllib.request.urlopen(request, timeout=10) as response:
            return dict(response.headers)
    finally:
        stop_in_thread(server, thread)


def test_https_at_the_named_proxy_sends_hsts(tmp_path):
    headers = _healthz_headers(trusted_proxy="127.0.0.1", forwarded_proto="https", tmp_path=tmp_path)
    assert headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("trusted_proxy", ["", "192.0.2.1"])
def test_a_forwarded_header_from_anyone_else_is_not_believed(tmp_path, trusted_proxy):
    headers = _healthz_headers(trusted_proxy=trusted_proxy, forwarded_proto="https", tmp_path=tmp_path)
    assert "Strict-Transport-Security" not in headers


def test_plain_http_at_the_named_proxy_sends_no_hsts(tmp_path):
    headers = _healthz_headers(trusted_proxy="127.0.0.1", forwarded_proto=None, tmp_path=tmp_path)
    assert "Strict-Transport-Security" not in headers


def test_the_proxy_is_read_from_the_environment():
    from voice_app.config import Settings

    assert Settings.from_env({"VOICE_APP_TRUSTED_PROXY": " 10.0.0.5 "}).trusted_proxy == "10.0.0.5"
    assert Settings.from_env({}).trusted_proxy == ""
