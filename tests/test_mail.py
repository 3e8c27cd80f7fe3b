"""The email outbox against a real SMTP server on loopback: stored first, sent after commit, retried when refused."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests.conftest import make_settings
from tests.mail_support import free_port, mail_settings, smtp_server  # noqa: F401 - fixture
from voice_app import create_app
from voice_app.cli import main
from voice_app.config import ConfigError, Settings
from voice_app.mail import next_delay, queue_email, send_due
from voice_app.models import OutboxEmail, OutboxStatus, utcnow


@pytest.fixture
def mail_app(database_url, smtp_server):  # noqa: F811 - fixture
    app = create_app(settings=mail_settings(database_url, smtp_server))
    yield app
    app.extensions["voice_app_engine"].dispose()


def _session(app) -> Session:
    return Session(app.extensions["voice_app_engine"], expire_on_commit=False)


def _queue(session: Session, **fields) -> OutboxEmail:
    values = dict(to="iro@example.org", subject="A message from a child", text="Sign in to read it.", kind="test")
    values.update(fields)
    return queue_email(session, **values)


def test_a_queued_email_is_sent_right_after_commit(mail_app, smtp_server):  # noqa: F811
    with mail_app.app_context(), _session(mail_app) as session:
        email = _queue(session, html="<p>Sign in to read it.</p>")
        assert smtp_server.received == []  # nothing leaves before the change it belongs to is committed
        session.commit()
        session.refresh(email)
        assert email.status == OutboxStatus.SENT and email.attempts == 1 and email.sent_at is not None
    [message] = smtp_server.received
    assert message["Subject"] == "A message from a child"
    assert message["X-Envelope-To"] == "iro@example.org"
    assert message["From"] == "voice-app@example.org"
    assert message.get_body(("plain",)).get_content().strip() == "Sign in to read it."
    assert "<p>Sign in to read it.</p>" in message.get_body(("html",)).get_content()


def test_a_rolled_back_email_is_never_sent(mail_app, smtp_server):  # noqa: F811
    with mail_app.app_context(), _session(mail_app) as session:
        _queue(session)
        session.rollback()
        session.commit()
        assert session.exec(select(OutboxEmail)).all() == []
    assert smtp_server.received == []


def test_a_refused_send_waits_and_is_retried(mail_app, smtp_server, caplog):  # noqa: F811
    smtp_server.refuse_next = 1
    with caplog.at_level(logging.INFO, logger="voice_app.mail"), mail_app.app_context(), _session(mail_app) as session:
        email = _queue(session, to="secret.person@example.org", subject="Private words")
        session.commit()
        session.refresh(email)
        assert email.status == OutboxStatus.PENDING and email.attempts == 1
        assert email.last_error == "SMTPDataError 451"
        assert email.next_attempt_at > utcnow()
        # Not due yet: a run now leaves it alone.
        assert send_due(session).sent == []
        summary = send_due(session, now=email.next_attempt_at + timedelta(seconds=1))
        assert summary.sent == [email.id]
        session.refresh(email)
        assert email.status == OutboxStatus.SENT and email.attempts == 2 and email.last_error == ""
    assert len(smtp_server.received) == 1
    logged = caplog.text
    assert "secret.person" not in logged and "Private words" not in logged  # no personal data in logs
    assert f"outbox email {email.id} (test) not sent" in logged


def test_an_unreachable_server_is_retried_then_given_up(database_url):
    """Nothing listens on the port: each failure waits longer, and after the last attempt the message is kept."""
    settings = make_settings(
        database_url,
        smtp_host="127.0.0.1",
        smtp_port=free_port(),
        smtp_security="none",
        mail_from="voice-app@example.org",
        mail_max_attempts=3,
    )
    app = create_app(settings=settings)
    with app.app_context(), _session(app) as session:
        email = _queue(session)
        session.commit()
        session.refresh(email)
        assert email.attempts == 1 and email.last_error.startswith("ConnectionRefusedError")
        send_due(session, now=email.next_attempt_at)
        session.refresh(email)
        assert email.attempts == 2 and email.status == OutboxStatus.PENDING
        assert send_due(session, now=email.next_attempt_at).gave_up == [email.id]
        session.refresh(email)
        assert email.status == OutboxStatus.GAVE_UP and email.attempts == 3
    app.extensions["voice_app_engine"].dispose()


def test_waits_grow_and_are_capped():
    assert [next_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert next_delay(30) == timedelta(hours=6)


def test_without_smtp_nothing_is_queued(app, db):
    with app.app_context():
        assert queue_email(db, to="iro@example.org", subject="s", text="t", kind="test") is None
    db.commit()
    assert db.exec(select(OutboxEmail)).all() == []


def test_the_outbox_keeps_addresses_and_words_encrypted(mail_app, smtp_server):  # noqa: F811
    smtp_server.refuse_next = 1
    with mail_app.app_context(), _session(mail_app) as session:
        _queue(session, to="someone@example.org", text="The child's words")
        session.commit()
        raw = session.connection().exec_driver_sql("SELECT to_address, text_body FROM outbox_email").one()
    assert all(value.startswith("enc1:") for value in raw)


def test_send_due_command_sends_what_waits(mail_app, smtp_server, monkeypatch, capsys):  # noqa: F811
    smtp_server.refuse_next = 1
    with mail_app.app_context(), _session(mail_app) as session:
        email = _queue(session)
        session.commit()
        session.refresh(email)  # as the failed attempt left it (else an unchanged-looking value is never written)
        email.next_attempt_at = utcnow() - timedelta(seconds=1)
        session.commit()
    settings: Settings = mail_app.config["VOICE_APP"]
    for name, value in {
        "DATABASE_URL": settings.database_url,
        "SMTP_HOST": smtp_server.host,
        "SMTP_PORT": str(smtp_server.port),
        "SMTP_SECURITY": "none",
        "MAIL_FROM": "voice-app@example.org",
        "ENV": "test",
    }.items():
        monkeypatch.setenv(f"VOICE_APP_{name}", value)
    assert main(["mail", "send-due"]) == 0
    assert "Sent 1;" in capsys.readouterr().out
    assert len(smtp_server.received) == 1


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"smtp_security": "tls"}, "VOICE_APP_SMTP_SECURITY"),
        ({"mail_from": ""}, "VOICE_APP_MAIL_FROM"),
        ({"smtp_port": 0}, "VOICE_APP_SMTP_PORT"),
    ],
)
def test_incomplete_smtp_settings_are_refused(overrides, message):
    settings = Settings(env="test", smtp_host="smtp.example.org", mail_from="voice-app@example.org")
    for key, value in overrides.items():
        setattr(settings, key, value)
    with pytest.raises(ConfigError, match=message):
        settings.check()


def test_production_refuses_plain_text_smtp_to_another_machine():
    settings = Settings(env="production", smtp_host="smtp.example.org", smtp_security="none", mail_from="a@example.org")
    with pytest.raises(ConfigError, match="TLS"):
        settings.check_mail()


def test_smtp_settings_come_from_the_environment():
    settings = Settings.from_env(
        {
            "VOICE_APP_SMTP_HOST": "smtp.example.org",
            "VOICE_APP_SMTP_PORT": "465",
            "VOICE_APP_SMTP_SECURITY": "SSL",
            "VOICE_APP_MAIL_FROM": "iro-service@example.org",
        }
    )
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_security, settings.mail_enabled) == (
        "smtp.example.org",
        465,
        "ssl",
        True,
    )
