"""Fixtures for single sign-on tests: the loopback provider (one per test session, emptied per test), voice-app set up for it."""

from __future__ import annotations

import pytest

from tests.oidc_provider import Provider
from tests.sso_support import configure
from voice_app.models import SsoProvider


@pytest.fixture(scope="session")
def _oidc_server():
    provider = Provider()
    yield provider
    provider.stop()


@pytest.fixture
def oidc(_oidc_server) -> Provider:
    """The loopback provider, emptied for this test."""
    _oidc_server.reset()
    return _oidc_server


@pytest.fixture
def council(db, oidc) -> SsoProvider:
    return configure(db, oidc)
