"""The session cookie's Secure flag: always in production, dropped only for a local server on plain http."""

import pytest

from tests.conftest import make_settings
from voice_app import create_app
from voice_app.config import ConfigError, Settings
from voice_app.cookies import cookies_secure, is_loopback_host
from voice_app.crypto import new_key

pytestmark = pytest.mark.any_database(reason="the session cookie's flags")

STRONG_SECRET = "s" * 48


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8000", "127.8.9.10:5000", "localhost", "LOCALHOST:8000", "[::1]:8000", "[::1]"])
def test_loopback_hosts(host):
    assert is_loopback_host(host)


@pytest.mark.parametrize("host", ["192.168.1.20:8000", "10.0.0.1", "voice.council.example", "localhost.example.org", "127.0.0.1.nip.io", "[::2]:80", "", "[::1"])
def test_other_hosts_are_not_loopback(host):
    assert not is_loopback_host(host)


@pytest.mark.parametrize("env", ["demo", "development"])
def test_a_local_server_on_plain_http_sends_the_cookie_without_secure(env):
    assert not cookies_secure(settings=Settings(env=env), scheme="http", host="127.0.0.1:8000")
    assert not cookies_secure(settings=Settings(env=env), scheme="http", host="localhost:8000")


@pytest.mark.parametrize("env", ["demo", "development"])
def test_a_local_server_keeps_secure_over_https_or_on_another_address(env):
    assert cookies_secure(settings=Settings(env=env), scheme="https", host="127.0.0.1:8443")
    assert cookies_secure(settings=Settings(env=env), scheme="http", host="192.168.1.20:8000")


@pytest.mark.parametrize("env", ["production", "test"])
@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost", "voice.council.example"])
def test_production_and_test_always_send_secure(env, scheme, host):
    settings = Settings(env=env, secret_key=STRONG_SECRET)
    assert cookies_secure(settings=settings, scheme=scheme, host=host)


def test_turning_secure_cookies_off_is_for_local_use_only():
    assert not cookies_secure(settings=Settings(env="development", secure_cookies=False), scheme="https", host="dev.example")
    with pytest.raises(ConfigError, match="secure cookies"):
        Settings(env="production", secret_key=STRONG_SECRET, secure_cookies=False).check()


def _session_cookie(app, base_url: str) -> str:
    response = app.test_client().get("/sign-in", base_url=base_url)
    assert response.status_code == 200
    return next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("voice_app_session="))


@pytest.fixture
def app_in(database_url):
    """app_in(env) builds the app in that environment on the test database."""
    apps = []

    def _build(env: str):
        # Production also needs its own encryption key (issue 19); the demo and tests use the public one.
        keys = new_key("k1") if env == "production" else ""
        apps.append(create_app(settings=make_settings(database_url, env=env, secret_key=STRONG_SECRET, encryption_keys=keys)))
        return apps[-1]

    yield _build
    for app in apps:
        app.extensions["voice_app_engine"].dispose()


def test_the_demo_on_127_0_0_1_sets_a_session_cookie_webkit_keeps(app_in):
    cookie = _session_cookie(app_in("demo"), "http://127.0.0.1:8000")
    assert "Secure" not in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_demo_behind_https_still_sends_secure(app_in):
    cookie = _session_cookie(app_in("demo"), "https://127.0.0.1:8443")
    assert "Secure" in cookie and "HttpOnly" in cookie


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8000", "http://voice.council.example", "https://voice.council.example"])
def test_production_sends_secure_whatever_the_address(app_in, base_url):
    cookie = _session_cookie(app_in("production"), base_url)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_an_unchanged_permanent_session_is_signed_again_only_once_its_cookie_is_a_minute_old(tmp_path):
    from datetime import UTC, datetime, timedelta

    import time_machine

    from voice_app.cookies import REFRESH_SECONDS

    app = create_app(settings=make_settings(f"sqlite:///{tmp_path}/c.db"))
    signed = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    client = app.test_client()
    with time_machine.travel(signed, tick=False):
        cookie = app.session_interface.get_signing_serializer(app).dumps({"_permanent": True, "_fresh": False, "seen": 1})
    client.set_cookie("voice_app_session", cookie)

    def sent_again(after: timedelta) -> bool:
        with time_machine.travel(signed + after, tick=False):
            response = client.get("/healthz")
        assert response.status_code == 200
        return any(value.startswith("voice_app_session=") for value in response.headers.getlist("Set-Cookie"))

    assert not sent_again(timedelta(seconds=REFRESH_SECONDS - 1))  # each step of a conversation: no new cookie
    assert sent_again(timedelta(seconds=REFRESH_SECONDS))  # then its expiry moves on, as Flask's would
    client.delete_cookie("voice_app_session")
    client.set_cookie("voice_app_session", "not signed")
    assert not sent_again(timedelta(0))  # a cookie that is not ours starts an empty session, sent only when written
