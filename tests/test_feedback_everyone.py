"""Feedback from everyone at every meeting: parents and family, carers and professionals, after
conferences and cared-for reviews; one link per kind of respondent; results split with suppression."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.feedback_helpers import conference, csrf_of, link, response
from tests.test_parents import Parent
from voice_app.models import (
    Agency,
    FeedbackChange,
    FeedbackLink,
    FeedbackLocalAnswer,
    FeedbackLocalQuestion,
    MeetingFormat,
    ParentDraft,
    ParentResponse,
    RespondentKind,
    ReviewStage,
    ReviewStatus,
    Role,
)
from voice_app.parents.links import create_link
from voice_app.parents.periods import period_for
from voice_app.parents.questionnaire.flow import steps_for
from voice_app.parents.questions import questions_for
from voice_app.parents.responses import SendResult, send_online
from voice_app.parents.results import feedback_results
from voice_app.parents.staff.csv_export import answers_csv

PARENT, CARER, PROFESSIONAL = RespondentKind.PARENT, RespondentKind.CARER, RespondentKind.PROFESSIONAL


@pytest.fixture
def people(make):
    iro = make.staff(Role.IRO, name="Ann Chair")
    child = make.child(iro, name="Zanzibar", case_reference="CASE-24680", on_cp_plan=True)
    return dict(iro=iro, child=child)


def _review(make, child, *, day=None, fmt=None):
    """A cared-for review, held."""
    day = day or date.today()
    return make.review(child, scheduled_for=day, held_on=day, status=ReviewStatus.HELD, format_used=fmt)


@pytest.mark.parametrize(
    ("stage", "kind", "ids"),
    [
        (ReviewStage.REVIEW_CONFERENCE, PARENT, ["q1", "q2", "q3", "q4", "q5"]),
        (ReviewStage.INITIAL_CONFERENCE, PARENT, ["q1", "q2", "q3", "q4"]),
        (ReviewStage.REVIEW_CONFERENCE, CARER, ["q1", "q2", "q4"]),
        (ReviewStage.INITIAL_CONFERENCE, PROFESSIONAL, ["q1", "q2", "q4"]),
        (ReviewStage.SUBSEQUENT, PARENT, ["q1", "q2"]),
        (ReviewStage.INITIAL, CARER, ["q1", "q2"]),
        (ReviewStage.SECOND, PROFESSIONAL, ["q1", "q2"]),
    ],
)
def test_each_kind_of_respondent_is_asked_the_questions_that_fit_the_meeting(stage, kind, ids):
    assert [q.id for q in questions_for(stage, kind)] == ids


def test_a_professional_gives_agency_and_role_in_place_of_a_name():
    assert [s.id for s in steps_for(ReviewStage.REVIEW_CONFERENCE, PROFESSIONAL)] == ["q1", "q2", "q4", "comment", "about"]
    assert [s.id for s in steps_for(ReviewStage.SUBSEQUENT, CARER)] == ["q1", "q2", "comment", "name"]


def test_after_a_cared_for_review_the_questions_say_meeting_not_conference():
    q2 = steps_for(ReviewStage.SUBSEQUENT, PARENT)[1]
    assert "in the meeting" in str(q2.text)
    assert "within the conference" in str(steps_for(ReviewStage.REVIEW_CONFERENCE, PARENT)[1].text)


@pytest.mark.parametrize("kind", list(RespondentKind))
@pytest.mark.parametrize("meeting", ["conference", "cared_for"])
def test_a_link_for_each_meeting_and_kind_takes_its_cap_once_each(db, make, people, kind, meeting):
    review = conference(make, people["child"]) if meeting == "conference" else _review(make, people["child"])
    item = create_link(db, review=review, created_by=people["iro"], days=28, max_responses=1, respondent_kind=kind)
    answers = {q.id: "agree" for q in questions_for(review.stage, kind)}
    first = ParentDraft(link_id=item.id, key="k" * 40, **answers)
    second = ParentDraft(link_id=item.id, key="j" * 40, **answers)
    db.add_all([first, second])
    db.commit()
    assert send_online(db, link=item, review=review, draft=first).result == SendResult.SENT
    assert send_online(db, link=item, review=review, draft=first).result == SendResult.ALREADY_SENT
    assert send_online(db, link=item, review=review, draft=second).result == SendResult.CLOSED
    (stored,) = db.exec(select(ParentResponse)).all()
    assert stored.respondent_kind == kind and stored.review_id == review.id


def test_a_professional_answers_on_their_phone_without_a_name(app, db, make, people):
    review = conference(make, people["child"], stage=ReviewStage.INITIAL_CONFERENCE)
    item = link(db, review, by=people["iro"], kind=PROFESSIONAL)
    phone = Parent(app, item.token)
    start = phone.get()
    assert b"Tell us how the meeting went for you" in start.data and b"There are 3 questions" in start.data
    assert phone.post("/start").headers["Location"].endswith("/q1")
    for step in ("q1", "q2", "q4"):
        assert phone.answer(step, "agree").status_code == 302
    assert phone.get("/q3").status_code == 404  # the parents' question about "my children" is not theirs
    assert phone.get("/name").status_code == 404
    comment = phone.get("/comment")
    assert b"help us improve these meetings" in comment.data
    phone.post("/comment", {"comment": "Reports came late."})
    about = phone.get("/about")
    assert about.status_code == 200 and b"Which agency are you from?" in about.data
    assert phone.post("/about", {"agency": "astrology", "role": ""}).status_code == 422
    assert phone.post("/about", {"agency": "education", "role": "x" * 81}).status_code == 422
    assert (
        phone.post("/about", {"agency": "education", "role": "Designated safeguarding lead"})
        .headers["Location"]
        .endswith("/check")
    )
    check = phone.get("/check")
    assert b"School or education" in check.data and b"Designated safeguarding lead" in check.data
    assert phone.post("/send").headers["Location"].endswith("/thanks")
    db.expire_all()
    (stored,) = db.exec(select(ParentResponse)).all()
    assert (stored.respondent_kind, stored.agency, stored.role, stored.name) == (
        PROFESSIONAL,
        Agency.EDUCATION,
        "Designated safeguarding lead",
        None,
    )
    assert (stored.q1, stored.q2, stored.q3, stored.q4, stored.q5) == ("agree", "agree", None, "agree", None)


def test_a_carer_after_a_cared_for_review_answers_two_questions(app, db, make, people):
    review = _review(make, people["child"])
    item = link(db, review, by=people["iro"], kind=CARER)
    phone = Parent(app, item.token)
    assert b"There are 2 questions" in phone.get().data
    phone.post("/start")
    assert b"share my views in the meeting" in phone.get("/q2").data
    phone.answer("q1", "strongly_agree")
    phone.answer("q2", "disagree")
    phone.answer("comment", "")
    phone.answer("name", "")
    assert phone.post("/send").headers["Location"].endswith("/thanks")
    (stored,) = db.exec(select(ParentResponse)).all()
    assert (stored.respondent_kind, stored.q1, stored.q2, stored.agency) == (CARER, "strongly_agree", "disagree", None)


def test_staff_make_a_link_for_carers_and_copy_in_a_professionals_paper_form(signed_in, db, make, people):
    review = _review(make, people["child"])
    client = signed_in(people["iro"])
    page = client.get(f"/feedback/conferences/{review.id}")
    assert b"Who the link is for" in page.data
    assert (
        client.post(f"/feedback/conferences/{review.id}/links", {"respondent_kind": "carer", "max_responses": "1"}).status_code
        == 302
    )
    assert (
        client.post(f"/feedback/conferences/{review.id}/links", {"respondent_kind": "nobody", "max_responses": "1"}).status_code
        == 422
    )
    (made,) = db.exec(select(FeedbackLink)).all()
    assert made.respondent_kind == CARER
    assert b"Link for carers" in client.get(f"/feedback/conferences/{review.id}").data

    assert client.get(f"/feedback/conferences/{review.id}/paper?kind=stranger").status_code == 404
    form = client.get(f"/feedback/conferences/{review.id}/paper?kind=professional")
    assert b"Their agency" in form.data and b"Their name" not in form.data
    sent = client.post(
        f"/feedback/conferences/{review.id}/paper?kind=professional",
        {
            "csrf_token": csrf_of(form),
            "submission_key": "p" * 24,
            "q1": "agree",
            "q2": "blank",
            "agency": "police",
            "role": "PCSO",
            "comment": "",
        },
    )
    assert sent.status_code == 302
    (paper,) = db.exec(select(ParentResponse)).all()
    assert (paper.respondent_kind, paper.agency, paper.role, paper.q1, paper.q2, paper.name) == (
        PROFESSIONAL,
        Agency.POLICE,
        "PCSO",
        "agree",
        None,
        None,
    )


@pytest.fixture
def mixed(db, make, people):
    """Five parents at a face-to-face conference, a carer and two professionals at a virtual cared-for review."""
    day = date(2025, 5, 10)
    meeting = conference(make, people["child"], stage=ReviewStage.INITIAL_CONFERENCE, day=day)
    meeting.format_used = MeetingFormat.FACE_TO_FACE
    db.add(meeting)
    db.commit()
    review = _review(make, people["child"], day=day, fmt=MeetingFormat.VIRTUAL)
    for answers in ("A A D A", "SA A A A", "D D D D", "A A A NA", "A SD A A"):
        response(db, meeting, answers)
    response(db, review, "A D", kind=CARER)
    response(db, review, "SA SA", kind=PROFESSIONAL, agency=Agency.HEALTH)
    response(db, review, "D A", kind=PROFESSIONAL, agency=Agency.POLICE)
    return dict(meeting=meeting, review=review)


def _group(groups, key):
    return next(g for g in groups if g.key == key)


def test_results_split_by_meeting_respondent_format_and_agency_with_small_groups_suppressed(db, mixed):
    found = feedback_results(db, period=period_for(2025), today=date(2026, 1, 1))
    assert found.overall.responses == 8
    parents = _group(found.respondents, "parent")
    assert not parents.suppressed and parents.responses == 5
    q1 = parents.questions[0]
    assert q1.counts == {"strongly_agree": 1, "agree": 3, "disagree": 1, "strongly_disagree": 0} and q1.percent("agree") == 60
    assert [(g.key, g.responses, g.suppressed) for g in found.respondents] == [
        ("parent", 5, False),
        ("carer", 1, True),
        ("professional", 2, True),
    ]
    assert _group(found.respondents, "carer").questions == []  # nothing of theirs is shown
    assert [(g.key, g.responses, g.suppressed) for g in found.meetings] == [("cared_for", 3, True), ("cp_conference", 5, False)]
    assert [(g.key, g.responses, g.suppressed) for g in found.formats] == [("face_to_face", 5, False), ("virtual", 3, True)]
    assert [(g.key, g.responses, g.suppressed) for g in found.agencies] == [("health", 1, True), ("police", 1, True)]
    # Questions 3 to 5 were never put to anyone at the review, so they are not counted as left blank.
    q3 = found.overall.questions[2]
    assert (q3.answered, q3.blank) == (5, 0)
    # The response rate stays one of conferences: the review's three responses are not in it.
    assert (found.rates[0].conferences, found.rates[0].responses) == (1, 5)


def test_suppressed_groups_are_left_out_of_the_csv_and_shown_without_answers(db, signed_in, make, mixed):
    text = answers_csv(feedback_results(db, period=period_for(2025), today=date(2026, 1, 1)))
    assert "Who answered,Parents and family" in text
    assert "Carers" not in text and "Professionals" not in text and "Police" not in text
    page = signed_in(make.staff(Role.MANAGER)).get("/feedback/results?year=2025")
    assert page.status_code == 200
    assert b"Carers: 1 response, fewer than 5, so the answers are not shown." in page.data
    assert b"Professionals: 2 responses, fewer than 5" in page.data


def test_the_service_reports_parents_views_count_parents_only(app, db, make, people):
    from voice_app.reports.period import financial_year
    from voice_app.reports.report import build_report

    meeting = conference(make, people["child"], stage=ReviewStage.INITIAL_CONFERENCE, day=date(2025, 5, 10))
    response(db, meeting, "A A A A")
    response(db, meeting, "D D - D", kind=PROFESSIONAL, agency=Agency.HEALTH)
    with app.extensions["voice_app_engine"].connect() as connection:
        report = build_report(connection, financial_year(2025))
    returned = {row.key: row.now.count for row in report.figure("parents-responses").rows}
    assert returned["responses"] == 1
    q1 = {row.key: row.now.count for row in report.figure("parents-q1").rows}
    assert (q1["agree"], q1["disagree"]) == (1, 0)


# A service's own questions ------------------------------------------------------------------------

ACCESS_TESTED_ENDPOINTS = {"feedback.local_questions", "feedback.changes"}


def test_the_service_questions_page_is_for_managers_only(client, signed_in, make, people):
    assert client.get("/feedback/questions").status_code == 302
    assert signed_in(people["iro"]).get("/feedback/questions").status_code == 403
    assert signed_in(make.staff(Role.ADMIN)).get("/feedback/questions").status_code == 403
    assert signed_in(people["iro"]).post("/feedback/questions", {"action": "add", "text": "Hi"}).status_code == 403
    page = signed_in(make.staff(Role.MANAGER)).get("/feedback/questions")
    assert page.status_code == 200, page.data
    assert b"report before the meeting." in page.data, page.data.decode()[-3000:]


def _manager_post(client, data):
    page = client.get("/feedback/questions")
    return client.post("/feedback/questions", {"csrf_token": csrf_of(page), **data})


def test_questions_are_added_reworded_and_retired_without_losing_past_answers(app, db, signed_in, make, people):
    manager = signed_in(make.staff(Role.MANAGER))
    assert _manager_post(manager, {"action": "adopt", "default_key": "report_before"}).status_code == 302
    assert (
        _manager_post(manager, {"action": "add", "text": "The meeting started on time.", "short": "Started on time"}).status_code
        == 302
    )
    assert _manager_post(manager, {"action": "add", "text": "   "}).status_code == 422
    assert _manager_post(manager, {"action": "add", "text": "x" * 301}).status_code == 422
    assert _manager_post(manager, {"action": "reword", "question_id": "999", "text": "Hello"}).status_code == 404
    report, on_time = db.exec(select(FeedbackLocalQuestion).order_by(FeedbackLocalQuestion.id)).all()
    assert (report.default_key, report.text, on_time.text) == ("report_before", None, "The meeting started on time.")

    # A carer answers both after a cared-for review.
    review = _review(make, people["child"], day=date(2025, 6, 1))
    item = link(db, review, by=people["iro"], kind=CARER)
    phone = Parent(app, item.token)
    assert b"There are 4 questions" in phone.get().data
    phone.post("/start")
    assert b"I received the social worker" in phone.get(f"/local-{report.id}").data
    for step in ("q1", "q2"):
        phone.answer(step, "agree")
    phone.get(f"/local-{report.id}")
    assert phone.post(f"/local-{report.id}", {"answer": "agree"}).headers["Location"].endswith(f"/local-{on_time.id}")
    phone.answer("comment", "")
    phone.answer("name", "")
    assert phone.post("/send").status_code == 422  # the last question is not answered yet
    phone.get(f"/local-{on_time.id}")
    phone.post(f"/local-{on_time.id}", {"answer": "not_applicable"})
    assert phone.post("/send").headers["Location"].endswith("/thanks")
    stored = {(a.question_id, a.answer) for a in db.exec(select(FeedbackLocalAnswer)).all()}
    assert stored == {(report.id, "agree"), (on_time.id, "not_applicable")}

    # Reworded and retired: the answers stay with the question, shown under today's words.
    assert (
        _manager_post(
            manager, {"action": "reword", "question_id": str(on_time.id), "text": "We started when we said we would."}
        ).status_code
        == 302
    )
    assert _manager_post(manager, {"action": "retire", "question_id": str(report.id)}).status_code == 302
    db.expire_all()
    assert db.get(FeedbackLocalQuestion, on_time.id).text == "We started when we said we would."
    found = {c.question.id: c for c in feedback_results(db, period=period_for(2025), today=date(2026, 1, 1)).local}
    assert found[report.id].counts["agree"] == 1 and found[report.id].question.retired_at is not None
    assert found[on_time.id].counts["not_applicable"] == 1
    # Nothing answered the retired question in another year, so it is not listed there; the asked one is, with no answers.
    later = {c.question.id: c.answered for c in feedback_results(db, period=period_for(2026), today=date(2027, 1, 1)).local}
    assert later == {on_time.id: 0}
    # A retired question is no longer asked.
    fresh = Parent(app, link(db, review, by=people["iro"], kind=CARER).token)
    assert b"There are 3 questions" in fresh.get().data
    # A retired default cannot be taken up again, so its answers never mix with a new copy.
    assert _manager_post(manager, {"action": "adopt", "default_key": "report_before"}).status_code == 302
    assert len(db.exec(select(FeedbackLocalQuestion)).all()) == 2


def test_no_more_than_five_questions_of_its_own(db, signed_in, make):
    manager = signed_in(make.staff(Role.MANAGER))
    for number in range(5):
        assert _manager_post(manager, {"action": "add", "text": f"Question {number}."}).status_code == 302
    page = _manager_post(manager, {"action": "add", "text": "One too many."})
    assert page.status_code == 422 and b"up to 5 questions" in page.data
    assert len(db.exec(select(FeedbackLocalQuestion)).all()) == 5


def test_a_paper_form_has_the_service_questions_too(db, signed_in, make, people):
    question = FeedbackLocalQuestion(text="The room was comfortable.", short="Comfortable room")
    db.add(question)
    db.commit()
    meeting = conference(make, people["child"], stage=ReviewStage.INITIAL_CONFERENCE)
    client = signed_in(people["iro"])
    form = client.get(f"/feedback/conferences/{meeting.id}/paper")
    assert b"The room was comfortable." in form.data
    data = {"csrf_token": csrf_of(form), "submission_key": "z" * 24, "q1": "agree", "q2": "agree", "q3": "blank", "q4": "agree"}
    assert client.post(f"/feedback/conferences/{meeting.id}/paper", {**data, f"local-{question.id}": "bogus"}).status_code == 422
    assert (
        client.post(f"/feedback/conferences/{meeting.id}/paper", {**data, f"local-{question.id}": "disagree"}).status_code == 302
    )
    (answer,) = db.exec(select(FeedbackLocalAnswer)).all()
    assert (answer.question_id, answer.answer) == (question.id, "disagree")


def test_a_suggested_question_is_read_in_each_persons_language_until_the_service_rewords_it(app):
    from flask_babel import force_locale

    from voice_app.parents.local_questions import wording

    suggested = FeedbackLocalQuestion(default_key="place_and_way", short="Place and way")
    own = FeedbackLocalQuestion(default_key="place_and_way", text="The venue suited me.", short="Venue")
    with app.test_request_context(), force_locale("cy"):
        assert str(wording(suggested)) == "Roedd y lle a'r ffordd y cynhaliwyd y cyfarfod yn gweithio i mi."
        assert wording(own) == "The venue suited me."


# "You said, we did" for families and partners -----------------------------------------------------


def test_you_said_we_did_is_written_by_managers_and_shown_to_everyone_giving_feedback(app, db, client, signed_in, make, people):
    assert client.get("/feedback/you-said-we-did").status_code == 302
    assert signed_in(people["iro"]).get("/feedback/you-said-we-did").status_code == 403
    manager = signed_in(make.staff(Role.MANAGER))
    page = manager.get("/feedback/you-said-we-did")
    token = csrf_of(page)
    said, did = "Lambton House wasn't an appropriate venue.", "We opened a new conference suite."
    assert manager.post("/feedback/you-said-we-did", {"csrf_token": token, "you_said": "  ", "we_did": did}).status_code == 422
    assert (
        manager.post("/feedback/you-said-we-did", {"csrf_token": token, "you_said": said, "we_did": "x" * 501}).status_code == 422
    )
    assert manager.post("/feedback/you-said-we-did", {"csrf_token": token, "you_said": said, "we_did": did}).status_code == 302
    (change,) = db.exec(select(FeedbackChange)).all()

    item = link(db, _review(make, people["child"]), by=people["iro"], kind=PROFESSIONAL)
    start = Parent(app, item.token).get()
    assert b"You said, we did" in start.data and b"We opened a new conference suite." in start.data
    assert b"Lambton House wasn&#39;t an appropriate venue." in start.data or b"Lambton House wasn&#x27;t" in start.data

    assert (
        manager.post("/feedback/you-said-we-did", {"csrf_token": token, "action": "withdraw", "change_id": "999"}).status_code
        == 404
    )
    assert (
        manager.post(
            "/feedback/you-said-we-did", {"csrf_token": token, "action": "withdraw", "change_id": str(change.id)}
        ).status_code
        == 302
    )
    assert b"We opened a new conference suite." not in Parent(app, item.token).get().data
    assert b"Taken down" in manager.get("/feedback/you-said-we-did").data
