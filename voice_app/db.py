"""The database engine and a per-request session; SQLite gets foreign keys and WAL."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling of the URL was given."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


SQLITE_BUSY_MS = 5000  # how long a write waits for another to finish before giving up


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.close()


def insert_with_conflicts(table, dialect: str):
    """An INSERT for `table` that knows ON CONFLICT (both databases do, each in its own dialect)."""
    from sqlalchemy.dialects.postgresql import insert as postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(table)


def make_engine(url: str) -> Engine:
    """Create an engine; make the SQLite file's folder and turn its pragmas on."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def init_app(app: Flask, url: str) -> None:
    """Attach an engine to the app and close each request's session at teardown."""
    app.extensions["voice_app_engine"] = make_engine(url)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def engine() -> Engine:
    """The current app's engine."""
    return current_app.extensions["voice_app_engine"]


def session() -> Session:
    """The session for this request (or app context), opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


@contextmanager
def standalone_session(bind: Engine) -> Iterator[Session]:
    """A session outside a request, for the command line and tests."""
    with Session(bind, expire_on_commit=False) as db:
        yield db


def database_answers(bind: Engine) -> bool:
    """True when a trivial query succeeds."""
    try:
        with bind.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        return False


def _lock_key(name: str) -> int:
    """A stable 64-bit advisory-lock key for a job's name (the same on every machine)."""
    return int.from_bytes(hashlib.sha256(f"voice-app:{name}".encode()).digest()[:8], "big", signed=True)


@contextmanager
def exclusive(url: str, name: str) -> Iterator[None]:
    """Hold the database-wide lock `name` (waiting for whoever has it) while the block runs.

    PostgreSQL: a session advisory lock, held by its own connection, so every machine that shares the
    database takes turns and a crashed holder lets go at once. SQLite (one machine): an exclusive lock
    on a file beside the database. Used by `db upgrade` and by the cron jobs that must not overlap."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        lock_engine = create_engine(url, poolclass=_null_pool())
        try:
            with lock_engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _lock_key(name)})
                connection.commit()
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _lock_key(name)})
                    connection.commit()
        finally:
            lock_engine.dispose()
        return
    if not parsed.database or parsed.database == ":memory:":
        yield  # a database in this process's memory: nobody else can reach it
        return
    path = Path(f"{parsed.database}.{name}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        _lock_file(handle)
        try:
            yield
        finally:
            _unlock_file(handle)


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


def _lock_file(handle) -> None:
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        handle.seek(0)
        while True:
            try:
                msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                return
            except OSError:
                continue  # LK_LOCK gives up after ten seconds; keep waiting like the other databases do
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)


def _unlock_file(handle) -> None:
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
