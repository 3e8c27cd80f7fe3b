"""A statement's sorting mats on the statement page, in the PDF and the JSON, with what moved since last time."""

from datetime import date, timedelta
from io import BytesIO

import jsonschema
from pypdf import PdfReader

from tests.statement_factories import AnswerSpec, make_statement
from voice_app.models import FlowVersion, Role, VisitMethod, VisitStatus
from voice_app.statements.access import load_context
from voice_app.statements.exports import Audience, export_schema, statement_document
from voice_app.statements.pdf import render_statement_pdf
from voice_app.statements.reading import raised_label, read_statement
from voice_app.statements.services import save_response

LAST_TIME = [
    AnswerSpec("mat.school.lessons", ["like"]),
    AnswerSpec("mat.school.teacher", ["like"]),
    AnswerSpec("mat.school.friends", skipped=True),
]
NOW = [
    AnswerSpec("mat.school.lessons", ["not_like"]),
    AnswerSpec("mat.school.teacher", ["like"]),
    AnswerSpec("mat.school.friends", ["ok"]),
    AnswerSpec("mat.school.homework", skipped=True),
    AnswerSpec("mat.feelings.school", ["worried"]),
]


def _world(make, db):
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    child = make.child(iro, name="Sam", case_reference="LL-200")
    earlier_visit = make.visit(make.review(child, days_ahead=-150), iro=iro, status=VisitStatus.DONE, held_on=date.today() - timedelta(days=160))
    earlier = make_statement(db, child=child, visit=earlier_visit, answers=LAST_TIME, version=FlowVersion.MAT)
    earlier.started_at -= timedelta(days=160)
    db.add(earlier)
    db.commit()
    visit = make.visit(make.review(child, days_ahead=20), iro=iro, status=VisitStatus.DONE, held_on=date.today(), method=VisitMethod.FACE_TO_FACE)
    statement = make_statement(db, child=child, visit=visit, answers=NOW, version=FlowVersion.MAT)
    return iro, statement


def _record(db, statement):
    return read_statement(db, load_context(db, statement.id))


def test_a_mat_is_laid_out_under_its_scale_and_says_what_moved_since_the_last_mat(make, db):
    _iro, statement = _world(make, db)
    record = _record(db, statement)
    school, feelings = record.mats
    assert (school.id, feelings.id) == ("school", "feelings")
    assert [(c.label, [card.label for card in c.cards]) for c in school.columns] == [
        ("I like it", ["My teacher"]), ("It's OK", ["Playing with friends"]), ("I don't like it", ["Lessons"])]
    assert [card.label for card in school.aside] == ["Homework"]
    assert "Lessons: I don't like it" in school.sentences and "Homework: did not want to say" in school.sentences
    assert [m.text for m in school.moves] == ["Lessons: I like it → I don't like it", "Playing with friends: did not want to say → It's OK"]
    assert school.compared and not feelings.compared  # no earlier mat about feelings
    # A card placed under a worrying point comes first for the IRO, like any worrying answer.
    assert [item.question_id for item in record.attention] == ["mat.feelings.school"]


def test_the_iro_answers_each_placement_in_you_said_we_did(make, db):
    iro, statement = _world(make, db)
    record = _record(db, statement)
    assert {"mat.school.lessons", "mat.feelings.school"} <= set(record.raised)
    assert "mat.school.homework" not in record.raised  # put aside: nothing was said
    assert raised_label(record, "mat.school.lessons") == "School or college: Lessons (placed under I don't like it)"
    save_response(db, record=record, question_id="mat.school.lessons", we_did="We asked school about your lessons.", by=iro)
    document = statement_document(_record(db, statement), audience=Audience.CASE_RECORD)
    jsonschema.validate(document, export_schema(), format_checker=jsonschema.FormatChecker())
    school = document["mats"][0]
    assert school["scale"][0] == {"id": "like", "label": "I like it", "symbol": "thumbs-up"}
    lessons = next(card for card in school["cards"] if card["question_id"] == "mat.school.lessons")
    assert lessons["point"] == "not_like" and lessons["response"]["we_did"] == "We asked school about your lessons."
    assert next(card for card in school["cards"] if card["card"] == "Homework")["point"] is None
    assert {"question_id": "mat.school.lessons", "card": "Lessons", "before": "I like it", "after": "I don't like it"} in school["moved_since_last_mat"]
    assert document["mats"][1]["moved_since_last_mat"] is None and document["statement"]["version"] == "mat"


def test_the_pdf_draws_each_mat_and_says_it_in_words(make, db):
    iro, statement = _world(make, db)
    save_response(db, record=_record(db, statement), question_id="mat.school.lessons", we_did="We asked school about your lessons.", by=iro)
    data = render_statement_pdf(_record(db, statement), audience=Audience.CASE_RECORD)
    text = " ".join("\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages).split())
    assert "My sorting mats" in text and "School or college" in text
    assert "I like it" in text and "I don't like it" in text and "Did not want to say" in text
    assert "Lessons: I like it → I don't like it" in text
    assert "We asked school about your lessons." in text


def test_the_statement_page_shows_the_mat_as_a_table_with_what_moved(make, db, signed_in):
    iro, statement = _world(make, db)
    page = signed_in(iro).get(f"/statements/{statement.id}").get_data(as_text=True)
    assert "The child's sorting mats" in page and 'class="va-mat-board"' in page
    board = page.split('class="va-mat-board"')[1].split("</table>")[0]
    assert board.index("I like it") < board.index("My teacher") and "Homework" in board
    assert "Lessons: I like it → I don&#39;t like it" in page or "Lessons: I like it → I don't like it" in page
    assert f"/statements/{statement.id}/responses/mat.school.lessons" in page
    assert "No views were saved" not in page


def test_the_iro_writes_you_said_we_did_for_a_placement_in_place(make, db, signed_in):
    iro, statement = _world(make, db)
    client = signed_in(iro)
    url = f"/statements/{statement.id}/responses/mat.school.lessons"
    htmx = {"HX-Request": "true"}
    form = client.get(url, headers=htmx).get_data(as_text=True)
    assert 'hx-target="#response-mat_school_lessons"' in form and "School or college: Lessons (placed under I don" in form
    saved = client.post(url, {"r-mat_school_lessons-we_did": "We asked school about your lessons."}, headers=htmx)
    assert saved.status_code == 200 and "We asked school about your lessons." in saved.get_data(as_text=True)
    assert client.get(f"/statements/{statement.id}/responses/mat.school.homework").status_code == 404  # put aside: nothing to answer
    assert _record(db, statement).responses["mat.school.lessons"].we_did == "We asked school about your lessons."
