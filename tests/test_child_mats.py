"""The sorting mat: topics, cards one at a time placed under a scale, the whole mat read back, and moving a card."""

import html as html_module
import re
import uuid

from sqlmodel import select

from voice_app.child.pack_routes import expand_piece
from voice_app.models import Answer, AnswerChoice, AnswerReceipt

pytest_plugins = ["tests.child_support"]  # the hand_over fixture
ACCESS_TESTED_ENDPOINTS = {"child.mat"}  # also in the route x role matrix (tests/attack_support.py)

SCHOOL = ["mat.school.lessons", "mat.school.teacher", "mat.school.friends", "mat.school.lunch", "mat.school.homework", "mat.school.help"]


def _text(response):
    return html_module.unescape(response.get_data(as_text=True))


def _id() -> str:
    return uuid.uuid4().hex


def _placements(db):
    """(card, point or None when put aside) in the order stored."""
    rows = db.exec(select(Answer).order_by(Answer.id)).all()
    found = []
    for answer in rows:
        choices = db.exec(select(AnswerChoice.choice_id).where(AnswerChoice.answer_id == answer.id)).all()
        found.append((answer.question_id, None if answer.skipped else list(choices)))
    return found


def test_a_sorting_mat_child_chooses_a_topic_then_places_each_card_and_sees_the_mat_read_back(hand_over, db):
    tablet = hand_over(version="mat", parts="views")
    page = _text(tablet.client.get(tablet.url()))
    assert 'data-kind="topics"' in page and "What shall we sort? Choose a mat." in page
    assert tablet.url("/mats/school") in page
    first = _text(tablet.client.get(tablet.url("/mats/school")))
    assert 'data-question="mat.school.lessons"' in first and "1 of 6" in first
    assert 'name="choice" value="like"' in first and 'name="choice" value="not_like"' in first
    step = _text(tablet.answer("mat.school.lessons", {"choice": "not_like", "client_id": _id()}, htmx=True))
    assert step.lstrip().startswith('<li id="step"') and 'data-question="mat.school.teacher"' in step and "2 of 6" in step
    assert "Lessons" in step.split('class="mat__cards"')[1]  # placed on the mat, under its column
    assert tablet.answer("mat.school.teacher", {"skip": "1", "client_id": _id()}, htmx=True).status_code == 200
    for card in SCHOOL[2:]:
        response = tablet.answer(card, {"choice": "like", "client_id": _id()})
        assert response.status_code == 302 and response.headers["Location"].endswith("/mats/school#step")
    review = _text(tablet.client.get(tablet.url("/mats/school")))
    assert 'data-kind="mat"' in review
    assert "You put Lessons under I don't like it." in review
    assert "You didn't want to say about My teacher." in review
    assert _placements(db)[:2] == [("mat.school.lessons", ["not_like"]), ("mat.school.teacher", None)]
    topics = _text(tablet.client.get(tablet.url()))
    assert 'data-kind="topics"' in topics and "Done" in topics


def test_a_card_can_be_moved_and_a_stale_or_repeated_placement_is_not_stored(hand_over, db):
    tablet = hand_over(version="mat", parts="views")
    sent = _id()
    assert tablet.answer("mat.school.lessons", {"choice": "like", "client_id": sent}, htmx=True).status_code == 200
    assert tablet.answer("mat.school.lessons", {"choice": "like", "client_id": sent}, htmx=True).status_code == 200  # the same tap again
    stale = tablet.answer("mat.school.lessons", {"choice": "ok", "client_id": _id()}, htmx=True)
    assert stale.status_code == 409 and stale.headers["HX-Retarget"] == "#conversation"  # not the current card: the mat as it is
    assert 'data-question="mat.school.teacher"' in _text(stale) and "Lessons" in _text(stale).split('class="mat__cards"')[1]
    assert tablet.answer("mat.school.homework", {"choice": "ok", "client_id": _id()}, htmx=True).status_code == 409  # not yet
    assert _placements(db) == [("mat.school.lessons", ["like"])]
    assert len(db.exec(select(AnswerReceipt)).all()) == 1
    # Another mat can be started at any time: its own first card is current.
    assert tablet.answer("mat.people.mum", {"choice": "important", "client_id": _id()}, htmx=True).status_code == 200
    move = _text(tablet.client.get(tablet.url("/questions/mat.school.lessons")))
    assert 'name="mode" value="edit"' in move and "Leave it where it is" in move
    moved = tablet.answer("mat.school.lessons", {"choice": "not_like", "mode": "edit", "client_id": _id()}, htmx=True)
    assert moved.status_code == 200 and 'data-question="mat.school.teacher"' in _text(moved)
    assert _placements(db) == [("mat.school.lessons", ["not_like"]), ("mat.people.mum", ["important"])]


def test_a_mat_works_as_plain_forms_and_refuses_an_unknown_mat_or_point(hand_over):
    tablet = hand_over(version="mat", parts="views")
    assert tablet.client.get(tablet.url("/mats/nowhere")).status_code == 404
    assert tablet.answer("mat.school.lessons", {"choice": "purple", "client_id": _id()}).status_code == 400
    page = _text(tablet.client.get(tablet.url("/mats/meeting")))
    assert page.startswith("<!doctype html>") and 'action="/child/statements/' in page
    assert "Yes, please" in page and "No, thank you" in page  # a scale of two points


def test_younger_and_older_conversations_never_offer_the_mats(hand_over):
    tablet = hand_over(version="younger", parts="views")
    back = tablet.client.get(tablet.url("/mats/school"))
    assert back.status_code == 302 and back.headers["Location"].endswith(f"/child/statements/{tablet.statement_id}#step")
    assert tablet.client.get(tablet.url("/mats/nowhere")).status_code == 404
    assert tablet.answer("mat.school.lessons", {"choice": "like"}).status_code == 404


def test_the_offline_pack_holds_every_mat_card_in_the_mat_layout(hand_over):
    tablet = hand_over(version="mat", parts="views,menu")
    response = tablet.client.get(tablet.url("/pack/en-GB.json"))
    pack = response.get_json()
    assert len(response.get_data()) <= 250_000  # the pack's budget (docs/child.md), with every mat in it
    cards = [q for q in pack["questions"] if q["id"].startswith("mat.")]
    assert len(cards) == 57 and cards[0]["id"] == "mat.home.bedroom"  # every mat, in the bank's order
    lessons = next(q for q in cards if q["id"] == "mat.school.lessons")
    step = expand_piece(pack, lessons["step"])  # the markup as the page shows it (shared pieces back in place)
    assert lessons["choices"] == ["like", "ok", "not_like"] and 'data-kind="mat-card"' in step
    assert 'class="mat__point mat__point--button' in step and 'value="not_like"' in step
    # The Child's Menu is asked (younger version) before the mats.
    ids = [q["id"] for q in pack["questions"]]
    assert any(i.startswith("menu-") for i in ids) and ids.index(cards[0]["id"]) > max(i for i, q in enumerate(ids) if q.startswith("menu-"))


def test_a_mat_is_reached_only_through_this_tablets_hand_over(hand_over, client):
    tablet = hand_over(version="mat", parts="views")
    assert client.get(tablet.url("/mats/school")).status_code == 404  # no hand-over in this browser
    assert tablet.client.get(f"/child/statements/{tablet.statement_id + 1}/mats/school").status_code == 404  # not this statement


def test_switch_scanning_meets_the_cards_columns_in_reading_order_before_putting_it_aside(hand_over):
    # static/js/child-scan.js scans the step's buttons and links in document order: the columns come first,
    # in the scale's order (mirrored with the columns in right-to-left languages), then "I don't want to say".
    tablet = hand_over(version="mat", parts="views", access={"access": "auto"})
    page = _text(tablet.client.get(tablet.url("/mats/feelings")))
    assert 'data-access="auto"' in page and "child-scan" in page
    step = page.split('<li id="step"')[1]
    order = [step.index(f'name="choice" value="{point}"') for point in ("happy", "ok", "sad", "worried")]
    assert order == sorted(order) and order[-1] < step.index('name="skip"')


# ----- What moved since the child's last mat of the topic (the finished mat read back) -----

def _earlier_mat(make, db, tablet, answers, *, child=None):
    """A statement on a mat from an earlier visit (of this tablet's child, unless another is given)."""
    from datetime import timedelta

    from tests.statement_factories import AnswerSpec, make_statement
    from voice_app.models import FlowVersion, VisitStatus

    child = child or tablet.child
    visit = make.visit(make.review(child, days_ahead=-150), iro=tablet.iro, status=VisitStatus.DONE)
    earlier = make_statement(db, child=child, visit=visit, version=FlowVersion.MAT,
                             answers=[AnswerSpec(card, [] if point is None else [point], skipped=point is None) for card, point in answers])
    earlier.started_at -= timedelta(days=160)
    db.add(earlier)
    db.commit()
    return earlier


def _place_all(tablet, placements):
    for card, point in placements:
        fields = {"skip": "1"} if point is None else {"choice": point}
        assert tablet.answer(card, {**fields, "client_id": _id()}).status_code == 302


def test_the_finished_mat_says_in_the_childs_words_what_moved_since_their_last_mat(hand_over, make, db):
    tablet = hand_over(version="mat", parts="views")
    _earlier_mat(make, db, tablet, [("mat.school.lessons", "like"), ("mat.school.teacher", None),
                                    ("mat.school.friends", "like"), ("mat.school.lunch", "not_like")])
    _place_all(tablet, [("mat.school.lessons", "not_like"), ("mat.school.teacher", "like"), ("mat.school.friends", "like"),
                        ("mat.school.lunch", None), ("mat.school.homework", "ok"), ("mat.school.help", "ok")])
    review = _text(tablet.client.get(tablet.url("/mats/school")))
    moved = review.split('class="mat__said mat__moved"')[1].split("</ul>")[0]
    said = [" ".join(line.split()) for line in re.findall(r"<li data-say>(.*?)</li>", moved, re.S)]
    assert said == [
        "Last time Lessons was under I like it. Now it is under I don't like it.",
        "Last time you didn't want to say about My teacher. Now it is under I like it.",
        "Last time Eating was under I don't like it. This time you didn't want to say.",
    ]  # Playing with friends stayed; Homework and Help were not on the earlier mat
    assert "why" not in moved.lower()
    # Moving a card back where it was: it no longer reads as moved.
    tablet.answer("mat.school.lessons", {"choice": "like", "mode": "edit", "client_id": _id()})
    again = _text(tablet.client.get(tablet.url("/mats/school")))
    assert "Last time Lessons" not in again and "Last time Eating was under I don't like it." in again


def test_a_first_mat_on_a_topic_says_nothing_about_last_time_and_an_unchanged_one_says_so(hand_over, make, db):
    tablet = hand_over(version="mat", parts="views")
    other = make.child(tablet.iro, name="Bo")
    _earlier_mat(make, db, tablet, [("mat.school.lessons", "not_like")], child=other)  # another child's mat is never compared
    _earlier_mat(make, db, tablet, [("mat.meeting.go", "yes"), ("mat.meeting.video", "no")])
    _place_all(tablet, [(card, "like") for card in SCHOOL])
    school = _text(tablet.client.get(tablet.url("/mats/school")))
    assert "mat__moved" not in school and "Last time" not in school
    _place_all(tablet, [("mat.meeting.go", "yes"), ("mat.meeting.video", "no"), ("mat.meeting.advocate", "no"),
                        ("mat.meeting.iro_shares", "yes"), ("mat.meeting.quiet", None)])
    meeting = _text(tablet.client.get(tablet.url("/mats/meeting")))
    assert "Your cards are in the same places as last time." in meeting and "Last time" not in meeting


def test_what_moved_on_a_mat_is_one_rule_for_the_child_and_the_statement(make, db):
    from datetime import timedelta

    from tests.statement_factories import AnswerSpec, make_statement
    from voice_app.child.flow import SavedAnswer, mat_changes
    from voice_app.models import FlowVersion, Role
    from voice_app.questions.bank import default_bank
    from voice_app.questions.mat_history import earlier_placements

    iro = make.staff(Role.IRO)
    child = make.child(iro)
    first = make_statement(db, child=child, visit=make.visit(make.review(child), iro=iro), version=FlowVersion.MAT,
                           answers=[AnswerSpec("mat.home.pet", ["like"]), AnswerSpec("mat.school.help", ["ok"])])
    first.started_at -= timedelta(days=90)
    db.add(first)
    db.commit()
    now = make_statement(db, child=child, visit=make.visit(make.review(child), iro=iro), version=FlowVersion.MAT, answers=[])
    assert earlier_placements(db, statement=now, mat_id="home") == {"mat.home.pet": "like"}  # only that topic's cards
    assert earlier_placements(db, statement=now) == {"mat.home.pet": "like", "mat.school.help": "ok"}
    bank = default_bank()
    home = bank.mat("home")
    answers = {"mat.home.pet": SavedAnswer("mat.home.pet", skipped=True), "mat.home.tv": SavedAnswer("mat.home.tv", ("like",))}
    changes = mat_changes(db, statement=now, questions=list(home.cards), answers=answers, mat=home, wording=str.upper)
    assert changes.compared and [(m.label, m.was, m.now, m.before) for m in changes.moves] == [("MY PET", "like", None, "I LIKE IT")]
    assert mat_changes(db, statement=first, questions=list(home.cards), answers=answers, mat=home, wording=str).compared is False

def test_going_back_to_the_conversation_carries_on_with_the_mat_begun_and_not_after_it_is_finished(hand_over):
    tablet = hand_over(version="mat", parts="views")
    resume = tablet.client.get("/child/")
    assert resume.status_code == 302 and resume.headers["Location"].endswith(f"/child/statements/{tablet.statement_id}#step")
    assert tablet.answer("mat.school.lessons", {"choice": "like", "client_id": _id()}, htmx=True).status_code == 200
    # The IRO changed how the child answers, or the child came back from "Give the tablet back": the mat's next card.
    resume = tablet.client.get("/child/")
    assert resume.headers["Location"].endswith("/mats/school#step")
    for card in SCHOOL[1:]:
        assert tablet.answer(card, {"choice": "ok", "client_id": _id()}, htmx=True).status_code == 200
    resume = tablet.client.get("/child/")  # the mat is finished: the topics, to choose another
    assert resume.headers["Location"].endswith(f"/child/statements/{tablet.statement_id}#step")
