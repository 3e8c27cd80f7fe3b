"""Encryption at rest: no plaintext in the database, a wrong key refused clearly, rotation, the migration."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from tests.child_support import make_statement
from tests.factories import Factory
from tests.migration_support import emptied
from voice_app import cli, crypto
from voice_app.config import ConfigError, Settings
from voice_app.crypto import DEV_ENCRYPTION_KEYS, EncryptionKeyError, Keyring, key_id_of, new_key
from voice_app.db import make_engine
from voice_app.migrate import upgrade
from voice_app.models import (
    Answer,
    Child,
    ChildResponse,
    DecisionOutcome,
    FeedbackLink,
    MenuDecision,
    ParentDraft,
    ParentResponse,
    ReviewKind,
    ReviewStage,
    Statement,
    Visit,
    VisitStatus,
    utcnow,
)
from voice_app.parents.periods import Period
from voice_app.parents.results import comments_in_period

PHRASE = "Biscuit the hamster lives under my bed"
# Each encrypted column gets its own wording of the phrase, so a value in the wrong place is noticed.
WORDS = {
    "answer.text": f"{PHRASE} (answer)",
    "statement.iro_notes": f"{PHRASE} (notes)",
    "menu_decision.reason_for_child": f"{PHRASE} (reason)",
    "child_response.we_did": f"{PHRASE} (we did)",
    "visit.declined_reason": f"{PHRASE} (declined)",
    "child.communication_needs": f"{PHRASE} (needs)",
    "parent_response.comment": f"{PHRASE} (comment)",
    "parent_response.name": f"{PHRASE} (name)",
    "parent_draft.comment": f"{PHRASE} (draft comment)",
    "parent_draft.name": f"{PHRASE} (draft name)",
}


@pytest.fixture(autouse=True)
def _demo_keys_after():
    yield
    crypto.install(Keyring.parse(DEV_ENCRYPTION_KEYS))  # whatever a test installed, the next starts as the app does


def _seed(db: Session, make) -> dict[str, int]:
    """One row holding the phrase in every encrypted column; returns the ids."""
    iro = make.staff()
    child = make.child(iro, communication_needs=WORDS["child.communication_needs"])
    visit = make.visit(make.review(child, days_ahead=-3), iro=iro, status=VisitStatus.DECLINED, declined_reason=WORDS["visit.declined_reason"])
    statement = make_statement(db, make.visit(make.review(child), iro=iro), child, iro_notes=WORDS["statement.iro_notes"])
    conference = make.review(child, days_ahead=-2, kind=ReviewKind.CP_CONFERENCE, stage=ReviewStage.INITIAL_CONFERENCE)
    link = FeedbackLink(review_id=conference.id, token="t-1", created_by_id=iro.id, expires_at=utcnow() + timedelta(days=28))
    rows = [
        Answer(statement_id=statement.id, question_id="worries", text=WORDS["answer.text"]),
        MenuDecision(statement_id=statement.id, item_id="menu-place", outcome=DecisionOutcome.NOT_POSSIBLE, reason_for_child=WORDS["menu_decision.reason_for_child"], decided_by_id=iro.id),
        ChildResponse(statement_id=statement.id, question_id="worries", we_did=WORDS["child_response.we_did"], written_by_id=iro.id),
        ParentResponse(review_id=conference.id, q1="agree", comment=WORDS["parent_response.comment"], name=WORDS["parent_response.name"], submission_key="k-1"),
    ]
    db.add_all([*rows, link])
    db.commit()
    db.add(ParentDraft(link_id=link.id, key="draft-1", comment=WORDS["parent_draft.comment"], name=WORDS["parent_draft.name"]))
    db.commit()
    return {"visit": visit.id, "statement": statement.id, "conference": conference.id}


def _raw_cells(url: str) -> list[str]:
    """Every text cell of every table as the database stores it, read without the models' types."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            cells = []
            for table in SQLModel.metadata.sorted_tables:
                rows = connection.exec_driver_sql(f'SELECT * FROM "{table.name}"').all()
                cells += [cell for row in rows for cell in row if isinstance(cell, str)]
            return cells
    finally:
        engine.dispose()


def _raw(url: str, table: str, column: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.exec_driver_sql(f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL ORDER BY id').scalars())
    finally:
        engine.dispose()


def test_the_raw_database_holds_no_plaintext_of_the_childs_words(app, db, make, database_url, tmp_path):
    _seed(db, make)
    cells = _raw_cells(database_url)
    assert not [cell for cell in cells if "Biscuit" in cell]
    stored = [cell for cell in cells if cell.startswith("enc1:demo:")]
    assert len(stored) == len(WORDS)  # one value in every encrypted column
    if database_url.startswith("sqlite"):
        path = Path(sa.make_url(database_url).database)
        on_disk = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))  # the file, its WAL and shm
        assert b"Biscuit" not in on_disk and b"hamster" not in on_disk


def test_the_app_reads_what_it_wrote(app, db, make):
    ids = _seed(db, make)
    db.expunge_all()
    assert db.exec(select(Answer.text)).one() == WORDS["answer.text"]
    assert db.get(Statement, ids["statement"]).iro_notes == WORDS["statement.iro_notes"]
    assert db.exec(select(MenuDecision.reason_for_child)).one() == WORDS["menu_decision.reason_for_child"]
    assert db.exec(select(ChildResponse.we_did)).one() == WORDS["child_response.we_did"]
    assert db.get(Visit, ids["visit"]).declined_reason == WORDS["visit.declined_reason"]
    response = db.exec(select(ParentResponse)).one()
    assert (response.comment, response.name) == (WORDS["parent_response.comment"], WORDS["parent_response.name"])
    # An equality test on an encrypted column cannot match (each encryption is different): the code never relies on one.
    assert db.exec(select(Answer).where(Answer.text == WORDS["answer.text"])).first() is None


def test_empty_values_stay_empty_so_sql_can_still_ask_whether_there_is_text(app, db, make, database_url):
    iro = make.staff()
    child = make.child(iro)
    make_statement(db, make.visit(make.review(child), iro=iro), child)
    assert _raw(database_url, "statement", "iro_notes") == [""]


def test_parents_comments_and_report_quotes_still_read(app, db, make):
    ids = _seed(db, make)
    today = date.today()
    period = Period(year=today.year, quarter=None, start=today - timedelta(days=30), end=today + timedelta(days=30))
    assert [comment.text for comment in comments_in_period(db, period=period)] == [WORDS["parent_response.comment"]]
    from voice_app.reports import queries
    from voice_app.reports.period import Period as ReportPeriod

    report_period = ReportPeriod(today - timedelta(days=30), today + timedelta(days=30))
    with app.extensions["voice_app_engine"].connect() as connection:
        assert [item.text for item in queries.declined_reasons(connection, report_period)] == [WORDS["visit.declined_reason"]]
        assert [item.text for item in queries.responses(connection, report_period, limit=None)] == [WORDS["child_response.we_did"]]
    assert ids


def test_a_wrong_key_is_refused_with_a_clear_error(app, db, make, database_url, capsys, monkeypatch):
    ids = _seed(db, make)
    db.expunge_all()
    crypto.install(Keyring.parse("demo:" + new_key("x").split(":")[1]))  # same id, different key
    with pytest.raises(EncryptionKeyError, match="cannot be decrypted with key 'demo': the key is wrong"):
        db.get(Statement, ids["statement"])
    db.rollback()
    crypto.install(Keyring.parse(new_key("other")))  # the data's key id is not there at all
    with pytest.raises(EncryptionKeyError, match="encrypted with key 'demo', which is not in VOICE_APP_ENCRYPTION_KEYS"):
        db.exec(select(Answer.text)).one()
    db.rollback()

    monkeypatch.setenv("VOICE_APP_ENCRYPTION_KEYS", new_key("demo"))
    assert cli.main(["keys", "check", "--database-url", database_url]) == 2
    assert "the key is wrong" in capsys.readouterr().err
    monkeypatch.setenv("VOICE_APP_ENCRYPTION_KEYS", DEV_ENCRYPTION_KEYS)
    assert cli.main(["keys", "check", "--database-url", database_url]) == 0
    assert "Every encrypted value can be read" in capsys.readouterr().out


def test_serve_refuses_to_start_with_a_wrong_key(tmp_path, capsys, monkeypatch):
    url = f"sqlite:///{tmp_path / 'served.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as db:
        make = Factory(db, password="not used here at all")
        iro = make.staff()
        make.visit(make.review(make.child(iro)), iro=iro, status=VisitStatus.DECLINED, declined_reason="She is at school")
    engine.dispose()
    monkeypatch.setenv("VOICE_APP_ENCRYPTION_KEYS", new_key("k9"))
    assert cli.main(["serve", "--database-url", url]) == 2
    assert "Refusing to serve: A value in visit.declined_reason was encrypted with key 'demo'" in capsys.readouterr().err


def test_a_value_moved_to_another_column_is_refused(app, db, make, database_url):
    ids = _seed(db, make)
    stolen = _raw(database_url, "answer", "text")[0]
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE statement SET iro_notes = :v WHERE id = :id"), {"v": stolen, "id": ids["statement"]})
    engine.dispose()
    db.expunge_all()
    with pytest.raises(EncryptionKeyError, match="statement.iro_notes"):
        db.get(Statement, ids["statement"])


def test_rotation_re_encrypts_everything_under_the_new_key(app, db, make, database_url, monkeypatch, capsys):
    _seed(db, make)
    engine = make_engine(database_url)
    with engine.begin() as connection:  # a row written in plaintext before the encrypting migration
        connection.execute(sa.text("UPDATE child_response SET we_did = 'written before encryption'"))
    engine.dispose()
    new = new_key("k2")
    monkeypatch.setenv("VOICE_APP_ENCRYPTION_KEYS", f"{new},{DEV_ENCRYPTION_KEYS}")
    assert cli.main(["keys", "check", "--database-url", database_url]) == 1  # old key and plaintext still in use
    assert "Run: voice-app keys rotate" in capsys.readouterr().out
    assert cli.main(["keys", "rotate", "--database-url", database_url]) == 0
    out = capsys.readouterr().out
    assert "under key 'k2'" in out and "answer.text" in out

    stored = [cell for cell in _raw_cells(database_url) if key_id_of(cell)]
    assert stored and {key_id_of(cell) for cell in stored} == {"k2"}
    # With the old key gone, everything still reads, and nothing is in plaintext any more.
    crypto.install(Keyring.parse(new))
    db.expunge_all()
    assert db.exec(select(Answer.text)).one() == WORDS["answer.text"]
    assert db.exec(select(ChildResponse.we_did)).one() == "written before encryption"
    assert "written before encryption" not in _raw_cells(database_url)
    monkeypatch.setenv("VOICE_APP_ENCRYPTION_KEYS", new)
    assert cli.main(["keys", "check", "--database-url", database_url]) == 0
    assert "keys_rotated" in " ".join(_raw(database_url, "audit_event", "action"))


def test_the_migration_encrypts_existing_rows_and_downgrading_decrypts_them(database_url):
    engine = emptied(database_url)
    upgrade(database_url, "staff_0004")
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO staff_user (id, email, display_name, role, password_hash, active, failed_logins, must_change_password, created_at) VALUES (1, 'a@b.c', 'A', 'iro', 'x', true, 0, false, CURRENT_TIMESTAMP)"))
        connection.execute(sa.text("INSERT INTO child (id, preferred_name, case_reference, preferred_language, communication_needs, cared_for, on_cp_plan, active, created_at) VALUES (1, 'Ana', 'R1', 'en-GB', :needs, true, false, true, CURRENT_TIMESTAMP)"), {"needs": WORDS["child.communication_needs"]})
        connection.execute(sa.text("INSERT INTO review (id, child_id, kind, stage, scheduled_for, status, created_at) VALUES (1, 1, 'cared_for', 'subsequent', '2026-01-05', 'held', CURRENT_TIMESTAMP)"))
        connection.execute(sa.text("INSERT INTO visit (id, review_id, iro_id, status, declined_reason, created_at, updated_at) VALUES (1, 1, 1, 'declined', :words, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"words": WORDS["visit.declined_reason"]})
        connection.execute(sa.text("INSERT INTO statement (id, child_id, visit_id, version, parts, language, scribed, started_at, updated_at, iro_notes) VALUES (1, 1, 1, 'younger', 'views', 'en-GB', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :words)"), {"words": WORDS["statement.iro_notes"]})
    engine.dispose()
    upgrade(database_url)
    assert not [cell for cell in _raw_cells(database_url) if "Biscuit" in cell]
    engine = make_engine(database_url)
    with Session(engine) as db:
        assert db.get(Visit, 1).declined_reason == WORDS["visit.declined_reason"]
        assert db.get(Statement, 1).iro_notes == WORDS["statement.iro_notes"]
        assert db.get(Child, 1).communication_needs == WORDS["child.communication_needs"]
    engine.dispose()
    upgrade_down(database_url, "staff_0004")
    assert _raw(database_url, "visit", "declined_reason") == [WORDS["visit.declined_reason"]]
    upgrade(database_url)  # leave the database at head for the tests after


def upgrade_down(url: str, revision: str) -> None:
    from alembic import command

    from voice_app.migrate import alembic_config

    command.downgrade(alembic_config(url), revision)


def test_production_needs_its_own_encryption_key(tmp_path):
    base = dict(env="production", secret_key="x" * 40, database_url=f"sqlite:///{tmp_path}/p.db")
    with pytest.raises(ConfigError, match="without VOICE_APP_ENCRYPTION_KEYS"):
        Settings(**base).check()
    with pytest.raises(ConfigError, match="public demo encryption key"):
        Settings(**base, encryption_keys=f"{new_key('k2')},{DEV_ENCRYPTION_KEYS}").check()
    with pytest.raises(ConfigError, match="must be 32 bytes"):
        Settings(**base, encryption_keys="k1:c2hvcnQ").check()
    Settings(**base, encryption_keys=new_key("k1")).check()


def test_without_an_app_the_keys_come_from_the_environment_and_production_refuses_the_demo_key(monkeypatch):
    """Scripts and migrations use the environment's keys, checked as the settings check them."""
    monkeypatch.setattr(crypto, "_installed", None)
    own = new_key("k9")
    monkeypatch.setenv("VOICE_APP_ENV", "production")
    monkeypatch.setenv("VOICE_APP_ENCRYPTION_KEYS", own)
    assert crypto.keyring().keys == Keyring.parse(own).keys

    monkeypatch.setattr(crypto, "_installed", None)
    monkeypatch.setenv("VOICE_APP_ENCRYPTION_KEYS", DEV_ENCRYPTION_KEYS)
    with pytest.raises(EncryptionKeyError, match="public demo encryption key"):
        crypto.keyring()

    monkeypatch.setattr(crypto, "_installed", None)
    monkeypatch.delenv("VOICE_APP_ENCRYPTION_KEYS")
    with pytest.raises(EncryptionKeyError, match="without VOICE_APP_ENCRYPTION_KEYS"):
        crypto.keyring()

    monkeypatch.setattr(crypto, "_installed", None)
    monkeypatch.setenv("VOICE_APP_ENV", "demo")
    assert crypto.keyring().keys == Keyring.parse(DEV_ENCRYPTION_KEYS).keys
