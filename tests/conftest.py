"""Fixtures: an app on a fresh database per test, on SQLite and (when configured and it matters) PostgreSQL.

The suite runs across processes (pytest-xdist, `scripts/test` passes `-n auto`): every resource a test can see is
its worker's own. SQLite files live under the worker's own tmp_path; PostgreSQL gets one database per worker
(`voice_test_gw0`, `voice_test_gw1`, ...) created on the server VOICE_APP_TEST_POSTGRES_URL names; live servers,
SMTP servers and the OpenID provider take free loopback ports; each worker launches its own Chromium and Xvfb.
docs/testing.md says which tests run on PostgreSQL too (the `any_database` marker) and why.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from jinja2 import BytecodeCache
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel
from werkzeug.routing.rules import Rule
from whitenoise.base import WhiteNoise

import voice_app.models  # noqa: F401 - every table on the metadata
from tests.clock import DAYS, PINNED_DAY, travel_to
from tests.factories import Factory
from voice_app import create_app
from voice_app.config import Settings
from voice_app.db import make_engine
from voice_app.passwords import use_fast_hashing_for_tests

use_fast_hashing_for_tests()


class _CompiledTemplates(BytecodeCache):
    """Templates compiled once per worker, not once per app: every test makes its own app from the same templates.

    Jinja keys each entry by the template's name and a checksum of its source, so an edited template compiles afresh.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": _CompiledTemplates()}

# Every test makes its own app, and two fifths of making one went on Werkzeug compiling each of the app's 700-odd URL
# rules into a builder function (Python source put together and compiled) and two fifths on WhiteNoise reading the
# headers of each static file. Both give the same answer for the same rule and the same folder, so each worker does
# them once (tests/test_suite_speed.py checks that an app made afterwards builds and serves the same).
_builders: dict[tuple, object] = {}
_compile_builder = Rule._compile_builder


def _builder_compiled_once(self, append_unknown: bool = True):
    """A rule's URL builder, compiled once per worker for each rule text, defaults and converters.

    The builder Werkzeug compiles reads nothing from the rule but its text and defaults (it is bound to each rule,
    which it reads its converters from, when called), so rules that are alike share one.
    """
    key = (
        self.rule, self.host, self.subdomain, tuple(self._trace), append_unknown,
        repr(sorted((self.defaults or {}).items())),
        tuple(sorted((name, type(c), repr({k: v for k, v in vars(c).items() if k != "map"})) for name, c in self._converters.items())),
    )
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(self, append_unknown)
    return builder


Rule._compile_builder = _builder_compiled_once

_static_files: dict[tuple, dict] = {}
_update_files_dictionary = WhiteNoise.update_files_dictionary


def _static_files_read_once(self, root, prefix):
    """WhiteNoise's table of a static folder's files, read once per worker for each folder and serving options.

    The folder is the app's content-addressed build (voice_app/web_assets.py: a new name for new contents); its
    modification time is in the key all the same, for a test that writes a folder of its own.
    """
    test = self.immutable_file_test
    key = (
        type(self), root, os.stat(root).st_mtime_ns, prefix, self.max_age, self.allow_all_origins, self.charset,
        self.index_file, self.add_headers_function, getattr(test, "__code__", test),
        tuple(cell.cell_contents for cell in getattr(test, "__closure__", None) or ()),
        tuple(sorted(self.media_types.types_map.items())),
    )
    files = _static_files.get(key)
    if files is None:
        before = dict(self.files)
        _update_files_dictionary(self, root, prefix)
        files = _static_files[key] = {url: found for url, found in self.files.items() if before.get(url) is not found}
    self.files.update(files)


WhiteNoise.update_files_dictionary = _static_files_read_once

POSTGRES_URL = os.environ.get("VOICE_APP_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
PASSWORD = "correct horse battery staple"
# "gw0", "gw1", ... under pytest-xdist; "main" when the tests run in one process (-n 0, or a plain pytest).
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def pytest_generate_tests(metafunc) -> None:
    """Every test on a database runs on each configured backend, unless it is marked any_database (SQLite only).

    Tests marked every_day and using `today` run once on each fixed day of tests/clock.py.
    """
    if "database_url" in metafunc.fixturenames:
        backends = ["sqlite"] if metafunc.definition.get_closest_marker("any_database") else BACKENDS
        metafunc.parametrize("database_url", backends, indirect=True)
    if "today" in metafunc.fixturenames and metafunc.definition.get_closest_marker("every_day"):
        metafunc.parametrize("today", list(DAYS.values()), ids=list(DAYS), indirect=True)


def _worker_postgres_url() -> str:
    """This worker's own database on the test server: the configured database's name with the worker's id."""
    url = make_url(POSTGRES_URL)
    return url.set(database=f"{url.database}_{WORKER}").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _postgres_engine():
    """This worker's PostgreSQL database, made afresh with every table; each test empties the tables instead of rebuilding."""
    worker_url = _worker_postgres_url()
    name = make_url(worker_url).database
    server = make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(worker_url)
    SQLModel.metadata.create_all(engine)
    yield engine, worker_url
    engine.dispose()
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> str:
    """An SQLite file with every table, built once per worker; each test gets a copy (a copy is 200 times quicker)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()  # the last connection closing folds the write-ahead log into the file
    return str(path)


@pytest.fixture
def today(request) -> Iterator[date]:
    """Set Python's clock to a fixed day (noon in London, then running): PINNED_DAY, or each of DAYS."""
    day = getattr(request, "param", PINNED_DAY)
    with travel_to(day):
        yield day


@pytest.fixture
def database_url(request, tmp_path) -> Iterator[str]:
    """A URL to an empty database with every table, on each configured backend (see pytest_generate_tests)."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    engine, url = request.getfixturevalue("_postgres_engine")
    with engine.begin() as connection:
        _empty_postgres(connection)
    yield url


def _empty_postgres(connection) -> None:
    """Every table empty and every id sequence back at 1, as after TRUNCATE of them all (which takes 30 times longer).

    Only the tables holding a row are truncated; a sequence some test used, even for rows since deleted, restarts.
    """
    names = [table.name for table in SQLModel.metadata.sorted_tables]
    holding_rows = " UNION ALL ".join(f"SELECT '{name}' FROM (SELECT 1 FROM \"{name}\" LIMIT 1) AS one" for name in names)
    if dirty := connection.execute(text(holding_rows)).scalars().all():
        connection.execute(text("TRUNCATE " + ", ".join(f'"{name}"' for name in dirty) + " RESTART IDENTITY CASCADE"))
    used = "SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences WHERE last_value IS NOT NULL"
    for sequence in connection.execute(text(used)).scalars().all():
        connection.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))


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
