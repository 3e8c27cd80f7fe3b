"""Who I am: the identity card in the child's conversation, answered in "you said, we did" and shown in a section of its own."""

import html as html_module
import json
import re
from io import BytesIO

import jsonschema
import pytest
from pypdf import PdfReader
from sqlmodel import select

from tests.statement_factories import AnswerSpec, make_statement
from voice_app.child.pack_routes import expand_piece
from voice_app.models import Answer, AnswerChoice, Role
from voice_app.questions.bank import BankError, default_bank, load_bank
from voice_app.statements.access import load_context
from voice_app.statements.exports import Audience, export_schema, statement_document
from voice_app.statements.pdf import pdf_support, render_statement_pdf
from voice_app.statements.reading import read_statement
from voice_app.statements.routes import dom_id
from voice_app.statements.services import save_response

pytest_plugins = ["tests.child_support"]  # the hand_over fixture

BANK = default_bank()
IDENTITY = ["who-i-am", "who-i-am-help", "who-i-am-proud"]
CARDS = ["family", "faith", "culture", "language", "food", "hair_skin", "proud"]


def _text(response):
    return html_module.unescape(response.get_data(as_text=True))


def _same_step(html: str) -> str:
    html = re.sub(r'name="(csrf_token|client_id)" value="[^"]*"', "", html)
    return re.sub(r"\s+", " ", html).strip()


def _world(make, db, answers):
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    child = make.child(iro, name="Amara", case_reference="LL-3232")
    visit = make.visit(make.review(child), iro=iro)
    statement = make_statement(db, child=child, visit=visit, answers=answers)
    return iro, statement


CARD = [
    AnswerSpec("feel-today", ["happy"]),
    AnswerSpec("who-i-am", ["faith", "hair_skin", "food"], text="I go to the gurdwara with my Nani"),
    AnswerSpec("who-i-am-help", ["more_help"], text="Someone who knows how to do my hair"),
    AnswerSpec("who-i-am-proud", text="My grandad's stories about Lagos"),
]


def test_the_card_is_asked_in_both_versions_for_every_child_and_names_every_part_of_who_i_am():
    who = BANK.get("who-i-am")
    assert [c.id for c in who.choices] == CARDS and who.section == "identity" and who.allow_text
    for cared_for, cp in [(True, False), (False, True)]:
        younger = [q.id for q in BANK.for_child(parts=("views",), version="younger", cared_for=cared_for, on_cp_plan=cp)]
        older = [q.id for q in BANK.for_child(parts=("views",), version="older", cared_for=cared_for, on_cp_plan=cp)]
        assert [q for q in younger if q in IDENTITY] == ["who-i-am", "who-i-am-help"]  # younger children never type
        assert [q for q in older if q in IDENTITY] == IDENTITY
    help_ = BANK.get("who-i-am-help")
    assert help_.show_if.question == "who-i-am" and set(help_.show_if.any_of) == set(CARDS)
    assert help_.choice("no").attention == "worry" and help_.choice("more_help").attention == "request"


def test_a_section_is_only_for_views_and_only_identity(tmp_path):
    (tmp_path / "views.toml").write_text('[[question]]\nid = "a"\nkind = "text"\nprompt = "A"\nsymbol = "star"\nsection = "faith"\n')
    (tmp_path / "menu.toml").write_text("")
    with pytest.raises(BankError, match="section 'faith'"):
        load_bank(tmp_path)
    (tmp_path / "views.toml").write_text("")
    (tmp_path / "menu.toml").write_text('[[question]]\nid = "menu-a"\nkind = "text"\nprompt = "A"\nsymbol = "star"\nsection = "identity"\n')
    with pytest.raises(BankError, match="only a views question"):
        load_bank(tmp_path)


def test_a_child_chooses_cards_says_more_and_may_skip_the_whole_card(hand_over, db):
    tablet = hand_over(version="younger")
    tablet.skip_to("who-i-am")
    step = _text(tablet.client.get(tablet.url())).split('id="step"')[1]
    assert "Who I am: what is important to you about who you are?" in step
    assert "How I look after my hair and skin" in step and "My faith or religion" in step and 'value="faith"' in step
    assert tablet.answer("who-i-am", {"choice": ["faith", "hair_skin"]}).status_code == 302
    assert tablet.current_question() == "who-i-am-help"
    assert tablet.answer("who-i-am-help", {"choice": "bit"}).status_code == 302
    answer = db.exec(select(Answer).where(Answer.statement_id == tablet.statement_id, Answer.question_id == "who-i-am")).one()
    chosen = db.exec(select(AnswerChoice.choice_id).where(AnswerChoice.answer_id == answer.id)).all()
    assert sorted(chosen) == ["faith", "hair_skin"]

    skipper = hand_over(version="older", name="Kit")
    skipper.skip_to("who-i-am")
    assert skipper.answer("who-i-am", {"skip": "1"}).status_code == 302
    assert skipper.current_question() == "who-i-am-proud"  # "do they help?" only follows a card chosen
    assert skipper.answer("who-i-am-proud", {"skip": "1"}).status_code == 302
    assert skipper.current_question() not in IDENTITY


def test_the_card_is_in_the_offline_pack_and_drawn_as_online(hand_over):
    tablet = hand_over(version="older")
    pack = json.loads(tablet.client.get(tablet.url("/pack/en-GB.json")).get_data(as_text=True))
    steps = {q["id"]: q for q in pack["questions"]}
    assert all(qid in steps for qid in IDENTITY)
    assert steps["who-i-am-help"]["show_if"] == {"question": "who-i-am", "any_of": CARDS}
    tablet.skip_to("who-i-am")
    sprite = re.search(r'data-sprite="([^"]+)"', tablet.client.get(tablet.url()).get_data(as_text=True)).group(1)
    headers = {"HX-Request": "true", "X-Symbol-Sprite": sprite}  # as the tablet asks: symbols from the sprite, as in the pack
    page = tablet.client.get(tablet.url(), headers=headers).get_data(as_text=True)
    online = re.search(r'<li id="step".*?</li>\s*</ol>', page, re.S).group(0).rsplit("</ol>", 1)[0]
    # The same HTML, the step's number and the count of steps (which depend on the branches taken) aside.
    pattern = re.escape(_same_step(expand_piece(pack, steps["who-i-am"]["step"]))).replace("@@number@@", r"\d+").replace("@@total@@", r"\d+")
    assert re.fullmatch(pattern, _same_step(online))


def test_the_card_in_the_childs_language(hand_over):
    tablet = hand_over(version="younger")
    arabic = json.loads(tablet.client.get(tablet.url("/pack/ar.json")).get_data(as_text=True))
    step = next(q["step"] for q in arabic["questions"] if q["id"] == "who-i-am")
    assert "Who I am" not in step and "hair and skin" not in step  # translated, not English


def test_the_statement_page_shows_who_i_am_in_its_own_section_and_the_iro_answers_it(make, db, signed_in):
    iro, statement = _world(make, db, CARD)
    client = signed_in(iro)
    page = _text(client.get(f"/statements/{statement.id}"))
    section = page.split('id="who-i-am"')[1].split('id="explain"')[0] if 'id="explain"' in page else page.split('id="who-i-am"')[1].split('id="meeting-plan"')[0]
    assert "Who I am" in section and "My faith or religion" in section and "How I look after my hair and skin" in section
    assert "I go to the gurdwara with my Nani" in section and "My grandad's stories about Lagos" in section
    views = page.split('id="views"')[1].split('id="who-i-am"')[0]
    assert "My faith or religion" not in views and "How do you feel today?" in views
    attention = page.split('id="attention"')[1].split("</section>")[0]
    assert "Do the people who look after you help you with these things?" in attention  # asked for more help
    form = client.get(f"/statements/{statement.id}/responses/who-i-am")
    assert form.status_code == 200 and "Who I am" in _text(form)
    saved = client.post(f"/statements/{statement.id}/responses/who-i-am", {f"r-{dom_id('who-i-am')}-we_did": "Your carer will take you to the gurdwara on Sundays."})
    assert saved.status_code in (302, 303)
    again = _text(client.get(f"/statements/{statement.id}")).split('id="who-i-am"')[1]
    assert "Your carer will take you to the gurdwara on Sundays." in again


def test_who_i_am_is_in_the_json_with_the_iros_answer_and_validates(make, db):
    iro, statement = _world(make, db, CARD)
    record = read_statement(db, load_context(db, statement.id))
    save_response(db, record=record, question_id="who-i-am-help", we_did="I have asked for a hair and skin care plan.", by=iro)
    record = read_statement(db, load_context(db, statement.id))
    assert [i.question_id for i in record.identity] == IDENTITY and "who-i-am" in record.raised
    for audience in Audience:
        document = statement_document(record, audience=audience)
        jsonschema.validate(document, export_schema(), format_checker=jsonschema.FormatChecker())
        who = {item["question_id"]: item for item in document["who_i_am"]}
        assert list(who) == IDENTITY and not any(v["question_id"] in who for v in document["views"])
        assert [c["id"] for c in who["who-i-am"]["choices"]] == ["faith", "food", "hair_skin"]
        assert who["who-i-am"]["words"] == "I go to the gurdwara with my Nani"
        assert who["who-i-am-help"]["response"]["we_did"] == "I have asked for a hair and skin care plan."


@pytest.mark.skipif(pdf_support() is not None, reason="fpdf2 or uharfbuzz not installed")
def test_who_i_am_is_a_section_of_the_pdf(make, db):
    iro, statement = _world(make, db, CARD)
    record = read_statement(db, load_context(db, statement.id))
    save_response(db, record=record, question_id="who-i-am", we_did="We will find you a gurdwara near your home.", by=iro)
    record = read_statement(db, load_context(db, statement.id))
    data = render_statement_pdf(record, audience=Audience.CASE_RECORD)
    text = " ".join("\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages).split())
    assert "Who I am" in text.split("What I said", 1)[1]
    assert "How I look after my hair and skin" in text and "My grandad's stories about Lagos" in text
    assert "We will find you a gurdwara near your home." in text
