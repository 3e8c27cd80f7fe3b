"""Choosing a language: at hand-over, by the child on the first screen, and by parents; the page follows it."""

from __future__ import annotations

import html

import pytest
from sqlmodel import select

from tests.feedback_helpers import conference, link
from tests.test_parents import Parent
from voice_app.i18n import LANGUAGES, shipped_languages
from voice_app.models import Role, Statement, StatementEnd, utcnow

pytestmark = pytest.mark.any_database(reason="which language a page is in (a short code kept as plain text)")

pytest_plugins = ["tests.child_support"]  # the hand_over fixture

ACCESS_TESTED_ENDPOINTS = {"child.choose_language"}


def _statement(db, statement_id: int) -> Statement:
    db.expire_all()
    return db.exec(select(Statement).where(Statement.id == statement_id)).one()


def test_every_language_is_shipped_with_a_compiled_catalogue():
    assert shipped_languages() == LANGUAGES


def test_hand_over_offers_every_language_in_its_own_name_and_english(make, signed_in):
    iro = make.staff(Role.IRO)
    visit = make.visit(make.review(make.child(iro)), iro=iro)
    page = signed_in(iro).get(f"/visits/{visit.id}/hand-over").get_data(as_text=True)
    for lang in LANGUAGES:
        assert f'value="{lang.code}"' in page and lang.native_name in page and lang.english_name in page


def test_the_language_chosen_at_hand_over_is_stored_and_spoken(make, signed_in, db):
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    child = make.child(iro, name="Ana")
    visit = make.visit(make.review(child), iro=iro)
    client = signed_in(iro)
    response = client.post(f"/visits/{visit.id}/hand-over", {"version": "younger", "language": "ar", "parts": "views,menu"})
    statement_id = int(response.headers["Location"].split("/statements/")[1].split("#")[0])
    assert _statement(db, statement_id).language == "ar"
    page = client.get(f"/child/statements/{statement_id}").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "مرحباً يا Ana!" in page and "Tell us what you think" not in page


def test_the_child_changes_language_on_the_first_screen(hand_over, db):
    tablet = hand_over()
    first = tablet.client.get(tablet.url()).get_data(as_text=True)
    assert 'lang="cy"' in first and "Cymraeg" in first and "العربية" in first
    response = tablet.client.post(tablet.url("/language"), {"language": "cy"})
    assert response.status_code == 302 and response.headers["Location"] == tablet.url()
    assert _statement(db, tablet.statement_id).language == "cy"
    page = html.unescape(tablet.client.get(tablet.url()).get_data(as_text=True))
    assert '<html lang="cy" dir="ltr">' in page and "Helô, Ana!" in page and "Sut wyt ti'n teimlo heddiw?" in page
    # Every later page of the conversation is Welsh too.
    answered = tablet.answer("feel-today", {"choice": "happy"})
    page = html.unescape(tablet.client.get(answered.headers["Location"]).get_data(as_text=True))
    assert "Sut mae hi lle rwyt ti'n byw?" in page
    assert "Dewis dy iaith" not in page  # the choice is on the first screen only


def test_a_language_that_is_not_shipped_is_refused(hand_over, db):
    tablet = hand_over()
    assert tablet.client.post(tablet.url("/language"), {"language": "xx"}).status_code == 400
    assert _statement(db, tablet.statement_id).language == "en-GB"


def test_a_finished_statement_keeps_its_language(hand_over, db):
    tablet = hand_over()
    statement = _statement(db, tablet.statement_id)
    statement.ended_at, statement.end_reason = utcnow(), StatementEnd.FINISHED
    db.add(statement)
    db.commit()
    tablet.client.post(tablet.url("/language"), {"language": "pl"})
    assert _statement(db, tablet.statement_id).language == "en-GB"


def test_choosing_a_language_needs_this_tablets_hand_over(hand_over, client):
    tablet = hand_over()
    assert client.post(tablet.url("/language"), {"language": "cy"}).status_code == 404


@pytest.fixture
def parent_link(db, make):
    iro = make.staff(Role.IRO)
    review = conference(make, make.child(iro, on_cp_plan=True))
    return link(db, review, by=iro)


def test_parents_see_english_first_and_every_language_to_choose(app, parent_link):
    page = Parent(app, parent_link.token).get().get_data(as_text=True)
    assert '<html lang="en-GB" dir="ltr"' in page and "Tell us how the conference went for you" in page
    for lang in LANGUAGES:
        assert f"?lang={lang.code}" in page and lang.native_name in page


def test_a_parents_language_is_kept_for_the_whole_questionnaire(app, parent_link):
    parent = Parent(app, parent_link.token)
    page = parent.client.get(f"/p/{parent_link.token}?lang=fa").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl"' in page and "به ما بگویید نشست برای شما چطور گذشت" in page
    parent.get()
    question = parent.client.get(parent.post("/start").headers["Location"]).get_data(as_text=True)
    assert '<html lang="fa" dir="rtl"' in question and "موافقم" in question


def test_an_unknown_language_link_leaves_the_language_alone(app, parent_link):
    parent = Parent(app, parent_link.token)
    parent.client.get(f"/p/{parent_link.token}?lang=cy")
    page = parent.client.get(f"/p/{parent_link.token}?lang=zz").get_data(as_text=True)
    assert '<html lang="cy"' in page
