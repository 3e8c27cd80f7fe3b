"""Handing one stored message to the SMTP server, through Flask-Mailman."""

from __future__ import annotations

import smtplib
import socket
import ssl

from flask import Flask
from flask_mailman import EmailMultiAlternatives, Mail

from voice_app.config import Settings
from voice_app.models import OutboxEmail

mail = Mail()


def init_app(app: Flask) -> None:
    """Give Flask-Mailman the SMTP settings (the smtp backend is used only when SMTP is configured)."""
    settings: Settings = app.config["VOICE_APP"]
    app.config.update(
        MAIL_BACKEND="smtp" if settings.mail_enabled else "dummy",
        MAIL_SERVER=settings.smtp_host or "localhost",
        MAIL_PORT=settings.smtp_port,
        MAIL_USERNAME=settings.smtp_username or None,
        MAIL_PASSWORD=settings.smtp_password or None,
        MAIL_USE_TLS=settings.smtp_security == "starttls",
        MAIL_USE_SSL=settings.smtp_security == "ssl",
        MAIL_TIMEOUT=settings.smtp_timeout_seconds,
        MAIL_DEFAULT_SENDER=settings.mail_from or None,
    )
    mail.init_app(app)


def send_one(email: OutboxEmail) -> None:
    """Send one message now (inside an app context); raises on any failure."""
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        to=[email.to_address],
        connection=mail.get_connection(fail_silently=False),
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    if message.send() != 1:
        raise smtplib.SMTPException("the server did not accept the message")


def describe_failure(exc: BaseException) -> str:
    """What went wrong, without personal data: SMTP errors can quote addresses, so only kind and code."""
    name = type(exc).__name__
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{name} {exc.smtp_code}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _message in exc.recipients.values()})
        return f"{name} {' '.join(codes)}"
    if isinstance(exc, (socket.timeout, ssl.SSLError, ConnectionError)) or isinstance(exc, OSError):
        return f"{name} {getattr(exc, 'errno', '') or ''}".strip()
    return name
