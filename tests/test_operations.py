"""Running for real: readiness, request ids in responses, logs and error pages, JSON log lines, and what production refuses."""

from __future__ import annotations

import io
import json
import logging

import pytest
from sqlmodel import SQLModel

from tests.conftest import make_settings
from voice_app import cli, create_app
from voice_app.config import ConfigError, Settings
from voice_app.crypto import new_key
from voice_app.db import make_engine
from voice_app.migrate import upgrade
from voice_app.operations import configure_logging
from voice_app.serving import gunicorn_options


@pytest.fixture
def proxied_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    upgrade(url)
    app = create_app(settings=make_settings(url, trusted_proxy="127.0.0.1"))
    yield app
    app.extensions["voice_app_engine"].dispose()


def test_readiness_says_ready_on_a_current_schema(proxied_app):
    response = proxied_app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "database": "ok", "schema": "current", "shared_store": "not used"}


def test_readiness_is_503_when_the_schema_is_behind_but_the_process_is_alive(tmp_path):
    # A database built from the models without Alembic's revision: as if `db upgrade` had not run.
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    app = create_app(settings=make_settings(url))
    client = app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["schema"] == "behind" and response.json["status"] == "not ready"
    assert client.get("/healthz").status_code == 200
    app.extensions["voice_app_engine"].dispose()


def test_readiness_is_503_when_the_shared_store_is_unreachable(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    # A port nothing listens on (the discard port on loopback): the store cannot be reached.
    app = create_app(settings=make_settings(url, rate_limits_enabled=True, rate_limit_storage_uri="redis://127.0.0.1:9/0"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["shared_store"] == "unreachable"
    app.extensions["voice_app_engine"].dispose()


def test_every_response_has_a_request_id(proxied_app):
    client = proxied_app.test_client()
    first, second = client.get("/healthz").headers["X-Request-ID"], client.get("/healthz").headers["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_the_proxys_request_id_is_kept_and_anyone_elses_is_replaced(proxied_app):
    client = proxied_app.test_client()
    from_proxy = client.get("/healthz", headers={"X-Request-ID": "proxy-4f2a9c1e"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert from_proxy.headers["X-Request-ID"] == "proxy-4f2a9c1e"
    from_visitor = client.get(
        "/healthz", headers={"X-Request-ID": "chosen-by-a-visitor"}, environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    assert from_visitor.headers["X-Request-ID"] != "chosen-by-a-visitor"
    nonsense = client.get("/healthz", headers={"X-Request-ID": "<script>"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert nonsense.headers["X-Request-ID"] != "<script>" and len(nonsense.headers["X-Request-ID"]) == 32


def test_the_error_page_shows_the_number_to_quote(proxied_app):
    response = proxied_app.test_client().get("/no-such-page")
    number = response.headers["X-Request-ID"]
    assert response.status_code == 404
    assert f"quote this number: {number}" in response.get_data(as_text=True)


def test_json_log_lines_carry_the_request_id_and_the_route_not_the_address(proxied_app):
    stream = io.StringIO()
    handler = configure_logging("json", stream=stream)
    try:
        response = proxied_app.test_client().get("/p/a-secret-parent-token/start")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    request_lines = [line for line in lines if line["logger"] == "voice_app.requests"]
    assert request_lines and request_lines[-1]["request_id"] == response.headers["X-Request-ID"]
    assert "a-secret-parent-token" not in stream.getvalue()  # routes are logged by rule, never by the address asked for
    assert request_lines[-1]["message"].startswith("GET ")


def _production(**overrides) -> Settings:
    settings = Settings(env="production", secret_key="x" * 40, encryption_keys=new_key("k1"))
    for key, value in overrides.items():
        setattr(settings, key, value)
    return settings


def test_production_refuses_memory_rate_limits_with_several_processes():
    with pytest.raises(ConfigError, match="memory://.*redis://"):
        _production(workers=2).check()
    with pytest.raises(ConfigError, match="2 instance"):
        _production(workers=1, instances=2).check()
    _production(workers=1).check()  # one process: its memory is the whole store
    _production(workers=4, rate_limit_storage_uri="redis://127.0.0.1:6379/0").check()


def test_serve_with_two_workers_and_memory_refuses_to_start(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VOICE_APP_ENV", "production")
    monkeypatch.setenv("VOICE_APP_SECRET_KEY", "y" * 40)
    monkeypatch.setenv("VOICE_APP_ENCRYPTION_KEYS", new_key("k1"))
    monkeypatch.delenv("VOICE_APP_RATE_LIMIT_STORAGE_URI", raising=False)
    assert cli.main(["serve", "--server", "gunicorn", "--workers", "2", "--database-url", f"sqlite:///{tmp_path}/p.db"]) == 2
    error = capsys.readouterr().err
    assert "Refusing to start in production with 2 processes" in error and "VOICE_APP_RATE_LIMIT_STORAGE_URI" in error


def test_gunicorn_runs_threaded_workers_and_believes_no_forwarded_header_itself():
    options = gunicorn_options(Settings(), host="127.0.0.1", port=8000, workers=3, threads=4)
    assert options["worker_class"] == "gthread" and options["workers"] == 3 and options["threads"] == 4
    assert options["forwarded_allow_ips"] == "" and options["bind"] == "127.0.0.1:8000"
    assert gunicorn_options(Settings(), host="::1", port=8000, workers=1, threads=1)["bind"] == "[::1]:8000"


def test_readiness_stays_ready_when_a_newer_version_has_upgraded_the_schema(proxied_app):
    # A rolling deploy: the next version's `db upgrade` ran; this older instance serves until its turn.
    with proxied_app.extensions["voice_app_engine"].begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'from_a_newer_version'")
    response = proxied_app.test_client().get("/readyz")
    assert response.status_code == 200 and response.json["schema"] == "newer"
