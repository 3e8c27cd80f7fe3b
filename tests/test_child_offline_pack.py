"""A whole conversation without a network, server side: the offline pack, and answers sent late from a staff page."""

import copy
import json
import re
import time
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.child_support import make_statement  # noqa: F401 - the fixtures' module
from voice_app.child.flow import late_arrivals
from voice_app.child.pack_routes import compact, expand_piece
from voice_app.models import Answer, AnswerChoice, AnswerReceipt, Role, Statement, StatementEnd, utcnow

pytest_plugins = ["tests.child_support"]

ACCESS_TESTED_ENDPOINTS = {"child.offline_pack", "handover.waiting_answer"}


def pack_of(tablet, code="en-GB"):
    response = tablet.client.get(tablet.url(f"/pack/{code}.json"))
    assert response.status_code == 200, response.status_code
    assert response.headers["Cache-Control"] == "no-store"
    return json.loads(response.get_data(as_text=True))


def shown(pack, piece: str) -> str:
    """A piece of the pack's markup as the page shows it (shared tags and words back in their place)."""
    return expand_piece(pack, piece)


def sprite_of(tablet) -> str:
    return re.search(r'data-sprite="([^"]+)"', tablet.client.get(tablet.url()).get_data(as_text=True)).group(1)


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
    steps = [shown(pack, q["step"]) for q in pack["questions"]]
    assert all(step.count("@@number@@") >= 2 and "@@total@@" in step for step in steps)
    assert "Thank you, Ana!" in shown(pack, pack["done"]["finished-meeting"]) and "Ana" in shown(pack, pack["header"])
    assert "Only your" in shown(pack, pack["done"]["finished-iro_only"])
    assert "That's OK, Ana." in shown(pack, pack["done"]["stopped"])
    assert "Who can see what you told us today?" in shown(pack, pack["sharing"])
    assert "Do you want to stop now?" in shown(pack, pack["stop"])
    assert "start" in pack  # no answer yet: the child may still choose a language
    assert pack["missing_language"] == "That language is not on this tablet yet. You can choose it when the internet is back."


@pytest.mark.parametrize("version", ["younger", "older"])
def test_every_step_of_a_whole_conversation_is_in_the_pack_as_the_online_flow_shows_it(hand_over, version):
    """Walked online as the tablet asks (htmx, the sprite kept), each step is the pack's, once its numbers are in."""
    tablet = hand_over(version=version)
    pack = pack_of(tablet)
    steps = {q["id"]: shown(pack, q["step"]) for q in pack["questions"]}
    headers = {"HX-Request": "true", "X-Symbol-Sprite": sprite_of(tablet)}
    html = tablet.client.get(tablet.url(), headers=headers).get_data(as_text=True)
    online = re.search(r'<li id="step".*?</li>\s*</ol>', html, re.S).group(0).rsplit("</ol>", 1)[0]
    compared = []
    while (found := re.search(r'data-question="([^"]+)"', online)) is not None:
        qid = found.group(1)
        number, total = re.search(r'<progress max="(\d+)" value="(\d+)"', online).group(2, 1)
        offline = steps[qid].replace("@@number@@", number).replace("@@total@@", total)
        assert _same_step(offline) == _same_step(online), qid
        compared.append(qid)
        choices = next(q["choices"] for q in pack["questions"] if q["id"] == qid)
        card = "face_to_face" if qid == "menu-format" else (choices or [None])[0]
        response = tablet.client.post(tablet.url(f"/questions/{qid}"), {"choice": card} if card else {"skip": "1"}, headers=headers)
        assert response.status_code == 200, (qid, response.status_code)
        online = '<li id="step"' + response.get_data(as_text=True).split('<li id="step"', 1)[1].rstrip()
    assert len(compared) > 15 and "menu-where" in compared  # a whole conversation, down a branch
    assert _same_step(shown(pack, pack["sharing"])) == _same_step(online)  # then "who can see it"


@pytest.mark.parametrize("version", ["younger", "older"])
def test_a_pack_is_held_lightly_in_every_language(hand_over, version):
    """<= 250 KB before compression in each language: pictures named from the sprite, and shared markup once."""
    tablet = hand_over(version=version)
    page = tablet.client.get(tablet.url()).get_data(as_text=True)
    codes = re.findall(r'name="language" value="([^"]+)"', page)
    assert len(codes) == 10
    for code in codes:
        body = tablet.client.get(tablet.url(f"/pack/{code}.json")).get_data()
        assert len(body) <= 250_000, (code, len(body))
        pack = json.loads(body)
        assert pack["format"] == 2 and pack["language"] == code
        assert b"<path" not in body and b"viewBox" not in body  # no drawing: each symbol is a <use> of the sprite
        assert any(f"{sprite_of(tablet)}#" in entry for entry in pack["shared"])
        pieces = [pack["header"], pack["sharing"], pack["stop"], pack["start"], *pack["done"].values()]
        for q in pack["questions"]:
            pieces += [q["step"], q["answered"], q["skip"], q["scale"], q["text"], *q["said"].values()]
        named = [int(place) for piece in pieces for place in re.findall(r"@@(\d+)@@", piece)]
        assert sorted(set(named)) == list(range(len(pack["shared"])))  # each shared piece is used, none is missing
        assert all(named.count(place) >= 2 for place in set(named))  # written once, named where it comes again


def test_the_shared_markup_gives_back_every_piece_as_rendered():
    step = '<li id="step">\n  <p class="speak">Read it</p>\n  <form><p class="speak">Read it</p></form></li>'
    pack = {
        "header": '<header class="child-header"><p class="speak">Read it</p></header>',
        "questions": [{"step": step, "answered": "<li><p>Hello</p></li>", "skip": "<span>Skip</span>",
                       "scale": "<span>@@scale@@</span>", "text": "<span>@@words@@</span>",
                       "said": {"a": '<p class="speak">Read it</p>', "b": "<span>Skip</span>"}}],
        "sharing": "<p>Hello</p>", "stop": "<p>Stop</p>", "done": {"stopped": "<p>Stop</p>"},
    }
    before = copy.deepcopy(pack)
    compact(pack)
    assert '<p class="speak">' in pack["shared"] and "Read it" in pack["shared"]
    assert pack["questions"][0]["said"]["a"] == "@@0@@@@1@@@@2@@" or "@@" in pack["questions"][0]["said"]["a"]
    assert "Read it" not in pack["header"]
    spaced = re.compile(r">\s+<")
    for key in ("header", "sharing", "stop"):
        assert shown(pack, pack[key]) == before[key]
    assert spaced.sub(">\n<", shown(pack, pack["questions"][0]["step"])) == spaced.sub(">\n<", step)
    assert shown(pack, pack["questions"][0]["said"]["a"]) == before["questions"][0]["said"]["a"]
    assert shown(pack, pack["done"]["stopped"]) == "<p>Stop</p>"
    assert shown(pack, "<p>@@total@@</p>") == "<p>@@total@@</p>"  # the stand-ins are not shared markup
    named = {"header": "<p>Ana @@0@@</p>", "questions": [], "done": {}}  # a name that reads like one of the pack's
    compact(named)
    assert shown(named, named["header"]) == "<p>Ana &#64;@0@@</p>"  # shown as typed, never as shared markup


def test_other_languages_only_while_the_child_may_choose_one(hand_over):
    tablet = hand_over()
    arabic = pack_of(tablet, "ar")
    assert arabic["dir"] == "rtl" and "كيف تشعر اليوم؟" in shown(arabic, arabic["questions"][0]["step"])
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
