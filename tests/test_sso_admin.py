"""The admin's settings page for the council's provider, and the sign-in page's button."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import select

from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET
from tests.sso_support import DOMAIN
from voice_app.models import AuditEvent, Role, SsoProvider

pytest_plugins = ["tests.sso_fixtures"]


def _form(issuer: str, **changes) -> dict:
    form = {
        "enabled": "y", "display_name": "Example Council", "issuer": issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "scopes": "openid email profile offline_access", "allowed_domains": f"@{DOMAIN.upper()}\nother.example", "role_claim": "groups",
        "role_iro": "grp-iro\ngrp-iro-2", "role_manager": "grp-managers", "role_admin": "", "unknown_staff": "approve", "check_minutes": "10",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def test_the_page_has_a_box_for_every_role_and_shows_the_redirect_uri(signed_in, make):
    page = signed_in(make.staff(Role.ADMIN)).get("/admin/single-sign-on")
    assert page.status_code == 200
    for role in Role:
        assert f'name="role_{role.value}"'.encode() in page.data
    assert b"http://localhost/sign-in/council/callback" in page.data


def test_saving_checks_the_provider_and_keeps_the_secret_encrypted(signed_in, make, db, oidc, client):
    admin = make.staff(Role.ADMIN)
    response = signed_in(admin).post("/admin/single-sign-on", _form(oidc.issuer))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    row = db.exec(select(SsoProvider)).one()
    assert (row.enabled, row.allowed_domains, row.check_minutes, row.client_secret) == (True, f"{DOMAIN}\nother.example", 10, CLIENT_SECRET)
    assert row.role_map == '{"iro": ["grp-iro", "grp-iro-2"], "manager": ["grp-managers"]}'
    stored = db.connection().execute(text("SELECT client_secret FROM sso_provider")).scalar_one()
    assert stored.startswith("enc1:") and CLIENT_SECRET not in stored
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "sso.settings_changed")).one()
    assert event.staff_id == admin.id and "client_secret" in event.detail and CLIENT_SECRET not in event.detail
    sign_in = client.get("/sign-in")
    assert b"Sign in with Example Council" in sign_in.data


def test_an_empty_secret_keeps_the_saved_one(signed_in, make, db, oidc):
    admin = signed_in(make.staff(Role.ADMIN))
    admin.post("/admin/single-sign-on", _form(oidc.issuer))
    assert admin.post("/admin/single-sign-on", _form(oidc.issuer, client_secret="", display_name="Renamed")).status_code == 302
    db.expire_all()
    row = db.exec(select(SsoProvider)).one()
    assert (row.display_name, row.client_secret, row.version) == ("Renamed", CLIENT_SECRET, 2)


def test_switching_on_needs_a_secret(signed_in, make, oidc):
    response = signed_in(make.staff(Role.ADMIN)).post("/admin/single-sign-on", _form(oidc.issuer, client_secret=""))
    assert response.status_code == 422 and b"Enter the client secret." in response.data


def test_a_wrong_or_unsafe_issuer_is_refused_before_saving(signed_in, make, db, oidc):
    admin = signed_in(make.staff(Role.ADMIN))
    unreachable = admin.post("/admin/single-sign-on", _form("http://127.0.0.1:9"))
    assert unreachable.status_code == 422 and b"could not read the provider" in unreachable.data
    plain_http = admin.post("/admin/single-sign-on", _form("http://login.example.org/tenant"))
    assert plain_http.status_code == 422 and b"must start with https://" in plain_http.data
    oidc.discovery_issuer = "https://login.example.net/elsewhere"
    other = admin.post("/admin/single-sign-on", _form(oidc.issuer))
    assert other.status_code == 422 and b"names a different issuer" in other.data
    assert db.exec(select(SsoProvider)).first() is None


def test_saved_switched_off_needs_no_provider_and_hides_the_button(signed_in, make, client):
    admin = signed_in(make.staff(Role.ADMIN))
    response = admin.post("/admin/single-sign-on", _form("https://login.example.org/tenant/v2.0", enabled=None))
    assert response.status_code == 302
    assert b"Sign in with" not in client.get("/sign-in").data
    assert client.get("/sign-in/council").status_code == 403


def test_the_approvals_page_says_when_nobody_waits(signed_in, make):
    page = signed_in(make.staff(Role.ADMIN)).get("/admin/single-sign-on/approvals")
    assert page.status_code == 200 and b"Nobody is waiting." in page.data
