"""Staff side of parents' feedback: who may reach what, links, QR cards, the tablet view, paper forms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.feedback_helpers import conference, link, response
from voice_app.models import (
    FeedbackLink,
    ParentResponse,
    ResponseSource,
    ReviewStage,
    Role,
    utcnow,
)

ACCESS_TESTED_ENDPOINTS = {
    "feedback.conferences",
    "feedback.conference",
    "feedback.new_link",
    "feedback.revoke",
    "feedback.card",
    "feedback.tablet",
    "feedback.qr_file",
    "feedback.paper",
    "feedback.results",
    "feedback.results_csv",
}
CONFERENCE_GETS = ["/feedback/conferences/{review}", "/feedback/conferences/{review}/paper", "/feedback/links/{link}/card", "/feedback/links/{link}/tablet", "/feedback/links/{link}/qr.svg"]
CONFERENCE_POSTS = ["/feedback/conferences/{review}/links", "/feedback/links/{link}/revoke", "/feedback/conferences/{review}/paper"]
MANAGER_GETS = ["/feedback/results", "/feedback/results/answers.csv"]
ALL_GETS = ["/feedback/conferences", *CONFERENCE_GETS, *MANAGER_GETS]


@pytest.fixture
def world(db, make):
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    chair = make.staff(Role.IRO, name="Chris Chair")
    other = make.staff(Role.IRO, name="Other Iro")
    manager = make.staff(Role.MANAGER)
    admin = make.staff(Role.ADMIN)
    child = make.child(iro, name="Zanzibar", case_reference="CASE-55555", on_cp_plan=True)
    review = conference(make, child, chair=chair)
    item = link(db, review, by=chair)
    ids = dict(review=review.id, link=item.id)
    return dict(iro=iro, chair=chair, other=other, manager=manager, admin=admin, child=child, review=review, link=item, ids=ids)


def _url(template: str, world) -> str:
    return template.format(**world["ids"])


@pytest.mark.parametrize("url", ALL_GETS)
def test_staff_feedback_pages_need_sign_in(client, world, url):
    page = client.get(_url(url, world))
    assert page.status_code == 302 and "/sign-in" in page.headers["Location"]


@pytest.mark.parametrize("url", CONFERENCE_POSTS)
def test_staff_feedback_actions_need_sign_in(client, world, url):
    page = client.post(_url(url, world))
    assert page.status_code == 302 and "/sign-in" in page.headers["Location"]


@pytest.mark.parametrize("url", ALL_GETS)
def test_admins_are_refused(signed_in, world, url):
    assert signed_in(world["admin"]).get(_url(url, world)).status_code == 403


@pytest.mark.parametrize("url", MANAGER_GETS)
def test_results_are_for_managers_only(signed_in, world, url):
    assert signed_in(world["iro"]).get(_url(url, world)).status_code == 403
    assert signed_in(world["manager"]).get(_url(url, world)).status_code == 200


@pytest.mark.parametrize("url", CONFERENCE_GETS)
def test_another_iros_conference_is_404(signed_in, world, url):
    assert signed_in(world["other"]).get(_url(url, world)).status_code == 404


@pytest.mark.parametrize("url", CONFERENCE_POSTS)
def test_another_iro_cannot_change_a_conference(signed_in, world, url):
    assert signed_in(world["other"]).post(_url(url, world), {"max_responses": "2"}).status_code == 404


@pytest.mark.parametrize("who", ["iro", "chair", "manager"])
@pytest.mark.parametrize("url", CONFERENCE_GETS)
def test_the_chair_the_childs_iro_and_managers_may_manage(signed_in, world, who, url):
    assert signed_in(world[who]).get(_url(url, world)).status_code == 200


def test_a_cared_for_review_has_a_feedback_page_for_its_iro_and_managers_only(signed_in, make, world):
    review = make.review(world["child"])
    assert signed_in(world["manager"]).get(f"/feedback/conferences/{review.id}").status_code == 200
    assert signed_in(world["iro"]).get(f"/feedback/conferences/{review.id}").status_code == 200
    assert signed_in(world["other"]).get(f"/feedback/conferences/{review.id}").status_code == 404


def test_the_conference_list_shows_only_conferences_this_iro_may_manage(signed_in, make, world):
    others_child = make.child(world["other"], name="Yardley", on_cp_plan=True)
    conference(make, others_child)
    page = signed_in(world["chair"]).get("/feedback/conferences")
    assert b"Zanzibar" in page.data and b"Yardley" not in page.data
    assert b"Yardley" in signed_in(world["manager"]).get("/feedback/conferences").data


def test_making_a_link_uses_the_configured_days_and_the_chosen_maximum(database_url, make, db):
    from tests.conftest import Client, make_settings
    from voice_app import create_app

    app = create_app(settings=make_settings(database_url, feedback_link_days=10))
    iro = make.staff(Role.IRO)
    review = conference(make, make.child(iro, on_cp_plan=True))
    client = Client(app.test_client())
    client.sign_in(iro.email)
    page = client.get(f"/feedback/conferences/{review.id}")
    assert b"stays open for 10 days" in page.data
    made = client.post(f"/feedback/conferences/{review.id}/links", {"max_responses": "3", "respondent_kind": "parent"})
    assert made.status_code == 302
    (item,) = db.exec(select(FeedbackLink)).all()
    assert item.max_responses == 3 and len(item.token) >= 43
    assert abs((item.expires_at - utcnow()) - timedelta(days=10)) < timedelta(minutes=1)
    app.extensions["voice_app_engine"].dispose()


def test_the_default_is_28_days_and_two_answers(signed_in, db, world):
    client = signed_in(world["chair"])
    assert b'value="2"' in client.get(_url("/feedback/conferences/{review}", world)).data
    client.post(_url("/feedback/conferences/{review}/links", world), {"max_responses": "2", "respondent_kind": "parent"})
    newest = db.exec(select(FeedbackLink).order_by(FeedbackLink.id.desc())).first()
    assert newest.max_responses == 2
    assert abs((newest.expires_at - utcnow()) - timedelta(days=28)) < timedelta(minutes=1)


@pytest.mark.parametrize("value", ["0", "21", "two", ""])
def test_a_bad_maximum_is_explained(signed_in, world, value):
    page = signed_in(world["chair"]).post(_url("/feedback/conferences/{review}/links", world), {"max_responses": value})
    assert page.status_code == 422 and b"There is a problem" in page.data


def test_revoking_closes_the_link_for_parents(app, signed_in, db, world):
    client = signed_in(world["chair"])
    assert client.post(_url("/feedback/links/{link}/revoke", world)).status_code == 302
    db.refresh(world["link"])
    assert world["link"].revoked_at is not None
    assert app.test_client().get(f"/p/{world['link'].token}").status_code == 410
    assert b"Revoked" in client.get(_url("/feedback/conferences/{review}", world)).data
    card = client.get(_url("/feedback/links/{link}/card", world))
    assert card.status_code == 302  # a closed link gets no card


def test_the_card_has_the_link_the_qr_code_and_nothing_about_the_child(signed_in, world):
    page = signed_in(world["chair"]).get(_url("/feedback/links/{link}/card", world))
    body = page.data
    assert world["link"].token.encode() in body
    assert body.count(b'<svg role="img" aria-labelledby="qr-') == 2  # one card per parent who may answer
    assert b"How did the conference go for you?" in body
    card_part = body[body.index(b'class="va-card-sheet"') :]
    for secret in (b"Zanzibar", b"CASE-55555", b"Chris Chair", b"Jo Reviewer"):
        assert secret not in card_part
    assert b"style=" not in body


def test_the_tablet_view_shows_a_big_qr_code_and_nothing_about_the_child(signed_in, world):
    body = signed_in(world["chair"]).get(_url("/feedback/links/{link}/tablet", world)).data
    assert b'<svg role="img"' in body and world["link"].token.encode() in body
    for secret in (b"Zanzibar", b"CASE-55555", b"Chris Chair"):
        assert secret not in body


def test_the_qr_code_downloads_as_an_svg_file(signed_in, world):
    page = signed_in(world["chair"]).get(_url("/feedback/links/{link}/qr.svg", world))
    assert page.mimetype == "image/svg+xml" and page.data.startswith(b"<svg")
    assert "attachment" in page.headers["Content-Disposition"]


def _paper(client, world, answers: dict, **extra):
    form = client.get(_url("/feedback/conferences/{review}/paper", world))
    key = __import__("re").search(rb'id="submission_key" name="submission_key" type="hidden" value="([^"]+)"', form.data).group(1).decode()
    return client.post(_url("/feedback/conferences/{review}/paper", world), {"submission_key": key, **answers, **extra}), key


def test_staff_enter_a_paper_response_once(signed_in, db, world):
    client = signed_in(world["chair"])
    answers = {"q1": "agree", "q2": "blank", "q3": "disagree", "q4": "not_applicable", "q5": "strongly_agree"}
    saved, key = _paper(client, world, answers, comment="Written on paper", name="A parent")
    assert saved.status_code == 302
    again = client.post(_url("/feedback/conferences/{review}/paper", world), {"submission_key": key, **answers})
    assert again.status_code == 302
    (stored,) = db.exec(select(ParentResponse)).all()
    assert (stored.source, stored.entered_by_id, stored.link_id) == (ResponseSource.PAPER, world["chair"].id, None)
    assert (stored.q1, stored.q2, stored.q4, stored.q5, stored.comment) == ("agree", None, "not_applicable", "strongly_agree", "Written on paper")
    assert b"1 online" not in client.get(_url("/feedback/conferences/{review}", world)).data
    assert b"0 online, 1 on paper" in client.get(_url("/feedback/conferences/{review}", world)).data


def test_a_paper_form_for_an_initial_conference_has_no_question_5(signed_in, make, db, world):
    review = conference(make, world["child"], stage=ReviewStage.INITIAL_CONFERENCE, chair=world["chair"])
    client = signed_in(world["chair"])
    page = client.get(f"/feedback/conferences/{review.id}/paper")
    assert b'name="q4"' in page.data and b'name="q5"' not in page.data


def test_a_paper_form_missing_an_answer_is_explained(signed_in, world):
    page, _key = _paper(signed_in(world["chair"]), world, {"q1": "agree"})
    assert page.status_code == 422
    assert b"Choose the answer to question 2" in page.data


def test_the_child_page_links_to_a_conferences_feedback(signed_in, make, world):
    cared_for = make.review(world["child"], days_ahead=40)
    page = signed_in(world["iro"]).get(f"/children/{world['child'].id}")
    assert f"/feedback/conferences/{world['review'].id}".encode() in page.data
    assert f"/feedback/conferences/{cared_for.id}".encode() not in page.data


def test_staff_pages_show_response_counts_but_never_a_parents_words(signed_in, db, world):
    response(db, world["review"], "A A A A A", link_id=world["link"].id, comment="Private words", name="Pat Parent")
    page = signed_in(world["chair"]).get(_url("/feedback/conferences/{review}", world))
    assert b"1 of 2 answers received" in page.data
    assert b"Private words" not in page.data and b"Pat Parent" not in page.data


def test_results_page_as_a_fragment_for_htmx_and_a_whole_page(signed_in, world):
    client = signed_in(world["manager"])
    year = date.today().year if date.today().month >= 4 else date.today().year - 1
    whole = client.get(f"/feedback/results?year={year}")
    fragment = client.get(f"/feedback/results?year={year}", headers={"HX-Request": "true"})
    assert b"<html" in whole.data and b"<html" not in fragment.data
    assert fragment.data.lstrip().startswith(b'<div id="results"')
    assert "HX-Request" in fragment.headers["Vary"]


@pytest.mark.parametrize(("query", "expected"), [("year=abc", 200), ("year=1900", 400), ("year=2025&quarter=5", 400), ("year=2025&quarter=x", 400)])
def test_a_nonsense_period_is_a_clear_400_and_no_year_means_this_one(signed_in, world, query, expected):
    page = signed_in(world["manager"]).get(f"/feedback/results?{query}")
    assert page.status_code == expected


def test_an_unknown_csv_table_is_404(signed_in, world):
    assert signed_in(world["manager"]).get("/feedback/results/secrets.csv").status_code == 404


def test_link_days_come_from_the_environment_and_are_checked():
    from voice_app.config import ConfigError, Settings

    assert Settings.from_env({"VOICE_APP_FEEDBACK_LINK_DAYS": "14"}).feedback_link_days == 14
    assert Settings.from_env({}).feedback_link_days == 28
    for bad in ("0", "400"):
        with pytest.raises(ConfigError, match="FEEDBACK_LINK_DAYS"):
            Settings.from_env({"VOICE_APP_FEEDBACK_LINK_DAYS": bad}).check()
    with pytest.raises(ConfigError):
        Settings.from_env({"VOICE_APP_FEEDBACK_LINK_DAYS": "four weeks"})
