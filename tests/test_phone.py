"""The child's own phone: joining with a one-time code, the secret, messages, safety alerts, ending it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.conftest import Client, make_settings
from tests.mail_support import mail_settings, smtp_server  # noqa: F401 - fixture
from tests.phone_support import join_phone, new_code, tell
from voice_app import create_app
from voice_app.models import AuditEvent, OutboxEmail, PhoneDevice, PhoneEnd, PhoneMessage, Role, SafetyAlert, utcnow

ACCESS_TESTED_ENDPOINTS = {
    "phone.join", "phone.secret", "phone.unlock", "phone.home", "phone.tell", "phone.sent", "phone.replies",
    "phone.iro_photo", "phone.switch_off", "phone.quick_exit", "phones.new_code", "phones.show_code_page",
    "phones.revoke", "phones.message", "phones.reply_to", "phones.acknowledge_alert", "phones.away",
}


@pytest.fixture
def world(make):
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    child = make.child(iro, name="Aisha")
    return iro, child


def _actions(db, child_id: int) -> list[str]:
    return [event.action for event in db.exec(select(AuditEvent).where(AuditEvent.child_id == child_id).order_by(AuditEvent.id)).all()]


def test_the_iro_shows_a_code_and_qr_and_the_phone_joins_with_it(app, db, world, signed_in):
    iro, child = world
    tablet = signed_in(iro)
    assert b"Set up their own phone" in tablet.get(f"/children/{child.id}").data
    shown = tablet.post(f"/children/{child.id}/phone/code")
    assert shown.status_code == 302
    page = tablet.get(shown.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in html and 'role="img"' in html
    code = html.split('class="govuk-body va-phone-code" aria-label="Code">')[1].split("<")[0]
    assert len(code) == 9 and code[4] == "-"
    phone = Client(app.test_client())
    phone.get("/phone/join")
    joined = phone.post("/phone/join", {"code": code.lower()})  # typed in lower case, with the dash
    assert joined.status_code == 302
    cookie = joined.headers["Set-Cookie"]
    assert "voice_phone=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie
    assert b"The phone has joined" in tablet.get(shown.headers["Location"]).data
    # The code worked once: a second phone cannot use it.
    other = Client(app.test_client())
    other.get("/phone/join")
    assert other.post("/phone/join", {"code": code}).status_code == 422
    device = db.exec(select(PhoneDevice)).one()
    assert device.child_id == child.id and device.secret_hash is None
    assert joined.headers["Set-Cookie"].split("voice_phone=")[1].split(".")[1].split(";")[0] not in device.credential_hash


def test_an_expired_code_does_not_join(app, db, world):
    iro, child = world
    code = new_code(db, child=child, iro=iro, minutes=-1)
    phone = Client(app.test_client())
    phone.get("/phone/join")
    response = phone.post("/phone/join", {"code": code})
    assert response.status_code == 422 and b"Ask your IRO for a new one" in response.data


def test_the_secret_is_needed_each_time_the_app_opens(app, db, world):
    iro, child = world
    phone = join_phone(app, db, child=child, iro=iro)
    assert phone.get("/phone/").status_code == 200
    # A new browser session on the same phone (the cookie stays, the unlock does not).
    with phone.raw.session_transaction() as session:
        session.pop("phone_unlocked")
    response = phone.get("/phone/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/phone/unlock")
    wrong = phone.post("/phone/unlock", {"picture1": "pet", "picture2": "music", "picture3": "football"})
    assert wrong.status_code == 422
    right = phone.post("/phone/unlock", {"picture1": "football", "picture2": "music", "picture3": "pet"})
    assert right.status_code == 302 and phone.get("/phone/").status_code == 200
    device = db.exec(select(PhoneDevice)).one()
    db.refresh(device)
    assert device.secret_hash.startswith("$argon2") and device.secret_kind.value == "pictures"
    assert "phone.secret_set" in _actions(db, child.id)


def test_repeated_wrong_secrets_lock_the_phone(app, db, world):
    iro, child = world
    phone = join_phone(app, db, child=child, iro=iro)
    with phone.raw.session_transaction() as session:
        session.pop("phone_unlocked")
    wrong = {"picture1": "pet", "picture2": "pet", "picture3": "pet"}
    statuses = [phone.post("/phone/unlock", wrong).status_code for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 429]
    # Locked: even the right secret waits now.
    right = phone.post("/phone/unlock", {"picture1": "football", "picture2": "music", "picture3": "pet"})
    assert right.status_code == 429 and b"Too many tries" in right.data
    assert phone.get("/phone/").status_code == 302
    assert sum(1 for action in _actions(db, child.id) if action == "phone.unlock") == 6


def test_an_older_child_chooses_a_pin(app, db, world):
    iro, child = world
    phone = Client(app.test_client())
    phone.get("/phone/join")
    phone.post("/phone/join", {"code": new_code(db, child=child, iro=iro)})
    assert phone.post("/phone/secret?kind=pin", {"pin": "2468", "pin_again": "2469"}).status_code == 422
    assert phone.post("/phone/secret?kind=pin", {"pin": "12", "pin_again": "12"}).status_code == 422
    assert phone.post("/phone/secret?kind=pin", {"pin": "2468", "pin_again": "2468"}).status_code == 302
    with phone.raw.session_transaction() as session:
        session.pop("phone_unlocked")
    assert phone.post("/phone/unlock", {"pin": "2468"}).status_code == 302


def test_a_message_reaches_the_caseload_and_the_child_page(app, db, world, signed_in):
    iro, child = world
    phone = join_phone(app, db, child=child, iro=iro)
    assert tell(phone, "good", feeling="feel-happy", text="I got into the football team").status_code == 302
    assert tell(phone, "feeling", feeling="feel-ok", safety="safe").status_code == 302
    tablet = signed_in(iro)
    caseload = tablet.get("/caseload").get_data(as_text=True)
    assert "2 new from Aisha" in caseload
    page = tablet.get(f"/children/{child.id}").get_data(as_text=True)
    assert "Messages from their phone" in page and "Something good happened," in page
    message = db.exec(select(PhoneMessage).where(PhoneMessage.kind == "good")).one()
    shown = tablet.get(f"/phone-messages/{message.id}")
    assert "I got into the football team" in shown.get_data(as_text=True)
    assert "1 new from Aisha" in tablet.get("/caseload").get_data(as_text=True)
    replied = tablet.post(f"/phone-messages/{message.id}/reply", {"reply": "Well done! I told your social worker."})
    assert replied.status_code == 302
    replies = phone.get("/phone/replies").get_data(as_text=True)
    assert "Well done! I told your social worker." in replies and "Jo wrote back:" in replies
    assert {"phone.message", "phone.message.read", "phone.message.replied"} <= set(_actions(db, child.id))


def test_a_resent_message_is_stored_once(app, db, world):
    iro, child = world
    phone = join_phone(app, db, child=child, iro=iro)
    fields = {"client_id": "a" * 32, "text": "hello"}
    assert phone.post("/phone/tell/good", fields).status_code == 302
    assert phone.post("/phone/tell/good", fields).status_code == 302
    assert len(db.exec(select(PhoneMessage)).all()) == 1


def test_an_empty_message_is_refused_kindly(app, db, world):
    iro, child = world
    phone = join_phone(app, db, child=child, iro=iro)
    response = tell(phone, "good")
    assert response.status_code == 422 and b"Please choose a picture or write something" in response.data


def test_not_safe_shows_the_safety_help_and_alerts_in_app_without_email(app, db, world, signed_in, make):
    iro, child = world
    phone = join_phone(app, db, child=child, iro=iro)
    sent = tell(phone, "wrong", safety="not_safe", text="Someone hurt me")
    page = phone.get(sent.headers["Location"]).get_data(as_text=True)
    assert "call 999" in page and "0800 1111" in page and "not read straight away" in page
    # Read-aloud sits after the red box, never inside it between its calls, and reads the box's words first.
    box = page.split('id="safety-help"')[1].split("</section>")[0]
    assert "data-read-aloud" not in box
    assert 'data-read-aloud="safety-title safety-1 safety-2 sent-title sent-help"' in page
    alert = db.exec(select(SafetyAlert)).one()
    assert alert.emails_queued == 0 and db.exec(select(OutboxEmail)).all() == []  # no SMTP: the in-app alert still stands
    tablet = signed_in(iro)
    assert "said on their phone that they are not safe" in tablet.get("/caseload").get_data(as_text=True)
    manager = signed_in(make.staff(Role.MANAGER))
    assert "said on their phone that they are not safe" in manager.get("/caseload").get_data(as_text=True)
    other_iro = signed_in(make.staff(Role.IRO))
    assert "not safe" not in other_iro.get("/caseload").get_data(as_text=True)
    assert other_iro.post(f"/safety-alerts/{alert.id}/acknowledge").status_code == 404
    assert tablet.post(f"/safety-alerts/{alert.id}/acknowledge").status_code == 302
    assert "not safe" not in tablet.get("/caseload").get_data(as_text=True).split("<main")[1].split("caseload-results")[0]
    assert {"phone.alert.raised", "phone.alert.acknowledged"} <= set(_actions(db, child.id))


def test_the_alert_email_goes_through_smtp_and_is_retried(database_url, smtp_server, make, db):  # noqa: F811
    app = create_app(settings=mail_settings(database_url, smtp_server))
    try:
        iro, child = make.staff(Role.IRO, email="jo@example.org"), None
        child = make.child(iro, name="Aisha")
        smtp_server.refuse_next = 1
        phone = join_phone(app, db, child=child, iro=iro)
        tell(phone, "feeling", feeling="feel-scared", safety="not_safe")
        email = db.exec(select(OutboxEmail)).one()
        assert email.kind == "safety_alert" and email.attempts == 1 and email.status.value == "pending"
        assert smtp_server.received == []
        from voice_app.mail import send_due

        with app.app_context():
            assert send_due(db, now=email.next_attempt_at + timedelta(seconds=1)).sent == [email.id]
        [received] = smtp_server.received
        assert received["X-Envelope-To"] == "jo@example.org"
        body = received.get_body(("plain",)).get_content()
        assert "Aisha" not in body and f"/children/{child.id}" in body
        assert db.exec(select(SafetyAlert)).one().acknowledged_at is None  # the alert stays until a person acknowledges it
    finally:
        app.extensions["voice_app_engine"].dispose()


def test_the_duty_manager_is_emailed_when_the_iro_is_away(database_url, smtp_server, make, db):  # noqa: F811
    app = create_app(settings=mail_settings(database_url, smtp_server, duty_email="duty@example.org"))
    try:
        iro = make.staff(Role.IRO)
        child = make.child(iro, name="Aisha")
        phone = join_phone(app, db, child=child, iro=iro)
        iro.active = False  # the IRO has left: nobody reads their caseload
        db.add(iro)
        db.commit()
        tell(phone, "talk", safety="not_safe")
        assert [message["X-Envelope-To"] for message in smtp_server.received] == ["duty@example.org"]
    finally:
        app.extensions["voice_app_engine"].dispose()


def test_the_iro_revokes_a_phone(app, db, world, signed_in):
    iro, child = world
    phone = join_phone(app, db, child=child, iro=iro)
    device = db.exec(select(PhoneDevice)).one()
    tablet = signed_in(iro)
    assert tablet.post(f"/phones/{device.id}/revoke").status_code == 302
    response = phone.get("/phone/")
    assert response.status_code == 403 and b"not set up any more" in response.data
    assert "voice_phone=;" in response.headers["Set-Cookie"]
    db.refresh(device)
    assert device.end_reason == PhoneEnd.REVOKED and device.ended_by_id == iro.id


def test_the_child_switches_the_phone_off(app, db, world):
    iro, child = world
    phone = join_phone(app, db, child=child, iro=iro)
    assert phone.post("/phone/off").status_code == 200
    assert phone.get("/phone/").status_code == 404  # the cookie is gone
    assert db.exec(select(PhoneDevice)).one().end_reason == PhoneEnd.CHILD


def test_the_phone_ends_when_the_child_leaves_care(app, db, world):
    iro, child = world
    phone = join_phone(app, db, child=child, iro=iro)
    child.cared_for = False
    db.add(child)
    db.commit()
    assert phone.get("/phone/").status_code == 403
    assert db.exec(select(PhoneDevice)).one().end_reason == PhoneEnd.LEFT_CARE


def test_the_phone_ends_after_the_services_unused_period(app, db, world):
    iro, child = world
    phone = join_phone(app, db, child=child, iro=iro)
    device = db.exec(select(PhoneDevice)).one()
    device.last_used_at = utcnow() - timedelta(days=app.config["VOICE_APP"].phone_unused_days + 1)
    db.add(device)
    db.commit()
    assert phone.get("/phone/").status_code == 403
    db.refresh(device)
    assert device.end_reason == PhoneEnd.UNUSED


def test_quick_exit_leaves_for_a_neutral_site_and_locks(app, db, world):
    iro, child = world
    phone = join_phone(app, db, child=child, iro=iro)
    response = phone.get("/phone/exit")
    assert response.status_code == 303 and response.headers["Location"] == app.config["VOICE_APP"].quick_exit_url
    assert phone.get("/phone/").headers["Location"].endswith("/phone/unlock")


def test_phone_pages_are_never_cached_and_have_a_neutral_title(app, db, world):
    iro, child = world
    phone = join_phone(app, db, child=child, iro=iro)
    for url in ("/phone/", "/phone/tell/feeling", "/phone/replies", "/phone/join"):
        response = phone.get(url)
        html = response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"
        assert "<title>Notes</title>" in html and "Aisha" not in html and 'href="/phone/exit"' in html


def test_a_phone_sees_only_its_own_childs_messages(app, db, world, make):
    iro, child = world
    phone = join_phone(app, db, child=child, iro=iro)
    other_child = make.child(iro, name="Ben")
    other_phone = join_phone(app, db, child=other_child, iro=iro)
    sent = tell(phone, "good", text="mine")
    message_url = sent.headers["Location"]
    assert other_phone.get(message_url).status_code == 404
    assert "mine" not in other_phone.get("/phone/replies").get_data(as_text=True)
    # A phone is not a member of staff.
    assert other_phone.get(f"/children/{child.id}").status_code == 302


def test_the_join_code_is_rate_limited(database_url, world, db):
    app = create_app(settings=make_settings(database_url, rate_limits_enabled=True))
    try:
        phone = Client(app.test_client())
        phone.get("/phone/join")
        statuses = [phone.post("/phone/join", {"code": "ABCD-EFGH"}).status_code for _ in range(11)]
        assert statuses[:10] == [422] * 10 and statuses[10] == 429
    finally:
        app.extensions["voice_app_engine"].dispose()


def test_service_figures_count_messages_by_kind_and_statements_by_where_given(app, db, world, make):
    from datetime import date

    from tests.statement_factories import make_statement
    from voice_app.models import GivenVia, VisitMethod, VisitStatus
    from voice_app.reports.period import financial_year, financial_year_of
    from voice_app.reports.report import build_report

    iro, child = world
    review = make.review(child)
    for via in (GivenVia.IRO_TABLET, GivenVia.OWN_PHONE, GivenVia.OWN_PHONE):
        visit = make.visit(review, iro=iro, status=VisitStatus.DONE, held_on=date.today(), method=VisitMethod.FACE_TO_FACE)
        statement = make_statement(db, child=child, visit=visit, answers=[])
        statement.given_via = via
        db.add(statement)
    db.commit()
    phone = join_phone(app, db, child=child, iro=iro)
    for kind, fields in [("good", {"text": "a"}), ("good", {"text": "b"}), ("wrong", {"safety": "not_sure"})]:
        tell(phone, kind, **fields)
    with app.extensions["voice_app_engine"].connect() as connection:
        report = build_report(connection, financial_year(financial_year_of(date.today())))
    places = {row.key: row.now.count for row in report.figure("statements-given-via").rows}
    assert places == {"iro_tablet": 1, "own_phone": 2, "practitioner": 0}
    kinds = {row.key: row.now.count for row in report.figure("phone-messages").rows}
    assert kinds == {"feeling": 0, "good": 2, "wrong": 1, "talk": 0, "meeting": 0, "all": 3}


def test_the_phone_speaks_the_childs_language(app, db, world):
    iro, child = world
    phone = Client(app.test_client())
    page = phone.get("/phone/join?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in page and "انضم باستخدام رمزك" in page
    phone.post("/phone/join", {"code": new_code(db, child=child, iro=iro), "lang": "ar"})
    assert db.exec(select(PhoneDevice)).one().language == "ar"
    secret = phone.get("/phone/secret?kind=pictures").get_data(as_text=True)
    assert "اختر سرّك" in secret and "<title>ملاحظات</title>" in secret
    phone.post("/phone/secret?kind=pictures", {"picture1": "pet", "picture2": "pet", "picture3": "tv"})
    sent = tell(phone, "wrong", safety="not_safe")
    assert "إذا كنت في خطر الآن، اتصل بـ 999." in phone.get(sent.headers["Location"]).get_data(as_text=True)


def test_the_daily_sweep_ends_phones_that_should_have_ended(app, db, world, make, monkeypatch, capsys):
    from voice_app.cli import main

    iro, child = world
    join_phone(app, db, child=child, iro=iro)
    still_cared_for = make.child(iro, name="Ben")
    join_phone(app, db, child=still_cared_for, iro=iro)
    child.cared_for = False
    db.add(child)
    db.commit()
    monkeypatch.setenv("VOICE_APP_DATABASE_URL", app.config["VOICE_APP"].database_url)
    monkeypatch.setenv("VOICE_APP_ENV", "test")
    assert main(["phones", "sweep"]) == 0
    assert "Phones ended: 1." in capsys.readouterr().out
    ends = {device.child_id: device.end_reason for device in db.exec(select(PhoneDevice)).all()}
    assert ends == {child.id: PhoneEnd.LEFT_CARE, still_cared_for.id: None}


def test_the_code_page_is_a_fragment_for_htmx_and_a_page_otherwise(app, db, world, signed_in):
    iro, child = world
    tablet = signed_in(iro)
    url = tablet.post(f"/children/{child.id}/phone/code").headers["Location"]
    whole = tablet.get(url)
    part = tablet.get(url, headers={"HX-Request": "true"})
    assert b"<html" in whole.data and b"<html" not in part.data
    assert b'id="code-status"' in part.data and b'hx-trigger="every 3s"' in part.data
    assert "HX-Request" in part.headers["Vary"]
    # The code is shown only in the browser that asked for it: the database keeps its hash alone.
    other_browser = signed_in(iro)
    assert b"This code no longer works" in other_browser.get(url).data


def test_ending_a_phone_is_audited_whoever_ends_it(app, db, world, signed_in):
    iro, child = world
    join_phone(app, db, child=child, iro=iro).post("/phone/off")
    second = join_phone(app, db, child=child, iro=iro)
    device = db.exec(select(PhoneDevice).where(PhoneDevice.ended_at.is_(None))).one()
    signed_in(iro).post(f"/phones/{device.id}/revoke")
    actions = _actions(db, child.id)
    assert actions.count("phone.code_shown") == 2 and actions.count("phone.joined") == 2
    assert "phone.ended.child" in actions and "phone.ended.revoked" in actions
    revoked = db.exec(select(AuditEvent).where(AuditEvent.action == "phone.ended.revoked")).one()
    assert revoked.staff_id == iro.id and revoked.detail == f"device={device.id}"
    assert second.get("/phone/").status_code == 403


def test_a_typed_code_gives_the_phone_the_language_of_the_child_record(app, db, make):
    iro = make.staff(Role.IRO)
    child = make.child(iro, name="Olena", preferred_language="uk")
    phone = Client(app.test_client())
    phone.get("/phone/join")
    phone.post("/phone/join", {"code": new_code(db, child=child, iro=iro)})
    assert db.exec(select(PhoneDevice)).one().language == "uk"
    assert "Обери свій секрет" in phone.get("/phone/secret").get_data(as_text=True)


def test_anonymising_a_child_removes_their_phone_words_and_ends_the_phone(app, db, world, signed_in):
    from voice_app.records.retention import anonymise_child

    iro, child = world
    phone = join_phone(app, db, child=child, iro=iro)
    tell(phone, "good", text="My words")
    message = db.exec(select(PhoneMessage)).one()
    signed_in(iro).post(f"/phone-messages/{message.id}/reply", {"reply": "Well done"})
    with app.extensions["voice_app_engine"].begin() as connection:
        anonymise_child(connection, child_id=child.id, now=utcnow())
    db.expire_all()
    message = db.exec(select(PhoneMessage)).one()
    assert (message.text, message.reply, message.kind.value) == ("", "", "good")
    assert db.exec(select(PhoneDevice)).one().end_reason == PhoneEnd.LEFT_CARE
    assert phone.get("/phone/").status_code == 403


def test_subject_access_includes_the_phone_and_its_messages(app, db, world):
    from voice_app.records.subject_access import gather

    iro, child = world
    phone = join_phone(app, db, child=child, iro=iro)
    tell(phone, "wrong", safety="not_sure", text="School is hard")
    record = gather(db, child_id=child.id, made_by=iro).record
    assert len(record["own_phones"]) == 1 and record["own_phones"][0]["end_reason"] is None
    [message] = record["phone_messages"]
    assert (message["about"], message["safe"], message["words"]) == ("wrong", "not_sure", "School is hard")


def test_phone_errors_are_the_phones_own_pages(app, db, world):
    iro, child = world
    stranger = Client(app.test_client())
    response = stranger.get("/phone/")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and "<title>Notes</title>" in html and 'href="/phone/join"' in html
    assert "caseload" not in html
    phone = join_phone(app, db, child=child, iro=iro)
    assert phone.get("/phone/tell/nonsense").status_code == 404
    assert phone.post("/phone/tell/good", {"client_id": "x", "safety": "maybe"}).status_code == 400


def test_an_iro_who_says_they_are_away_has_alerts_go_to_the_duty_manager_too(database_url, smtp_server, make, db):  # noqa: F811
    from datetime import date

    app = create_app(settings=mail_settings(database_url, smtp_server, duty_email="duty@example.org"))
    try:
        iro = make.staff(Role.IRO, email="jo@example.org")
        child = make.child(iro, name="Aisha")
        phone = join_phone(app, db, child=child, iro=iro)
        tablet = Client(app.test_client())
        tablet.sign_in(iro.email)
        assert tablet.post("/account/away", {"away_until": "not a day"}).status_code == 422
        assert tablet.post("/account/away", {"away_until": (date.today() + timedelta(days=3)).isoformat()}).status_code == 302
        assert "You are away until" in tablet.get("/account/away").get_data(as_text=True)
        tell(phone, "wrong", safety="not_safe")
        assert sorted(message["X-Envelope-To"] for message in smtp_server.received) == ["duty@example.org", "jo@example.org"]
        assert tablet.post("/account/away", {"back": "1"}).status_code == 302
        smtp_server.received.clear()
        tell(phone, "wrong", safety="not_safe")
        assert [message["X-Envelope-To"] for message in smtp_server.received] == ["jo@example.org"]
    finally:
        app.extensions["voice_app_engine"].dispose()
