"""Sessions that end when they should: a copied cookie opens nothing once its session has ended (issue 16)."""

from datetime import timedelta

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlmodel import select

from tests.clock import PINNED_DAY, travel_to
from tests.conftest import PASSWORD, Client
from voice_app import models
from voice_app.models import AuditEvent, Handover, Role, utcnow

pytestmark = pytest.mark.usefixtures("today")  # "today" is a fixed day (tests/clock.py), never the day the suite runs

StaffSession = getattr(models, "StaffSession", None)
SignInThrottle = getattr(models, "SignInThrottle", None)

ACCESS_TESTED_ENDPOINTS = {"auth.sessions", "auth.end_own_session", "admin.end_sessions"}
COOKIE = "voice_app_session"
NEW_PASSWORD = "a brand new long password"

pytest_plugins = ["tests.child_support"]  # the hand_over fixture


def copy_of(app, client: Client) -> Client:
    """Another browser holding a copy of this one's session cookie, as a thief would."""
    thief = Client(app.test_client())
    thief.raw.set_cookie(COOKIE, client.raw.get_cookie(COOKIE).value)
    return thief


def opens_caseload(client: Client) -> bool:
    return client.get("/caseload").status_code == 200


def cookie_contents(app, client: Client) -> dict:
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    return serializer.loads(client.raw.get_cookie(COOKIE).value)


def test_the_cookie_carries_a_random_session_id_and_no_account(app, signed_in, make, db):
    iro = make.staff()
    contents = cookie_contents(app, signed_in(iro))
    assert "_user_id" not in contents and str(iro.id) not in contents.values()
    row = db.exec(select(StaffSession).where(StaffSession.user_id == iro.id)).one()
    assert len(contents["staff_session"]) >= 40 and row.token_hash != contents["staff_session"]


def test_a_cookie_copied_before_sign_out_fails_after_it(app, signed_in, make):
    client = signed_in(make.staff())
    thief = copy_of(app, client)
    assert opens_caseload(thief)
    client.post("/sign-out")
    response = thief.get("/caseload")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_copied_cookie_cannot_read_a_statement_after_sign_out(app, signed_in, make, hand_over):
    tablet = hand_over()
    back = tablet.client.post("/child/give-back", {"secret": PASSWORD})
    statement_url = back.headers["Location"]
    thief = copy_of(app, tablet.client)
    assert thief.get(statement_url).status_code == 200
    tablet.client.get(statement_url)
    tablet.client.post("/sign-out")
    assert thief.get(statement_url).status_code == 302


def test_a_temporary_password_ends_every_session(app, signed_in, make):
    iro = make.staff()
    one, two = signed_in(iro), signed_in(iro)
    admin = signed_in(make.staff(Role.ADMIN))
    admin.post(f"/admin/staff/{iro.id}/password", {"password": "temporary pass 123", "confirm": "temporary pass 123"})
    assert not opens_caseload(one) and not opens_caseload(two)


def test_switching_an_account_off_ends_its_sessions_on_the_server(app, signed_in, make, db):
    iro = make.staff()
    client = signed_in(iro)
    signed_in(make.staff(Role.ADMIN)).post(f"/admin/staff/{iro.id}/active")
    rows = db.exec(select(StaffSession).where(StaffSession.user_id == iro.id)).all()
    assert [row.end_reason for row in rows] == ["switched-off"]
    iro.active = True  # even switched back on, the old cookie stays dead
    db.add(iro)
    db.commit()
    assert not opens_caseload(client)


def test_changing_ones_password_ends_the_other_sessions_only(app, signed_in, make):
    iro = make.staff()
    here, elsewhere = signed_in(iro), signed_in(iro)
    here.get("/account/password")
    response = here.post("/account/password", {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert opens_caseload(here) and not opens_caseload(elsewhere)


def test_an_admin_can_end_all_of_someones_sessions(signed_in, make, db):
    iro = make.staff()
    one, two = signed_in(iro), signed_in(iro)
    admin = signed_in(make.staff(Role.ADMIN))
    assert admin.post(f"/admin/staff/{iro.id}/sessions/end").status_code == 302
    assert "2 sessions ended" in admin.get("/admin/staff").get_data(as_text=True)
    assert not opens_caseload(one) and not opens_caseload(two)
    assert admin.get("/admin/staff").status_code == 200  # the admin's own session is untouched


def test_only_admins_end_other_peoples_sessions(signed_in, make):
    iro, manager = make.staff(), make.staff(Role.MANAGER)
    assert signed_in(manager).post(f"/admin/staff/{iro.id}/sessions/end").status_code == 403


def _signed_in_with_session(signed_in, make, db, **changes):
    """A signed-in IRO whose session row has been changed (aged) as given."""
    iro = make.staff()
    client = signed_in(iro)
    row = db.exec(select(StaffSession).where(StaffSession.user_id == iro.id)).one()
    for name, value in changes.items():
        setattr(row, name, value)
    db.add(row)
    db.commit()
    return client, row


def test_idle_sessions_end(signed_in, make, db):
    client, row = _signed_in_with_session(signed_in, make, db, last_seen_at=utcnow() - timedelta(minutes=61))
    assert not opens_caseload(client)
    db.refresh(row)
    assert row.end_reason == "idle"


def test_sessions_end_at_their_absolute_lifetime_however_busy(signed_in, make, db):
    client, _row = _signed_in_with_session(signed_in, make, db, expires_at=utcnow() - timedelta(seconds=1))
    assert not opens_caseload(client)


def test_use_keeps_a_session_alive(signed_in, make, db):
    client, row = _signed_in_with_session(signed_in, make, db, last_seen_at=utcnow() - timedelta(minutes=50))
    assert opens_caseload(client)
    db.refresh(row)
    assert row.last_seen_at > utcnow() - timedelta(minutes=1)


def test_people_see_their_sessions_and_can_end_one(app, make, db):
    iro = make.staff()
    phone = Client(app.test_client())
    phone.raw.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36"
    phone.sign_in(iro.email)
    laptop = Client(app.test_client())
    laptop.raw.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Windows NT 10.0; rv:133.0) Gecko/20100101 Firefox/133.0"
    laptop.sign_in(iro.email)
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert "Chrome on Android" in page and "Firefox on Windows" in page and "This browser" in page
    phone_row = db.exec(select(StaffSession).where(StaffSession.device == "Chrome on Android")).one()
    assert laptop.post(f"/account/sessions/{phone_row.id}/end").status_code == 302
    assert not opens_caseload(phone) and opens_caseload(laptop)


def test_ending_this_browsers_own_session_signs_out(make, signed_in, db):
    iro = make.staff()
    client = signed_in(iro)
    row = db.exec(select(StaffSession).where(StaffSession.user_id == iro.id)).one()
    client.get("/account/sessions")
    response = client.post(f"/account/sessions/{row.id}/end")
    assert "/sign-in" in response.headers["Location"] and not opens_caseload(client)


def test_nobody_can_end_someone_elses_session(make, signed_in, db):
    victim, other = make.staff(), make.staff()
    victim_client = signed_in(victim)
    row = db.exec(select(StaffSession).where(StaffSession.user_id == victim.id)).one()
    client = signed_in(other)
    client.get("/account/sessions")
    assert client.post(f"/account/sessions/{row.id}/end").status_code == 404
    assert opens_caseload(victim_client)


def test_describe_device():
    from voice_app.sessions import describe_device

    assert describe_device("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1") == "Safari on iPad"
    assert describe_device("") == "A browser"


# ----- hand-over and the staff session ------------------------------------------------------------


def test_starting_a_hand_over_ends_the_staff_session_on_that_tablet(app, make, signed_in, db):
    iro = make.staff()
    visit = make.visit(make.review(make.child(iro)), iro=iro)
    client = signed_in(iro)
    before = copy_of(app, client)
    client.post(f"/visits/{visit.id}/hand-over", {"version": "younger", "language": "en-GB", "parts": "views,menu"})
    assert not opens_caseload(before)  # a cookie copied before the hand-over gets round nothing
    assert [row.end_reason for row in db.exec(select(StaffSession)).all()] == ["handed-over"]


def test_give_back_opens_a_new_staff_session(hand_over, db):
    tablet = hand_over()
    assert tablet.client.post("/child/give-back", {"secret": PASSWORD}).status_code == 302
    rows = db.exec(select(StaffSession).order_by(StaffSession.id)).all()
    assert [row.ended_at is None for row in rows] == [False, True]
    assert opens_caseload(tablet.client)


# ----- the hand-back lock lives on the hand-over -----------------------------------------------


def _handover(db, tablet) -> Handover:
    row = db.exec(select(Handover).where(Handover.statement_id == tablet.statement_id)).one()
    db.refresh(row)
    return row


def test_putting_back_an_old_cookie_does_not_reset_wrong_pin_tries(app, hand_over, db):
    tablet = hand_over(pin="4821")
    tablet.client.get("/child/give-back")
    saved = tablet.client.raw.get_cookie(COOKIE).value
    for _ in range(5):
        tablet.client.raw.set_cookie(COOKIE, saved)  # the cookie from just after the hand-over, before each try
        assert tablet.client.post("/child/give-back", {"secret": "0000"}).status_code in (422, 429)
    assert _handover(db, tablet).handback_failures == 5
    tablet.client.raw.set_cookie(COOKIE, saved)
    _clear_wait(db, tablet)
    assert tablet.client.post("/child/give-back", {"secret": "4821"}).status_code in (422, 429)  # the PIN stopped working
    assert _handover(db, tablet).handback_failures == 6
    _clear_wait(db, tablet)
    assert tablet.client.post("/child/give-back", {"secret": PASSWORD}).status_code == 302  # the password still does


def _clear_wait(db, tablet) -> None:
    row = _handover(db, tablet)
    row.last_handback_failure_at = utcnow() - timedelta(hours=1)
    db.add(row)
    db.commit()


def test_after_five_wrong_tries_waits_grow(hand_over, db):
    from voice_app.child.handover import handback_wait

    tablet = hand_over()
    tablet.client.get("/child/give-back")
    for _ in range(5):
        tablet.client.post("/child/give-back", {"secret": "nope"})
    refused = tablet.client.post("/child/give-back", {"secret": PASSWORD})
    assert refused.status_code == 429
    row = _handover(db, tablet)
    now = row.last_handback_failure_at
    first = handback_wait(row, now=now)
    row.handback_failures = 7
    assert handback_wait(row, now=now) == first * 4


def test_after_expiry_only_the_password_takes_the_tablet_back(hand_over, db):
    tablet = hand_over(pin="4821")
    tablet.client.get("/child/give-back")
    row = _handover(db, tablet)
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.add(row)
    db.commit()
    page = tablet.client.post("/child/give-back", {"secret": "4821"})
    assert page.status_code == 422 and "the PIN does not work any more" in page.get_data(as_text=True)
    assert tablet.client.post("/child/give-back", {"secret": PASSWORD}).status_code == 302


def test_every_hand_back_try_is_audited(hand_over, db):
    tablet = hand_over()
    tablet.client.get("/child/give-back")
    tablet.client.post("/child/give-back", {"secret": "nope"})
    tablet.client.post("/child/give-back", {"secret": PASSWORD})
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "handover.hand_back").order_by(AuditEvent.id)).all()
    assert [event.detail for event in events] == ["wrong;tries=1", "ok"]
    assert all(event.statement_id == tablet.statement_id and event.staff_id == tablet.iro.id for event in events)


# ----- no account enumeration, no lock-out as a weapon ------------------------------------------


def _answer(response) -> tuple[int, str]:
    import re

    text = response.get_data(as_text=True)
    found = re.search(r'<p class="govuk-error-summary__body">|class="govuk-error-message"|The email address or password[^<]*|There have been several tries[^<]*', text)
    return response.status_code, found.group(0) if found else ""


def test_sign_in_answers_the_same_for_unknown_wrong_switched_off_and_throttled(client, make):
    # The clock stands still: a wait's words count down its seconds, so both addresses must be asked at the same instant
    # however long the machine takes between requests.
    with travel_to(PINNED_DAY, tick=False):
        _sign_in_answers_the_same(client, make)


def _sign_in_answers_the_same(client, make) -> None:
    real = make.staff(email="real@example.org")
    make.staff(email="off@example.org", active=False)
    answers = {
        "unknown": _answer(client.sign_in("nobody@example.org", "wrong password")),
        "wrong": _answer(client.sign_in(real.email, "wrong password")),
        "switched off": _answer(client.sign_in("off@example.org", PASSWORD)),
    }
    assert len(set(answers.values())) == 1, answers
    for email in ("real@example.org", "ghost@example.org"):
        for _ in range(5):
            client.sign_in(email, "wrong password")
    waiting = {email: _answer(client.sign_in(email, "wrong password")) for email in ("real@example.org", "ghost@example.org")}
    assert len(set(waiting.values())) == 1 and next(iter(waiting.values()))[0] == 429, waiting


def test_the_old_locked_message_is_gone(client, make):
    iro = make.staff()
    for _ in range(7):
        response = client.sign_in(iro.email, "wrong password")
    assert b"locked" not in response.data.lower()


def test_a_wait_is_seconds_not_a_lock(client, make, db):
    iro = make.staff()
    for _ in range(5):
        client.sign_in(iro.email, "wrong password")
    assert client.sign_in(iro.email).status_code == 429
    for row in db.exec(select(SignInThrottle)).all():  # ten seconds later
        row.last_failure_at = row.last_failure_at - timedelta(seconds=11)
        db.add(row)
    db.commit()
    assert client.sign_in(iro.email).status_code == 302


def test_waits_grow_and_are_capped():
    from voice_app.auth.throttle import wait_after

    waits = [wait_after(n, free=5, longest=timedelta(minutes=15)) for n in range(4, 20)]
    assert waits[0] == timedelta(0) and waits[1] == timedelta(seconds=10) and waits[2] == timedelta(seconds=20)
    assert waits == sorted(waits) and waits[-1] == timedelta(minutes=15)


def test_one_address_trying_many_accounts_is_slowed(client, make):
    for number in range(20):
        client.sign_in(f"guess{number}@example.org", "wrong password")
    assert client.sign_in("another@example.org", "wrong password").status_code == 429


def test_the_owner_and_admins_see_failed_sign_ins(client, make, signed_in):
    iro = make.staff()
    for _ in range(3):
        client.sign_in(iro.email, "wrong password")
    admin_page = signed_in(make.staff(Role.ADMIN)).get("/admin/staff").get_data(as_text=True)
    assert "3 in a row" in admin_page
    own = signed_in(iro).get("/account/sessions").get_data(as_text=True)
    assert own.count(" UTC</li>") == 3
