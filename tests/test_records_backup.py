"""`voice-app backup` while answers are being written, and `voice-app restore` with its revision check."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time

import pytest
from sqlalchemy import insert, select, text
from sqlmodel import Session, SQLModel

from tests.child_support import make_statement
from tests.factories import Factory
from tests.migration_support import emptied
from voice_app import cli
from voice_app.db import make_engine
from voice_app.migrate import head_revision, upgrade
from voice_app.models import Answer
from voice_app.models.base import utcnow

answers = Answer.__table__


@pytest.fixture
def migrated_url(database_url):
    """The test database rebuilt by the migrations, so it carries a schema revision like a real one."""
    if not database_url.startswith("sqlite") and not (shutil.which("pg_dump") and shutil.which("pg_restore") and shutil.which("psql")):
        pytest.skip("the PostgreSQL client tools (pg_dump, pg_restore, psql) are not installed")
    engine = emptied(database_url)
    engine.dispose()
    upgrade(database_url)
    return database_url


def _statement_id(engine) -> int:
    with Session(engine, expire_on_commit=False) as db:
        make = Factory(db, password="not used here at all")
        iro = make.staff()
        child = make.child(iro)
        visit = make.visit(make.review(child), iro=iro)
        return make_statement(db, visit, child).id


class AnswerWriter(threading.Thread):
    """Writes answers one transaction each, as tablets do, counting those committed."""

    def __init__(self, engine, statement_id: int) -> None:
        super().__init__(daemon=True)
        self.engine, self.statement_id = engine, statement_id
        self.committed = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                number = self.committed + 1
                with self.engine.begin() as connection:
                    connection.execute(insert(answers).values(statement_id=self.statement_id, question_id=f"q{number:06d}", text=f"answer {number}", answered_at=utcnow(), updated_at=utcnow()))
                self.committed = number
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 30
        while self.committed < count and time.monotonic() < deadline and self.error is None:
            time.sleep(0.01)
        assert self.committed >= count, self.error


def _question_ids(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(answers.c.question_id).order_by(answers.c.question_id)).scalars())
    finally:
        engine.dispose()


def _table_rows(url: str) -> dict[str, list[tuple]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {table.name: sorted(map(tuple, connection.execute(table.select())), key=repr) for table in SQLModel.metadata.sorted_tables}
    finally:
        engine.dispose()


def _restore(url: str, backup_file, sqlite_file) -> str:
    """Restore a backup: SQLite into a new file; PostgreSQL over the test database itself."""
    if url.startswith("sqlite"):
        target, extra = f"sqlite:///{sqlite_file}", []
    else:
        target, extra = url, ["--replace"]
    assert cli.main(["restore", str(backup_file), "--database-url", target, *extra]) == 0
    return target


def test_backup_while_answers_are_written_then_restore_loses_nothing(migrated_url, tmp_path, capsys):
    engine = make_engine(migrated_url)
    writer = AnswerWriter(engine, _statement_id(engine))
    writer.start()
    try:
        writer.wait_for(30)
        before = writer.committed
        assert cli.main(["backup", str(tmp_path / "during.bak"), "--database-url", migrated_url]) == 0
        after = writer.committed
        writer.wait_for(after + 20)  # the service carried on writing during and after the backup
    finally:
        writer.stop.set()
        writer.join(10)
    assert writer.error is None
    assert "Backed up to" in capsys.readouterr().out

    expected = _table_rows(migrated_url)
    assert cli.main(["backup", str(tmp_path / "after.bak"), "--database-url", migrated_url]) == 0

    # The copy taken under load is one instant of the database: every answer committed before it
    # began, and then an unbroken run (no answer missing from the middle, none half-written).
    restored = _restore(migrated_url, tmp_path / "during.bak", tmp_path / "restored-during.db")
    ids = _question_ids(restored)
    assert before <= len(ids) <= after + 1
    assert ids == [f"q{n:06d}" for n in range(1, len(ids) + 1)]

    # Once the writing stops, a backup and restore give back every row of every table.
    final = _restore(migrated_url, tmp_path / "after.bak", tmp_path / "restored-after.db")
    assert _table_rows(final) == expected
    assert len(_question_ids(final)) == writer.committed
    assert cli.main(["db", "current", "--database-url", final]) == 0  # at head: ready to serve
    engine.dispose()


def test_restore_replaces_a_database_only_when_asked_and_keeps_the_old_one(migrated_url, tmp_path, capsys):
    engine = make_engine(migrated_url)
    statement_id = _statement_id(engine)
    backup_file = tmp_path / "one.bak"
    assert cli.main(["backup", str(backup_file), "--database-url", migrated_url]) == 0
    with engine.begin() as connection:
        connection.execute(insert(answers).values(statement_id=statement_id, question_id="later", text="after the backup", answered_at=utcnow(), updated_at=utcnow()))
    engine.dispose()

    assert cli.main(["restore", str(backup_file), "--database-url", migrated_url]) == 2
    assert "add --replace" in capsys.readouterr().err
    assert _question_ids(migrated_url) == ["later"]

    assert cli.main(["restore", str(backup_file), "--database-url", migrated_url, "--replace"]) == 0
    assert _question_ids(migrated_url) == []
    kept = [path for path in tmp_path.iterdir() if ".before-restore-" in path.name]
    assert len(kept) == 1  # the replaced database, in case the wrong backup was restored


def test_backup_never_overwrites_a_file(migrated_url, tmp_path, capsys):
    existing = tmp_path / "taken.bak"
    existing.write_text("something else")
    assert cli.main(["backup", str(existing), "--database-url", migrated_url]) == 2
    assert "already exists" in capsys.readouterr().err
    assert existing.read_text() == "something else"


def _sqlite_backup_at(tmp_path, revision: str | None) -> str:
    url = f"sqlite:///{tmp_path / 'source.db'}"
    upgrade(url)
    path = tmp_path / "source.db"
    with sqlite3.connect(path) as connection:
        if revision is None:
            connection.execute("DROP TABLE alembic_version")
        else:
            connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    return str(path)


def test_restore_refuses_a_backup_from_a_newer_version(tmp_path, capsys):
    source = _sqlite_backup_at(tmp_path, "from_the_future_9999")
    target = tmp_path / "target.db"
    assert cli.main(["restore", source, "--database-url", f"sqlite:///{target}"]) == 2
    assert "from_the_future_9999, which this version of voice-app does not know" in capsys.readouterr().err
    assert not target.exists()


def test_restore_refuses_a_file_without_a_revision(tmp_path, capsys):
    source = _sqlite_backup_at(tmp_path, None)
    assert cli.main(["restore", source, "--database-url", f"sqlite:///{tmp_path / 'target.db'}"]) == 2
    assert "no schema revision" in capsys.readouterr().err
    (tmp_path / "notes.txt").write_text("not a database")
    assert cli.main(["restore", str(tmp_path / "notes.txt"), "--database-url", f"sqlite:///{tmp_path / 'target.db'}"]) == 2
    assert "neither a SQLite database nor a pg_dump archive" in capsys.readouterr().err


def test_restore_of_an_older_revision_says_to_upgrade(tmp_path, capsys):
    source = _sqlite_backup_at(tmp_path, "staff_0004")
    target = f"sqlite:///{tmp_path / 'target.db'}"
    assert cli.main(["restore", source, "--database-url", target]) == 0
    out = capsys.readouterr().out
    if head_revision() != "staff_0004":
        assert "run `voice-app db upgrade`" in out
    engine = make_engine(target)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "staff_0004"
    engine.dispose()
