"""A statement given in another language shows each question in English beside the child's wording."""

import json

import pytest
from flask_babel import force_locale

from tests.child_support import make_statement
from voice_app.i18n.terms import tgettext
from voice_app.models import Answer, AnswerChoice, Role

pytestmark = pytest.mark.any_database(
    reason="which wording of a question a page, JSON or PDF shows: the catalogue's, for a statement looked up by id"
)


def _arabic_statement(db, make):
    iro = make.staff(Role.IRO)
    child = make.child(iro, preferred_language="ar")
    visit = make.visit(make.review(child), iro=iro)
    statement = make_statement(db, visit, child, language="ar")
    answer = Answer(statement_id=statement.id, question_id="feel-today", text="أنا بخير")
    db.add(answer)
    db.commit()
    db.add(AnswerChoice(answer_id=answer.id, choice_id="happy"))
    db.commit()
    return iro, statement


def test_the_statement_page_shows_the_question_as_the_child_read_it(app, db, make, signed_in):
    iro, statement = _arabic_statement(db, make)
    with app.test_request_context(), force_locale("ar"):
        arabic = tgettext("How do you feel today?")
    assert arabic != "How do you feel today?"  # the Arabic catalogue has it
    page = signed_in(iro).get(f"/statements/{statement.id}").get_data(as_text=True)
    assert "How do you feel today?" in page
    assert f'<span lang="ar" dir="rtl">{arabic}</span>' in page
    assert "أنا بخير" in page  # the child's own words, untouched


def test_the_json_export_carries_both_wordings(app, db, make, signed_in):
    iro, statement = _arabic_statement(db, make)
    response = signed_in(iro).get(f"/statements/{statement.id}/export.json")
    views = json.loads(response.get_data(as_text=True))["views"]
    assert views[0]["question"] == "How do you feel today?"
    assert views[0]["question_as_asked"] and views[0]["question_as_asked"] != views[0]["question"]


def test_english_statements_have_no_second_wording(app, db, make, signed_in):
    iro = make.staff(Role.IRO)
    child = make.child(iro)
    statement = make_statement(db, make.visit(make.review(child), iro=iro), child)
    db.add(Answer(statement_id=statement.id, question_id="feel-today", skipped=True))
    db.commit()
    page = signed_in(iro).get(f"/statements/{statement.id}").get_data(as_text=True)
    assert "Asked in the child's language" not in page


def test_the_pdf_carries_both_wordings(app, db, make, signed_in):
    import io

    from pypdf import PdfReader

    iro, statement = _arabic_statement(db, make)
    response = signed_in(iro).get(f"/statements/{statement.id}/export.pdf")
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "How do you feel today?" in text
