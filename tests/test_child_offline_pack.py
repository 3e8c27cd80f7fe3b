"""A whole conversation without a network, server side: the offline pack, and answers sent late from a staff page."""

import json
import re
import time
from datetime import timedelta

from sqlmodel import select

from tests.child_support import make_statement  # noqa: F401 - the fixtures' module
from voice_app.child.flow import late_arrivals
from voice_app.models import Answer, AnswerChoice, AnswerReceipt, Role, Statement, StatementEnd, utcnow

pytest_plugins = ["tests.child_support"]

ACCESS_TESTED_ENDPOINTS = {"child.offline_pack", "handover.waiting_answer"}


def pack_of(tablet, code="en-GB"):
    response = tablet.client.get(tablet.url(f"/pack/{code}.json"))
    assert response.status_code == 200, response.status_code
    assert response.headers["Cache-Control"] == "no-store"
    return json.loads(response.get_data(as_text=True))


def _same_step(html: str) -> str:
    """A step without what differs per render (tokens, the form's id) or per branch (its numbers)."""
    html = re.sub(r'name="csrf_token" value="[^"]*"', "", html)
    html = re.sub(r'name="client_id" value="[^"]*"', "", html)
    return re.sub(r"\s+", " ", html).strip()


def test_the_pack_holds_every_step_the_child_may_be_asked_with_show_if_as_data(hand_over):
    tablet = hand_over(name="Ana")
    pack = pack_of(tablet)
    ids = [q["id"] for q in pack["questions"]]
    assert ids[0] == "feel-today" and "menu-where" in ids  # the branch is there, whatever the child answers
    where = next(q for q in pack["questions"] if q["id"] == "menu-where")
    assert where["show_if"] == {"question": "menu-format", "any_of": ["face_to_face", "hybrid"]}
    assert all(q["step"].count("@@number@@") >= 2 and "@@total@@" in q["step"] for q in pack["questions"])
    assert "Thank you, Ana!" in pack["done"]["finished-meeting"] and "Ana" in pack["header"]
    assert "Only your" in pack["done"]["finished-iro_only"] and "That's OK, Ana." in pack["done"]["stopped"]
    assert "Who can see what you told us today?" in pack["sharing"] and "Do you want to stop now?" in pack["stop"]
    assert "start" in pack  # no answer yet: the child may still choose a language


def test_the_pack_renders_a_step_exactly_as_the_online_flow(hand_over):
    tablet = hand_over()
    pack = pack_of(tablet)
    page = tablet.client.get(tablet.url(), headers={"HX-Request": "true"}).get_data(as_text=True)
    online = re.search(r'<li id="step".*?</li>\s*</ol>', page, re.S).group(0).rsplit("</ol>", 1)[0]
    total = len(re.findall(r'data-question="', page)) and re.search(r'max="(\d+)"', online).group(1)
    offline = pack["questions"][0]["step"].replace("@@number@@", "1").replace("@@total@@", total)
    assert _same_step(offline) == _same_step(online)


def test_other_languages_only_while_the_child_may_choose_one(hand_over):
    tablet = hand_over()
    arabic = pack_of(tablet, "ar")
    assert arabic["dir"] == "rtl" and "كيف تشعر اليوم؟" in arabic["questions"][0]["step"]
    assert tablet.client.get(tablet.url("/pack/xx.json")).status_code == 404
    assert tablet.answer("feel-today", {"choice": "happy"}).status_code == 302
    assert tablet.client.get(tablet.url("/pack/ar.json")).status_code == 404  # the languages are no longer offered
    assert "start" not in pack_of(tablet)


def test_the_pack_is_for_child_mode_only_and_never_keeps_a_hand_over_alive(hand_over, client, db):
    assert client.get("/child/statements/1/pack/en-GB.json").status_code == 404
    tablet = hand_over()
    from voice_app.models import Handover

    handover = db.exec(select(Handover)).one()
    before = handover.expires_at
    pack_of(tablet)
    db.refresh(handover)
    assert handover.expires_at == before


# ----- answers still waiting after give-back, sent from a staff page ---------------------------------------


def waiting(client, tablet, what: str, fields: dict, *, minutes_ago: int = 10, statement_id=None):
    sid = statement_id or tablet.statement_id
    data = {"path": f"/child/statements/{sid}/{what}", **fields}
    if what.startswith("questions/"):
        data.setdefault("given_at", str(int((time.time() - minutes_ago * 60) * 1000)))
    return client.post(f"/statements/{tablet.statement_id}/waiting-answers", data)


def given_back(tablet, signed_in):
    """The IRO, signed in on a staff page (a fresh session: child mode is over)."""
    return signed_in(tablet.iro)


def test_waiting_answers_are_saved_in_order_once_and_marked_late(hand_over, signed_in, db):
    tablet = hand_over()
    iro = given_back(tablet, signed_in)
    first = waiting(iro, tablet, "questions/feel-today", {"choice": "sad", "client_id": "a" * 32})
    assert first.status_code == 200 and first.get_json() == {"outcome": "saved"}
    again = waiting(iro, tablet, "questions/feel-today", {"choice": "sad", "client_id": "a" * 32})
    assert again.status_code == 200 and again.get_json() == {"outcome": "repeat"}
    assert waiting(iro, tablet, "questions/home", {"skip": "1", "client_id": "b" * 32}).status_code == 200
    # Not the current question any more (or not yet): refused, as in child mode.
    assert waiting(iro, tablet, "questions/feel-today", {"choice": "happy", "client_id": "c" * 32}).status_code == 409
    assert waiting(iro, tablet, "questions/school", {"choice": "good", "client_id": "d" * 32}).status_code == 409
    stored = db.exec(select(Answer).order_by(Answer.id)).all()
    assert [a.question_id for a in stored] == ["feel-today", "home"]
    assert db.exec(select(AnswerChoice.choice_id)).all() == ["sad"]
    assert len(db.exec(select(AnswerReceipt)).all()) == 2
    assert set(late_arrivals(db, statement_id=tablet.statement_id)) == {"feel-today", "home"}


def test_a_waiting_ending_or_language_is_taken_too(hand_over, signed_in, db):
    tablet = hand_over()
    iro = given_back(tablet, signed_in)
    assert waiting(iro, tablet, "language", {"language": "pl"}).status_code == 200
    assert waiting(iro, tablet, "recap", {}).status_code == 200
    assert waiting(iro, tablet, "sharing", {"sharing": "iro_only"}).status_code == 200
    statement = db.get(Statement, tablet.statement_id)
    db.refresh(statement)
    assert statement.language == "pl" and statement.end_reason == StatementEnd.FINISHED and statement.sharing.value == "iro_only"
    # The conversation has ended: a first answer arriving now is refused, never added.
    assert waiting(iro, tablet, "questions/feel-today", {"choice": "sad", "client_id": "e" * 32}).status_code == 409


def test_only_the_childs_own_iro_may_send_them(hand_over, signed_in, make, client, db):
    tablet = hand_over()
    other = signed_in(make.staff(Role.IRO))
    manager = signed_in(make.staff(Role.MANAGER))
    fields = {"choice": "sad", "client_id": "a" * 32}
    assert waiting(other, tablet, "questions/feel-today", fields).status_code == 404
    assert waiting(manager, tablet, "questions/feel-today", fields).status_code == 403
    anonymous = waiting(client, tablet, "questions/feel-today", fields)
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]
    iro = given_back(tablet, signed_in)
    unforged = iro.post(f"/statements/{tablet.statement_id}/waiting-answers", {"path": "x"}, csrf=False)
    assert unforged.status_code == 400
    assert iro.post("/statements/999999/waiting-answers", {}).status_code == 404
    assert not db.exec(select(Answer)).all()


def test_what_is_not_a_waiting_answer_is_a_clear_400(hand_over, signed_in, make, db):
    tablet = hand_over()
    iro = given_back(tablet, signed_in)
    sid = tablet.statement_id
    cases = [
        {"path": f"/child/statements/{sid + 1}/questions/feel-today", "choice": "sad", "client_id": "a" * 32},
        {"path": "/caseload", "client_id": "a" * 32},
        {"path": f"/child/statements/{sid}/questions/feel-today", "choice": "sad"},  # no id
        {"path": f"/child/statements/{sid}/questions/feel-today", "choice": "sad", "client_id": "bad id!"},
        {"path": f"/child/statements/{sid}/questions/feel-today", "choice": "no-such-card", "client_id": "a" * 32},
        {"path": f"/child/statements/{sid}/language", "language": "xx"},
        {"path": f"/child/statements/{sid}/sharing", "sharing": "everyone"},
    ]
    for data in cases:
        assert iro.post(f"/statements/{sid}/waiting-answers", data).status_code == 400, data
    assert not db.exec(select(Answer)).all()


def test_a_tablet_clock_far_ahead_is_not_believed(hand_over, signed_in, db):
    tablet = hand_over()
    iro = given_back(tablet, signed_in)
    ahead = str(int((time.time() + 3600) * 1000))
    assert (
        waiting(iro, tablet, "questions/feel-today", {"choice": "ok", "client_id": "f" * 32, "given_at": ahead}).status_code
        == 200
    )
    receipt = db.exec(select(AnswerReceipt)).one()
    assert receipt.given_at is None and receipt.received_at > utcnow() - timedelta(minutes=1)


def test_an_offline_sequence_replays_in_order_without_a_409_and_again_as_repeats(hand_over, db):
    """What the pack let the child answer offline, sent in order: the server's current question advances with it."""
    tablet = hand_over()
    pack = pack_of(tablet)
    answers, sent = {}, []
    for question in pack["questions"]:  # the flow as the page script walks it: show_if from the pack's data
        rule = question["show_if"]
        if rule and not set(answers.get(rule["question"], ())) & set(rule["any_of"]):
            continue
        card = "face_to_face" if question["id"] == "menu-format" else (question["choices"] or [None])[0]
        fields = {"choice": card} if card else {"skip": "1"}
        answers[question["id"]] = [card] if card else []
        sent.append((question["id"], {**fields, "client_id": f"{len(sent):032d}", "given_at": str(int(time.time() * 1000))}))
    assert "menu-where" in [qid for qid, _ in sent]  # the branch the child took offline
    for qid, fields in sent:
        response = tablet.answer(qid, fields, htmx=True)
        assert response.status_code == 200, (qid, response.status_code)
    for qid, fields in sent:  # the tablet sends it all again (a response lost on the way): repeats, never a 409
        assert tablet.answer(qid, fields, htmx=True).status_code == 200
    assert [a.question_id for a in db.exec(select(Answer).order_by(Answer.id)).all()] == [qid for qid, _ in sent]
    assert len(db.exec(select(AnswerReceipt)).all()) == len(sent)
