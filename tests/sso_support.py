"""Helpers for single sign-on tests: voice-app set up for the loopback provider, and the sign-in round trip."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from voice_app.models import Role, SsoProvider
from voice_app.sso.claims import dump_role_map

DOMAIN = "council.example"
GROUPS = {Role.IRO: "grp-iro", Role.MANAGER: "grp-managers", Role.ADMIN: "grp-admins"}


def configure(db, provider: Provider, **overrides) -> SsoProvider:
    """voice-app set up for the loopback provider, as an admin would (straight into the table)."""
    row = db.get(SsoProvider, 1) or SsoProvider(id=1)
    values = dict(
        enabled=True, display_name="Example Council", issuer=provider.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
        scopes="openid email profile offline_access", allowed_domains=DOMAIN, role_claim="groups",
        role_map=dump_role_map({role: [group] for role, group in GROUPS.items()}), unknown_staff="create", check_minutes=15,
    )
    values.update(overrides)
    for name, value in values.items():
        setattr(row, name, value)
    row.version += 1
    db.add(row)
    db.commit()
    return row


def to_provider(client, *, next_url: str | None = None):
    """Start a provider sign-in; the redirect to the provider's authorize endpoint."""
    response = client.get("/sign-in/council" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def at_provider(authorize_url: str, email: str) -> str:
    """Sign in at the provider as this person; the path and query voice-app's callback gets."""
    answer = requests.post(authorize_url, data={"email": email}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    back = urlsplit(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def sso_sign_in(client, email: str):
    """The whole round trip; the callback's response (its redirect followed, as a browser would, for the CSRF token)."""
    response = client.get(at_provider(to_provider(client), email))
    if response.status_code == 302:
        client.get(response.headers["Location"])
    return response
