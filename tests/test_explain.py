"""What happens at my meeting: picture steps the IRO adds at hand-over; an advocate asked for goes to the IRO."""

import html as html_module

from sqlmodel import select

from tests.statement_factories import AnswerSpec, make_statement
from voice_app.child.flow import parts_of
from voice_app.models import Role, Statement
from voice_app.questions.bank import default_bank

BANK = default_bank()

pytest_plugins = ["tests.child_support"]  # the hand_over fixture


def _text(response):
    return html_module.unescape(response.get_data(as_text=True))


def test_the_explainer_steps_and_who_sees_the_chair_step():
    cared_for = [q.id for q in BANK.for_child(parts=("explain",), version="younger", cared_for=True, on_cp_plan=False)]
    assert cared_for == ["explain-who", "explain-what", "explain-come", "explain-chair", "explain-views", "explain-advocate", "advocate"]
    on_plan = [q.id for q in BANK.for_child(parts=("explain",), version="older", cared_for=False, on_cp_plan=True)]
    assert "explain-chair" not in on_plan and "advocate" in on_plan  # chairing is for cared-for reviews
    assert all(BANK.get(qid).explain for qid in cared_for if qid != "advocate")
    assert parts_of(Statement(parts="views,menu,explain", child_id=1, visit_id=1)) == ("views", "explain", "menu")
    assert BANK.get("advocate").choice("yes").attention == "request" and not BANK.get("advocate").choice("no").attention


def test_the_iro_adds_the_explainer_at_hand_over(make, signed_in, db):
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    child = make.child(iro, name="Rebecca")
    visit = make.visit(make.review(child), iro=iro)
    client = signed_in(iro)
    assert "What happens at my meeting" in _text(client.get(f"/visits/{visit.id}/hand-over"))
    data = {"version": "younger", "language": "ar", "parts": "menu", "explain": "y"}
    assert client.post(f"/visits/{visit.id}/hand-over", data).status_code == 302
    statement = db.exec(select(Statement).where(Statement.visit_id == visit.id)).one()
    assert statement.parts == "menu,explain"
    page = _text(client.get(f"/child/statements/{statement.id}"))
    step = page.split('id="step"')[1]
    assert 'data-question="explain-who"' in page and "step__explain" in step and "data-say" in step
    assert "من يأتي إلى اجتماعك؟" in step  # Arabic, with the service's words filled in
    assert "%(" not in step


def test_an_advocate_asked_for_reaches_the_iro_first(make, signed_in, db):
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    child = make.child(iro, name="Tom")
    visit = make.visit(make.review(child), iro=iro)
    statement = make_statement(db, child=child, visit=visit, answers=[AnswerSpec("explain-who", ["got_it"]), AnswerSpec("explain-what", ["ask"]), AnswerSpec("advocate", ["yes"])])
    page = _text(signed_in(iro).get(f"/statements/{statement.id}"))
    attention = page.split('id="attention"')[1].split("</section>")[0]
    assert "Would you like someone to help you say what you think?" in attention and "Yes, please" in attention
    assert "What is talked about?" in attention and "The child asked for this" in attention
    assert "Who comes to your meeting?" not in attention
    explain = page.split('id="explain"')[1].split("</section>")[0]
    assert "Who comes to your meeting?" in explain and "I understand" in explain
