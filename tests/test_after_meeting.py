"""After the meeting: asked at the next visit after a held review, shown beside that meeting, counted in the figures."""

import html as html_module
import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.reports_seed import Seeder, utc
from tests.statement_factories import AnswerSpec, make_statement
from voice_app.child.flow import parts_of
from voice_app.models import ReviewStatus, Role, Statement, VisitMethod, VisitStatus
from voice_app.questions.bank import default_bank
from voice_app.reports.period import Period
from voice_app.reports.report import build_report

BANK = default_bank()


def _text(response):
    return html_module.unescape(response.get_data(as_text=True))


@pytest.fixture
def after_world(make, db):
    """A child whose last review was held 10 days ago (with a Child's Menu before it) and a visit for the next."""
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    child = make.child(iro, name="Mark")
    held = make.review(child, days_ahead=-10, status=ReviewStatus.HELD, held_on=date.today() - timedelta(days=10))
    before = make.visit(held, iro=iro, status=VisitStatus.DONE, held_on=date.today() - timedelta(days=17), method=VisitMethod.FACE_TO_FACE)
    menu = make_statement(db, child=child, visit=before, answers=[AnswerSpec("menu-format", ["virtual"]), AnswerSpec("menu-chair", ["child"]), AnswerSpec("feel-today", ["happy"])])
    nxt = make.review(child, days_ahead=170)
    visit = make.visit(nxt, iro=iro)
    return dict(iro=iro, child=child, held=held, menu=menu, visit=visit, make=make)


def _hand_over(client, visit, **extra):
    data = {"version": "younger", "language": "en-GB", "parts": "views,menu", **extra}
    return client.post(f"/visits/{visit.id}/hand-over", data)


def test_the_after_part_comes_first():
    assert parts_of(Statement(parts="views,menu,after", child_id=1, visit_id=1)) == ("after", "views", "menu")
    assert [q.id for q in BANK.for_child(parts=("after",), version="younger", cared_for=True, on_cp_plan=False)] == [
        "after-helped", "after-heard", "after-plan", "after-way", "after-tell",
    ]
    assert BANK.get("after-way").show_menu and BANK.get("after-heard").needs_attention(choices=["no"])
    assert BANK.get("after-plan").choice("know_more").attention == "request"


def test_the_hand_over_offers_the_last_held_meeting_ticked(signed_in, after_world, db):
    client = signed_in(after_world["iro"])
    page = _text(client.get(f"/visits/{after_world['visit'].id}/hand-over"))
    assert "First ask how their last meeting went (the cared for review held on" in page
    assert 'id="ask_after" name="ask_after" type="checkbox" value="y"' in page and "checked" in page.split('id="ask_after"')[0][-40:] + page.split('id="ask_after"')[1][:60]
    response = _hand_over(client, after_world["visit"], ask_after="y")
    assert response.status_code == 302
    statement = db.exec(select(Statement).where(Statement.visit_id == after_world["visit"].id)).one()
    assert (statement.parts, statement.about_review_id) == ("after,views,menu", after_world["held"].id)
    first = _text(client.get(f"/child/statements/{statement.id}"))
    assert "1 of " in first and "Did your meeting help you?" in first


def test_not_ticked_means_not_asked(signed_in, after_world, db):
    client = signed_in(after_world["iro"])
    assert _hand_over(client, after_world["visit"]).status_code == 302
    statement = db.exec(select(Statement).where(Statement.visit_id == after_world["visit"].id)).one()
    assert (statement.parts, statement.about_review_id) == ("views,menu", None)


def test_its_own_short_hand_over_and_none_without_a_held_meeting(signed_in, after_world, make, db):
    client = signed_in(after_world["iro"])
    assert _hand_over(client, after_world["visit"], parts="after").status_code == 302
    statement = db.exec(select(Statement).where(Statement.visit_id == after_world["visit"].id)).one()
    assert (statement.parts, statement.about_review_id) == ("after", after_world["held"].id)
    other = make.child(after_world["iro"])
    visit = make.visit(make.review(other), iro=after_world["iro"])
    client = signed_in(after_world["iro"])  # the first client is in child mode now
    page = _text(client.get(f"/visits/{visit.id}/hand-over"))
    assert "First ask how their last meeting went" not in page
    refused = _hand_over(client, visit, parts="after")
    assert refused.status_code == 422 and "There is no held meeting to ask about yet" in _text(refused)


@pytest.mark.parametrize("language", ["en-GB", "ar"])
def test_was_it_the_way_you_asked_shows_what_they_asked_for(signed_in, after_world, db, language):
    client = signed_in(after_world["iro"])
    _hand_over(client, after_world["visit"], parts="after", language=language)
    statement = db.exec(select(Statement).where(Statement.visit_id == after_world["visit"].id)).one()
    page = _text(client.get(f"/child/statements/{statement.id}/questions/after-way"))
    asked = page.split('class="asked"')[1].split("</div>")[0]
    if language == "ar":
        assert "لقد طلبت:" in asked and "هل كان اجتماعك بالطريقة التي طلبتها؟" in page
    else:
        assert "You asked for:" in asked and "On a video call" in asked and "Me" in asked
    assert asked.count("<svg ") == 2 and "<img " not in asked  # the pictures are drawn in the step itself
    # From a tablet that keeps the symbol sprite, the step names them in it.
    sprite = re.search(r'data-sprite="([^"]+)"', _text(client.get(f"/child/statements/{statement.id}"))).group(1)
    named = _text(client.get(f"/child/statements/{statement.id}/questions/after-way", headers={"X-Symbol-Sprite": sprite}))
    named_asked = named.split('class="asked"')[1].split("</div>")[0]
    for symbol in ("meeting-virtual", "chair-me"):
        assert f'<use href="{sprite}#{symbol}"/>' in named_asked, symbol
    assert "Happy" not in asked  # only the Child's Menu, not their views


def test_the_statement_pages_show_it_beside_the_meeting(signed_in, after_world, db):
    client = signed_in(after_world["iro"])
    later = make_statement(db, child=after_world["child"], visit=after_world["visit"], answers=[
        AnswerSpec("after-helped", ["yes"]), AnswerSpec("after-heard", ["no"], text="They talked over me"), AnswerSpec("after-way", ["some"]),
    ])
    later.about_review_id = after_world["held"].id
    later.parts = "after,views,menu"
    db.add(later)
    db.commit()
    page = _text(client.get(f"/statements/{later.id}"))
    section = page.split('id="after-meeting"')[1].split("</section>")[0]
    assert "How their last meeting went: the cared for review held on" in section
    assert "Did you feel listened to at your meeting?" in section and "They talked over me" in section
    assert "What they asked for on the Child's Menu for that meeting" in section and "On a video call" in section
    assert "Did you feel listened to" in page.split('id="attention"')[1].split("</section>")[0]  # "no" needs attention
    earlier = _text(client.get(f"/statements/{after_world['menu'].id}"))
    assert "After this meeting, the child said" in earlier and "They talked over me" in earlier
    assert "Some of it" in earlier


# --- The service figures ------------------------------------------------------------------------


def test_the_figures_count_after_meeting_answers_with_small_numbers_hidden(app, db):
    """Hand-worked: 6 children answered "Did you feel listened to?" in 2024/25 (5 yes, 1 no); 2 the year before."""
    seed = Seeder(db)
    for n, (heard, when) in enumerate(
        [("yes", utc(2024, 5, 1, 10)), ("yes", utc(2024, 6, 1, 10)), ("yes", utc(2024, 9, 1, 10)), ("yes", utc(2024, 12, 1, 10)),
         ("yes", utc(2025, 3, 1, 10)), ("no", utc(2025, 3, 31, 10)), ("yes", utc(2023, 6, 1, 10)), ("bit", utc(2023, 7, 1, 10))]
    ):
        child = seed.child(f"C{n}", f"AF-{n}")
        held = seed.review(child, date(2020, 1, 1))
        review = seed.review(child, when.date() + timedelta(days=7), status=ReviewStatus.SCHEDULED)
        statement = seed.statement(seed.visit(review, when.date()), child, when, when + timedelta(minutes=20))
        statement.about_review_id = held.id
        seed.answer(statement, "after-heard", heard)
        if n == 0:
            seed.answer(statement, "after-helped", skipped=True)
    db.commit()
    with app.extensions["voice_app_engine"].connect() as connection:
        report = build_report(connection, Period(date(2024, 4, 1), date(2025, 3, 31)))
    figure = report.figure("after-after-heard")
    assert figure.section.startswith("After the meeting")
    rows = {row.key: row for row in figure.rows}
    assert (rows["0:yes"].now.count, rows["0:yes"].before.count) == (5, 1)
    assert (rows["0:no"].now.count, rows["0:bit"].before.count) == (1, 1)
    assert (rows["answered"].now.count, rows["answered"].before.count) == (6, 2)
    assert rows["0:no"].cells[0].count is None  # 1 child: suppressed
    assert rows["0:yes"].cells[0].count is None  # the next smallest of the group is hidden too, or 6 - 5 would tell
    assert rows["answered"].cells[0].count == 6
    helped = {row.key: row for row in report.figure("after-after-helped").rows}
    assert (helped["skipped"].now.count, helped["answered"].now.count) == (1, 0)
    assert "after-after-heard" not in {f.id for f in report.figures if getattr(f, "section", "") == "What children said"}


def test_the_figures_count_advocates_asked_for(app, db):
    """Hand-worked: in 2024/25, 5 children answered "Would you like someone to help you say what you think?": 3 yes, 2 no."""
    seed = Seeder(db)
    for n, choice in enumerate(["yes", "yes", "yes", "no", "no"]):
        child = seed.child(f"A{n}", f"AD-{n}")
        when = utc(2024, 6, 1 + n, 10)
        statement = seed.statement(seed.visit(seed.review(child, when.date() + timedelta(days=7), status=ReviewStatus.SCHEDULED), when.date()), child, when, when + timedelta(minutes=20))
        seed.answer(statement, "advocate", choice)
    db.commit()
    with app.extensions["voice_app_engine"].connect() as connection:
        report = build_report(connection, Period(date(2024, 4, 1), date(2025, 3, 31)))
    figure = report.figure("explain-advocate")
    assert figure.section.startswith("What happens at my meeting")
    rows = {row.key: row for row in figure.rows}
    assert (rows["0:yes"].now.count, rows["0:no"].now.count, rows["answered"].now.count) == (3, 2, 5)
    assert report.figure("views-advocate") is None


def test_the_exports_carry_the_after_meeting_and_explainer_answers(db, after_world):
    import json
    from io import BytesIO

    import jsonschema
    from pypdf import PdfReader

    from voice_app.statements.access import load_context
    from voice_app.statements.exports import Audience, export_schema, statement_json
    from voice_app.statements.pdf import render_statement_pdf
    from voice_app.statements.reading import read_statement

    later = make_statement(db, child=after_world["child"], visit=after_world["visit"], answers=[
        AnswerSpec("after-heard", ["bit"]), AnswerSpec("explain-who", ["got_it"]), AnswerSpec("advocate", ["yes"]), AnswerSpec("home", ["like"]),
    ])
    later.about_review_id, later.parts = after_world["held"].id, "after,views,explain,menu"
    db.add(later)
    db.commit()
    record = read_statement(db, load_context(db, later.id))
    for audience in Audience:
        document = json.loads(statement_json(record, audience=audience))
        jsonschema.validate(document, export_schema(), format_checker=jsonschema.FormatChecker())
        assert document["statement"]["parts"] == ["after", "views", "explain", "menu"]
        assert document["after_the_meeting"]["about_review_id"] == after_world["held"].id
        assert [a["question_id"] for a in document["after_the_meeting"]["answers"]] == ["after-heard"]
        assert [a["question_id"] for a in document["what_happens_at_my_meeting"]] == ["explain-who", "advocate"]
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(render_statement_pdf(record, audience=Audience.CASE_RECORD))).pages)
    assert "How my last meeting went" in text and "Did you feel listened to at your meeting?" in text
    assert "Would you like someone to help you say what you think?" in text
