"""Fixtures: an app on a fresh database per test, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel

import voice_app.models  # noqa: F401 - every table on the metadata
from tests.clock import DAYS, PINNED_DAY, travel_to
from tests.factories import Factory
from voice_app import create_app
from voice_app.config import Settings
from voice_app.db import make_engine
from voice_app.passwords import use_fast_hashing_for_tests

use_fast_hashing_for_tests()

POSTGRES_URL = os.environ.get("VOICE_APP_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def _postgres_engine():
    """One PostgreSQL schema for the session; each test empties the tables instead of rebuilding."""
    engine = make_engine(POSTGRES_URL)
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


def pytest_generate_tests(metafunc) -> None:
    """Tests marked every_day and using `today` run once on each fixed day of tests/clock.py."""
    if "today" in metafunc.fixturenames and metafunc.definition.get_closest_marker("every_day"):
        metafunc.parametrize("today", list(DAYS.values()), ids=list(DAYS), indirect=True)


@pytest.fixture
def today(request) -> Iterator[date]:
    """Set Python's clock to a fixed day (noon in London, then running): PINNED_DAY, or each of DAYS."""
    day = getattr(request, "param", PINNED_DAY)
    with travel_to(day):
        yield day


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    """A URL to an empty database with every table, on each configured backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        engine.dispose()
        yield url
        return
    engine = request.getfixturevalue("_postgres_engine")
    tables = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield POSTGRES_URL


def make_settings(database_url: str, **overrides) -> Settings:
    """Test settings: real security, but no rate limits unless a test asks for them."""
    settings = Settings(env="test", database_url=database_url, rate_limits_enabled=False)
    for key, value in overrides.items():
        setattr(settings, key, value)
    return settings


@pytest.fixture
def app(database_url):
    app = create_app(settings=make_settings(database_url))
    yield app
    app.extensions["voice_app_engine"].dispose()


@pytest.fixture
def db(app) -> Iterator[Session]:
    """A session on the test database, separate from the app's per-request ones."""
    with Session(app.extensions["voice_app_engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def make(db) -> Factory:
    """Factories for staff, children, reviews and visits."""
    return Factory(db, password=PASSWORD)


class Client:
    """A test client that signs in like a person and sends the CSRF token with every form."""

    def __init__(self, flask_client) -> None:
        self.raw = flask_client
        self.csrf = ""

    def get(self, url: str, **kwargs):
        response = self.raw.get(url, **kwargs)
        self._remember_token(response)
        return response

    def post(self, url: str, data: dict | None = None, *, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            if not self.csrf:
                self.get("/sign-in")
            data.setdefault("csrf_token", self.csrf)
        response = self.raw.post(url, data=data, **kwargs)
        self._remember_token(response)
        return response

    def sign_in(self, email: str, password: str = PASSWORD):
        response = self.post("/sign-in", {"email": email, "password": password})
        if response.status_code == 302:
            # Signing in starts a fresh session, so pick up its new CSRF token like a browser would.
            self.get(response.headers["Location"])
        return response

    def _remember_token(self, response) -> None:
        match = re.search(rb'name="csrf-token" content="([^"]+)"', response.data or b"")
        if match:
            self.csrf = match.group(1).decode()


@pytest.fixture
def client(app) -> Client:
    return Client(app.test_client())


@pytest.fixture
def signed_in(app, make):
    """signed_in(user) returns a Client already signed in as that member of staff."""

    def _sign_in(user) -> Client:
        client = Client(app.test_client())
        response = client.sign_in(user.email)
        assert response.status_code == 302, response.data[:500]
        return client

    return _sign_in
