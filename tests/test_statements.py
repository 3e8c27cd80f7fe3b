"""The statement page: the child's words untouched, the meeting plan, "you said, we did", access and audit."""

import re

import pytest
from sqlmodel import col, select

from tests.statement_factories import ARABIC_WORDS, make_statement
from voice_app.models import (
    AuditEvent,
    ChairRole,
    ChildResponse,
    DecisionOutcome,
    MeetingFormat,
    MenuDecision,
    Review,
    Role,
    Sharing,
    Statement,
)
from voice_app.statements.access import load_context
from voice_app.statements.reading import GENERAL_ITEM, read_statement
from voice_app.statements.services import StatementActionError, record_decision, save_response

ACCESS_TESTED_ENDPOINTS = {
    "statements.show",
    "statements.response",
    "statements.decision",
    "statements.notes",
    "statements.reviewed",
    "statements.review_record",
    "statements.release",
    "statements.withdraw",
    "statements.export",
    "statements.child_audit",
}
GETS = [
    "/statements/{statement}",
    "/statements/{statement}/responses/feel-today",
    "/statements/{statement}/release",
    "/statements/{statement}/export.pdf",
    "/statements/{statement}/export.json",
]
POSTS = [
    "/statements/{statement}/responses/feel-today",
    "/statements/{statement}/decisions/menu-format",
    "/statements/{statement}/notes",
    "/statements/{statement}/reviewed",
    "/statements/{statement}/review-record",
    "/statements/{statement}/release",
    "/statements/{statement}/release/withdraw",
]


pytest_plugins = ["tests.statement_fixtures"]  # the bank and statement_world fixtures


def _url(template, world):
    return template.format(statement=world["statement"].id, child=world["child"].id)


def _record(db, statement):
    return read_statement(db, load_context(db, statement.id))


# --- Access --------------------------------------------------------------------------


@pytest.mark.parametrize("url", GETS + ["/children/{child}/audit"])
def test_statement_pages_need_sign_in(client, statement_world, url):
    response = client.get(_url(url, statement_world))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("url", POSTS)
def test_statement_actions_need_sign_in(client, statement_world, url):
    response = client.post(_url(url, statement_world))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("url", GETS)
def test_another_iro_gets_404_for_every_statement_page(signed_in, statement_world, url):
    other = statement_world["make"].staff(Role.IRO)
    assert signed_in(other).get(_url(url, statement_world)).status_code == 404


@pytest.mark.parametrize("url", POSTS)
def test_another_iro_cannot_change_a_statement(signed_in, statement_world, url, db):
    other = statement_world["make"].staff(Role.IRO)
    form = {"r-feel-today-we_did": "x", "d-menu-format-outcome": "agreed", "iro_notes": "x", "confirm": "y"}
    assert signed_in(other).post(_url(url, statement_world), form).status_code == 404
    assert db.exec(select(ChildResponse)).first() is None and db.exec(select(MenuDecision)).first() is None


@pytest.mark.parametrize("url", GETS + ["/children/{child}/audit"])
def test_admins_are_refused_statements(signed_in, statement_world, url):
    admin = statement_world["make"].staff(Role.ADMIN)
    assert signed_in(admin).get(_url(url, statement_world)).status_code == 403


@pytest.mark.parametrize("url", GETS)
def test_the_allocated_iro_and_managers_can_open_statements(signed_in, statement_world, url):
    manager = statement_world["make"].staff(Role.MANAGER)
    for user in (statement_world["iro"], manager):
        response = signed_in(user).get(_url(url, statement_world))
        if url.endswith("/release"):  # already shared with the meeting: back to the statement
            assert response.status_code == 302 and response.headers["Location"] == _url("/statements/{statement}", statement_world)
        else:
            assert response.status_code == 200, (user.role, url)


def test_unknown_statement_and_item_are_404(signed_in, statement_world):
    client = signed_in(statement_world["iro"])
    assert client.get("/statements/999999").status_code == 404
    assert client.get(_url("/statements/{statement}/responses/no-such-item", statement_world)).status_code == 404
    assert client.post(_url("/statements/{statement}/decisions/no-such-item", statement_world), {}).status_code == 404
    assert client.get(_url("/statements/{statement}/export.exe", statement_world)).status_code == 404
    assert client.get(_url("/statements/{statement}/export.pdf?for=everyone", statement_world)).status_code == 400


def test_only_managers_see_the_audit_trail(signed_in, statement_world):
    assert signed_in(statement_world["iro"]).get(_url("/children/{child}/audit", statement_world)).status_code == 403
    manager = statement_world["make"].staff(Role.MANAGER)
    assert signed_in(manager).get(_url("/children/{child}/audit", statement_world)).status_code == 200


# --- Reading the statement ------------------------------------------------------------


def test_the_page_shows_every_kind_of_answer(signed_in, statement_world):
    html = signed_in(statement_world["iro"]).get(_url("/statements/{statement}", statement_world)).get_data(as_text=True)
    assert "How do you feel today?" in html and 'src="/static/icons/feel-happy.' in html and "Happy" in html
    assert "Food" in html and "My own bed" in html and "retired-choice" in html  # an unknown card keeps its id
    assert "7 out of 10" in html and "Not safe at all" in html
    assert "Chose not to answer" in html
    assert "removed-question" in html and "Words for a question that has gone" in html
    assert "Scribed: Jo Reviewer" in html and "Finished" in html and "My review meeting" in html


def test_the_childs_words_are_escaped_and_kept_exactly(signed_in, statement_world):
    html = signed_in(statement_world["iro"]).get(_url("/statements/{statement}", statement_world)).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; my friends 😀" in html
    block = re.search(r'<blockquote class="va-words" dir="auto">(.*?)</blockquote>', html.split("Is there anything you want your IRO")[1], re.S)
    assert block.group(1).startswith(ARABIC_WORDS + "\nline two\n\n  indented ")


def test_the_meeting_plan_shows_invites_and_not_wanted(signed_in, statement_world):
    html = signed_in(statement_world["iro"]).get(_url("/statements/{statement}", statement_world)).get_data(as_text=True)
    plan = html.split('id="meeting-plan"')[1]
    assert "Invite list" in plan and "Would like there" in plan and "Does not want there" in plan
    wanted, not_wanted = plan.split("Does not want there")[0], plan.split("Does not want there")[1].split("</ul>")[0]
    assert "<span>Mum</span>" in wanted and "Dad" in not_wanted and "Mum" not in not_wanted
    assert "%(" not in html and "you or your IRO?" in plan  # the service's own terms are filled in
    assert "I don&#39;t mind" in plan and "Kept out of exports for the meeting" in plan
    assert plan.count("Not decided yet") == 5


def test_iro_notes_are_shown_apart_from_the_childs_words(signed_in, statement_world, db):
    client = signed_in(statement_world["iro"])
    url = _url("/statements/{statement}", statement_world)
    assert client.post(url + "/notes", {"iro_notes": "Met at <b>school</b>."}).status_code == 302
    html = client.get(url).get_data(as_text=True)
    notes = html.split('id="iro-notes"')[1]
    assert "Met at &lt;b&gt;school&lt;/b&gt;." in notes and "not the child's words" in notes
    assert "Met at" not in html.split('id="iro-notes"')[0]


def test_mark_as_reviewed(signed_in, statement_world, db):
    client = signed_in(statement_world["iro"])
    assert client.post(_url("/statements/{statement}/reviewed", statement_world)).status_code == 302
    statement = db.get(Statement, statement_world["statement"].id)
    db.refresh(statement)
    assert statement.reviewed_at is not None and statement.reviewed_by_id == statement_world["iro"].id
    assert "Reviewed" in client.get(_url("/statements/{statement}", statement_world)).get_data(as_text=True)


def test_the_child_page_links_to_its_statements(signed_in, statement_world):
    html = signed_in(statement_world["iro"]).get(f"/children/{statement_world['child'].id}").get_data(as_text=True)
    assert f'href="/statements/{statement_world["statement"].id}"' in html and "Read the statement" in html


def test_a_statement_with_no_answers_still_reads(signed_in, statement_world, db):
    empty = make_statement(db, child=statement_world["child"], visit=statement_world["visit"], answers=[], finished=False, sharing=None)
    html = signed_in(statement_world["iro"]).get(f"/statements/{empty.id}").get_data(as_text=True)
    assert "No views were saved" in html and "did not fill in the menu" in html and "Still open" in html


# --- You said, we did -----------------------------------------------------------------


def test_responses_are_counted_answered_and_open(db, statement_world):
    record = _record(db, statement_world["statement"])
    assert record.raised == ["feel-today", "good-things", "safe-scale", "tell-iro", "removed-question", GENERAL_ITEM]
    assert (record.answered_count, record.open_count) == (0, 6)
    save_response(db, record=record, question_id="feel-today", we_did="We asked school about your friends.", by=statement_world["iro"])
    save_response(db, record=record, question_id=GENERAL_ITEM, we_did="Thank you.", by=statement_world["iro"])
    assert (record.answered_count, record.open_count) == (2, 4)


def test_a_response_is_needed_for_something_raised(db, statement_world):
    record = _record(db, statement_world["statement"])
    with pytest.raises(StatementActionError):
        save_response(db, record=record, question_id="worries", we_did="x", by=statement_world["iro"])  # skipped
    with pytest.raises(StatementActionError):
        save_response(db, record=record, question_id="feel-today", we_did="   ", by=statement_world["iro"])


def test_changing_a_response_keeps_one_row_and_shows_it_again(db, statement_world):
    record = _record(db, statement_world["statement"])
    first = save_response(db, record=record, question_id="feel-today", we_did="First", by=statement_world["iro"])
    first.shown_to_child_at = first.updated_at
    db.add(first)
    db.commit()
    save_response(db, record=record, question_id="feel-today", we_did="Second", by=statement_world["iro"])
    rows = db.exec(select(ChildResponse)).all()
    assert len(rows) == 1 and rows[0].we_did == "Second" and rows[0].shown_to_child_at is None


def test_response_inline_with_htmx(signed_in, statement_world, db):
    client = signed_in(statement_world["iro"])
    url = _url("/statements/{statement}/responses/feel-today", statement_world)
    htmx = {"HX-Request": "true"}
    form = client.get(url, headers=htmx)
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "<html" not in html and 'hx-post="' + url + '"' in html
    refused = client.post(url, {"r-feel-today-we_did": "  "}, headers=htmx)
    assert refused.status_code == 422 and "Write what was done or agreed" in refused.get_data(as_text=True)
    saved = client.post(url, {"r-feel-today-we_did": "We <b>asked</b> school."}, headers=htmx)
    body = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "<html" not in body and "We &lt;b&gt;asked&lt;/b&gt; school." in body
    assert 'id="response-counts"' in body and 'hx-swap-oob="true"' in body and "6 points for the IRO to answer: 1 answered by the IRO" in body
    back = client.get(url + "?view=1", headers=htmx)
    assert back.status_code == 200 and "Answered" in back.get_data(as_text=True)


def test_response_without_javascript(signed_in, statement_world, db):
    client = signed_in(statement_world["iro"])
    url = _url("/statements/{statement}/responses/tell-iro", statement_world)
    page = client.get(url)
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True) and ARABIC_WORDS in page.get_data(as_text=True)
    refused = client.post(url, {"r-tell-iro-we_did": ""})
    assert refused.status_code == 422 and "<html" in refused.get_data(as_text=True)
    saved = client.post(url, {"r-tell-iro-we_did": "نحن نتحدث مع أمك"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("#response-tell-iro")
    assert client.get(url + "?view=1").status_code == 302
    assert db.exec(select(ChildResponse)).one().we_did == "نحن نتحدث مع أمك"


# --- The meeting plan -----------------------------------------------------------------


def test_not_possible_needs_a_reason_for_the_child(db, statement_world):
    record = _record(db, statement_world["statement"])
    for blank in ("", "   \n "):
        with pytest.raises(StatementActionError, match="reason for the child"):
            record_decision(db, record=record, item_id="menu-chair", outcome=DecisionOutcome.NOT_POSSIBLE, reason_for_child=blank, by=statement_world["iro"])
    assert db.exec(select(MenuDecision)).first() is None
    decision = record_decision(db, record=record, item_id="menu-chair", outcome=DecisionOutcome.NOT_POSSIBLE, reason_for_child="Your judge asked me to chair this time.", by=statement_world["iro"])
    assert decision.reason_for_child == "Your judge asked me to chair this time."
    agreed = record_decision(db, record=record, item_id="menu-time", outcome=DecisionOutcome.AGREED, reason_for_child="", by=statement_world["iro"])
    assert agreed.outcome == DecisionOutcome.AGREED


def test_a_decision_for_an_item_not_in_the_menu_is_refused(db, statement_world):
    record = _record(db, statement_world["statement"])
    with pytest.raises(StatementActionError):
        record_decision(db, record=record, item_id="feel-today", outcome=DecisionOutcome.AGREED, reason_for_child="", by=statement_world["iro"])


def test_agreeing_format_and_chair_fills_in_the_review_record(db, statement_world):
    record = _record(db, statement_world["statement"])
    for item in ("menu-format", "menu-chair"):
        record_decision(db, record=record, item_id=item, outcome=DecisionOutcome.AGREED, reason_for_child="", by=statement_world["iro"])
    review = db.get(Review, statement_world["review"].id)
    db.refresh(review)
    assert review.format_used == MeetingFormat.HYBRID and review.chaired_by == ChairRole.CHILD


def test_only_the_format_and_chair_items_fill_in_the_review_record(db, statement_world, bank):
    from tests.statement_factories import AnswerSpec

    # "My IRO shares what I said" uses the card id "iro" too, but it is not about who chairs.
    statement = make_statement(db, child=statement_world["child"], visit=statement_world["visit"], answers=[AnswerSpec("menu-time", ["iro"]), AnswerSpec("menu-chair", ["dont_mind"])])
    record = _record(db, statement)
    for item in ("menu-time", "menu-chair"):
        record_decision(db, record=record, item_id=item, outcome=DecisionOutcome.AGREED, reason_for_child="", by=statement_world["iro"])
    review = db.get(Review, statement_world["review"].id)
    db.refresh(review)
    assert review.chaired_by is None and review.format_used is None


def test_a_not_possible_chair_leaves_the_review_record_alone(db, statement_world):
    record = _record(db, statement_world["statement"])
    record_decision(db, record=record, item_id="menu-chair", outcome=DecisionOutcome.NOT_POSSIBLE, reason_for_child="Not this time.", by=statement_world["iro"])
    review = db.get(Review, statement_world["review"].id)
    db.refresh(review)
    assert review.chaired_by is None


def test_decisions_through_the_page_with_and_without_htmx(signed_in, statement_world, db):
    client = signed_in(statement_world["iro"])
    url = _url("/statements/{statement}/decisions/menu-chair", statement_world)
    refused = client.post(url, {"d-menu-chair-outcome": "not_possible", "d-menu-chair-reason_for_child": " "})
    assert refused.status_code == 422 and "<html" in refused.get_data(as_text=True)
    assert "Write a reason for the child when a choice is not possible." in refused.get_data(as_text=True)
    fragment = client.post(url, {"d-menu-chair-outcome": "not_possible"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 422 and "<html" not in fragment.get_data(as_text=True)
    ok = client.post(url, {"d-menu-chair-outcome": "not_possible", "d-menu-chair-reason_for_child": "The judge wants me to chair."}, headers={"HX-Request": "true"})
    assert ok.status_code == 200 and "Not possible" in ok.get_data(as_text=True) and "The judge wants me to chair." in ok.get_data(as_text=True)
    plain = client.post(_url("/statements/{statement}/decisions/menu-format", statement_world), {"d-menu-format-outcome": "agreed"})
    assert plain.status_code == 302 and plain.headers["Location"].endswith("#plan-menu-format")
    outcomes = {d.item_id: d.outcome for d in db.exec(select(MenuDecision)).all()}
    assert outcomes == {"menu-chair": DecisionOutcome.NOT_POSSIBLE, "menu-format": DecisionOutcome.AGREED}


def test_the_private_topics_item_is_kept_out_even_if_the_bank_forgets(db, statement_world, monkeypatch):
    from voice_app.questions.bank import QuestionBank

    monkeypatch.setattr("voice_app.statements.reading.default_bank", lambda: QuestionBank(questions=()))
    record = _record(db, statement_world["statement"])
    kept_out = [item.question_id for item in record.views + record.menu if item.keep_out_of_meeting]
    assert kept_out == ["menu-private"]


def test_the_iro_can_set_the_review_record(signed_in, statement_world, db):
    client = signed_in(statement_world["iro"])
    response = client.post(_url("/statements/{statement}/review-record", statement_world), {"format_used": "virtual", "chaired_by": "child_and_iro"})
    assert response.status_code == 302
    review = db.get(Review, statement_world["review"].id)
    db.refresh(review)
    assert review.format_used == MeetingFormat.VIRTUAL and review.chaired_by == ChairRole.CHILD_AND_IRO
    assert client.post(_url("/statements/{statement}/review-record", statement_world), {"format_used": "carrier-pigeon"}).status_code == 422


# --- Release and audit ----------------------------------------------------------------


def test_release_needs_a_confirmation(signed_in, statement_world, db):
    statement = statement_world["statement"]
    statement.sharing = Sharing.IRO_ONLY
    db.add(statement)
    db.commit()
    client = signed_in(statement_world["iro"])
    url = _url("/statements/{statement}/release", statement_world)
    assert "only my IRO" in client.get(url).get_data(as_text=True)
    refused = client.post(url, {})
    assert refused.status_code == 422 and "Tick the box to confirm" in refused.get_data(as_text=True)
    assert client.post(url, {"confirm": "y"}).status_code == 302
    db.refresh(statement)
    assert statement.meeting_release_by_id == statement_world["iro"].id and statement.meeting_release_at is not None
    assert client.post(url + "/withdraw").status_code == 302
    db.refresh(statement)
    assert statement.meeting_release_at is None


def test_views_and_exports_are_audited_without_personal_data(signed_in, statement_world, db):
    manager = statement_world["make"].staff(Role.MANAGER, name="Morgan Manager")
    client = signed_in(manager)
    client.get(_url("/statements/{statement}", statement_world))
    client.get(_url("/statements/{statement}/export.json?for=meeting", statement_world))
    client.get(_url("/statements/{statement}/export.pdf", statement_world))
    events = db.exec(select(AuditEvent).where(col(AuditEvent.action).startswith("statement.")).order_by(AuditEvent.id)).all()  # not sign-ins
    assert [(e.action, e.detail) for e in events] == [
        ("statement.view", ""),
        ("statement.export", "json;meeting"),
        ("statement.export", "pdf;case_record"),
    ]
    assert all(e.staff_id == manager.id and e.child_id == statement_world["child"].id and e.statement_id == statement_world["statement"].id for e in events)
    trail = client.get(_url("/children/{child}/audit", statement_world)).get_data(as_text=True)
    assert "Morgan Manager (Manager)" in trail and "Exported the statement" in trail and "Viewed the statement" in trail


def test_audit_details_refuse_free_text(db, statement_world):
    from voice_app.statements.audit import Action, record_event

    with pytest.raises(ValueError):
        record_event(db, action=Action.VIEW, staff=statement_world["iro"], child_id=statement_world["child"].id, statement_id=None, detail="Aisha said her dad drinks")
