"""Handing the tablet to a child: who may, the capability token, child mode's lock, and taking it back."""

import hashlib
import threading
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from voice_app.child.handover import HandoverOptions, check_handover, start_handover
from voice_app.models import (
    FlowVersion,
    Handover,
    Role,
    StaffUser,
    Statement,
    VisitStatus,
    utcnow,
)
from voice_app.security import CHILD_MODE_KEY

ACCESS_TESTED_ENDPOINTS = {
    "handover.setup",
    "child.resume",
    "child.conversation",
    "child.question",
    "child.answer",
    "child.recap_seen",
    "child.finish",
    "child.sharing",
    "child.stop_confirm",
    "child.stop",
    "child.give_back",
}
CHILD_GETS = ["/child/", "/child/statements/{s}", "/child/statements/{s}/questions/feel-today", "/child/statements/{s}/finish", "/child/statements/{s}/stop", "/child/give-back"]
CHILD_POSTS = ["/child/statements/{s}/questions/feel-today", "/child/statements/{s}/recap", "/child/statements/{s}/sharing", "/child/statements/{s}/stop", "/child/give-back"]

pytest_plugins = ["tests.child_support"]  # the hand_over fixture


@pytest.fixture
def world(make):
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    other = make.staff(Role.IRO)
    child = make.child(iro, name="Ana")
    review = make.review(child)
    visit = make.visit(review, iro=iro)
    return dict(iro=iro, other=other, child=child, review=review, visit=visit, make=make)


START = {"version": "younger", "language": "en-GB", "parts": "views,menu"}


def test_hand_over_needs_sign_in(client, world):
    for response in (client.get(f"/visits/{world['visit'].id}/hand-over"), client.post(f"/visits/{world['visit'].id}/hand-over", START)):
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_another_iros_child_is_404_and_admins_are_403(signed_in, world):
    url = f"/visits/{world['visit'].id}/hand-over"
    assert signed_in(world["other"]).get(url).status_code == 404
    assert signed_in(world["other"]).post(url, START).status_code == 404
    assert signed_in(world["make"].staff(Role.ADMIN)).get(url).status_code == 403
    assert signed_in(world["make"].staff(Role.MANAGER)).get(url).status_code == 200


def test_a_declined_visit_cannot_be_handed_over(signed_in, world):
    declined = world["make"].visit(world["review"], iro=world["iro"], status=VisitStatus.DECLINED, declined_reason="Busy")
    assert signed_in(world["iro"]).get(f"/visits/{declined.id}/hand-over").status_code == 404


def test_the_child_page_offers_the_hand_over_for_planned_and_done_visits(signed_in, world):
    world["make"].visit(world["review"], iro=world["iro"], status=VisitStatus.DECLINED, declined_reason="Busy")
    page = signed_in(world["iro"]).get(f"/children/{world['child'].id}").get_data(as_text=True)
    assert page.count("Hand the tablet to Ana") == 1
    assert f"/visits/{world['visit'].id}/hand-over" in page


def test_setup_suggests_a_version_by_age_and_offers_english(signed_in, world):
    page = signed_in(world["iro"]).get(f"/visits/{world['visit'].id}/hand-over").get_data(as_text=True)
    assert 'checked class="govuk-radios__input" id="version-1" name="version" required type="radio" value="older"' in page  # born 2014
    assert '<option selected value="en-GB">English</option>' in page


def test_starting_creates_the_statement_a_hashed_token_and_child_mode(signed_in, world, db):
    client = signed_in(world["iro"])
    response = client.post(f"/visits/{world['visit'].id}/hand-over", dict(START, scribing="y"))
    statement = db.exec(select(Statement)).one()
    assert response.headers["Location"].endswith(f"/child/statements/{statement.id}#question-title")  # the first question, focused by the browser
    assert (statement.version, statement.parts, statement.scribed, statement.scribe_id) == (FlowVersion.YOUNGER, "views,menu", True, world["iro"].id)
    handover = db.exec(select(Handover)).one()
    with client.raw.session_transaction() as session:
        state = session[CHILD_MODE_KEY]
    assert state["handover"] == handover.id and state["scribing"] is True
    assert handover.token_hash == hashlib.sha256(state["token"].encode()).hexdigest() and state["token"] not in handover.token_hash
    assert handover.expires_at - handover.created_at == timedelta(minutes=120)


def test_a_double_tap_on_start_makes_one_statement(signed_in, world, db):
    client = signed_in(world["iro"])
    with client.raw.session_transaction() as session:
        before = dict(session)
    client.post(f"/visits/{world['visit'].id}/hand-over", START)
    with client.raw.session_transaction() as session:  # the second tap was sent with the first tap's cookie
        session.clear()
        session.update(before)
    # The first tap ended the staff session on this tablet, so the second one reaches nothing.
    second = client.post(f"/visits/{world['visit'].id}/hand-over", START)
    assert second.status_code == 302 and "/sign-in" in second.headers["Location"]
    assert len(db.exec(select(Statement)).all()) == 1 and len(db.exec(select(Handover)).all()) == 1


def test_simultaneous_starts_make_one_statement(app, world, db):
    engine = app.extensions["voice_app_engine"]
    options = HandoverOptions(FlowVersion.OLDER, "en-GB", "views", False)
    barrier = threading.Barrier(3)
    errors = []

    def start():
        try:
            with Session(engine, expire_on_commit=False) as session:
                visit, child, iro = (session.merge(world[k]) for k in ("visit", "child", "iro"))
                barrier.wait(timeout=10)
                start_handover(session, visit=visit, child=child, user=iro, options=options, minutes=5)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert len(db.exec(select(Statement)).all()) == 1


def test_handing_over_again_resumes_and_reopens_the_statement(hand_over, db):
    tablet = hand_over()
    tablet.answer("feel-today", {"choice": "happy"})
    tablet.client.post(tablet.url("/stop"))
    back = tablet.client.post("/child/give-back", {"secret": "correct horse battery staple"})
    tablet.client.get(back.headers["Location"])  # a new staff session, with its own CSRF token
    again = tablet.client.post(f"/visits/{tablet.visit.id}/hand-over", dict(START, version="older"))
    assert again.status_code == 302
    statement = db.get(Statement, tablet.statement_id)
    db.refresh(statement)
    assert statement.ended_at is None and statement.version == FlowVersion.OLDER
    page = tablet.client.get(tablet.url()).get_data(as_text=True)
    assert "How is it where you live?" in page  # carries on after the first answer


@pytest.mark.parametrize("url", ["/caseload", "/children/{child}", "/visits/{visit}/hand-over", "/admin/staff", "/no-such-page"])
def test_child_mode_refuses_every_staff_url(hand_over, url):
    tablet = hand_over()
    response = tablet.client.get(url.format(child=tablet.child.id, visit=tablet.visit.id))
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "being used by a child" in page and 'href="/child/"' in page


def test_child_mode_refuses_signing_out(hand_over):
    tablet = hand_over()
    assert tablet.client.post("/sign-out").status_code == 403


def test_child_pages_need_child_mode(signed_in, world):
    client = signed_in(world["iro"])
    for url in CHILD_GETS:
        assert client.get(url.format(s=1)).status_code == 404
    for url in CHILD_POSTS:
        assert client.post(url.format(s=1), {"choice": "happy", "sharing": "meeting"}).status_code == 404


def test_another_statement_is_404_in_child_mode(hand_over, db, make):
    tablet = hand_over()
    other = hand_over(name="Zed")
    for url in CHILD_GETS[1:-1]:
        assert tablet.client.get(url.format(s=other.statement_id)).status_code == 404
    for url in CHILD_POSTS[:-1]:
        assert tablet.client.post(url.format(s=other.statement_id), {"choice": "happy", "sharing": "meeting"}).status_code == 404
    assert db.get(Statement, other.statement_id).ended_at is None
    page = tablet.client.get(f"/child/statements/{other.statement_id}").get_data(as_text=True)
    assert "find that page" in page and "Caseload" not in page and "css/child." in page  # the child's own kind page


def _expire(db, tablet, **fields):
    handover = db.exec(select(Handover).where(Handover.statement_id == tablet.statement_id)).one()
    for key, value in fields.items():
        setattr(handover, key, value)
    db.add(handover)
    db.commit()


@pytest.mark.parametrize("field", ["expires_at", "ended_at"])
def test_an_expired_or_ended_hand_over_pauses_kindly(hand_over, db, field):
    tablet = hand_over()
    _expire(db, tablet, **{field: utcnow() - timedelta(minutes=10)})  # past the grace for a last tap
    response = tablet.answer("feel-today", {"choice": "happy"})
    assert response.status_code == 403 and "Time for a break" in response.get_data(as_text=True)
    fragment = tablet.client.get(tablet.url(), headers={"HX-Request": "true"})
    assert fragment.status_code == 403 and fragment.get_data(as_text=True).lstrip().startswith("<li id=\"step\"")
    assert tablet.client.get("/child/give-back").status_code == 200  # the IRO can still take it back
    assert tablet.client.get("/caseload").status_code == 403


def test_a_tampered_token_ends_the_whole_session(hand_over):
    tablet = hand_over()
    with tablet.client.raw.session_transaction() as session:
        state = dict(session[CHILD_MODE_KEY])
        state["token"] = "guessed"
        session[CHILD_MODE_KEY] = state
    response = tablet.client.get(tablet.url())
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")
    assert tablet.client.get("/caseload").status_code == 302  # signed out: staff pages need a sign-in again


def test_check_handover_states(app, hand_over, db):
    tablet = hand_over()
    with tablet.client.raw.session_transaction() as session:
        state = session[CHILD_MODE_KEY]
    assert check_handover(db, handover_id=state["handover"], token=state["token"]).state == "ok"
    assert check_handover(db, handover_id=state["handover"], token=state["token"] + "x").state == "invalid"
    assert check_handover(db, handover_id="1", token=state["token"]).state == "invalid"
    assert check_handover(db, handover_id=state["handover"], token=state["token"], now=utcnow() + timedelta(hours=3)).state == "expired"


def test_leaving_needs_the_iros_password(hand_over, db):
    tablet = hand_over()
    wrong = tablet.client.post("/child/give-back", {"secret": "not it"})
    assert wrong.status_code == 422 and "That isn&#39;t right" in wrong.get_data(as_text=True)
    empty = tablet.client.post("/child/give-back", {"secret": ""})
    assert empty.status_code == 422 and "Type your password or PIN" in empty.get_data(as_text=True)
    assert tablet.client.get("/caseload").status_code == 403
    right = tablet.client.post("/child/give-back", {"secret": "correct horse battery staple"})
    assert right.status_code == 302 and right.headers["Location"] == f"/statements/{tablet.statement_id}"
    assert db.exec(select(Handover)).one().ended_at is not None
    page = tablet.client.get(right.headers["Location"]).get_data(as_text=True)
    assert "Welcome back. Every answer Ana gave that reached voice-app is saved." in page
    assert tablet.client.get(tablet.url()).status_code == 404


def test_a_pin_set_at_hand_over_also_takes_the_tablet_back(hand_over, db):
    tablet = hand_over(pin="4821")
    db.expire_all()
    stored = db.get(StaffUser, tablet.iro.id).handback_pin_hash
    assert stored.startswith("$argon2") and "4821" not in stored
    assert tablet.client.post("/child/give-back", {"secret": "1234"}).status_code == 422
    assert tablet.client.post("/child/give-back", {"secret": "4821"}).status_code == 302


def test_a_bad_pin_is_refused_and_a_pin_can_be_forgotten(signed_in, world, db):
    client = signed_in(world["iro"])
    url = f"/visits/{world['visit'].id}/hand-over"
    response = client.post(url, dict(START, pin="12ab"))
    assert response.status_code == 422 and "A PIN is 4 to 8 numbers" in response.get_data(as_text=True)
    user = db.get(StaffUser, world["iro"].id)
    user.handback_pin_hash = "$argon2id$old"
    db.add(user)
    db.commit()
    assert "Stop using my PIN" in client.get(url).get_data(as_text=True)
    client.post(url, dict(START, forget_pin="y"))
    db.refresh(user)
    assert user.handback_pin_hash is None


def test_too_many_wrong_tries_wait_even_for_the_right_password(hand_over):
    tablet = hand_over()
    for _ in range(5):
        assert tablet.client.post("/child/give-back", {"secret": "nope"}).status_code in (422, 429)
    response = tablet.client.post("/child/give-back", {"secret": "correct horse battery staple"})
    assert response.status_code == 429 and "Too many tries" in response.get_data(as_text=True)
    assert tablet.client.get("/caseload").status_code == 403


def test_the_child_page_shows_the_statement_state(hand_over, signed_in):
    tablet = hand_over()
    tablet.answer("feel-today", {"choice": "happy"})
    tablet.answer("home", {"skip": "1"})
    tablet.client.post(tablet.url("/stop"))
    tablet.client.post("/child/give-back", {"secret": "correct horse battery staple"})
    page = tablet.client.get(f"/children/{tablet.child.id}").get_data(as_text=True)
    assert "Child's views: stopped early, 2 answers" in page
