"""A real SMTP server on loopback (aiosmtpd) for the mail tests: it keeps what it receives and can refuse on request."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import make_settings


@dataclass
class LocalSmtp:
    """What the server received, and how many of the next messages it should refuse (451, try later)."""

    host: str = "127.0.0.1"
    port: int = 0
    refuse_next: int = 0
    received: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return "451 4.3.0 Try again later"
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.received.append(message)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A local SMTP server, running for one test."""
    server = LocalSmtp(port=free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def mail_settings(database_url: str, server: LocalSmtp, **overrides):
    """Test settings that send through the local server, in plain text (it is on loopback)."""
    return make_settings(
        database_url,
        smtp_host=server.host,
        smtp_port=server.port,
        smtp_security="none",
        mail_from="voice-app@example.org",
        **overrides,
    )
