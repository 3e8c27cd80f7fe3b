"""Helpers for second-factor tests: set up an authenticator app through the pages, and make its codes."""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass
from datetime import datetime

import pyotp

from tests.conftest import Client


@dataclass
class Enrolled:
    """What a person keeps after setting up: the app's secret and the recovery codes shown once."""

    secret: str
    recovery_codes: list[str]

    def code(self, steps_ahead: int = 0) -> str:
        """The app's code now, or a step or more later (a code is accepted once, so each sign-in needs a new step)."""
        return pyotp.TOTP(self.secret).at(time.time() + 30 * steps_ahead)

    def code_at(self, moment: datetime) -> str:
        """The app's code at a given moment, for checks made at a moment other than now."""
        return pyotp.TOTP(self.secret).at(moment)


def read_key(page: str) -> str:
    """The setup key as the page shows it for typing by hand."""
    match = re.search(r'id="setup-key">([^<]+)<', page)
    assert match, page[:2000]
    return html.unescape(match.group(1)).replace(" ", "")


def read_recovery_codes(page: str) -> list[str]:
    block = re.search(r'id="recovery-codes">(.*?)</ul>', page, re.S)
    assert block, page[:2000]
    return re.findall(r"<code>([a-z0-9-]+)</code>", block.group(1))


def enrol(client: Client) -> Enrolled:
    """Set up an authenticator app for whoever is signed in on this client, as a person would."""
    page = client.get("/account/two-factor/set-up").get_data(as_text=True)
    secret = read_key(page)
    response = client.post("/account/two-factor/set-up", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return Enrolled(secret, read_recovery_codes(response.get_data(as_text=True)))
