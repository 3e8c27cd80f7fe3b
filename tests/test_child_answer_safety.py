"""What is stored is what the child saw: late answers refused, repeats acknowledged once, changes win."""

import html as html_module
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from tests.child_support import make_statement
from voice_app.child.flow import AnswerInput, Sent, find_receipt, is_current, load_answers, save_answer
from voice_app.child.forms import answer_sent
from voice_app.models import Answer, AnswerChoice, AnswerReceipt, Role, Statement
from voice_app.questions.bank import default_bank

BANK = default_bank()
pytest_plugins = ["tests.child_support"]  # the hand_over fixture


def _text(response):
    return html_module.unescape(response.get_data(as_text=True))


def _id() -> str:
    return uuid.uuid4().hex


def _choices(db, question_id):
    answer = db.exec(select(Answer).where(Answer.question_id == question_id)).one()
    return sorted(c.choice_id for c in db.exec(select(AnswerChoice).where(AnswerChoice.answer_id == answer.id)).all())


# ----- through the web ------------------------------------------------------------------------------


def test_every_answer_form_carries_a_fresh_client_id(hand_over):
    tablet = hand_over()
    first = _text(tablet.client.get(tablet.url()))
    again = _text(tablet.client.get(tablet.url()))
    assert 'name="client_id"' in first
    pick = lambda page: page.split('name="client_id" value="')[1].split('"')[0]  # noqa: E731
    assert len(pick(first)) >= 16 and pick(first) != pick(again)


def test_a_second_tap_on_an_answered_question_is_refused_with_the_conversation(hand_over, db):
    tablet = hand_over()
    assert tablet.answer("feel-today", {"choice": "happy", "client_id": _id()}, htmx=True).status_code == 200
    late = tablet.answer("feel-today", {"choice": "ok", "client_id": _id()}, htmx=True)
    assert late.status_code == 409
    assert late.headers["HX-Retarget"] == "#conversation" and late.headers["HX-Reswap"] == "outerHTML"
    html = _text(late)
    assert html.lstrip().startswith('<div id="conversation"') and "How is it where you live?" in html
    assert "Happy" in html.split('id="answer-feel-today"')[1].split("</li>")[0]
    assert _choices(db, "feel-today") == ["happy"]
    assert len(db.exec(select(AnswerReceipt)).all()) == 1  # the refused one left no trace


def test_a_late_answer_without_javascript_gets_the_whole_page(hand_over, db):
    tablet = hand_over()
    tablet.answer("feel-today", {"choice": "happy"})
    late = tablet.answer("feel-today", {"choice": "sad"})
    assert late.status_code == 409 and "<html" in _text(late) and "How is it where you live?" in _text(late)
    assert _choices(db, "feel-today") == ["happy"]


def test_an_answer_to_a_question_not_yet_asked_is_refused(hand_over, db):
    tablet = hand_over()
    assert tablet.answer("home", {"choice": "like"}, htmx=True).status_code == 409
    assert not db.exec(select(Answer)).all()


def test_a_change_is_an_explicit_edit_and_always_wins(hand_over, db):
    tablet = hand_over()
    tablet.answer("feel-today", {"choice": "happy"})
    tablet.answer("home", {"choice": "like"})
    changed = tablet.answer("feel-today", {"choice": "sad", "mode": "edit", "client_id": _id()}, htmx=True)
    assert changed.status_code == 200 and _choices(db, "feel-today") == ["sad"]


def test_a_repeated_client_id_is_acknowledged_without_a_second_write(hand_over, db):
    tablet = hand_over()
    sent = _id()
    assert tablet.answer("feel-today", {"choice": "happy", "client_id": sent}, htmx=True).status_code == 200
    stored = db.exec(select(Answer)).one()
    before = (stored.id, stored.updated_at)
    # The same id again, even carrying something else (a replay must never rewrite): acknowledged.
    again = tablet.answer("feel-today", {"choice": "sad", "client_id": sent}, htmx=True)
    assert again.status_code == 200 and again.headers["HX-Retarget"] == "#conversation"
    assert "How is it where you live?" in _text(again)
    db.expire_all()
    stored = db.exec(select(Answer)).one()
    assert (stored.id, stored.updated_at) == before and _choices(db, "feel-today") == ["happy"]
    assert len(db.exec(select(AnswerReceipt)).all()) == 1
    full = tablet.answer("feel-today", {"choice": "happy", "client_id": sent})
    assert full.status_code == 302 and full.headers["Location"] == tablet.url("#step")


def test_a_repeat_is_acknowledged_even_after_the_statement_ended(hand_over):
    tablet = hand_over()
    sent = _id()
    tablet.answer("feel-today", {"choice": "happy", "client_id": sent})
    tablet.client.post(tablet.url("/stop"))
    assert tablet.answer("feel-today", {"choice": "happy", "client_id": sent}, htmx=True).status_code == 200
    assert tablet.answer("home", {"choice": "like", "client_id": _id()}, htmx=True).status_code == 409


@pytest.mark.parametrize("bad", ["short", "x" * 65, "has spaces in it!!", "<script>alert(1)</script>"])
def test_a_malformed_client_id_is_400(hand_over, db, bad):
    tablet = hand_over()
    assert tablet.answer("feel-today", {"choice": "happy", "client_id": bad}).status_code == 400
    assert not db.exec(select(Answer)).all()


def test_when_the_child_tapped_is_kept_only_when_believable(hand_over, db):
    tablet = hand_over()
    tapped = int((time.time() - 90) * 1000)
    tablet.answer("feel-today", {"choice": "happy", "client_id": "a" * 32, "given_at": str(tapped)})
    tablet.answer("home", {"choice": "like", "client_id": "b" * 32, "given_at": str(int((time.time() + 3600) * 1000))})
    receipts = {r.question_id: r for r in db.exec(select(AnswerReceipt)).all()}
    assert abs(receipts["feel-today"].given_at.timestamp() * 1000 - tapped) < 1
    assert receipts["home"].given_at is None  # an hour ahead of the server: the tablet's clock is wrong


def test_answer_sent_reads_the_id_and_time():
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    assert answer_sent({}, now=now) is None
    sent = answer_sent({"client_id": "c" * 20, "given_at": str(int((now - timedelta(minutes=5)).timestamp() * 1000))}, now=now)
    assert sent == Sent("c" * 20, now - timedelta(minutes=5))
    assert answer_sent({"client_id": "c" * 20, "given_at": "soon"}, now=now) == Sent("c" * 20, None)
    with pytest.raises(ValueError):
        answer_sent({"client_id": "../../etc"}, now=now)


def test_a_tap_in_the_same_second_as_the_server_clock_is_believed():
    """The server's timestamps drop milliseconds, the tablet's do not: a tap a moment "after" the server's
    now (same second, or a tablet a little fast) is the child's moment, kept as no later than now."""
    now = datetime(2026, 11, 30, 12, 0, 0, 100000, tzinfo=UTC)
    tapped = now + timedelta(milliseconds=300)
    assert answer_sent({"client_id": "c" * 20, "given_at": str(int(tapped.timestamp() * 1000))}, now=now).given_at == now
    ahead = now + timedelta(minutes=2)
    assert answer_sent({"client_id": "c" * 20, "given_at": str(int(ahead.timestamp() * 1000))}, now=now).given_at is None


# ----- the rules as functions, and races ------------------------------------------------------------


@pytest.fixture
def world(db, make):
    iro = make.staff(Role.IRO)
    child = make.child(iro)
    visit = make.visit(make.review(child), iro=iro)
    return dict(db=db, statement=make_statement(db, visit, child), child=child)


def _first(db, statement, question_id, choices, client_id=None):
    current = load_answers(db, statement_id=statement.id).get(question_id)
    return save_answer(db, statement=statement, question=BANK.get(question_id), given=AnswerInput(choices=choices),
                       scribed=False, bank=BANK, current=current, edit=False, sent=Sent(client_id) if client_id else None)


def test_is_current_is_the_first_unanswered_question(world):
    from voice_app.child.flow import asked_questions

    questions = asked_questions(BANK, statement=world["statement"], child=world["child"], answers={})
    assert is_current(questions, {}, question_id=questions[0].id)
    assert not is_current(questions, {}, question_id=questions[1].id)
    answers = load_answers(world["db"], statement_id=world["statement"].id)
    assert not is_current(questions, answers, question_id="no-such-question")


def test_a_first_answer_never_overwrites_one_already_stored(world):
    db, statement = world["db"], world["statement"]
    assert _first(db, statement, "feel-today", ("happy",), "1" * 32).outcome == "saved"
    late = _first(db, statement, "feel-today", ("ok",), "2" * 32)
    assert late.outcome == "stale" and not late.changed
    assert _choices(db, "feel-today") == ["happy"]
    assert find_receipt(db, statement_id=statement.id, client_id="2" * 32) is None
    assert _first(db, statement, "feel-today", ("ok",), "1" * 32).outcome == "repeat"


def _first_in_thread(engine, statement_id, choice, client_id, barrier, outcomes):
    try:
        with Session(engine, expire_on_commit=False) as db:
            statement = db.get(Statement, statement_id)
            barrier.wait(timeout=10)
            outcomes.append((choice, _first(db, statement, "feel-today", (choice,), client_id).outcome))
    except Exception as exc:  # noqa: BLE001 - reported by the test
        outcomes.append(exc)


@pytest.mark.parametrize("same_id", [False, True], ids=["two-taps", "one-tap-sent-twice"])
def test_racing_first_answers_store_exactly_one(app, world, same_id):
    engine = app.extensions["voice_app_engine"]
    barrier = threading.Barrier(2)
    outcomes: list = []
    ids = ["r" * 32, "r" * 32] if same_id else ["s" * 32, "t" * 32]
    threads = [
        threading.Thread(target=_first_in_thread, args=(engine, world["statement"].id, choice, client_id, barrier, outcomes))
        for choice, client_id in zip(("happy", "sad"), ids, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(outcome for _, outcome in outcomes) == sorted(["repeat" if same_id else "stale", "saved"])
    winner = next(choice for choice, outcome in outcomes if outcome == "saved")
    db = world["db"]
    db.expire_all()
    assert _choices(db, "feel-today") == [winner]
    assert len(db.exec(select(AnswerReceipt)).all()) == 1


def test_the_statement_page_marks_answers_that_arrived_late(hand_over):
    from tests.conftest import PASSWORD

    tablet = hand_over()
    long_ago = int((time.time() - 15 * 60) * 1000)  # given offline a quarter of an hour ago
    tablet.answer("feel-today", {"choice": "happy", "client_id": "l" * 32, "given_at": str(long_ago)})
    tablet.answer("home", {"choice": "like", "client_id": "m" * 32, "given_at": str(int(time.time() * 1000))})
    tablet.client.post("/child/give-back", {"secret": PASSWORD})
    page = _text(tablet.client.get(f"/statements/{tablet.statement_id}"))
    assert page.count("Arrived late") == 1
    feel = page.split('id="item-feel-today"')[1].split("</section>")[0]
    assert "Arrived late" in feel and "kept on the tablet while it had no network" in feel
