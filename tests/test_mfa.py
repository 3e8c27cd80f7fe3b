"""A second factor for local accounts: setting up an app, two-step sign-in, single-use codes, the policy, resets."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import text
from sqlmodel import select

from tests.conftest import PASSWORD, Client
from tests.mfa_support import enrol
from voice_app.auth.services import SIGN_IN_FAILED, SIGNED_IN
from voice_app.mfa import totp
from voice_app.mfa.policy import required_roles, set_rule
from voice_app.mfa.services import SECOND_FACTOR_RESET, is_enrolled
from voice_app.models import AuditEvent, AuthenticatorApp, RecoveryCode, Role, SecondFactorRule, StaffSession

pytest_plugins = ["tests.child_support"]


@pytest.fixture
def enrolled(app, make, signed_in):
    """enrolled(role) -> (user, Enrolled): someone who has set up an authenticator app through the pages.

    The test starts a second after a code's 30-second window opens (the clock then runs on as usual), so "this
    window" and "the next" mean the same at enrolment and at every check after it; from a random moment a window
    could close between the two on a slow machine.
    """

    def _enrolled(role: Role = Role.IRO):
        user = make.staff(role)
        return user, enrol(signed_in(user))

    window_opens = (int(time.time()) // totp.PERIOD + 1) * totp.PERIOD
    with time_machine.travel(datetime.fromtimestamp(window_opens + 1, UTC), tick=True):
        yield _enrolled


def events(db, action: str, staff_id: int) -> list[AuditEvent]:
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action, AuditEvent.staff_id == staff_id).order_by(AuditEvent.id)).all())


def live_sessions(db, user_id: int) -> int:
    db.expire_all()
    return len(db.exec(select(StaffSession).where(StaffSession.user_id == user_id, StaffSession.ended_at == None)).all())  # noqa: E711


def second_step(app, user, code: str, *, path: str = "/sign-in/code") -> tuple[Client, object]:
    """A new browser: the right password, then this code."""
    client = Client(app.test_client())
    first = client.sign_in(user.email)
    assert first.status_code == 302 and first.headers["Location"].endswith("/sign-in/code")
    return client, client.post(path, {"code": code})


# ----- setting up ---------------------------------------------------------------------------------------


def test_set_up_shows_a_qr_code_and_the_key_and_needs_a_first_code(signed_in, make, db):
    user = make.staff(Role.IRO)
    client = signed_in(user)
    page = client.get("/account/two-factor/set-up")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and '<svg role="img"' in body and 'id="setup-key"' in body
    assert "style=" not in body.split('id="setup-qr"')[1].split("</svg>")[0]  # CSP: no inline styles
    assert client.get("/account/two-factor/set-up").get_data(as_text=True).count(body.split('id="setup-key">')[1][:20]) == 1  # same key on reload
    wrong = client.post("/account/two-factor/set-up", {"code": "000000"})
    assert wrong.status_code == 422 and "not right" in wrong.get_data(as_text=True)
    assert not is_enrolled(db, user_id=user.id)
    enrolled = enrol(client)
    assert is_enrolled(db, user_id=user.id)
    assert len(enrolled.recovery_codes) == 10 and len(set(enrolled.recovery_codes)) == 10
    assert len(events(db, "staff.second_factor_on", user.id)) == 1
    # Set up once: the page now sends the person to their overview instead of showing a new key.
    again = client.get("/account/two-factor/set-up")
    assert again.status_code == 302 and again.headers["Location"].endswith("/account/two-factor")


def test_the_secret_is_encrypted_and_recovery_codes_are_hashed(signed_in, make, db):
    user = make.staff(Role.IRO)
    enrolled = enrol(signed_in(user))
    stored = db.execute(text("SELECT secret FROM staff_authenticator WHERE user_id = :id"), {"id": user.id}).scalar_one()
    assert stored.startswith("enc1:") and enrolled.secret not in stored
    hashes = db.execute(text("SELECT code_hash FROM staff_recovery_code WHERE user_id = :id"), {"id": user.id}).scalars().all()
    assert len(hashes) == 10 and not set(enrolled.recovery_codes) & set(hashes)


def test_setting_up_signs_out_the_other_browsers(signed_in, make, db):
    user = make.staff(Role.MANAGER)
    other, here = signed_in(user), signed_in(user)
    enrol(here)
    assert live_sessions(db, user.id) == 1
    assert other.get("/caseload").status_code == 302
    assert here.get("/caseload").status_code == 200


# ----- signing in in two steps --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.IRO, Role.ADMIN])  # the admin: a break-glass local account works the same way
def test_the_password_alone_starts_no_session_until_the_code(app, db, enrolled, role):
    user, factor = enrolled(role)
    before = len(db.exec(select(StaffSession).where(StaffSession.user_id == user.id)).all())
    client = Client(app.test_client())
    first = client.sign_in(user.email)
    assert first.headers["Location"].endswith("/sign-in/code")
    assert len(db.exec(select(StaffSession).where(StaffSession.user_id == user.id)).all()) == before
    assert client.get("/account/sessions").status_code == 302  # not signed in yet
    done = client.post("/sign-in/code", {"code": factor.code(1)})
    assert done.status_code == 302 and "/sign-in" not in done.headers["Location"]
    assert client.get("/account/sessions").status_code == 200
    assert [e.detail for e in events(db, SIGNED_IN, user.id)][-1] == "factors=password+totp"


def test_a_password_only_sign_in_is_audited_with_its_factor(signed_in, make, db):
    user = make.staff(Role.IRO)
    signed_in(user)
    assert [e.detail for e in events(db, SIGNED_IN, user.id)] == ["factors=password"]


def test_the_sign_in_link_still_goes_where_it_pointed(app, enrolled):
    user, factor = enrolled(Role.IRO)
    client = Client(app.test_client())
    client.get("/sign-in")
    client.post("/sign-in?next=/account/sessions", {"email": user.email, "password": PASSWORD})
    client.get("/sign-in/code")  # the waiting state is a fresh session: a new CSRF token
    done = client.post("/sign-in/code", {"code": factor.code(1)})
    assert done.headers["Location"].endswith("/account/sessions")


def test_a_wrong_code_is_refused_and_audited(app, db, enrolled):
    user, factor = enrolled(Role.IRO)
    client, response = second_step(app, user, "123456" if factor.code(1) != "123456" else "654321")
    assert response.status_code == 422 and "not right" in response.get_data(as_text=True)
    assert client.get("/account/sessions").status_code == 302
    assert [e.detail for e in events(db, SIGN_IN_FAILED, user.id)] == ["factor=totp"]
    assert not [e for e in events(db, SIGNED_IN, user.id) if "totp" in e.detail]


def test_a_code_is_accepted_once_only(app, enrolled):
    user, factor = enrolled(Role.IRO)
    code = factor.code(1)
    first, ok = second_step(app, user, code)
    assert ok.status_code == 302
    _, replay = second_step(app, user, code)
    assert replay.status_code == 422
    # The enrolment's own first code cannot be replayed either.
    _, enrolment_code = second_step(app, user, factor.code(0))
    assert enrolment_code.status_code == 422


def test_the_waiting_state_runs_out(app, enrolled):
    user, factor = enrolled(Role.IRO)
    client = Client(app.test_client())
    client.sign_in(user.email)
    with client.raw.session_transaction() as session:
        session["second_factor"] = session["second_factor"] | {"until": int((datetime.now(UTC) - timedelta(seconds=1)).timestamp())}
    response = client.post("/sign-in/code", {"code": factor.code(1)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")


def test_the_waiting_state_ends_when_the_password_changes(app, db, enrolled):
    user, factor = enrolled(Role.IRO)
    client = Client(app.test_client())
    client.sign_in(user.email)
    db.refresh(user)
    user.password_hash = user.password_hash + "x"
    db.add(user)
    db.commit()
    assert client.post("/sign-in/code", {"code": factor.code(1)}).headers["Location"].endswith("/sign-in")


def test_the_code_pages_send_visitors_without_a_password_step_to_sign_in(client):
    for path in ("/sign-in/code", "/sign-in/recovery-code"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")


def test_wrong_codes_bring_growing_waits_like_passwords(app, enrolled):
    app.config["VOICE_APP"].login_max_failures = 3
    user, factor = enrolled(Role.IRO)
    client, _ = second_step(app, user, "000001")
    for wrong in ("000002", "000003"):
        assert client.post("/sign-in/code", {"code": wrong}).status_code == 422
    waiting = client.post("/sign-in/code", {"code": factor.code(1)})
    assert waiting.status_code == 429 and "Wait" in waiting.get_data(as_text=True)
    # Starting again from the password does not clear it: the wait belongs to the account from this address.
    _, again = second_step(app, user, factor.code(1))
    assert again.status_code == 429
    # The owner elsewhere (another network address) is not held by these tries: their right code signs them in.
    raw = app.test_client()
    raw.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    elsewhere = Client(raw)
    elsewhere.sign_in(user.email)
    assert elsewhere.post("/sign-in/code", {"code": factor.code(1)}).status_code == 302


def test_wrong_codes_from_many_addresses_reach_the_account_bound_then_only_the_owners_addresses_are_checked(app, db, enrolled):
    """Nobody who knows the password can lock the owner out, and nobody gets more than ACCOUNT_BOUND codes a day checked."""
    from voice_app.auth.throttle import ACCOUNT_BOUND, ACCOUNT_MEMORY, Limits
    from voice_app.mfa.services import Factor, check_code

    user, factor = enrolled(Role.IRO)
    limits, now = Limits(free_failures=5, longest_wait=timedelta(minutes=15)), datetime.now(UTC)

    def check(code: str, address: str, at: datetime):
        with app.app_context():
            return check_code(db, user=user, code=code, factor=Factor.TOTP, address=address, secret=app.secret_key, limits=limits, now=at)

    office = "198.51.100.7"
    first = factor.code_at(now + timedelta(seconds=30))  # the next step's code (enrolment spent this step's)
    assert check(first, office, now).ok  # the owner completes a sign-in at the office once
    later = now + timedelta(seconds=ACCOUNT_BOUND + 1)
    # Codes are taken at the moment each check is made (a code from the real clock can fall outside the window).
    right, next_right = factor.code_at(later), factor.code_at(later + timedelta(seconds=31))
    wrong = next(c for c in ("000000", "111111", "222222") if c not in (first, right, next_right))
    for n in range(ACCOUNT_BOUND):  # one wrong code from each of many addresses: no address ever waits
        result = check(wrong, f"10.0.{n // 256}.{n % 256}", now + timedelta(seconds=n))
        assert not result.ok and not result.wait
    # Past the bound a new address is not checked at all, not even with the right code; it is told how long to wait.
    stranger = check(right, "203.0.113.9", later)
    assert not stranger.ok and timedelta(hours=23) < stranger.wait <= ACCOUNT_MEMORY
    # The owner's office still signs in with the right code, and that starts the count again.
    assert check(right, office, later).ok
    assert check(next_right, "203.0.113.9", later + timedelta(seconds=31)).ok


# ----- recovery codes -----------------------------------------------------------------------------------


def test_each_recovery_code_works_once(app, db, enrolled):
    user, factor = enrolled(Role.MANAGER)
    first, second = factor.recovery_codes[:2]
    _, ok = second_step(app, user, first.upper().replace("-", " "), path="/sign-in/recovery-code")  # typed loosely
    assert ok.status_code == 302 and "/sign-in" not in ok.headers["Location"]
    _, again = second_step(app, user, first, path="/sign-in/recovery-code")
    assert again.status_code == 422
    _, other = second_step(app, user, second, path="/sign-in/recovery-code")
    assert other.status_code == 302
    assert len(db.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at == None)).all()) == 8  # noqa: E711
    assert [e.detail for e in events(db, SIGNED_IN, user.id)][-2:] == ["factors=password+recovery-code"] * 2
    assert "factor=recovery-code" in [e.detail for e in events(db, SIGN_IN_FAILED, user.id)]


def test_new_recovery_codes_replace_the_old_and_need_a_code_from_the_app(app, signed_in, make):
    user = make.staff(Role.IRO)
    client = signed_in(user)
    factor = enrol(client)
    refused = client.post("/account/two-factor/recovery-codes", {"code": "000000"})
    assert refused.status_code == 422
    made = client.post("/account/two-factor/recovery-codes", {"code": factor.code(1)})
    assert made.status_code == 200
    from tests.mfa_support import read_recovery_codes

    fresh = read_recovery_codes(made.get_data(as_text=True))
    assert len(fresh) == 10 and not set(fresh) & set(factor.recovery_codes)
    _, old = second_step(app, user, factor.recovery_codes[0], path="/sign-in/recovery-code")
    assert old.status_code == 422
    _, new = second_step(app, user, fresh[0], path="/sign-in/recovery-code")
    assert new.status_code == 302


# ----- the service's rule -------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", list(SecondFactorRule))
def test_the_rule_sends_those_without_an_app_to_set_one_up_first(app, make, signed_in, db, rule):
    admin = make.staff(Role.ADMIN)
    assert signed_in(admin).post("/admin/two-factor", {"rule": rule.value}).status_code == 302
    assert events(db, "staff.second_factor_policy", admin.id)[-1].detail == f"rule={rule.value}"
    for role in Role:
        if role == Role.PRACTITIONER:
            continue  # signed in only through an invitation: tests/test_practitioners.py checks the rule for them
        client = signed_in(make.staff(role))
        response = client.get("/account/sessions")
        must = role in required_roles(rule)
        assert (response.status_code == 302 and response.headers["Location"].endswith("/account/two-factor/set-up")) == must, (rule, role)
        if must:
            enrol(client)
            assert client.get("/account/sessions").status_code == 200  # set up: free to go on


def test_the_rules_cover_every_role():
    assert required_roles(SecondFactorRule.EVERYONE) == frozenset(Role)
    assert required_roles(SecondFactorRule.MANAGERS_AND_ADMINS) == {Role.MANAGER, Role.ADMIN}
    assert required_roles(SecondFactorRule.OPTIONAL) == frozenset()


def test_a_temporary_password_is_changed_before_the_app_is_set_up(app, make, signed_in, db):
    signed_in(make.staff(Role.ADMIN)).post("/admin/two-factor", {"rule": "everyone"})
    user = make.staff(Role.IRO, must_change_password=True)
    client = Client(app.test_client())
    client.sign_in(user.email)
    assert client.get("/caseload").headers["Location"].endswith("/account/password")
    client.get("/account/password")
    client.post("/account/password", {"current": PASSWORD, "new": "a brand new long password", "confirm": "a brand new long password"})
    assert client.get("/caseload").headers["Location"].endswith("/account/two-factor/set-up")


def test_an_app_can_be_removed_only_where_it_is_not_required(make, signed_in, db):
    user = make.staff(Role.MANAGER)
    client = signed_in(user)
    factor = enrol(client)
    admin = make.staff(Role.ADMIN)
    set_rule(db, rule=SecondFactorRule.MANAGERS_AND_ADMINS, acting=admin, now=datetime.now(UTC))
    refused = client.post("/account/two-factor/off", {"code": factor.code(1)})
    assert refused.status_code == 302 and is_enrolled(db, user_id=user.id)
    set_rule(db, rule=SecondFactorRule.OPTIONAL, acting=admin, now=datetime.now(UTC))
    assert client.post("/account/two-factor/off", {"code": "000000"}).status_code == 422
    assert client.post("/account/two-factor/off", {"code": factor.code(1)}).status_code == 302
    assert not is_enrolled(db, user_id=user.id)
    assert not db.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()


def test_an_admin_who_requires_it_for_admins_sets_up_their_own_app_next(make, signed_in):
    client = signed_in(make.staff(Role.ADMIN))
    client.post("/admin/two-factor", {"rule": "managers-and-admins"})
    assert client.get("/admin/two-factor").headers["Location"].endswith("/account/two-factor/set-up")


def test_the_rule_page_is_for_admins_only_and_refuses_nonsense(make, signed_in):
    assert signed_in(make.staff(Role.MANAGER)).get("/admin/two-factor").status_code == 403
    admin = signed_in(make.staff(Role.ADMIN))
    page = admin.get("/admin/two-factor").get_data(as_text=True)
    assert all(role.label in page for role in Role)
    assert admin.post("/admin/two-factor", {"rule": "nobody-ever"}).status_code == 422


# ----- a lost phone -------------------------------------------------------------------------------------


def test_another_admin_resets_a_lost_app_audited_but_not_their_own(app, make, signed_in, db, enrolled):
    user, factor = enrolled(Role.ADMIN)
    helper = make.staff(Role.ADMIN)
    helper_client = signed_in(helper)
    page = helper_client.get("/admin/two-factor").get_data(as_text=True)
    assert f"/admin/staff/{user.id}/two-factor/reset" in page
    done = helper_client.post(f"/admin/staff/{user.id}/two-factor/reset")
    assert done.status_code == 302
    assert not is_enrolled(db, user_id=user.id)
    assert live_sessions(db, user.id) == 0
    assert [e.detail for e in events(db, SECOND_FACTOR_RESET, helper.id)] == [f"staff_id={user.id}"]
    # Signing in again needs only the password, until a new app is set up.
    client = Client(app.test_client())
    assert "/sign-in/code" not in client.sign_in(user.email).headers["Location"]
    # Nobody resets their own: one stolen password must never be enough to remove the second factor.
    own = enrol(helper_client)
    refused = helper_client.post(f"/admin/staff/{helper.id}/two-factor/reset")
    assert refused.status_code == 302 and is_enrolled(db, user_id=helper.id)
    assert own.secret
    assert "Another admin must reset" in helper_client.get("/admin/two-factor").get_data(as_text=True)


def test_only_admins_reset(make, signed_in, db, enrolled):
    user, _ = enrolled(Role.IRO)
    assert signed_in(make.staff(Role.MANAGER)).post(f"/admin/staff/{user.id}/two-factor/reset").status_code == 403
    assert is_enrolled(db, user_id=user.id)


# ----- child mode is unchanged ------------------------------------------------------------------------


def test_taking_the_tablet_back_still_needs_only_the_password(hand_over, db):
    tablet = hand_over()
    db.add(AuthenticatorApp(user_id=tablet.iro.id, secret=totp.new_secret(), confirmed_at=datetime.now(UTC)))
    db.commit()
    back = tablet.client.post("/child/give-back", {"secret": PASSWORD})
    assert back.status_code == 302 and "/sign-in" not in back.headers["Location"]
    assert tablet.client.get("/caseload").status_code == 200


# ----- the codes themselves ---------------------------------------------------------------------------


def test_codes_allow_a_little_clock_drift_and_no_more():
    secret = totp.new_secret()
    now = datetime(2026, 11, 30, 12, 0, 15, tzinfo=UTC)
    app = pyotp.TOTP(secret)
    step = app.timecode(now)
    assert totp.matching_step(secret, app.at(now), now=now) == step
    assert totp.matching_step(secret, app.at(now - timedelta(seconds=30)), now=now) == step - 1
    assert totp.matching_step(secret, app.at(now + timedelta(seconds=30)), now=now) == step + 1
    assert totp.matching_step(secret, app.at(now - timedelta(seconds=90)), now=now) is None
    assert totp.matching_step(secret, app.at(now), now=now, after=step) is None  # used already
    assert totp.matching_step(secret, f" {app.at(now)[:3]} {app.at(now)[3:]} ", now=now) == step  # spaces typed
    for junk in ("", "12345", "1234567", "abcdef", "１２３４５６"):
        assert totp.matching_step(secret, junk, now=now) is None


def test_the_command_line_resets_the_last_admins_app_audited(database_url, db, enrolled, capsys):
    from voice_app import cli

    user, _ = enrolled(Role.ADMIN)
    assert cli.main(["second-factor", "reset", "--email", user.email.upper(), "--database-url", database_url]) == 0
    assert not is_enrolled(db, user_id=user.id)
    assert db.exec(select(AuditEvent).where(AuditEvent.action == SECOND_FACTOR_RESET)).one().detail == f"staff_id={user.id} by=command-line"
    assert cli.main(["second-factor", "reset", "--email", "nobody@example.org", "--database-url", database_url]) == 1


def test_the_rule_is_for_password_sign_ins_not_the_councils_provider(make, signed_in, db):
    from voice_app.mfa.gate import PROVIDER, SIGNED_IN_WITH

    set_rule(db, rule=SecondFactorRule.EVERYONE, acting=make.staff(Role.ADMIN), now=datetime.now(UTC))
    client = signed_in(make.staff(Role.IRO))
    assert client.get("/account/sessions").headers["Location"].endswith("/account/two-factor/set-up")
    with client.raw.session_transaction() as session:
        session[SIGNED_IN_WITH] = PROVIDER  # as the provider's sign-in leaves it
    assert client.get("/account/sessions").status_code == 200


def test_the_sign_in_and_second_factor_actions_read_as_words():
    from voice_app.audit_labels import _LABELS
    from voice_app.mfa.policy import POLICY_CHANGED
    from voice_app.mfa.services import RECOVERY_CODES_NEW, SECOND_FACTOR_OFF, SECOND_FACTOR_ON

    for action in (SIGNED_IN, SIGN_IN_FAILED, SECOND_FACTOR_ON, SECOND_FACTOR_OFF, SECOND_FACTOR_RESET, RECOVERY_CODES_NEW, POLICY_CHANGED):
        assert action in _LABELS, action


def test_a_right_password_with_a_wrong_code_is_flagged_to_the_owner(app, enrolled):
    user, factor = enrolled(Role.IRO)
    second_step(app, user, "000000" if factor.code(1) != "000000" else "111111")
    client, ok = second_step(app, user, factor.code(1))
    assert ok.status_code == 302
    page = client.get("/account/sessions").get_data(as_text=True)
    assert "the password was right but the code was not" in page


def test_the_code_form_is_rate_limited_per_address_too(database_url, make, db):
    from tests.conftest import make_settings
    from voice_app import create_app

    # Waits per account are switched off here, so only Flask-Limiter's per-address limit can answer 429.
    app = create_app(settings=make_settings(database_url, rate_limits_enabled=True, login_max_failures=1000))
    user = make.staff(Role.IRO)
    db.add(AuthenticatorApp(user_id=user.id, secret=totp.new_secret(), confirmed_at=datetime.now(UTC)))
    db.commit()
    client = Client(app.test_client())
    client.sign_in(user.email)
    codes = [client.post("/sign-in/code", {"code": "000000"}).status_code for _ in range(11)]
    assert codes[0] == 422 and codes[-1] == 429
    app.extensions["voice_app_engine"].dispose()
    assert codes[0] == 422 and codes[-1] == 429
    app.extensions["voice_app_engine"].dispose()


def test_signing_straight_back_in_after_set_up_asks_for_the_next_code_in_plain_words(app, db, enrolled):
    user, factor = enrolled(Role.IRO)  # set up with the app's code of this window
    client, same = second_step(app, user, factor.code(0))
    body = same.get_data(as_text=True)
    assert same.status_code == 422 and "This code was just used. Wait for the app to show the next one" in body
    assert "not right" not in body
    done = client.post("/sign-in/code", {"code": factor.code(1)})  # the next window's code, still within this one
    assert done.status_code == 302 and "/sign-in" not in done.headers["Location"]
