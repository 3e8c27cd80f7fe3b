"""The parents' questionnaire behind a link: steps, answers kept, sending once, kind pages, limits."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests.feedback_helpers import conference, csrf_of, link, response
from voice_app.models import (
    FeedbackLink,
    ParentDraft,
    ParentResponse,
    ResponseSource,
    Review,
    ReviewStage,
    Role,
    utcnow,
)
from voice_app.parents.links import LinkState, link_by_token, link_state, new_token
from voice_app.parents.questionnaire.flow import DRAFT_DAYS, start_draft, steps_for
from voice_app.parents.questions import COMMENT_MAX, NAME_MAX
from voice_app.parents.responses import SendResult, send_online

ALL_FIVE = ["strongly_agree", "agree", "disagree", "not_applicable", "strongly_disagree"]


class Parent:
    """A parent's phone: its own cookie jar, filling in the questionnaire through plain forms."""

    def __init__(self, app, token: str) -> None:
        self.client = app.test_client()
        self.token = token
        self.csrf = ""

    def get(self, path: str = ""):
        response = self.client.get(f"/p/{self.token}{path}")
        if b'name="csrf_token"' in response.data:
            self.csrf = csrf_of(response)
        return response

    def post(self, path: str, data: dict | None = None):
        return self.client.post(f"/p/{self.token}{path}", data={"csrf_token": self.csrf, **(data or {})})

    def start(self):
        self.get()
        return self.post("/start")

    def answer(self, step: str, value: str):
        self.get(f"/{step}")
        key = "answer" if step.startswith("q") else step
        return self.post(f"/{step}", {key: value})

    def complete(self, answers: list[str], *, comment: str = "", name: str = ""):
        self.start()
        for number, value in enumerate(answers, start=1):
            assert self.answer(f"q{number}", value).status_code == 302
        assert self.answer("comment", comment).status_code == 302
        assert self.answer("name", name).status_code == 302
        assert self.get("/check").status_code == 200
        return self.post("/send")


@pytest.fixture
def people(make):
    iro = make.staff(Role.IRO)
    child = make.child(iro, name="Zanzibar", case_reference="CASE-98765", on_cp_plan=True)
    return dict(iro=iro, child=child)


def _stored(db) -> list[ParentResponse]:
    db.expire_all()
    return list(db.exec(select(ParentResponse)).all())


def test_tokens_are_long_and_random():
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(token) >= 43 for token in tokens)  # 32 random bytes = 256 bits, URL-safe


def test_junk_tokens_are_not_looked_up(db):
    assert link_by_token(db, "../../etc/passwd") is None
    assert link_by_token(db, "x" * 500) is None


def test_link_state_rules(db, make, people):
    review = conference(make, people["child"])
    now = utcnow()
    open_link = link(db, review, by=people["iro"])
    assert link_state(open_link, responses=1, now=now) == LinkState.OPEN
    assert link_state(open_link, responses=2, now=now) == LinkState.USED_UP
    assert link_state(open_link, responses=0, now=open_link.expires_at) == LinkState.EXPIRED
    assert link_state(link(db, review, by=people["iro"], revoked=True), responses=0, now=now) == LinkState.REVOKED


def test_a_parent_answers_a_review_conference_in_five_questions(app, db, make, people):
    review = conference(make, people["child"], stage=ReviewStage.REVIEW_CONFERENCE)
    item = link(db, review, by=people["iro"])
    parent = Parent(app, item.token)
    start = parent.get()
    assert b"There are 5 questions" in start.data
    assert parent.post("/start").headers["Location"].endswith("/q1")
    locations = [parent.answer(f"q{n}", value).headers["Location"] for n, value in enumerate(ALL_FIVE, start=1)]
    assert [loc.rsplit("/", 1)[-1] for loc in locations] == ["q2", "q3", "q4", "q5", "comment"]
    parent.answer("comment", "The chair was kind.")
    parent.answer("name", "Sam")
    assert parent.post("/send").headers["Location"].endswith("/thanks")
    assert b"Your answers have been sent" in parent.get("/thanks").data
    (stored,) = _stored(db)
    assert [stored.q1, stored.q2, stored.q3, stored.q4, stored.q5] == ALL_FIVE
    assert (stored.comment, stored.name, stored.source, stored.link_id, stored.review_id) == ("The chair was kind.", "Sam", ResponseSource.ONLINE, item.id, review.id)
    assert db.exec(select(ParentDraft)).all() == []  # the answers in progress are gone once sent


@pytest.mark.parametrize("stage", [ReviewStage.INITIAL_CONFERENCE, ReviewStage.TRANSFER_IN])
def test_question_5_is_never_shown_for_initial_or_transfer_in(app, db, make, people, stage):
    review = conference(make, people["child"], stage=stage)
    parent = Parent(app, link(db, review, by=people["iro"]).token)
    assert b"There are 4 questions" in parent.get().data
    parent.start()
    assert parent.answer("q4", "not_applicable").headers["Location"].endswith("/comment")
    assert parent.get("/q5").status_code == 404
    assert parent.post("/q5", {"answer": "agree"}).status_code == 404
    assert [step.id for step in steps_for(stage)] == ["q1", "q2", "q3", "q4", "comment", "name"]
    response = parent.complete(ALL_FIVE[:4])
    assert response.status_code == 302
    (stored,) = _stored(db)
    assert stored.q4 == "not_applicable" and stored.q5 is None


def test_not_applicable_is_only_for_question_4(app, db, make, people):
    review = conference(make, people["child"])
    parent = Parent(app, link(db, review, by=people["iro"]).token)
    parent.start()
    refused = parent.answer("q1", "not_applicable")
    assert refused.status_code == 422
    assert b"Choose the answer that fits best" in refused.data
    assert b"Not applicable" not in parent.get("/q1").data
    assert b"Not applicable" in parent.get("/q4").data


def test_answers_in_progress_survive_a_reload_and_a_new_visit(app, db, make, people):
    review = conference(make, people["child"])
    parent = Parent(app, link(db, review, by=people["iro"]).token)
    parent.start()
    parent.answer("q1", "agree")
    page = parent.get("/q1")
    assert b'value="agree" id="answer-agree" class="va-answer va-answer--chosen"' in page.data
    again = parent.get()
    assert b"Carry on" in again.data
    assert parent.post("/start").headers["Location"].endswith("/q2")  # the first question still to answer


def test_changing_an_answer_from_the_check_page_returns_there(app, db, make, people):
    review = conference(make, people["child"])
    parent = Parent(app, link(db, review, by=people["iro"]).token)
    parent.start()
    for number, value in enumerate(ALL_FIVE, start=1):
        parent.answer(f"q{number}", value)
    parent.get("/q2?change=1")
    moved = parent.client.post(f"/p/{parent.token}/q2?change=1", data={"csrf_token": parent.csrf, "answer": "strongly_disagree"})
    assert moved.headers["Location"].endswith("/check")
    check = parent.get("/check")
    assert check.data.count(b"Strongly disagree") >= 2  # q2 changed, q5 as before
    parent.post("/send")
    assert _stored(db)[0].q2 == "strongly_disagree"


def test_sending_with_a_question_unanswered_says_which(app, db, make, people):
    review = conference(make, people["child"])
    parent = Parent(app, link(db, review, by=people["iro"]).token)
    parent.start()
    parent.answer("q1", "agree")
    parent.get("/check")
    refused = parent.post("/send")
    assert refused.status_code == 422
    assert b"Answer question 2 before sending" in refused.data
    assert _stored(db) == []


def test_a_double_tap_on_send_makes_one_response(app, db, make, people):
    review = conference(make, people["child"])
    parent = Parent(app, link(db, review, by=people["iro"]).token)
    parent.complete(ALL_FIVE)
    second = parent.post("/send")
    assert second.status_code == 302 and second.headers["Location"].endswith("/thanks")
    assert len(_stored(db)) == 1


def test_simultaneous_sends_of_one_draft_store_it_once(app, db, make, people):
    review = conference(make, people["child"])
    item = link(db, review, by=people["iro"])
    draft = start_draft(db, link=item)
    for number, value in enumerate(ALL_FIVE, start=1):
        setattr(draft, f"q{number}", value)
    db.add(draft)
    db.commit()
    results = _in_threads(app, [(item.id, review.id, draft.key)] * 4)
    assert sorted(r.value for r in results) == ["already_sent"] * 3 + ["sent"]
    assert len(_stored(db)) == 1


def test_a_link_never_takes_more_than_its_maximum_even_at_once(app, db, make, people):
    review = conference(make, people["child"])
    item = link(db, review, by=people["iro"], max_responses=2)
    keys = []
    for _ in range(5):
        draft = start_draft(db, link=item)
        for number, value in enumerate(ALL_FIVE, start=1):
            setattr(draft, f"q{number}", value)
        db.add(draft)
        db.commit()
        keys.append(draft.key)
    results = _in_threads(app, [(item.id, review.id, key) for key in keys])
    assert sorted(r.value for r in results) == ["closed"] * 3 + ["sent"] * 2
    assert len(_stored(db)) == 2


def _in_threads(app, jobs):
    """Run send_online for each (link id, review id, draft key) at the same moment, each with its own session."""
    engine = app.extensions["voice_app_engine"]
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []

    def run(link_id, review_id, key):
        try:
            with Session(engine, expire_on_commit=False) as session:
                item = session.get(FeedbackLink, link_id)
                review = session.get(Review, review_id)
                draft = session.exec(select(ParentDraft).where(ParentDraft.key == key)).first()
                barrier.wait()
                if draft is None:  # another thread already sent it: the route would find the response
                    results.append(SendResult.ALREADY_SENT)
                    return
                results.append(send_online(session, link=item, review=review, draft=draft).result)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


@pytest.mark.parametrize(("kind", "words"), [("used_up", b"We already have all the answers"), ("expired", b"This feedback link has closed"), ("revoked", b"This feedback link has closed")])
def test_a_closed_link_gets_a_kind_page(app, db, make, people, kind, words):
    review = conference(make, people["child"])
    item = link(db, review, by=people["iro"], max_responses=1, expired=kind == "expired", revoked=kind == "revoked")
    if kind == "used_up":
        response(db, review, "A A A A A", link_id=item.id)
    parent = Parent(app, item.token)
    for path in ("", "/q1", "/check"):
        page = parent.get(path)
        assert page.status_code in (410, 302), path
        if page.status_code == 410:
            assert words in page.data and b"paper form" in page.data
            assert b"Traceback" not in page.data and b"went wrong" not in page.data


def test_an_unknown_link_gets_a_kind_404(client):
    page = client.get("/p/" + "A" * 43)
    assert page.status_code == 404
    assert b"We cannot find this feedback form" in page.data


def test_a_link_that_fills_up_while_answering_says_so_kindly(app, db, make, people):
    review = conference(make, people["child"])
    item = link(db, review, by=people["iro"], max_responses=1)
    first, second = Parent(app, item.token), Parent(app, item.token)
    second.start()
    first.complete(ALL_FIVE)
    for number, value in enumerate(ALL_FIVE, start=1):
        second.answer(f"q{number}", value)
    assert second.get("/check").status_code == 410
    assert len(_stored(db)) == 1


def test_someone_else_at_the_conference_can_answer_on_the_same_phone(app, db, make, people):
    review = conference(make, people["child"])
    item = link(db, review, by=people["iro"], max_responses=2)
    parent = Parent(app, item.token)
    parent.complete(ALL_FIVE)
    assert b"Answer as someone else" in parent.get("/thanks").data
    assert parent.post("/start").headers["Location"].endswith("/q1")
    for number, value in enumerate(ALL_FIVE, start=1):
        parent.answer(f"q{number}", value)
    parent.post("/send")
    assert len(_stored(db)) == 2
    after = parent.get()
    assert after.status_code == 200 and b"Your answers have been sent" in after.data and b"Answer as someone else" not in after.data


def test_free_text_is_stored_as_typed_and_escaped_on_output(app, db, make, people):
    review = conference(make, people["child"])
    parent = Parent(app, link(db, review, by=people["iro"]).token)
    parent.start()
    words = "<script>alert('x')</script> & \"quotes\"\nnew line"
    parent.answer("comment", words)
    page = parent.get("/check")
    assert b"<script>alert" not in page.data and b"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp;" in page.data
    parent.answer("comment", words)
    for number, value in enumerate(ALL_FIVE, start=1):
        parent.answer(f"q{number}", value)
    parent.post("/send")
    assert _stored(db)[0].comment == words


@pytest.mark.parametrize(("step", "limit"), [("comment", COMMENT_MAX), ("name", NAME_MAX)])
def test_too_long_text_gets_a_kind_message_and_is_kept(app, db, make, people, step, limit):
    review = conference(make, people["child"])
    parent = Parent(app, link(db, review, by=people["iro"]).token)
    parent.start()
    refused = parent.answer(step, "x" * (limit + 1))
    assert refused.status_code == 422
    assert f"Please make this a little shorter. It can be up to {limit} characters.".encode() in refused.data
    assert ("x" * (limit + 1)).encode() in refused.data  # nothing typed is lost
    assert parent.answer(step, "x" * limit).status_code == 302


def test_parent_pages_show_nothing_about_the_child_or_family(app, db, make, people):
    review = conference(make, people["child"])
    parent = Parent(app, link(db, review, by=people["iro"]).token)
    pages = [parent.get()]
    parent.post("/start")
    pages += [parent.get(f"/{step}") for step in ("q1", "q4", "q5", "comment", "name", "check")]
    for number, value in enumerate(ALL_FIVE, start=1):
        parent.answer(f"q{number}", value)
    parent.post("/send")
    pages.append(parent.get("/thanks"))
    for page in pages:
        assert page.status_code == 200
        for secret in (b"Zanzibar", b"CASE-98765", people["iro"].display_name.encode()):
            assert secret not in page.data


def test_a_parent_form_without_its_token_gets_a_kind_page(app, db, make, people):
    review = conference(make, people["child"])
    item = link(db, review, by=people["iro"])
    page = app.test_client().post(f"/p/{item.token}/start")
    assert page.status_code == 400
    assert b"Please try that again" in page.data and b"Go back to the start" in page.data


def test_pages_without_a_draft_go_back_to_the_start(app, db, make, people):
    review = conference(make, people["child"])
    parent = Parent(app, link(db, review, by=people["iro"]).token)
    parent.get()
    for path in ("/q1", "/check", "/thanks"):
        assert parent.get(path).headers["Location"].endswith(f"/p/{parent.token}")
    assert parent.post("/send").headers["Location"].endswith(f"/p/{parent.token}")


def test_stale_drafts_are_cleared_when_someone_starts(db, make, people):
    review = conference(make, people["child"])
    item = link(db, review, by=people["iro"])
    old = start_draft(db, link=item)
    old.updated_at = utcnow() - timedelta(days=DRAFT_DAYS + 1)
    db.add(old)
    db.commit()
    old_key = old.key
    new = start_draft(db, link=item)
    db.expunge_all()
    assert [draft.key for draft in db.exec(select(ParentDraft)).all()] == [new.key] != [old_key]


def test_parent_posts_are_rate_limited_per_address(database_url, make, people):
    from tests.conftest import make_settings
    from voice_app import create_app

    app = create_app(settings=make_settings(database_url, rate_limits_enabled=True))
    with Session(app.extensions["voice_app_engine"], expire_on_commit=False) as session:
        item = link(session, conference(make, people["child"]), by=people["iro"])
    parent = Parent(app, item.token)
    parent.start()
    codes = [parent.post("/q1", {"answer": "agree"}).status_code for _ in range(31)]
    assert codes[0] == 302 and codes[-1] == 429
    limited = parent.post("/q1", {"answer": "agree"})
    assert b"Please wait a minute" in limited.data and b"kept" in limited.data
    app.extensions["voice_app_engine"].dispose()


ACCESS_TESTED_ENDPOINTS = {"parents.start", "parents.begin", "parents.step", "parents.check", "parents.send", "parents.thanks"}


def test_parent_pages_need_no_sign_in_and_never_send_to_sign_in(app, db, make, people):
    review = conference(make, people["child"])
    parent = Parent(app, link(db, review, by=people["iro"]).token)
    assert parent.get().status_code == 200
    assert parent.start().status_code == 302
    for path in ("/q1", "/comment", "/check"):
        page = parent.get(path)
        assert page.status_code == 200 and b"sign-in" not in page.data
