"""Every PDF export, in every language, checked as glyphs and as text (issue 28).

For each export kind (the statement's meeting copy and case-record copy, the letter, the subject access
record) and each shipped language, one PDF is made with words in that language's script. The suite fails when
a character is drawn in a font that has no glyph for it (fpdf2 shapes text per font with HarfBuzz, and a
character missing from the chosen font is silently dropped or drawn as the wrong glyph), and when a label's
text is missing from what pypdf reads back from the page.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from io import BytesIO

import pytest
from fpdf.fonts import TTFFont
from pypdf import PdfReader

from tests.statement_factories import AnswerSpec, make_statement
from voice_app.i18n import LANGUAGES, language_name
from voice_app.models import IroProfile, Role, ServiceContact, VisitMethod, VisitStatus
from voice_app.records.subject_access import export_zip, gather
from voice_app.statements.access import load_context
from voice_app.statements.exports import Audience
from voice_app.statements.pdf import render_statement_pdf
from voice_app.statements.reading import read_statement

pytestmark = pytest.mark.any_database(
    reason="which glyphs fpdf2 draws and pypdf reads back: the statement, letter and record are rows looked up by id"
)

# A child's words in each shipped language's own script (and its letters beyond ASCII).
WORDS = {
    "en-GB": "I like my new school and my friends.",
    "cy": "Rwy'n hoffi fy ysgol newydd a'm ffrindiau, ŵ ŷ.",
    "ar": "أحب مدرستي الجديدة وأصدقائي",
    "fa": "مدرسهٔ جدیدم و دوستانم را دوست دارم",
    "ps": "زه خپل نوی ښوونځی او ملګري خوښوم",
    "ckb": "قوتابخانە نوێیەکەم و هاوڕێکانم خۆش دەوێت",
    "ti": "ሓድሽ ቤት ትምህርተይን ኣዕሩኽተይን ይፈቱ እየ።",
    "pl": "Lubię moją nową szkołę i przyjaciół, źdźbło.",
    "ro": "Îmi place școala mea nouă și prietenii mei.",
    "uk": "Мені подобається моя нова школа і друзі, ґ є ї.",
}
SILENT = {"\n", "\u200c", "\u200d", "\u200e", "\u200f"}


@pytest.fixture
def drawn(monkeypatch):
    """Every (font, character) fpdf2 shapes while the test runs where the font has no glyph for it."""
    missing: list[tuple[str, str, str]] = []
    original = TTFFont.shape_text

    def checked(self, text, font_size_pt, text_shaping_params):
        for ch in text:
            if ch in SILENT or unicodedata.category(ch) in {"Zs", "Cc", "Cf"}:
                continue
            if ord(ch) not in self.glyph_ids:
                missing.append((self.fontkey, ch, text))
        return original(self, text, font_size_pt, text_shaping_params)

    monkeypatch.setattr(TTFFont, "shape_text", checked)
    return missing


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def _answers(code: str) -> list[AnswerSpec]:
    return [
        AnswerSpec("home", ["ok"], text=WORDS[code]),
        AnswerSpec("home-people", ["mum", "dad"]),
        AnswerSpec("safe-scale", scale=7),
        AnswerSpec("anything-else-tell", ["yes"]),
        # The child's own words for "anything else", right under the question asked in their language: the label
        # "In my own words:" then follows a line that began in a fallback font (issue 28's garbage glyphs in Tigrinya).
        AnswerSpec("anything-else", text=WORDS[code]),
        AnswerSpec("menu-who", ["mum"], not_wanted=["dad"]),
    ]


@pytest.fixture
def world(make, db):
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    child = make.child(iro, name="Aisha", case_reference="LL-100231", date_of_birth=date(2014, 3, 9))
    review = make.review(child, days_ahead=20)
    visit = make.visit(review, iro=iro, status=VisitStatus.DONE, held_on=date.today(), method=VisitMethod.FACE_TO_FACE)
    db.add(IroProfile(staff_id=iro.id, first_name="Jo", about="I have a cat called Pip.", symbol="sun"))
    db.add(ServiceContact(id=1, phone="0191 000 0000", text="", email="iro@example.org"))
    db.commit()
    return dict(iro=iro, child=child, visit=visit)


@pytest.mark.parametrize("lang", LANGUAGES, ids=lambda lang: lang.code)
def test_statement_pdfs_draw_every_character_and_every_label(app, db, world, drawn, lang):
    statement = make_statement(db, child=world["child"], visit=world["visit"], language=lang.code, answers=_answers(lang.code))
    with app.test_request_context():  # as the export route reads it: each question also as the child read it
        record = read_statement(db, load_context(db, statement.id))
    if lang.code != "en-GB":
        assert all(item.asked_as for item in record.views), lang.code
    for audience in (Audience.MEETING, Audience.CASE_RECORD):
        text = pdf_text(render_statement_pdf(record, audience=audience))
        for label in (
            "Aisha's views before their review",
            f"Language: {language_name(lang.code, 'en_GB')}",
            "What I said",
            "In my own words:",
            "How is it where you live?",
            "Who I would like there",
        ):
            assert label in text, (lang.code, audience, label)
        assert f"Language: {lang.code}\n" not in text
        assert text.count("In my own words:") == 2, (lang.code, audience, text)  # one per item with the child's words
        if lang.direction == "ltr" and lang.code != "ti":  # pypdf reads back left-to-right scripts as typed
            assert WORDS[lang.code].split()[0] in text
    assert drawn == [], drawn[:5]


def test_the_label_under_a_question_in_the_childs_script_is_drawn_in_its_own_font(app, db, world, drawn):
    """Issue 28: in Tigrinya, "In my own words:" under the question as the child read it printed as garbage.

    fpdf2 believed the label's font was already set on the page after a line that began in the Ethiopic fallback
    font, so the label's glyphs were drawn with the Ethiopic font. A short statement keeps the two on one page.
    """
    for lang in LANGUAGES:
        statement = make_statement(
            db, child=world["child"], visit=world["visit"], language=lang.code,
            answers=[AnswerSpec("anything-else-tell", ["yes"]), AnswerSpec("anything-else", text=WORDS[lang.code])],
        )
        with app.test_request_context():
            record = read_statement(db, load_context(db, statement.id))
        data = render_statement_pdf(record, audience=Audience.CASE_RECORD)
        first_page = PdfReader(BytesIO(data)).pages[0].extract_text()
        assert "In my own words:" in first_page, (lang.code, first_page)
    assert drawn == [], drawn[:5]


@pytest.mark.parametrize("lang", LANGUAGES, ids=lambda lang: lang.code)
def test_letters_draw_every_character(signed_in, world, drawn, lang):
    client = signed_in(world["iro"])
    for version in ("younger", "older"):
        response = client.get(f"/children/{world['child'].id}/letter.pdf?lang={lang.code}&version={version}")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert "Jo" in pdf_text(response.data)
    assert drawn == [], drawn[:5]


def test_the_subject_access_pdfs_draw_every_character_of_every_language(db, world, drawn):
    for lang in LANGUAGES:
        make_statement(db, child=world["child"], visit=world["visit"], language=lang.code, answers=_answers(lang.code))
    access = gather(db, child_id=world["child"].id, made_by=world["iro"])
    import zipfile

    archive = zipfile.ZipFile(BytesIO(export_zip(access)))
    record = pdf_text(archive.read("child-record.pdf"))
    assert "Everything voice-app holds about Aisha" in record and "LL-100231" in record
    assert drawn == [], drawn[:5]


def test_the_check_catches_a_character_the_font_lacks(drawn):
    from voice_app.pdf_layout import new_document

    pdf = new_document()
    pdf.set_fallback_fonts([])  # no fallback: Ethiopic in DejaVu has no glyphs
    pdf.add_page()
    pdf.set_font("dejavu", size=11)
    pdf.multi_cell(0, 5, "ሰላም")
    assert {ch for _, ch, _ in drawn} == set("ሰላም")
