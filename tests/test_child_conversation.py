"""The conversation's pages: each works as a plain form (full page) and as an htmx fragment."""

import html as html_module
import re

import pytest
from sqlmodel import select

from tests.child_support import make_statement
from voice_app.child.flow import TEXT_MAX
from voice_app.models import (
    Answer,
    AnswerChoice,
    ChildResponse,
    DecisionOutcome,
    MenuDecision,
    Sharing,
    Statement,
    StatementEnd,
)

HX = {"HX-Request": "true"}

pytest_plugins = ["tests.child_support"]  # the hand_over fixture


def _text(response):
    """The response as text with entities decoded, so wording reads as the child sees it."""
    return html_module.unescape(response.get_data(as_text=True))


def _is_fragment(html: str, starts: str) -> bool:
    return "<html" not in html and html.lstrip().startswith(starts)


def test_the_full_page_is_the_childs_own_page(hand_over):
    tablet = hand_over()
    response = tablet.client.get(tablet.url())
    page = _text(response)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert '<html lang="en-GB" dir="ltr">' in page and 'name="csrf-token"' in page
    assert "js/child.bundle." in page and "css/child.bundle." in page  # content-hashed names
    assert "Hello, Ana!" in page and "How do you feel today?" in page and "1 of " in page
    assert "Caseload" not in page and "/caseload" not in page and "govuk" not in page  # no staff links
    assert "<script>" not in page and 'style="' not in page


def test_the_conversation_as_a_fragment(hand_over):
    tablet = hand_over()
    html = _text(tablet.client.get(tablet.url(), headers=HX))
    assert _is_fragment(html, '<div id="conversation"') and "How do you feel today?" in html


def test_resume_goes_to_the_conversation(hand_over):
    tablet = hand_over()
    response = tablet.client.get("/child/")
    assert response.status_code == 302 and response.headers["Location"] == tablet.url("#step")


def test_answering_without_javascript_redirects_to_the_next_question(hand_over, db):
    tablet = hand_over()
    response = tablet.answer("feel-today", {"choice": "happy"})
    assert response.status_code == 302 and response.headers["Location"] == tablet.url("#step")
    page = _text(tablet.client.get(response.headers["Location"]))
    assert "How is it where you live?" in page and "2 of " in page
    assert re.search(r'href="/child/statements/\d+/questions/feel-today#step"', page)  # tap to change it
    assert db.exec(select(Answer)).one().question_id == "feel-today"


def test_answering_with_htmx_returns_the_answer_bubble_and_the_next_question(hand_over):
    tablet = hand_over()
    response = tablet.answer("feel-today", {"choice": "sad"}, htmx=True)
    html = _text(response)
    assert response.status_code == 200 and _is_fragment(html, '<li class="chat__item" id="answer-feel-today" data-choices="sad">')
    assert "Sad" in html and 'id="step"' in html and "How is it where you live?" in html
    assert "How do you feel today?</h2>" not in html


def test_a_double_post_keeps_one_answer(hand_over, db):
    tablet = hand_over()
    tablet.skip_to("home-people")
    sent = {"choice": ["mum", "pet"], "client_id": "a" * 32}
    first = tablet.answer("home-people", sent, htmx=True)
    second = tablet.answer("home-people", sent, htmx=True)  # a resend: acknowledged, not written again
    assert first.status_code == second.status_code == 200
    mine = db.exec(select(Answer).where(Answer.question_id == "home-people")).one()
    assert len(db.exec(select(AnswerChoice).where(AnswerChoice.answer_id == mine.id)).all()) == 2


def test_changing_an_answer_full_page_and_fragment(hand_over, db):
    tablet = hand_over()
    tablet.answer("feel-today", {"choice": "happy"})
    tablet.answer("home", {"choice": "like"})
    page = _text(tablet.client.get(tablet.url("/questions/feel-today")))
    assert "Keep my answer" in page and 'name="mode" value="edit"' in page and "(your answer)" in page
    fragment = _text(tablet.client.get(tablet.url("/questions/feel-today"), headers=HX))
    assert _is_fragment(fragment, '<div id="conversation"') and 'hx-target="#conversation"' in fragment
    changed = tablet.answer("feel-today", {"choice": "worried", "mode": "edit"}, htmx=True)
    html = _text(changed)
    assert _is_fragment(html, '<div id="conversation"') and "Worried" in html and "Who do you live with?" in html
    assert [c.choice_id for c in db.exec(select(AnswerChoice).join(Answer).where(Answer.question_id == "feel-today")).all()] == ["worried"]
    again = tablet.answer("home", {"choice": "ok", "mode": "edit"})
    assert again.status_code == 302


def test_a_question_that_is_not_asked_is_404(hand_over):
    tablet = hand_over()  # not on a plan: no safety scale
    assert tablet.client.get(tablet.url("/questions/safe-scale")).status_code == 404
    assert tablet.answer("safe-scale", {"scale": "5"}).status_code == 404
    assert tablet.client.get(tablet.url("/questions/no-such")).status_code == 404


def test_skipping(hand_over, db):
    tablet = hand_over()
    html = _text(tablet.answer("feel-today", {"skip": "1", "choice": "happy"}, htmx=True))
    assert "I didn't want to answer this" in html
    answer = db.exec(select(Answer)).one()
    assert answer.skipped and not db.exec(select(AnswerChoice)).all()


def test_nothing_chosen_gets_a_kind_message_full_page_and_fragment(hand_over):
    tablet = hand_over()
    tablet.skip_to("fun")
    full = tablet.answer("fun", {})
    assert full.status_code == 422 and "Tap a picture to answer" in _text(full) and "<html" in _text(full)
    fragment = tablet.answer("fun", {}, htmx=True)
    assert fragment.status_code == 422 and _is_fragment(_text(fragment), '<li id="step"')
    assert 'role="alert"' in _text(fragment)


def test_a_tampered_choice_is_400_not_500(hand_over, db):
    tablet = hand_over()
    assert tablet.answer("feel-today", {"choice": "delete-everything"}).status_code == 400
    assert tablet.answer("feel-today", {"choice": ["happy", "sad"]}).status_code == 400
    assert tablet.client.post(tablet.url("/sharing"), {"sharing": "everyone"}).status_code == 400
    assert not db.exec(select(Answer)).all()


def test_words_are_kept_as_typed_and_escaped(hand_over, db):
    tablet = hand_over(version="older")
    words = "<script>alert('x')</script>\r\nMy room & my cat"
    html = tablet.answer("feel-today", {"choice": "ok", "text": words}, htmx=True).get_data(as_text=True)
    assert db.exec(select(Answer)).one().text == "<script>alert('x')</script>\nMy room & my cat"
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert 'dir="auto"' in html


def test_too_many_words_get_a_kind_message_and_are_kept_in_the_box(hand_over, db):
    tablet = hand_over(version="older")
    long_words = "a" * (TEXT_MAX + 5)
    response = tablet.answer("feel-today", {"choice": "ok", "text": long_words}, htmx=True)
    html = _text(response)
    assert response.status_code == 422 and "a bit shorter" in html and long_words in html
    assert not db.exec(select(Answer)).all()


def test_younger_children_get_no_words_box_unless_their_iro_scribes(hand_over, db):
    younger = hand_over()
    assert "<textarea" not in _text(younger.client.get(younger.url()))
    scribed = hand_over(scribing=True, name="Bea")
    page = _text(scribed.client.get(scribed.url()))
    assert "<textarea" in page and "Jo is writing down what you say." in page
    scribed.answer("feel-today", {"choice": "sad", "text": "Misses her brother"})
    answer = db.exec(select(Answer).where(Answer.statement_id == scribed.statement_id)).one()
    assert answer.scribed and answer.text == "Misses her brother"


def test_menu_items_offer_dont_mind(hand_over, db):
    tablet = hand_over(parts="menu")
    page = _text(tablet.client.get(tablet.url()))
    assert "How would you like your meeting to happen?" in page and "I don't mind" in page and "I don't want to say" in page
    html = _text(tablet.answer("menu-format", {"special": "dont_mind"}, htmx=True))
    assert "I don't mind" in html and "When would you like your meeting to be?" in html  # no place for "don't mind"
    assert db.exec(select(AnswerChoice)).one().choice_id == "dont_mind"


def test_the_safety_scale_for_children_on_a_plan(hand_over, db):
    tablet = hand_over(parts="views", on_cp_plan=True)
    page = _text(tablet.client.get(tablet.url("/questions/safe-scale")))
    assert "0 is Not safe at all" in page and "10 is Really safe" in page and 'name="scale" value="10"' in page
    tablet.skip_to("safe-scale")
    tablet.answer("safe-scale", {"scale": "6"})
    assert db.exec(select(Answer).where(Answer.question_id == "safe-scale")).one().scale == 6


@pytest.mark.parametrize("htmx", [False, True])
def test_finishing_asks_who_may_see_it(hand_over, db, htmx):
    tablet = hand_over()
    headers = HX if htmx else {}
    ask = tablet.client.get(tablet.url("/finish"), headers=headers)
    assert "Who can see what you told us today?" in _text(ask) and ("<html" in _text(ask)) != htmx
    done = tablet.client.post(tablet.url("/sharing"), {"sharing": "iro_only"}, headers=headers)
    if htmx:
        html = _text(done)
        assert _is_fragment(html, '<li id="step"') and "Thank you, Ana!" in html and "Please give the tablet back to Jo." in html
        assert "Only your IRO will see what you said" in html
    else:
        assert done.status_code == 302
        assert "Thank you, Ana!" in _text(tablet.client.get(tablet.url()))
    statement = db.get(Statement, tablet.statement_id)
    assert (statement.end_reason, statement.sharing) == (StatementEnd.FINISHED, Sharing.IRO_ONLY)


@pytest.mark.parametrize("htmx", [False, True])
def test_stopping_asks_kindly_and_keeps_everything(hand_over, db, htmx):
    tablet = hand_over()
    headers = HX if htmx else {}
    tablet.answer("feel-today", {"choice": "angry"})
    ask = _text(tablet.client.get(tablet.url("/stop"), headers=headers))
    assert "Do you want to stop now?" in ask and "carry on" in ask
    stopped = tablet.client.post(tablet.url("/stop"), headers=headers)
    page = _text(stopped) if htmx else _text(tablet.client.get(tablet.url()))
    assert "That's OK, Ana." in page and "Please give the tablet back to Jo." in page
    assert db.get(Statement, tablet.statement_id).end_reason == StatementEnd.STOPPED
    assert db.exec(select(Answer)).one().question_id == "feel-today"


def test_no_answers_after_the_end(hand_over, db):
    tablet = hand_over()
    tablet.client.post(tablet.url("/stop"))
    assert tablet.answer("feel-today", {"choice": "happy"}).status_code == 409
    assert not db.exec(select(Answer)).all()


def _last_time(db, tablet):
    old_visit = tablet.visit  # an earlier visit of the same child
    from voice_app.models import Visit

    earlier = Visit(review_id=old_visit.review_id, iro_id=tablet.iro.id)
    db.add(earlier)
    db.commit()
    current = db.get(Statement, tablet.statement_id)
    old = make_statement(db, earlier, tablet.child, started_at=current.started_at.replace(year=current.started_at.year - 1))
    answer = Answer(statement_id=old.id, question_id="menu-chair")
    db.add(answer)
    db.commit()
    db.add(AnswerChoice(answer_id=answer.id, choice_id="child"))
    db.add(MenuDecision(statement_id=old.id, item_id="menu-chair", outcome=DecisionOutcome.NOT_POSSIBLE, reason_for_child="The judge asked your IRO to chair this one.", decided_by_id=tablet.iro.id))
    db.add(ChildResponse(statement_id=old.id, question_id="worries", we_did="We asked school to help with lunch times.", written_by_id=tablet.iro.id))
    db.commit()


@pytest.mark.parametrize("htmx", [False, True])
def test_the_next_visit_opens_with_you_said_we_did(hand_over, db, htmx):
    tablet = hand_over()
    _last_time(db, tablet)
    page = _text(tablet.client.get(tablet.url(), headers=HX if htmx else {}))
    assert "Last time, you told us what you wanted." in page
    assert "Who would you like to run (chair) your meeting?" in page and "Me" in page
    assert "We couldn't do that this time, because:" in page and "The judge asked your IRO to chair this one." in page
    assert "We asked school to help with lunch times." in page
    assert db.exec(select(ChildResponse)).one().shown_to_child_at is not None
    moved = tablet.client.post(tablet.url("/recap"), headers=HX if htmx else {})
    if htmx:
        assert _is_fragment(_text(moved), '<li id="step"') and "How do you feel today?" in _text(moved)
    else:
        assert moved.status_code == 302
    assert "Last time, you told us" not in _text(tablet.client.get(tablet.url()))


def test_every_page_of_the_conversation_carries_the_lang_and_no_inline_code(hand_over):
    tablet = hand_over(version="older", on_cp_plan=True)
    for path in ["", "/questions/home-people", "/questions/safe-scale", "/questions/anything-else", "/finish", "/stop"]:
        page = _text(tablet.client.get(tablet.url(path)))
        assert 'lang="en-GB"' in page and "<script>" not in page and " style=" not in page and " onclick" not in page
    give_back = _text(tablet.client.get("/child/give-back"))
    assert "Taking the tablet back" in give_back and 'autocomplete="current-password"' in give_back
