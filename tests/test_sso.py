"""Single sign-on against a real OpenID Connect provider on loopback (tests/oidc_provider.py)."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from sqlalchemy import text
from sqlmodel import select

from tests.conftest import PASSWORD, Client
from tests.sso_support import DOMAIN, GROUPS, at_provider, configure, sso_sign_in, to_provider
from voice_app.models import (
    AuditEvent,
    Handover,
    Role,
    SecondFactorPolicy,
    SecondFactorRule,
    SsoApproval,
    SsoIdentity,
    SsoSession,
    StaffSession,
    StaffUser,
)

pytest_plugins = ["tests.sso_fixtures"]

def _user(db, email):
    db.expire_all()
    return db.exec(select(StaffUser).where(StaffUser.email == email)).first()


def _audit(db, action):
    db.expire_all()
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all())


def _live_sessions(db, user_id):
    db.expire_all()
    return [row for row in db.exec(select(StaffSession).where(StaffSession.user_id == user_id)).all() if row.ended_at is None]


def test_a_full_sign_in_creates_the_account_and_a_server_session(client, db, oidc, council):
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]], name="Jo Bloggs")
    response = sso_sign_in(client, f"jo@{DOMAIN}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/caseload")
    assert client.get("/caseload").status_code == 200
    user = _user(db, f"jo@{DOMAIN}")
    assert (user.role, user.display_name) == (Role.IRO, "Jo Bloggs")
    assert len(_live_sessions(db, user.id)) == 1
    sign_in = _audit(db, "staff.signed_in")
    assert [(e.staff_id, e.detail) for e in sign_in] == [(user.id, "factors=provider;provider=Example Council")]
    # The provider's tokens are kept beside the session, encrypted at rest.
    raw = db.connection().execute(text("SELECT access_token, refresh_token FROM sso_session")).one()
    assert all(value.startswith("enc1:") for value in raw)
    assert db.exec(select(SsoSession)).one().refresh_token


def test_the_redirect_carries_pkce_state_and_nonce(client, council):
    query = parse_qs(urlsplit(to_provider(client)).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    assert query["client_id"] == [council.client_id] and "openid" in query["scope"][0].split()


def test_a_sign_in_goes_back_to_the_page_asked_for(client, oidc, council):
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    response = client.get(at_provider(to_provider(client, next_url="/profile"), f"jo@{DOMAIN}"))
    assert response.headers["Location"] == "/profile"


def test_an_account_made_by_the_provider_has_no_password_to_guess(client, db, oidc, council):
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    sso_sign_in(client, f"jo@{DOMAIN}")
    other = Client(client.raw.application.test_client())
    assert other.sign_in(f"jo@{DOMAIN}", "!single-sign-on").status_code == 422


def _with_query(path_and_query: str, **changes) -> str:
    parts = urlsplit(path_and_query)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


def test_a_wrong_state_is_refused(client, db, oidc, council):
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    back = at_provider(to_provider(client), f"jo@{DOMAIN}")
    response = client.get(_with_query(back, state="forged-state"))
    assert response.status_code == 400 and b"already been used or had expired" in response.data
    assert client.get("/caseload").status_code == 302  # not signed in
    assert [e.detail for e in _audit(db, "staff.sign_in_failed")] == ["factor=provider;reason=state;provider=Example Council"]


def test_a_replayed_code_is_refused(client, db, oidc, council):
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    back = at_provider(to_provider(client), f"jo@{DOMAIN}")
    assert client.get(back).status_code == 302
    client.get("/caseload")
    client.post("/sign-out")
    # The same answer again: its state was used up.
    assert client.get(back).status_code == 400
    # The same code inside a fresh, valid flow: the provider refuses a code it has already exchanged.
    fresh_state = parse_qs(urlsplit(to_provider(client)).query)["state"][0]
    response = client.get(_with_query(back, state=fresh_state))
    assert response.status_code == 400
    assert [e.detail.split(";")[1].removeprefix("reason=") for e in _audit(db, "staff.sign_in_failed")] == ["state", "provider-error"]
    user = _user(db, f"jo@{DOMAIN}")
    assert _live_sessions(db, user.id) == []


def test_an_id_token_for_another_audience_is_refused(client, db, oidc, council):
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    oidc.audience = "some-other-app"
    response = sso_sign_in(client, f"jo@{DOMAIN}")
    assert response.status_code == 400
    assert _audit(db, "staff.sign_in_failed")[0].detail.startswith("factor=provider;reason=token-invalid;")
    assert _user(db, f"jo@{DOMAIN}") is None


def test_an_expired_id_token_is_refused(client, db, oidc, council):
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    oidc.id_token_seconds = -3600
    response = sso_sign_in(client, f"jo@{DOMAIN}")
    assert response.status_code == 400 and b"had expired" in response.data
    assert _audit(db, "staff.sign_in_failed")[0].detail.startswith("factor=provider;reason=token-expired;")


def test_a_discovery_document_for_another_issuer_is_refused(client, db, oidc, council):
    oidc.discovery_issuer = "https://login.example.net/elsewhere"
    response = client.get("/sign-in/council")
    assert response.status_code == 400
    assert _audit(db, "staff.sign_in_failed")[0].detail.startswith("factor=provider;reason=token-invalid;")


def test_a_rotated_signing_key_is_fetched_again(client, oidc, council, app):
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    assert sso_sign_in(client, f"jo@{DOMAIN}").status_code == 302
    client.post("/sign-out")
    oidc.rotate_key()
    assert sso_sign_in(client, f"jo@{DOMAIN}").status_code == 302


def test_someone_outside_the_allowed_domains_cannot_sign_in(client, db, oidc, council, caplog):
    oidc.add("jo@elsewhere.example", groups=[GROUPS[Role.IRO]])
    with caplog.at_level(logging.WARNING):
        response = sso_sign_in(client, "jo@elsewhere.example")
    assert response.status_code == 403 and b"not one this service allows" in response.data
    assert _user(db, "jo@elsewhere.example") is None
    assert "reason=domain" in caplog.text and "elsewhere" not in caplog.text  # no personal data in the log


def test_someone_outside_the_groups_cannot_sign_in(client, db, oidc, council):
    oidc.add(f"jo@{DOMAIN}", groups=["grp-finance"])
    response = sso_sign_in(client, f"jo@{DOMAIN}")
    assert response.status_code == 403 and b"not in a group" in response.data
    assert _user(db, f"jo@{DOMAIN}") is None


def test_someone_in_groups_for_two_roles_is_not_guessed(client, db, oidc, council):
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO], GROUPS[Role.ADMIN]])
    assert sso_sign_in(client, f"jo@{DOMAIN}").status_code == 403
    assert _audit(db, "staff.sign_in_failed")[0].detail.startswith("factor=provider;reason=two-roles;")


def test_an_unverified_email_cannot_sign_in(client, oidc, council):
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]], email_verified=False)
    assert sso_sign_in(client, f"jo@{DOMAIN}").status_code == 403


def test_groups_map_to_roles_and_a_local_account_is_linked_by_email(client, db, oidc, council, make):
    local = make.staff(Role.IRO, email=f"sam@{DOMAIN}")
    oidc.add(f"sam@{DOMAIN}", groups=[GROUPS[Role.MANAGER]])
    oidc.add(f"ad@{DOMAIN}", groups=[GROUPS[Role.ADMIN]])
    assert sso_sign_in(client, f"sam@{DOMAIN}").headers["Location"].endswith("/caseload")
    assert _user(db, f"sam@{DOMAIN}").role == Role.MANAGER
    assert db.exec(select(SsoIdentity).where(SsoIdentity.staff_id == local.id)).one()
    assert [e.detail for e in _audit(db, "sso.role_changed")] == ["iro -> manager"]
    admin_client = Client(client.raw.application.test_client())
    assert sso_sign_in(admin_client, f"ad@{DOMAIN}").headers["Location"].endswith("/admin/staff")
    assert _user(db, f"ad@{DOMAIN}").role == Role.ADMIN


def test_an_account_switched_off_in_voice_app_stays_off(client, db, oidc, council, make):
    user = make.staff(Role.IRO, email=f"sam@{DOMAIN}")
    user.active = False
    db.add(user)
    db.commit()
    oidc.add(f"sam@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    response = sso_sign_in(client, f"sam@{DOMAIN}")
    assert response.status_code == 403 and b"switched off" in response.data
    assert _audit(db, "staff.sign_in_failed")[0].staff_id == user.id


def test_a_first_sign_in_can_wait_for_an_admin_who_approves(client, db, oidc, signed_in, make):
    configure(db, oidc, unknown_staff="approve")
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.MANAGER]], name="Jo Bloggs")
    response = sso_sign_in(client, f"jo@{DOMAIN}")
    assert response.status_code == 403 and b"An admin has been asked" in response.data
    assert _user(db, f"jo@{DOMAIN}") is None
    assert sso_sign_in(client, f"jo@{DOMAIN}").status_code == 403  # asked once, still waiting
    admin = signed_in(make.staff(Role.ADMIN))
    page = admin.get("/admin/single-sign-on/approvals")
    assert page.status_code == 200 and b"Jo Bloggs" in page.data and b"manager" in page.data
    waiting = db.exec(select(SsoApproval)).one()
    assert admin.post(f"/admin/single-sign-on/approvals/{waiting.id}", {"decision": "approve"}).status_code == 302
    assert _user(db, f"jo@{DOMAIN}").role == Role.MANAGER
    assert sso_sign_in(client, f"jo@{DOMAIN}").status_code == 302
    assert [e.detail for e in _audit(db, "sso.approval_decided")] == ["approved; role: manager"]
    assert admin.post(f"/admin/single-sign-on/approvals/{waiting.id}", {"decision": "approve"}).status_code == 404  # decided


def test_someone_an_admin_refused_stays_out(client, db, oidc, signed_in, make):
    configure(db, oidc, unknown_staff="approve")
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    sso_sign_in(client, f"jo@{DOMAIN}")
    admin = signed_in(make.staff(Role.ADMIN))
    waiting = db.exec(select(SsoApproval)).one()
    assert admin.post(f"/admin/single-sign-on/approvals/{waiting.id}", {"decision": "refuse"}).status_code == 302
    response = sso_sign_in(client, f"jo@{DOMAIN}")
    assert response.status_code == 403 and b"decided you should not" in response.data
    assert admin.post(f"/admin/single-sign-on/approvals/{waiting.id}", {"decision": "maybe"}).status_code == 400


# ----- the periodic re-check: leavers and people taken out of the group lose their sessions --------------


def _make_check_due(db):
    db.expire_all()
    for link in db.exec(select(SsoSession)).all():
        link.checked_at -= timedelta(minutes=16)
        db.add(link)
    db.commit()


def test_a_person_disabled_at_the_provider_is_signed_out_at_the_next_check(client, db, oidc, council):
    person = oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    sso_sign_in(client, f"jo@{DOMAIN}")
    second = Client(client.raw.application.test_client())
    sso_sign_in(second, f"jo@{DOMAIN}")
    user = _user(db, f"jo@{DOMAIN}")
    assert client.get("/caseload").status_code == 200
    person.active = False
    assert client.get("/caseload").status_code == 200  # not checked again before the interval
    _make_check_due(db)
    response = client.get("/caseload")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert _live_sessions(db, user.id) == []  # every session of theirs, not just this browser's
    assert second.get("/caseload").status_code == 302
    ended = db.exec(select(StaffSession).where(StaffSession.user_id == user.id)).all()
    assert {row.end_reason for row in ended} == {"provider-refused"}
    assert _audit(db, "sso.session_ended")[0].detail.startswith("reason: provider-error")


def test_a_check_that_passes_keeps_the_session_and_rotates_the_refresh_token(client, db, oidc, council):
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    sso_sign_in(client, f"jo@{DOMAIN}")
    before = db.exec(select(SsoSession)).one().refresh_token
    _make_check_due(db)
    assert client.get("/caseload").status_code == 200
    db.expire_all()
    link = db.exec(select(SsoSession)).one()
    assert link.refresh_token != before


def test_someone_taken_out_of_the_group_is_signed_out_at_the_next_check(client, db, oidc, council):
    oidc.refresh_id_token = True  # as Entra ID does: the groups come back in a new ID token
    person = oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    sso_sign_in(client, f"jo@{DOMAIN}")
    person.groups = ["grp-finance"]
    _make_check_due(db)
    assert client.get("/caseload").status_code == 302
    assert _audit(db, "sso.session_ended")[0].detail.startswith("reason: no-role")


def test_a_new_group_changes_the_role_at_the_next_check(client, db, oidc, council):
    person = oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    sso_sign_in(client, f"jo@{DOMAIN}")
    person.groups = [GROUPS[Role.MANAGER]]
    _make_check_due(db)
    assert client.get("/caseload").status_code == 200
    assert _user(db, f"jo@{DOMAIN}").role == Role.MANAGER


def test_a_provider_out_of_reach_does_not_sign_everyone_out(client, db, oidc, council):
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    sso_sign_in(client, f"jo@{DOMAIN}")
    configure(db, oidc, issuer="http://127.0.0.1:9")  # nothing listens there
    _make_check_due(db)
    assert client.get("/caseload").status_code == 200
    db.expire_all()
    assert db.exec(select(SsoSession)).one().checked_at  # asked again a minute later


def test_switching_sign_in_off_ends_provider_sessions_at_the_next_request(client, db, oidc, council, make):
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    sso_sign_in(client, f"jo@{DOMAIN}")
    password_user = Client(client.raw.application.test_client())
    password_user.sign_in(make.staff(Role.IRO).email, PASSWORD)
    configure(db, oidc, enabled=False)
    assert client.get("/caseload").status_code == 302
    assert password_user.get("/caseload").status_code == 200


# ----- taking the tablet back from child mode through the provider ---------------------------------------


def _handed_over(client, db, make, oidc, email):
    """An IRO signed in through the provider hands the tablet to a child; the hand-over."""
    oidc.add(email, groups=[GROUPS[Role.IRO]])
    sso_sign_in(client, email)
    iro = _user(db, email)
    visit = make.visit(make.review(make.child(iro, name="Ana")), iro=iro)
    handed = client.post(f"/visits/{visit.id}/hand-over", {"version": "younger", "language": "en-GB", "parts": "views,menu"})
    assert handed.status_code == 302, handed.get_data(as_text=True)[:500]
    client.get(handed.headers["Location"])
    return db.exec(select(Handover).where(Handover.created_by_id == iro.id)).one()


def test_an_iro_takes_the_tablet_back_by_signing_in_again_through_the_provider(client, db, make, oidc, council):
    handover = _handed_over(client, db, make, oidc, f"jo@{DOMAIN}")
    assert client.get("/caseload").status_code == 403  # child mode
    page = client.get("/child/give-back")
    assert b"Take the tablet back by signing in with Example Council" in page.data
    assert client.get("/sign-in/council").headers["Location"] == "/give-back/council"
    authorize = client.get("/give-back/council").headers["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["prompt"] == ["login"] and query["max_age"] == ["0"]  # the provider must ask again
    response = client.get(at_provider(authorize, f"jo@{DOMAIN}"))
    assert response.status_code == 302 and response.headers["Location"] == f"/statements/{handover.statement_id}"
    assert client.get("/caseload").status_code == 200
    db.expire_all()
    assert db.get(Handover, handover.id).ended_at is not None
    assert [e.detail for e in _audit(db, "handover.hand_back")] == ["ok; provider"]


def test_someone_else_signing_in_at_the_provider_does_not_take_the_tablet(client, db, make, oidc, council):
    handover = _handed_over(client, db, make, oidc, f"jo@{DOMAIN}")
    oidc.add(f"sam@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    make.staff(Role.IRO, email=f"sam@{DOMAIN}")
    response = client.get(at_provider(client.get("/give-back/council").headers["Location"], f"sam@{DOMAIN}"))
    assert response.status_code == 403 and b"not the account of the person who handed the tablet over" in response.data
    assert client.get("/caseload").status_code == 403  # still in child mode
    db.expire_all()
    assert db.get(Handover, handover.id).ended_at is None
    assert [e.detail for e in _audit(db, "handover.hand_back")] == ["refused-provider; reason: wrong-person"]


def test_the_provider_hand_back_is_only_for_a_tablet_in_child_mode(client, signed_in, make, council):
    assert client.get("/give-back/council").status_code == 404
    assert signed_in(make.staff(Role.IRO)).get("/give-back/council").status_code == 404


def test_a_password_iro_sees_no_provider_hand_back(signed_in, make, council):
    iro = make.staff(Role.IRO)
    client = signed_in(iro)
    visit = make.visit(make.review(make.child(iro)), iro=iro)
    handed = client.post(f"/visits/{visit.id}/hand-over", {"version": "younger", "language": "en-GB", "parts": "views,menu"})
    client.get(handed.headers["Location"])
    assert b"signing in with" not in client.get("/child/give-back").data
    assert client.get("/give-back/council").status_code == 403


def test_someone_disabled_before_the_code_is_exchanged_gets_no_session(client, db, oidc, council):
    person = oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    back = at_provider(to_provider(client), f"jo@{DOMAIN}")
    person.active = False
    assert client.get(back).status_code == 400
    assert _user(db, f"jo@{DOMAIN}") is None
    assert client.get("/caseload").status_code == 302


def test_a_provider_session_ends_like_any_other_at_its_time_limit(client, db, oidc, council):
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    sso_sign_in(client, f"jo@{DOMAIN}")
    row = db.exec(select(StaffSession)).one()
    row.expires_at = row.started_at
    db.add(row)
    db.commit()
    assert client.get("/caseload").status_code == 302
    db.expire_all()
    assert db.get(StaffSession, row.id).end_reason == "expired"


def test_two_requests_finding_the_check_due_ask_the_provider_once(client, db, oidc, council, app):
    from voice_app import db as app_db
    from voice_app.sso.services import recheck

    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    sso_sign_in(client, f"jo@{DOMAIN}")
    _make_check_due(db)
    tokens_before = len(oidc.tokens)
    with app.app_context():  # the second request read the link before the first request's check
        late = app_db.session()
        stale = late.exec(select(SsoSession)).one()
        with app.app_context():
            assert recheck(app_db.session(), link=app_db.session().exec(select(SsoSession)).one(), provider=council) is None
        assert recheck(late, link=stale, provider=council) is None
    assert len(oidc.tokens) == tokens_before + 1  # one refresh, not two


def test_the_local_second_factor_rule_leaves_provider_sign_ins_to_the_council(client, db, oidc, council):
    # The council's own MFA applies to its accounts; voice-app's rule is for local passwords only.
    db.add(SecondFactorPolicy(rule=SecondFactorRule.EVERYONE))
    db.commit()
    oidc.add(f"jo@{DOMAIN}", groups=[GROUPS[Role.IRO]])
    response = sso_sign_in(client, f"jo@{DOMAIN}")
    assert response.headers["Location"].endswith("/caseload")
    assert client.get("/caseload").status_code == 200
