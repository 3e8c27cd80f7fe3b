"""Backups a running service can take, and restores that check the schema revision first.

SQLite: the online backup API copies the database page by page inside one read transaction, so
the copy is the database as it was at one instant even while answers are being written (WAL lets
writers carry on meanwhile). PostgreSQL: pg_dump (one snapshot, custom format) and pg_restore.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from voice_app.db import normalise_url


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead, with a message for the person running it."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    revision: str | None
    size_bytes: int


def _sqlite_path(database_url: str) -> Path | None:
    url = make_url(normalise_url(database_url))
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(url.database)


@contextmanager
def _sqlite(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection that is closed afterwards (sqlite3's own `with` only commits)."""
    target = f"file:{path}?mode=ro" if read_only else str(path)
    with closing(sqlite3.connect(target, uri=read_only)) as connection:
        connection.execute("PRAGMA busy_timeout=5000")
        yield connection


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def _private_temp(folder: Path, suffix: str) -> Path:
    # Made with 0600 in the destination's own folder, so the final rename is atomic and the copy never world-readable.
    handle, name = tempfile.mkstemp(dir=folder, prefix=".voice-app-", suffix=suffix)
    os.close(handle)
    return Path(name)


def backup(database_url: str, destination: Path) -> BackupResult:
    """Copy the database to `destination` (a new file), consistent even while the service writes."""
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} already exists; choose a new file name (backups are never overwritten).")
    destination.parent.mkdir(parents=True, exist_ok=True)
    source = _sqlite_path(database_url)
    if source is None:
        return _pg_dump(database_url, destination)
    if not source.exists():
        raise BackupError(f"There is no database at {source}.")
    temp = _private_temp(destination.parent, ".db")
    try:
        # Not opened read-only: a read-only connection cannot open a WAL database whose -shm file is missing.
        with _sqlite(source) as src, _sqlite(temp) as dst:
            src.backup(dst)  # pages=-1: every page in one step, so one read snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            _check_integrity(dst, temp)
            revision = _sqlite_revision(dst)
        temp.replace(destination)
    finally:
        temp.unlink(missing_ok=True)
    return BackupResult(destination, revision, destination.stat().st_size)


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    result = connection.execute("PRAGMA integrity_check").fetchone()
    if not result or result[0] != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {result[0] if result else 'no answer'}.")


def backup_revision(path: Path) -> str | None:
    """The schema revision recorded inside a backup file (SQLite copy or pg_dump archive)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    with path.open("rb") as handle:
        magic = handle.read(16)
    if magic.startswith(b"SQLite format 3"):
        with _sqlite(path, read_only=True) as connection:
            _check_integrity(connection, path)
            return _sqlite_revision(connection)
    if magic.startswith(b"PGDMP"):
        return _pg_archive_revision(path)
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump archive.")


def restore(database_url: str, source: Path, *, known_revisions: set[str], replace: bool = False) -> BackupResult:
    """Put a backup in place of the database, if the code knows the backup's schema revision."""
    revision = backup_revision(source)
    if revision is None:
        raise BackupError(f"{source} has no schema revision: it is not a voice-app backup, or it was never migrated.")
    if revision not in known_revisions:
        raise BackupError(
            f"{source} is at schema revision {revision}, which this version of voice-app does not know "
            "(a newer version made it). Restore it with that version, or upgrade voice-app first."
        )
    target = _sqlite_path(database_url)
    if target is None:
        return _pg_restore(database_url, Path(source), revision, replace=replace)
    if target.exists() and target.stat().st_size > 0 and not replace:
        raise BackupError(f"{target} already holds a database; stop the service and add --replace to overwrite it.")
    if not _is_sqlite(Path(source)):
        raise BackupError(f"{source} is a pg_dump archive; restore it into a PostgreSQL database.")
    if target.exists() and target.stat().st_size > 0:
        # The database being replaced is kept beside it, so a restore of the wrong file can be undone.
        kept = target.with_name(f"{target.name}.before-restore-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
        with _sqlite(target) as live, _sqlite(kept) as copy:
            live.backup(copy)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Writing through the backup API (not copying the file) keeps the live database's WAL and locks right.
    with _sqlite(Path(source), read_only=True) as src, _sqlite(target) as dst:
        src.backup(dst)
    return BackupResult(target, revision, target.stat().st_size)


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16).startswith(b"SQLite format 3")


# PostgreSQL ------------------------------------------------------------------------------------


def _pg_environment(database_url: str) -> dict[str, str]:
    """libpq's variables for the URL, so no password appears on a command line (`ps` shows those)."""
    url = make_url(normalise_url(database_url))
    env = dict(os.environ)
    for name, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username), ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[name] = str(value)
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed; install the PostgreSQL client tools (the same major version as the server).")
    return found


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")
    return result


def _pg_dump(database_url: str, destination: Path) -> BackupResult:
    temp = _private_temp(destination.parent, ".dump")
    try:
        # One repeatable-read snapshot: consistent while the service keeps writing.
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={temp}"], _pg_environment(database_url))
        revision = _pg_archive_revision(temp)
        temp.replace(destination)
    finally:
        temp.unlink(missing_ok=True)
    return BackupResult(destination, revision, destination.stat().st_size)


def _pg_archive_revision(path: Path) -> str | None:
    listing = _run([_pg_tool("pg_restore"), "--data-only", "--table=alembic_version", "--file=-", str(path)], dict(os.environ)).stdout
    match = re.search(r"COPY \S*alembic_version \(version_num\) FROM stdin;\n([^\n\\]+)\n", listing)
    return match.group(1).strip() if match else None


def _pg_restore(database_url: str, source: Path, revision: str, *, replace: bool) -> BackupResult:
    if _is_sqlite(source):
        raise BackupError(f"{source} is a SQLite backup; restore it into a PostgreSQL database made from a pg_dump archive.")
    env = _pg_environment(database_url)
    tables = _psql(env, "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables WHERE schemaname = current_schema()")
    if tables:
        if not replace:
            raise BackupError("The PostgreSQL database already has tables; stop the service and add --replace to overwrite them.")
        # The database being replaced is dumped beside the backup first, so a restore of the wrong file can be undone.
        _pg_dump(database_url, source.with_name(f"{source.name}.before-restore-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"))
        _psql(env, f"DROP TABLE {tables} CASCADE")
    # The schema's own functions (the report's trigger functions, models/report_keys.py) go too: the archive makes them.
    functions = _psql(
        env,
        "SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace"
        " WHERE n.nspname = current_schema()",
    )
    if functions:
        _psql(env, f"DROP FUNCTION {functions} CASCADE")
    _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction", f"--dbname={env.get('PGDATABASE', '')}", str(source)], env)
    return BackupResult(source, revision, source.stat().st_size)


def _psql(env: dict[str, str], sql: str) -> str:
    command = [_pg_tool("psql"), "--no-psqlrc", "--tuples-only", "--no-align", "--set=ON_ERROR_STOP=1", f"--command={sql}"]
    return _run(command, env).stdout.strip()
