"""Settings, the voice-app command and the migrations."""

import pytest
from sqlalchemy import inspect
from sqlmodel import SQLModel

from tests.migration_support import emptied
from voice_app import cli, create_app
from voice_app.config import DEMO_SECRET_KEY, ConfigError, Settings
from voice_app.crypto import new_key


def test_settings_come_from_voice_app_variables():
    settings = Settings.from_env({"VOICE_APP_DATABASE_URL": "postgresql://u@h/db", "VOICE_APP_SERVICE_NAME": "Our voices", "VOICE_APP_SESSION_HOURS": "4"})
    assert settings.database_url == "postgresql://u@h/db" and settings.service_name == "Our voices" and settings.session_hours == 4


def test_production_refuses_the_demo_secret():
    with pytest.raises(ConfigError, match="demo secret"):
        create_app(settings=Settings(env="production", secret_key=DEMO_SECRET_KEY))


def test_production_starts_with_a_real_secret(tmp_path):
    settings = Settings(env="production", secret_key="x" * 40, database_url=f"sqlite:///{tmp_path}/p.db", encryption_keys=new_key("k1"))
    assert create_app(settings=settings).config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("environ", [{"VOICE_APP_ENV": "prod"}, {"VOICE_APP_SESSION_HOURS": "eight"}, {"VOICE_APP_DATABASE_URL": "mysql://x"}])
def test_wrong_settings_get_a_clear_message(environ):
    with pytest.raises(ConfigError):
        Settings.from_env(environ).check()


def test_cli_without_a_command_prints_help(capsys):
    assert cli.main([]) == 2
    assert "usage: voice-app" in capsys.readouterr().err


def test_cli_refuses_production_with_the_demo_secret(monkeypatch, capsys):
    monkeypatch.setenv("VOICE_APP_ENV", "production")
    assert cli.main(["db", "current"]) == 2
    assert "demo secret" in capsys.readouterr().err


def test_db_upgrade_then_create_user(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path}/cli.db"
    assert cli.main(["db", "upgrade", "--database-url", url]) == 0
    assert cli.main(["db", "current", "--database-url", url]) == 0
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a strong password here\n"))
    assert cli.main(["create-user", "--database-url", url, "--email", "a@example.org", "--name", "A", "--role", "admin", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("short\n"))
    assert cli.main(["create-user", "--database-url", url, "--email", "b@example.org", "--name", "B", "--role", "iro", "--password-stdin"]) == 2
    assert "at least 12 characters" in capsys.readouterr().err


def test_serve_refuses_an_unmigrated_database(tmp_path, capsys):
    assert cli.main(["serve", "--database-url", f"sqlite:///{tmp_path}/empty.db"]) == 2
    assert "voice-app db upgrade" in capsys.readouterr().err


def test_demo_sets_up_data_once(tmp_path, capsys):
    db_path = tmp_path / "demo.db"
    assert cli.main(["demo", "--db", str(db_path), "--no-serve"]) == 0
    first = capsys.readouterr().out
    assert "Demo data created" in first and "iro@example.org" in first
    assert cli.main(["demo", "--db", str(db_path), "--no-serve"]) == 0
    assert "reusing it" in capsys.readouterr().out
    import sqlite3

    with sqlite3.connect(db_path) as connection:
        counts = [connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in ("child", "statement", "parent_response")]
    assert counts == [12, 2, 2]  # a dozen children, two statements to read, parents' answers for the results


def test_migrations_build_exactly_the_models(database_url):
    """Alembic's head and the SQLModel tables agree, on each database backend."""
    from alembic import command

    from voice_app.migrate import alembic_config, upgrade

    engine = emptied(database_url)
    upgrade(database_url)
    assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())
    command.check(alembic_config(database_url))  # raises if models and migrations differ
    # Alembic cannot compare expression indexes, so check the one there is by name.
    listing = (
        "SELECT indexname FROM pg_indexes WHERE tablename = 'review'"
        if engine.dialect.name == "postgresql"
        else "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'review'"
    )
    with engine.connect() as connection:
        assert "ix_review_conference_day" in set(connection.exec_driver_sql(listing).scalars())
    engine.dispose()


def test_there_is_one_migration_head():
    from alembic.script import ScriptDirectory

    from voice_app.migrate import alembic_config

    assert len(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()) == 1
