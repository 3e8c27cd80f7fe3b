"""Practitioners gathering a child's views for a conference (issue 18): inviting, the link, what they see, the end."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from io import BytesIO

import jsonschema
import pytest
from pypdf import PdfReader
from sqlmodel import select

from tests.conftest import PASSWORD, Client
from tests.feedback_helpers import conference
from tests.statement_factories import AnswerSpec, make_statement
from voice_app.models import (
    AuditEvent,
    GivenVia,
    Handover,
    PractitionerInvitation,
    Profession,
    ReviewStatus,
    Role,
    StaffSession,
    StaffUser,
    Statement,
    Visit,
    VisitPurpose,
    VisitStatus,
    utcnow,
)
from voice_app.practitioners.services import accept, check_link, invite
from voice_app.statements.exports import export_schema

pytest_plugins = ["tests.statement_fixtures", "tests.mail_support"]

# The route x role matrix (tests/attack_support.RULES, run by tests/test_access.py) covers these for every kind of
# visitor; the tests here cover what the matrix cannot: whose conference, which child, and when access ends.
ACCESS_TESTED_ENDPOINTS = {
    "practitioners.invitations",
    "practitioners.withdraw_invitation",
    "practitioners.join",
    "practitioners.home",
    "practitioners.hand_over",
}

NEW_PASSWORD = "a practitioner's own password"


@pytest.fixture
def setting(make, db):
    """A child with an upcoming conference (chaired by another IRO), a held one, and a statement from before."""
    iro, chair, manager, other = make.staff(Role.IRO, name="Jo Iro"), make.staff(Role.IRO, name="Kim Chair"), make.staff(Role.MANAGER, name="Mo Manager"), make.staff(Role.IRO)
    child = make.child(iro, name="Aisha")
    other_child = make.child(other, name="Zed")
    upcoming = conference(make, child, day=date.today() + timedelta(days=10), status=ReviewStatus.SCHEDULED, chair=chair)
    held = conference(make, child, day=date.today() - timedelta(days=60))
    old_visit = make.visit(held, iro=iro, status=VisitStatus.DONE, held_on=date.today() - timedelta(days=65))
    earlier = make_statement(db, child=child, visit=old_visit, answers=[AnswerSpec("feel-today", text="a secret from before")])
    return dict(iro=iro, chair=chair, manager=manager, other=other, child=child, other_child=other_child, upcoming=upcoming, held=held, earlier=earlier)


def _invited(db, setting, *, email="sam.worker@example.org", by=None):
    made = invite(
        db, review=setting["upcoming"], child=setting["child"], email=email, name="Sam Worker",
        profession=Profession.SOCIAL_WORKER, organisation="Riverside team", invited_by=by or setting["manager"],
    )
    db.commit()
    return made


def _joined(db, setting, signed_in) -> tuple[PractitionerInvitation, Client]:
    made = _invited(db, setting)
    assert accept(db, joining=check_link(db, token=made.token), password=PASSWORD)
    return made.invitation, signed_in(db.get(StaffUser, made.invitation.practitioner_id))


def _actions(db, prefix="practitioner.") -> list[str]:
    return [event.action for event in db.exec(select(AuditEvent).order_by(AuditEvent.id)).all() if event.action.startswith(prefix)]


# ----- who may invite --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["iro", "chair", "manager"])
def test_the_childs_iro_the_chair_and_managers_may_invite(signed_in, setting, db, who):
    client = signed_in(setting[who])
    url = f"/conferences/{setting['upcoming'].id}/practitioners"
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Sam Worker", "email": "Sam.Worker@Example.org ", "profession": "social_worker", "organisation": "Riverside"})
    assert response.status_code == 200  # no email set up: the link is shown once, on this page
    assert b"/practitioner/join/" in response.data
    invitation = db.exec(select(PractitionerInvitation)).one()
    user = db.get(StaffUser, invitation.practitioner_id)
    assert (user.email, user.role, invitation.invited_by_id) == ("sam.worker@example.org", Role.PRACTITIONER, setting[who].id)
    assert invitation.token_hash and invitation.token_hash not in response.get_data(as_text=True)  # only the hash is kept
    assert _actions(db) == ["practitioner.invite"]


def test_another_iro_gets_404_and_cannot_invite(signed_in, setting, db):
    client = signed_in(setting["other"])
    url = f"/conferences/{setting['upcoming'].id}/practitioners"
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "X", "email": "x@example.org", "profession": "school"}).status_code == 404
    assert db.exec(select(PractitionerInvitation)).first() is None


def test_only_an_upcoming_child_protection_conference_takes_invitations(signed_in, setting, make, db):
    client = signed_in(setting["manager"])
    held = client.post(f"/conferences/{setting['held'].id}/practitioners", {"name": "X", "email": "x@example.org", "profession": "school"})
    assert held.status_code == 422 and b"not been held yet" in held.data and b"no one can be invited" in held.data
    cared_for = make.review(setting["child"])
    assert client.get(f"/conferences/{cared_for.id}/practitioners").status_code == 404
    assert db.exec(select(PractitionerInvitation)).first() is None


def test_a_staff_address_cannot_be_invited_as_a_practitioner(signed_in, setting, db):
    client = signed_in(setting["manager"])
    response = client.post(f"/conferences/{setting['upcoming'].id}/practitioners", {"name": "Jo", "email": setting["iro"].email, "profession": "other"})
    assert response.status_code == 422
    assert b"belongs to a member of the reviewing service" in response.data
    assert db.get(StaffUser, setting["iro"].id).role == Role.IRO


# ----- the link ----------------------------------------------------------------------------------


def test_the_link_sets_a_password_once_and_signs_in(client, setting, db):
    made = _invited(db, setting)
    page = client.get(f"/practitioner/join/{made.token}")
    assert page.status_code == 200 and b"sam.worker@example.org" in page.data
    assert b"Aisha" not in page.data  # the child's name only after signing in
    short = client.post(f"/practitioner/join/{made.token}", {"new": "short", "confirm": "short"})
    assert short.status_code == 422
    done = client.post(f"/practitioner/join/{made.token}", {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/practitioner/")
    assert b"Aisha" in client.get("/practitioner/").data
    again = Client(client.raw.application.test_client()).get(f"/practitioner/join/{made.token}")
    assert again.status_code == 404 and b"This link does not work" in again.data
    assert _actions(db) == ["practitioner.invite", "practitioner.accept", "practitioner.home_viewed", "practitioner.link_refused"]
    # And from now on the normal sign-in page, with that password.
    fresh = Client(client.raw.application.test_client())
    assert fresh.sign_in("sam.worker@example.org", NEW_PASSWORD).headers["Location"].endswith("/practitioner/")


def test_an_expired_or_unknown_link_opens_nothing(client, setting, db):
    made = _invited(db, setting)
    invitation = db.get(PractitionerInvitation, made.invitation.id)
    invitation.token_expires_at = utcnow() - timedelta(minutes=1)
    db.add(invitation)
    db.commit()
    assert client.get(f"/practitioner/join/{made.token}").status_code == 404
    assert client.post(f"/practitioner/join/{made.token}", {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 404
    assert client.get("/practitioner/join/not-a-token").status_code == 404
    assert client.get("/practitioner/join/" + "x" * 300).status_code == 404


def test_the_link_never_outlives_the_conference(setting, db):
    made = _invited(db, setting)
    end_of_day = made.invitation.token_expires_at
    assert end_of_day.date() <= setting["upcoming"].scheduled_for + timedelta(days=1)


def test_inviting_again_sends_a_fresh_link_and_the_old_one_stops(client, setting, db):
    first = _invited(db, setting)
    second = _invited(db, setting)
    assert first.invitation.id == second.invitation.id
    assert client.get(f"/practitioner/join/{first.token}").status_code == 404
    assert client.get(f"/practitioner/join/{second.token}").status_code == 200
    assert _actions(db)[:2] == ["practitioner.invite", "practitioner.invite_again"]


def test_someone_with_a_password_is_asked_to_sign_in_not_sent_a_link(setting, db, make):
    _invitation, _client = _joined(db, setting, lambda user: None)
    later = conference(make, setting["child"], day=date.today() + timedelta(days=40), status=ReviewStatus.SCHEDULED)
    again = invite(db, review=later, child=setting["child"], email="sam.worker@example.org", name="Sam Worker", profession=Profession.SOCIAL_WORKER, organisation="", invited_by=setting["manager"])
    db.commit()
    assert again.token is None and again.invitation.token_hash is None


# ----- what a practitioner sees and does --------------------------------------------------------


def test_a_practitioner_sees_the_childs_name_the_day_and_nothing_else(setting, db, signed_in):
    _invitation, client = _joined(db, setting, signed_in)
    page = client.get("/practitioner/").get_data(as_text=True)
    assert "Aisha" in page and setting["upcoming"].scheduled_for.strftime("%-d %B %Y") in page
    for hidden in ("Zed", setting["child"].case_reference, "a secret from before", "Jo Iro", "Caseload", "Service figures"):
        assert hidden not in page
    refused = [
        "/caseload", f"/children/{setting['child'].id}", f"/statements/{setting['earlier'].id}", f"/statements/{setting['earlier'].id}/export.json",
        "/reports/", "/feedback/conferences", f"/conferences/{setting['upcoming'].id}/practitioners", f"/children/{setting['other_child'].id}", "/records",
    ]
    for url in refused:
        assert client.get(url).status_code in (403, 404), url


def test_a_practitioner_cannot_use_anothers_invitation(setting, db, signed_in):
    _mine, client = _joined(db, setting, signed_in)
    theirs = _invited(db, setting, email="other.worker@example.org")
    assert client.get(f"/practitioner/invitations/{theirs.invitation.id}/hand-over").status_code == 404
    assert client.post(f"/practitioner/invitations/{theirs.invitation.id}/hand-over", {"version": "younger", "language": "en-GB", "parts": "views"}).status_code == 404


def _hand_over(client, invitation_id: int, **extra):
    response = client.post(f"/practitioner/invitations/{invitation_id}/hand-over", {"version": "younger", "language": "en-GB", "parts": "views", **extra})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return int(response.headers["Location"].split("/statements/")[1].split("#")[0])


def test_the_hand_over_is_child_mode_and_the_statement_reaches_the_chair(setting, db, signed_in):
    invitation, client = _joined(db, setting, signed_in)
    assert b"Hand your device to Aisha" in client.get(f"/practitioner/invitations/{invitation.id}/hand-over").data
    statement_id = _hand_over(client, invitation.id, pin="2468")
    page = client.get(f"/child/statements/{statement_id}")
    assert page.status_code == 200 and b"a secret from before" not in page.data  # no "last time you said" recap
    assert client.get("/practitioner/").status_code == 403  # child mode: nothing else until the hand-back
    assert client.post(f"/child/statements/{statement_id}/questions/feel-today", {"choice": "happy"}).status_code in (200, 302, 303)
    back = client.post("/child/give-back", {"secret": "2468"})
    assert back.status_code == 302 and back.headers["Location"].endswith("/practitioner/")
    assert b"1 answer" in client.get("/practitioner/").data

    statement = db.get(Statement, statement_id)
    visit = db.get(Visit, statement.visit_id)
    assert statement.given_via == GivenVia.PRACTITIONER
    assert (visit.review_id, visit.purpose, visit.iro_id) == (setting["upcoming"].id, VisitPurpose.PRACTITIONER, invitation.practitioner_id)
    assert client.get(f"/statements/{statement_id}").status_code == 403  # the practitioner never reads it back

    # The conference's chair (here not the child's IRO) reads it; another IRO does not, nor the chair an older statement.
    chair = signed_in(setting["chair"])
    assert b"gathered by" in chair.get(f"/statements/{statement_id}").data
    assert chair.get(f"/statements/{setting['earlier'].id}").status_code == 404
    assert signed_in(setting["other"]).get(f"/statements/{statement_id}").status_code == 404
    iro = signed_in(setting["iro"])
    shown = iro.get(f"/statements/{statement_id}").get_data(as_text=True)
    assert "Given via a practitioner" in shown and "Sam Worker (Social worker, Riverside team)" in shown and "invited by Mo Manager" in shown
    child_page = iro.get(f"/children/{setting['child'].id}").get_data(as_text=True)
    assert "Views gathered by a practitioner" in child_page and "Sam Worker" in child_page
    exported = json.loads(iro.get(f"/statements/{statement_id}/export.json").data)
    jsonschema.validate(exported, export_schema())
    pdf = iro.get(f"/statements/{statement_id}/export.pdf")
    assert pdf.status_code == 200
    pdf_text = " ".join("\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages).split())
    assert "Given via a practitioner" in pdf_text and "gathered by Sam Worker (Social worker, Riverside team), invited by Mo Manager" in pdf_text
    assert exported["gathered_by"] == {"name": "Sam Worker", "profession": "Social worker", "organisation": "Riverside team", "invited_by": "Mo Manager"}
    listed = signed_in(setting["manager"]).get(f"/conferences/{setting['upcoming'].id}/practitioners").get_data(as_text=True)
    assert f"/statements/{statement_id}" in listed
    assert "practitioner.hand_over" in _actions(db)
    assert [e.detail.split(";")[0] for e in db.exec(select(AuditEvent).where(AuditEvent.action == "handover.hand_back")).all()] == ["ok"]


def test_the_practitioners_hand_over_shows_the_passport_and_sets_how_the_child_answers(setting, db, signed_in):
    setting["child"].passport_helps, setting["child"].passport_access = "Time to think", "auto"
    db.add(setting["child"])
    db.commit()
    invitation, client = _joined(db, setting, signed_in)
    page = client.get(f"/practitioner/invitations/{invitation.id}/hand-over").get_data(as_text=True)
    assert "Aisha’s communication passport" in page and "Time to think" in page
    assert re.search(r'<input checked class="govuk-radios__input" id="access-1" name="access" type="radio" value="auto">', page)
    assert "Switch and dwell settings" in page
    refused = client.post(
        f"/practitioner/invitations/{invitation.id}/hand-over",
        {"version": "younger", "language": "en-GB", "parts": "views", "access": "step", "move_key": "Enter", "choose_key": "Enter"},
    )
    assert refused.status_code == 422 and "Two switches need two different keys." in refused.get_data(as_text=True)
    statement_id = _hand_over(client, invitation.id, access="step", scan_s="2.5", move_key=" ", choose_key="Enter")
    handover = db.exec(select(Handover).where(Handover.statement_id == statement_id)).one()
    assert json.loads(handover.access)["mode"] == "step" and json.loads(handover.access)["scan_ms"] == 2500
    assert 'data-access="step"' in client.get(f"/child/statements/{statement_id}").get_data(as_text=True)
    db.expire_all()
    assert db.get(Statement, statement_id).access_modes == "step"


# ----- the end of access -------------------------------------------------------------------------


def _session_reasons(db, user_id: int) -> list[str | None]:
    db.expire_all()
    return [row.end_reason for row in db.exec(select(StaffSession).where(StaffSession.user_id == user_id).order_by(StaffSession.id)).all()]


def test_access_ends_when_the_conference_is_recorded_as_held(setting, db, signed_in, client):
    invitation, practitioner = _joined(db, setting, signed_in)
    assert practitioner.get("/practitioner/").status_code == 200
    review = db.get(type(setting["upcoming"]), setting["upcoming"].id)
    review.status, review.held_on = ReviewStatus.HELD, date.today()
    db.add(review)
    db.commit()
    ended = practitioner.get("/practitioner/")
    assert ended.status_code == 302 and "/sign-in" in ended.headers["Location"]
    assert b"access for that conference has ended" in practitioner.get(ended.headers["Location"]).data
    assert _session_reasons(db, invitation.practitioner_id) == ["access-ended"]
    assert practitioner.get("/account/password").status_code == 302  # no page at all now
    # Signing in again gives nothing: the session ends at the first page.
    again = client.sign_in("sam.worker@example.org")
    assert again.status_code == 302
    assert "/sign-in" in client.get("/practitioner/").headers.get("Location", "")
    assert "practitioner.access_ended" in _actions(db)


def test_child_mode_on_the_practitioners_device_ends_with_the_conference(setting, db, signed_in):
    invitation, client = _joined(db, setting, signed_in)
    statement_id = _hand_over(client, invitation.id)
    assert client.get(f"/child/statements/{statement_id}").status_code == 200
    review = db.get(type(setting["upcoming"]), setting["upcoming"].id)
    review.status = ReviewStatus.CANCELLED
    db.add(review)
    db.commit()
    response = client.get(f"/child/statements/{statement_id}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    db.expire_all()
    assert all(h.ended_at is not None for h in db.exec(select(Handover)).all())


def test_withdrawing_ends_the_link_the_sessions_and_child_mode(setting, db, signed_in, make):
    invitation, practitioner = _joined(db, setting, signed_in)
    device = signed_in(db.get(StaffUser, invitation.practitioner_id))
    statement_id = _hand_over(device, invitation.id)
    waiting = _invited(db, setting, email="pat.nurse@example.org")
    manager = signed_in(setting["manager"])
    for item in (invitation, waiting.invitation):
        response = manager.post(f"/practitioner-invitations/{item.id}/withdraw")
        assert response.status_code == 302
    assert "/sign-in" in practitioner.get("/practitioner/").headers.get("Location", "")
    assert "/sign-in" in device.get(f"/child/statements/{statement_id}").headers.get("Location", "")
    assert Client(manager.raw.application.test_client()).get(f"/practitioner/join/{waiting.token}").status_code == 404
    assert "access-ended" in _session_reasons(db, invitation.practitioner_id)
    assert _actions(db).count("practitioner.withdraw") == 2
    page = manager.get(f"/conferences/{setting['upcoming'].id}/practitioners").get_data(as_text=True)
    assert page.count("Withdrawn") == 2
    # Another IRO cannot withdraw anything.
    again = _invited(db, setting, email="third@example.org")
    assert signed_in(setting["other"]).post(f"/practitioner-invitations/{again.invitation.id}/withdraw").status_code == 404
    assert db.get(PractitionerInvitation, again.invitation.id).withdrawn_at is None


def test_audit_events_name_ids_not_people(setting, db, signed_in):
    invitation, client = _joined(db, setting, signed_in)
    _hand_over(client, invitation.id)
    events = db.exec(select(AuditEvent).where(AuditEvent.action.startswith("practitioner."))).all()
    assert {e.action for e in events} >= {"practitioner.invite", "practitioner.accept", "practitioner.hand_over"}
    for event in events:
        assert not re.search(r"@|Sam|Worker|Aisha", event.detail)
        assert event.child_id in (setting["child"].id, None)


# ----- rate limits --------------------------------------------------------------------------------


def test_the_link_is_rate_limited(database_url, setting, db):
    from tests.conftest import make_settings
    from voice_app import create_app

    limited = create_app(settings=make_settings(database_url, rate_limits_enabled=True))
    client = Client(limited.test_client())
    statuses = [client.get(f"/practitioner/join/guess-{n}").status_code for n in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429
    made = _invited(db, setting)
    poster = Client(limited.test_client())
    poster.get("/sign-in")
    tries = [poster.post(f"/practitioner/join/{made.token}", {"new": "short", "confirm": "x"}, environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code for _ in range(11)]
    assert tries[:10] == [422] * 10 and tries[10] == 429
    limited.extensions["voice_app_engine"].dispose()


# ----- email through the outbox ---------------------------------------------------------------------


def test_the_invitation_is_emailed_and_its_link_works(database_url, setting, db, smtp_server):
    from tests.mail_support import mail_settings
    from voice_app import create_app

    app = create_app(settings=mail_settings(database_url, smtp_server))
    manager = Client(app.test_client())
    assert manager.sign_in(setting["manager"].email).status_code == 302
    response = manager.post(f"/conferences/{setting['upcoming'].id}/practitioners", {"name": "Sam Worker", "email": "sam.worker@example.org", "profession": "school"})
    assert response.status_code == 302
    page = manager.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invitation emailed to sam.worker@example.org" in page and "/practitioner/join/" not in page
    [message] = smtp_server.received
    assert message["X-Envelope-To"] == "sam.worker@example.org"
    body = message.get_content()
    assert "Aisha" not in body and "Aisha" not in message["Subject"]  # no child's name in an email
    link = re.search(r"http://localhost(/practitioner/join/\S+)", body).group(1)
    practitioner = Client(app.test_client())
    assert practitioner.get(link).status_code == 200
    assert practitioner.post(link, {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    app.extensions["voice_app_engine"].dispose()


# ----- service figures ------------------------------------------------------------------------------


def test_statements_by_where_given_count_those_gathered_by_practitioners(setting, db, signed_in, app):
    # The figure itself is built on branch i18a (voice_app/reports/phone.py, from statement.given_via); until that
    # is merged in, there is no figure to read.
    pytest.importorskip("voice_app.reports.phone", reason="the statements-by-where-given figure comes with i18a")
    from voice_app.reports.period import financial_year
    from voice_app.reports.report import build_report

    invitation, client = _joined(db, setting, signed_in)
    statement_id = _hand_over(client, invitation.id)
    client.post(f"/child/statements/{statement_id}/questions/feel-today", {"choice": "happy"})
    assert client.post(f"/child/statements/{statement_id}/sharing", {"sharing": "meeting"}).status_code == 302
    db.expire_all()
    assert db.get(Statement, statement_id).end_reason is not None
    today = date.today()
    with app.extensions["voice_app_engine"].connect() as connection:
        report = build_report(connection, financial_year(today.year if today.month >= 4 else today.year - 1))
    rows = {row.key: row.now.count for row in report.figure("statements-given-via").rows}
    # The earlier statement was given on the IRO's tablet; this one on the practitioner's device.
    assert rows == {"iro_tablet": rows["iro_tablet"], "own_phone": 0, "practitioner": 1}


def test_two_hand_overs_at_once_make_one_visit(setting, db):
    from voice_app.practitioners.services import practitioner_visit

    made = _invited(db, setting)
    stale = PractitionerInvitation(**made.invitation.model_dump())  # as a second request read it, before the first made the visit
    first = practitioner_visit(db, invitation=made.invitation, today=date.today())
    second = practitioner_visit(db, invitation=stale, today=date.today())
    assert first.id == second.id and stale.visit_id == first.id
    assert len(db.exec(select(Visit).where(Visit.purpose == VisitPurpose.PRACTITIONER)).all()) == 1


def test_a_second_factor_required_for_everyone_covers_practitioners(setting, db, signed_in, make):
    admin = make.staff(Role.ADMIN)
    assert signed_in(admin).post("/admin/two-factor", {"rule": "everyone"}).status_code == 302
    _, client = _joined(db, setting, signed_in)
    response = client.get("/practitioner/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/two-factor/set-up")
    assert client.get("/account/two-factor/set-up").status_code == 200
