"""Getting ready for the next meeting on the child's own phone: the tablet's conversation in child mode on the phone."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.conftest import Client
from tests.phone_support import PICTURES, join_phone
from voice_app.models import (
    Answer,
    AuditEvent,
    FlowVersion,
    GivenVia,
    Handover,
    PhoneDevice,
    ReviewKind,
    ReviewStatus,
    Role,
    Statement,
    StatementEnd,
    Visit,
    VisitPurpose,
    VisitStatus,
)

pytest_plugins = ["tests.child_support"]  # the hand_over fixture
ACCESS_TESTED_ENDPOINTS = {"phone.meeting"}
HX = {"HX-Request": "true"}


@pytest.fixture
def world(make):
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    child = make.child(iro, name="Aisha", date_of_birth=date(2018, 3, 1), preferred_language="cy")
    make.review(child, days_ahead=40)  # a later one: the next meeting is the sooner
    review = make.review(child, days_ahead=12)
    make.review(child, days_ahead=-30, status=ReviewStatus.HELD, held_on=date.today() - timedelta(days=30))
    return iro, child, review


def _start(phone: Client) -> int:
    started = phone.post("/phone/meeting")
    assert started.status_code == 302, started.get_data(as_text=True)[:400]
    assert "/child/statements/" in started.headers["Location"]
    return int(started.headers["Location"].split("/statements/")[1].split("#")[0])


def _current(phone: Client, statement_id: int) -> str | None:
    found = re.search(r'data-question="([^"]+)"', phone.get(f"/child/statements/{statement_id}").get_data(as_text=True))
    return found.group(1) if found else None


def test_the_home_offers_the_next_meeting_and_starts_its_statement_on_the_phone(app, db, world):
    iro, child, review = world
    phone = join_phone(app, db, child=child, iro=iro)
    home = phone.get("/phone/").get_data(as_text=True)
    assert 'action="/phone/meeting"' in home and "Paratoi ar gyfer fy nghyfarfod nesaf" in home  # in Welsh, as the phone is
    started = phone.post("/phone/meeting")
    # The conversation's pages get their own copy of the phone's credential, as strict as the first.
    copies = [value for value in started.headers.getlist("Set-Cookie") if value.startswith("voice_phone=")]
    assert any("Path=/child" in value and "HttpOnly" in value and "SameSite=Strict" in value for value in copies)
    statement_id = int(started.headers["Location"].split("/statements/")[1].split("#")[0])
    statement = db.get(Statement, statement_id)
    visit = db.get(Visit, statement.visit_id)
    assert statement.given_via == GivenVia.OWN_PHONE and statement.child_id == child.id
    assert visit.review_id == review.id and visit.purpose == VisitPurpose.OWN_PHONE and visit.iro_id == iro.id and visit.status == VisitStatus.DONE
    # As the child record says: their language, the younger version, views and the Child's Menu for a cared-for review.
    assert statement.language == "cy" and statement.version == FlowVersion.YOUNGER and statement.parts == "views,menu"
    page = phone.get(f"/child/statements/{statement_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    # The phone's protections: the neutral title, the quick exit, no hand-back, only the IRO's first name.
    assert "<title>" in html and 'href="/phone/exit" data-quick-exit' in html and "js/phone" in html
    assert "/child/give-back" not in html and "Reviewer" not in html
    assert '<html lang="cy"' in html
    handover = db.exec(select(Handover).where(Handover.statement_id == statement_id)).one()
    assert handover.created_by_id == iro.id
    assert "phone.conversation" in [event.action for event in db.exec(select(AuditEvent).where(AuditEvent.child_id == child.id)).all()]


def test_a_conference_asks_for_views_only_and_an_older_child_gets_the_older_version(app, db, make):
    iro = make.staff(Role.IRO)
    child = make.child(iro, date_of_birth=date(2012, 1, 1))
    make.review(child, kind=ReviewKind.CP_CONFERENCE, days_ahead=5)
    phone = join_phone(app, db, child=child, iro=iro)
    statement = db.get(Statement, _start(phone))
    assert statement.parts == "views" and statement.version == FlowVersion.OLDER and statement.language == "en-GB"


def test_several_visits_resume_the_same_draft(app, db, world):
    iro, child, review = world
    phone = join_phone(app, db, child=child, iro=iro)
    statement_id = _start(phone)
    first = _current(phone, statement_id)
    assert phone.post(f"/child/statements/{statement_id}/questions/{first}", {"skip": "1"}).status_code == 302
    # The child goes back to the phone's home: child mode ends there (its hand-over too).
    assert phone.get("/phone/").status_code == 200
    assert phone.get(f"/child/statements/{statement_id}").status_code == 404
    assert db.exec(select(Handover).where(Handover.statement_id == statement_id)).one().ended_at is not None
    # Next time: the same statement, on the same own-phone visit, where they were.
    assert _start(phone) == statement_id
    assert _current(phone, statement_id) != first
    assert len(db.exec(select(Statement)).all()) == 1 and len(db.exec(select(Visit).where(Visit.purpose == VisitPurpose.OWN_PHONE)).all()) == 1
    assert len(db.exec(select(Answer).where(Answer.statement_id == statement_id)).all()) == 1


def test_finishing_returns_to_the_phone_home_not_to_staff_pages(app, db, world):
    iro, child, _review = world
    phone = join_phone(app, db, child=child, iro=iro)
    statement_id = _start(phone)
    finished = phone.post(f"/child/statements/{statement_id}/sharing", {"sharing": "meeting"})
    assert finished.status_code == 302
    done = phone.get(finished.headers["Location"]).get_data(as_text=True)
    assert 'href="/phone/"' in done and "Give the tablet back" not in done
    assert db.get(Statement, statement_id).end_reason == StatementEnd.FINISHED
    # No hand-back on a phone: the give-back page only leads home.
    back = phone.get("/child/give-back")
    assert back.status_code == 302 and back.headers["Location"].endswith("/phone/")
    assert phone.get("/caseload").status_code == 403  # staff pages stay closed in child mode
    council = phone.get("/sign-in/council")
    assert council.status_code == 302 and council.headers["Location"].endswith("/phone/")
    assert phone.get("/phone/").status_code == 200


def test_the_quick_exit_locks_the_phone_and_the_conversation_waits_behind_the_secret(app, db, world):
    iro, child, _review = world
    phone = join_phone(app, db, child=child, iro=iro)
    statement_id = _start(phone)
    question = _current(phone, statement_id)
    exited = phone.get("/phone/exit")
    assert exited.status_code == 303 and not exited.headers["Location"].startswith("/")
    page = phone.get(f"/child/statements/{statement_id}")
    assert page.status_code == 404  # child mode ended with the exit
    assert phone.get("/phone/").headers["Location"].endswith("/phone/unlock")
    unlocked = phone.post("/phone/unlock", {f"picture{n}": name for n, name in enumerate(PICTURES, 1)})
    assert unlocked.status_code == 302
    assert _start(phone) == statement_id and _current(phone, statement_id) == question


def test_a_locked_phone_cannot_answer_even_in_child_mode(app, db, world):
    iro, child, _review = world
    phone = join_phone(app, db, child=child, iro=iro)
    statement_id = _start(phone)
    question = _current(phone, statement_id)
    with phone.raw.session_transaction() as session:
        session.pop("phone_unlocked")  # the unlock period ran out
    page = phone.get(f"/child/statements/{statement_id}")
    assert page.status_code == 302 and page.headers["Location"].endswith("/phone/unlock")
    tapped = phone.post(f"/child/statements/{statement_id}/questions/{question}", {"skip": "1"}, headers=HX)
    assert tapped.status_code == 403 and 'href="/phone/"' in tapped.get_data(as_text=True)
    assert db.exec(select(Answer)).all() == []


def test_a_phone_reaches_only_its_own_childs_statement(app, db, make, world):
    iro, child, _review = world
    other = make.child(iro, name="Ben")
    make.review(other, days_ahead=3)
    theirs = _start(join_phone(app, db, child=other, iro=iro))
    phone = join_phone(app, db, child=child, iro=iro)
    mine = _start(phone)
    assert mine != theirs
    assert phone.get(f"/child/statements/{theirs}").status_code == 404
    assert phone.post(f"/child/statements/{theirs}/questions/feel-today", {"skip": "1"}).status_code == 404
    assert db.exec(select(Answer)).all() == []


def test_the_conversation_needs_the_phones_own_credential(app, db, world):
    iro, child, _review = world
    phone = join_phone(app, db, child=child, iro=iro)
    statement_id = _start(phone)
    phone.raw.delete_cookie("voice_phone", path="/child")  # the session alone (a copied cookie) is not enough
    response = phone.get(f"/child/statements/{statement_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/phone/")
    assert phone.get(f"/child/statements/{statement_id}").status_code == 404


def test_a_revoked_phone_loses_the_conversation(app, db, world, signed_in):
    iro, child, _review = world
    phone = join_phone(app, db, child=child, iro=iro)
    statement_id = _start(phone)
    device = db.exec(select(PhoneDevice)).one()
    assert signed_in(iro).post(f"/phones/{device.id}/revoke").status_code == 302
    response = phone.get(f"/child/statements/{statement_id}")
    assert response.status_code == 302 and "/sign-in" not in response.headers["Location"]


def test_no_meeting_booked_is_said_kindly_and_not_offered(app, db, make):
    iro = make.staff(Role.IRO)
    child = make.child(iro)
    make.review(child, days_ahead=-10, status=ReviewStatus.HELD, held_on=date.today() - timedelta(days=10))
    make.review(child, days_ahead=10, status=ReviewStatus.CANCELLED)
    phone = join_phone(app, db, child=child, iro=iro)
    home = phone.get("/phone/").get_data(as_text=True)
    assert "/phone/meeting" not in home and "There is no meeting booked for you yet" in home
    assert phone.post("/phone/meeting").status_code == 404
    assert db.exec(select(Statement)).all() == []


def test_the_iro_sees_it_was_given_on_the_phone(app, db, world, signed_in):
    iro, child, _review = world
    phone = join_phone(app, db, child=child, iro=iro)
    statement_id = _start(phone)
    staff = signed_in(iro)
    page = staff.get(f"/children/{child.id}").get_data(as_text=True)
    assert "Views given on their own phone" in page and f"/statements/{statement_id}" in page
    shown = staff.get(f"/statements/{statement_id}").get_data(as_text=True)
    assert "Given on their own phone" in shown


def test_a_tablet_in_child_mode_cannot_start_it(hand_over):
    tablet = hand_over()
    assert tablet.client.post("/phone/meeting").status_code == 403


def test_the_iro_cannot_hand_the_tablet_over_on_the_phones_visit(app, db, world, signed_in):
    iro, child, _review = world
    statement = db.get(Statement, _start(join_phone(app, db, child=child, iro=iro)))
    staff = signed_in(iro)
    assert staff.get(f"/visits/{statement.visit_id}/hand-over").status_code == 404
    assert staff.post(f"/visits/{statement.visit_id}/hand-over", {"version": "younger", "language": "en-GB", "parts": "views"}).status_code == 404


def test_finished_views_count_as_new_on_the_caseload_until_reviewed(app, db, world, signed_in):
    iro, child, review = world
    phone = join_phone(app, db, child=child, iro=iro)
    statement_id = _start(phone)
    staff = signed_in(iro)
    assert "new from Aisha" not in staff.get("/caseload").get_data(as_text=True)  # still a draft
    assert phone.post(f"/child/statements/{statement_id}/sharing", {"sharing": "meeting"}).status_code == 302
    assert "1 new from Aisha" in staff.get("/caseload").get_data(as_text=True)
    panel = staff.get(f"/children/{child.id}").get_data(as_text=True).split('id="own-phone"')[1]
    assert f"/statements/{statement_id}" in panel and "Read the views given on their own phone" in panel and "finished" in panel
    assert staff.post(f"/statements/{statement_id}/reviewed").status_code == 302
    assert "new from Aisha" not in staff.get("/caseload").get_data(as_text=True)
