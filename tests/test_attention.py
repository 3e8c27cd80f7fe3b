"""New cards from the seeds' children, and answers that need the IRO's attention (listed first, never told)."""

from datetime import date

import pytest
from sqlmodel import select

from tests.statement_factories import AnswerSpec, make_statement
from voice_app.child.flow import asked_questions, recap_for
from voice_app.models import AttentionAction, AuditEvent, FlowVersion, Role, Statement, VisitMethod, VisitStatus
from voice_app.questions.bank import BankError, default_bank, load_bank
from voice_app.statements.access import load_context
from voice_app.statements.reading import read_statement
from voice_app.statements.services import StatementActionError, save_attention_action

ACCESS_TESTED_ENDPOINTS = {"statements.attention"}
BANK = default_bank()

FLAGGED = [
    AnswerSpec("feel-today", ["scared"], text="at night"),
    AnswerSpec("home", ["like"]),
    AnswerSpec("understand-care", ["know_more"]),
    AnswerSpec("keep-safe", ["carer", "no_one"]),
    AnswerSpec("wishes", ["go_home"]),
    AnswerSpec("advocate", ["no"]),
    AnswerSpec("menu-where", ["quiet"]),
]


# --- The bank: new cards and which answers need attention -------------------------------------


def _asked(*, version="older", cared_for=True, cp=False, houses=True):
    return {q.id for q in BANK.for_child(parts=("views",), version=version, cared_for=cared_for, on_cp_plan=cp, houses_for_cared_for=houses)}


def test_the_cards_the_seeds_children_needed_are_in_the_bank():
    assert BANK.get("wishes").choice("go_home") and BANK.get("house-dreams").choice("family_again")
    assert BANK.get("keep-safe").kind == "people" and BANK.get("keep-safe").choice("no_one")
    assert BANK.get("menu-where").choice("quiet") and BANK.get("menu-help").choice("quiet")
    assert "%(cared_for)s" in BANK.get("understand-care").prompt
    assert BANK.get("understand-care").choice("know_more").attention == "request"


def test_who_is_asked_the_new_questions():
    assert {"future-home", "understand-care", "keep-safe"} <= _asked()
    assert "understand-plan" not in _asked()
    assert "future-home" not in _asked(version="younger")  # where to live when older: older children
    on_plan = _asked(cared_for=False, cp=True, houses=False)
    assert {"understand-plan", "keep-safe", "house-worries", "safe-scale"} <= on_plan
    assert not {"understand-care", "future-home"} & on_plan


def test_the_service_setting_offers_the_houses_to_children_in_care(app, make, db):
    iro = make.staff(Role.IRO)
    child = make.child(iro, cared_for=True, on_cp_plan=False)
    visit = make.visit(make.review(child), iro=iro)
    statement = make_statement(db, child=child, visit=visit, answers=[], finished=False)
    with app.app_context():
        assert "house-dreams" in {q.id for q in asked_questions(BANK, statement=statement, child=child, answers={})}
        app.config["VOICE_APP"].houses_for_cared_for = False
        assert "house-dreams" not in {q.id for q in asked_questions(BANK, statement=statement, child=child, answers={})}


@pytest.mark.parametrize(
    ("question_id", "choices", "scale", "needs"),
    [
        ("feel-today", ["scared"], None, True),
        ("feel-today", ["happy", "sad"], None, False),
        ("safe-scale", [], 3, True),
        ("safe-scale", [], 0, True),
        ("safe-scale", [], 4, False),
        ("safe-scale", [], None, False),
        ("house-worries", ["school", "shouting"], None, True),
        ("keep-safe", ["no_one"], None, True),
        ("keep-safe", ["mum", "teacher"], None, False),
        ("understand-plan", ["know_more"], None, True),
        ("understand-plan", ["bit"], None, False),
        ("advocate", ["yes"], None, True),
        ("social-worker", ["dont_know"], None, True),
    ],
)
def test_which_answers_need_attention(question_id, choices, scale, needs):
    assert BANK.get(question_id).needs_attention(choices=choices, scale=scale) is needs


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ('attention_at_most = 3', "only a scale question"),
        ('choices = [{ id = "a", label = "A", symbol = "sun", attention = "maybe" }]', "attention is not one of"),
    ],
)
def test_the_bank_refuses_bad_attention_marks(tmp_path, extra, problem):
    body = 'id = "q"\nkind = "choice"\nprompt = "P"\nsymbol = "sun"\n' + extra
    if "choices" not in extra:
        body += '\nchoices = [{ id = "a", label = "A", symbol = "sun" }]'
    (tmp_path / "views.toml").write_text("[[question]]\n" + body + "\n", encoding="utf-8")
    (tmp_path / "menu.toml").write_text("", encoding="utf-8")
    with pytest.raises(BankError, match=problem):
        load_bank(tmp_path)


# --- The statement page lists them first; the IRO records what they did ------------------------


@pytest.fixture
def flagged(make, db):
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    child = make.child(iro, name="Tom")
    review = make.review(child)
    visit = make.visit(review, iro=iro, status=VisitStatus.DONE, held_on=date.today(), method=VisitMethod.FACE_TO_FACE)
    statement = make_statement(db, child=child, visit=visit, answers=[*FLAGGED, AnswerSpec("safe-scale", scale=2), AnswerSpec("school", skipped=True)])
    return dict(iro=iro, child=child, visit=visit, statement=statement, make=make, url=f"/statements/{statement.id}")


def test_the_record_lists_flagged_answers_with_worries_and_requests(db, flagged):
    record = read_statement(db, load_context(db, flagged["statement"].id))
    kinds = {item.question_id: item.attention for item in record.attention}
    assert kinds == {"feel-today": "worry", "understand-care": "request", "keep-safe": "worry", "safe-scale": "worry"}
    assert record.attention_open == 4


def test_the_page_lists_what_needs_attention_before_the_childs_answers(signed_in, flagged):
    html = signed_in(flagged["iro"]).get(flagged["url"]).get_data(as_text=True)
    first, rest = html.split('id="views"')
    attention = first.split('id="attention"')[1]
    assert "Needs your attention first" in attention and "<strong>4</strong> without a record" in attention
    assert "I&#39;d like to know more" in attention and "The child asked for this" in attention
    assert "Scared" in attention and "2 out of 10" in attention and "No one" in attention
    assert "Somewhere quiet" not in attention and "To go home or live with my family again" in rest


def test_the_iro_records_what_they_did_and_it_is_audited(signed_in, flagged, db):
    client = signed_in(flagged["iro"])
    response = client.post(f"{flagged['url']}/attention/keep-safe", {"a-keep-safe-action": "Talked with Tom about who he can call; safety plan updated."})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{flagged['url']}#attention-keep-safe")
    saved = db.exec(select(AttentionAction)).one()
    assert (saved.question_id, saved.recorded_by_id) == ("keep-safe", flagged["iro"].id)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "statement.attention_action")).one()
    assert event.detail == "q=keep-safe" and "safety plan" not in event.detail
    html = client.get(flagged["url"]).get_data(as_text=True)
    assert "safety plan updated" in html and "<strong>3</strong> without a record" in html
    client.post(f"{flagged['url']}/attention/keep-safe", {"a-keep-safe-action": "Changed my mind."})
    db.expire_all()
    assert db.exec(select(AttentionAction)).one().action == "Changed my mind."


def test_a_blank_record_is_refused_kindly_and_unflagged_answers_are_404(signed_in, flagged, db):
    client = signed_in(flagged["iro"])
    response = client.post(f"{flagged['url']}/attention/feel-today", {"a-feel-today-action": "   "})
    assert response.status_code == 422 and "Write what you did about this answer." in response.get_data(as_text=True)
    assert client.post(f"{flagged['url']}/attention/home", {"a-home-action": "x"}).status_code == 404
    assert client.post(f"{flagged['url']}/attention/school", {"a-school-action": "x"}).status_code == 404  # skipped
    assert db.exec(select(AttentionAction)).first() is None


def test_the_service_refuses_items_that_are_not_flagged(db, flagged):
    record = read_statement(db, load_context(db, flagged["statement"].id))
    with pytest.raises(StatementActionError):
        save_attention_action(db, record=record, question_id="home", action="x", by=flagged["iro"])


def test_only_the_childs_iro_and_managers_record_actions(client, signed_in, flagged, db):
    url = f"{flagged['url']}/attention/feel-today"
    form = {"a-feel-today-action": "Called the carer."}
    assert client.post(url, form).status_code == 302 and "/sign-in" in client.post(url, form).headers["Location"]
    assert signed_in(flagged["make"].staff(Role.IRO)).post(url, form).status_code == 404
    assert signed_in(flagged["make"].staff(Role.ADMIN)).post(url, form).status_code == 403
    assert db.exec(select(AttentionAction)).first() is None
    assert signed_in(flagged["make"].staff(Role.MANAGER)).post(url, form).status_code == 302


def test_the_child_is_never_told(db, flagged, signed_in):
    signed_in(flagged["iro"]).post(f"{flagged['url']}/attention/feel-today", {"a-feel-today-action": "Spoke to the carer."})
    later = flagged["make"].visit(flagged["make"].review(flagged["child"], days_ahead=200), iro=flagged["iro"])
    statement = make_statement(db, child=flagged["child"], visit=later, answers=[], finished=False, version=FlowVersion.OLDER)
    assert recap_for(db, statement=statement, bank=BANK) == []  # nothing of it reaches "you said, we did"
    assert db.get(Statement, statement.id) is not None
