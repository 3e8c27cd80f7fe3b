"""Security headers and the health check."""

import pytest

pytestmark = pytest.mark.any_database(reason="response headers and the health check's answer")


@pytest.mark.parametrize("url", ["/sign-in", "/healthz", "/no-such-page"])
def test_strict_headers_on_every_response(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "http" not in csp  # no third-party origins at all
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_hsts_over_https(client):
    response = client.get("/sign-in", base_url="https://voice.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_are_not_cached_but_static_files_may_be(client):
    assert client.get("/sign-in").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/css/staff.css").headers.get("Cache-Control", "")


def test_no_inline_scripts_or_styles_in_pages(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html and "<style" not in html


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_gone():
    from tests.conftest import make_settings
    from voice_app import create_app

    # Nothing listens on port 1, so the database never answers.
    app = create_app(settings=make_settings("postgresql://nobody@127.0.0.1:1/none"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] != "ok"
