"""Exports: JSON that validates against the documented schema, PDFs whose text holds the child's words, the CLI."""

import builtins
import json
import re
import sys
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import jsonschema
import pytest
from pypdf import PdfReader
from sqlmodel import select

from tests.statement_factories import ARABIC_WORDS, LONG_WORD, AnswerSpec, make_statement
from voice_app.config import PROJECT_ROOT
from voice_app.models import AuditEvent, DecisionOutcome, Sharing
from voice_app.statements.access import load_context
from voice_app.statements.exports import Audience, ExportRefused, export_schema, statement_document, statement_json
from voice_app.statements.pdf import PdfUnavailable, pdf_support, printable, render_statement_pdf
from voice_app.statements.reading import read_statement
from voice_app.statements.services import record_decision, release_for_meeting, save_notes, save_response

pytest_plugins = ["tests.statement_fixtures"]  # the bank and statement_world fixtures


def _record(db, statement):
    return read_statement(db, load_context(db, statement.id))


def _full(db, world):
    """The world's statement with notes, responses and decisions, like one an IRO has worked on."""
    record = _record(db, world["statement"])
    save_notes(db, statement=world["statement"], notes="Met at school; she was chatty.")
    save_response(db, record=record, question_id="feel-today", we_did="We asked school to help you sit with your friends.", by=world["iro"])
    save_response(db, record=record, question_id="general", we_did="Thank you for talking to me.", by=world["iro"])
    record_decision(db, record=record, item_id="menu-chair", outcome=DecisionOutcome.NOT_POSSIBLE, reason_for_child="The judge asked me to chair this time.", by=world["iro"])
    record_decision(db, record=record, item_id="menu-format", outcome=DecisionOutcome.AGREED, reason_for_child="", by=world["iro"])
    return _record(db, world["statement"])


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


# --- JSON -----------------------------------------------------------------------------


@pytest.mark.parametrize("audience", list(Audience))
def test_json_validates_against_the_shipped_schema(db, statement_world, audience):
    document = json.loads(statement_json(_full(db, statement_world), audience=audience))
    jsonschema.validate(document, export_schema(), format_checker=jsonschema.FormatChecker())


def test_json_of_an_empty_statement_validates(db, statement_world):
    empty = make_statement(db, child=statement_world["child"], visit=statement_world["visit"], answers=[], finished=False, sharing=None)
    document = statement_document(_record(db, empty), audience=Audience.CASE_RECORD)
    jsonschema.validate(document, export_schema(), format_checker=jsonschema.FormatChecker())
    assert document["views"] == [] and document["statement"]["end"] is None


def test_the_schema_in_the_docs_is_the_one_shipped():
    docs = (PROJECT_ROOT / "docs" / "export.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)\n```", docs, re.S).group(1)
    assert json.loads(block) == export_schema()
    jsonschema.Draft202012Validator.check_schema(export_schema())


def test_json_keeps_the_childs_words_exactly_as_plain_data(db, statement_world):
    document = statement_document(_full(db, statement_world), audience=Audience.CASE_RECORD)
    views = {item["question_id"]: item for item in document["views"]}
    assert views["feel-today"]["words"] == "I like my new school <script>alert('x')</script> & my friends 😀"
    assert views["tell-iro"]["words"].startswith(ARABIC_WORDS + "\nline two")
    assert views["worries"]["skipped"] is True and views["safe-scale"]["scale"] == 7
    assert views["removed-question"]["known_question"] is False and views["removed-question"]["choices"][0]["id"] == "old-card"
    assert views["feel-today"]["response"]["we_did"].startswith("We asked school")
    plan = {item["question_id"]: item for item in document["meeting_plan"]}
    assert [c["id"] for c in plan["menu-who"]["choices"] if c["group"] == "not_wanted"] == ["dad"]
    assert plan["menu-chair"]["decision"]["outcome"] == "not_possible"
    assert document["child"]["case_reference"] == "LL-100231" and document["iro_notes"].startswith("Met at school")


def test_the_meeting_copy_leaves_out_notes_and_kept_out_topics(db, statement_world):
    document = statement_document(_full(db, statement_world), audience=Audience.MEETING)
    assert document["iro_notes"] is None and document["items_kept_out_of_meeting"] == 1
    assert "menu-private" not in {item["question_id"] for item in document["meeting_plan"]}
    assert "Dad's drinking" not in json.dumps(document, ensure_ascii=False)


@pytest.mark.parametrize("sharing", [Sharing.IRO_ONLY, None])
def test_an_unshared_statement_is_never_exported_for_the_meeting_until_released(db, statement_world, sharing):
    statement = statement_world["statement"]
    statement.sharing = sharing
    db.add(statement)
    db.commit()
    with pytest.raises(ExportRefused):
        statement_document(_record(db, statement), audience=Audience.MEETING)
    with pytest.raises(ExportRefused):
        render_statement_pdf(_record(db, statement), audience=Audience.MEETING)
    assert statement_document(_record(db, statement), audience=Audience.CASE_RECORD)["statement"]["sharing"] == (sharing.value if sharing else None)
    release_for_meeting(db, statement=statement, by=statement_world["iro"])
    document = statement_document(_record(db, statement), audience=Audience.MEETING)
    assert document["statement"]["released_for_meeting_by"] == "Jo Reviewer"


def test_the_meeting_export_route_refuses_an_unreleased_statement(signed_in, db, statement_world):
    statement = statement_world["statement"]
    statement.sharing = Sharing.IRO_ONLY
    db.add(statement)
    db.commit()
    client = signed_in(statement_world["iro"])
    for kind in ("pdf", "json"):
        response = client.get(f"/statements/{statement.id}/export.{kind}?for=meeting")
        assert response.status_code == 409 and "Release for the meeting" in response.get_data(as_text=True)
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "statement.export")).first() is None
    page = client.get(f"/statements/{statement.id}").get_data(as_text=True)
    assert "?for=meeting" not in page and "Release for the meeting" in page


def test_json_download(signed_in, db, statement_world):
    response = signed_in(statement_world["iro"]).get(f"/statements/{statement_world['statement'].id}/export.json?for=meeting")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="LL-100231-statement-{statement_world["statement"].id}-meeting.json"'
    jsonschema.validate(json.loads(response.data), export_schema())


# --- PDF ------------------------------------------------------------------------------


@pytest.mark.any_database(reason="what the PDF draws from a statement looked up by id")
def test_the_pdf_holds_the_childs_words_reference_and_plan(db, statement_world):
    data = render_statement_pdf(_full(db, statement_world), audience=Audience.CASE_RECORD)
    assert data.startswith(b"%PDF-")
    text = _pdf_text(data)
    flat = re.sub(r"\s+", "", text)
    assert "LL-100231" in text and "Aisha" in text
    assert "I like my new school <script>alert('x')</script> & my friends" in text
    assert re.sub(r"\s+", "", LONG_WORD) in flat  # a long word is wrapped, never lost
    assert "Chose not to answer" in text and "7 out of 10" in text and "Mum" in text and "%(" not in text
    assert "Not possible" in text and "The judge asked me to chair this time." in text
    assert "We asked school to help you sit with your friends." in text
    assert "My review meeting" in text and "Met at school" in text
    assert "Words for a question that has gone" in text


@pytest.mark.any_database(reason="what the PDF draws from a statement looked up by id")
def test_the_pdf_draws_right_to_left_and_ethiopic_words(db, statement_world):
    words = [AnswerSpec("tell-iro", text="ኣነ ሓጎስ እየ"), AnswerSpec("feel-today", ["sad"], text="من دلم برای مادرم تنگ شده")]
    statement = make_statement(db, child=statement_world["child"], visit=statement_world["visit"], answers=words, language="ti")
    data = render_statement_pdf(_record(db, statement), audience=Audience.CASE_RECORD)
    fonts = {str(font) for page in PdfReader(BytesIO(data)).pages for font in _font_names(page)}
    assert any("DejaVu" in name for name in fonts) and any("Ethiopic" in name for name in fonts)
    text = _pdf_text(data)
    assert "ኣነ ሓጎስ እየ" in text and "من دلم برای مادرم تنگ شده" in text
    assert ARABIC_WORDS in _pdf_text(render_statement_pdf(_record(db, statement_world["statement"]), audience=Audience.CASE_RECORD))


def _font_names(page):
    resources = page.get("/Resources") or {}
    fonts = resources.get("/Font") or {}
    return [fonts[key].get_object().get("/BaseFont") for key in fonts]


@pytest.mark.any_database(reason="what the PDF draws from a statement looked up by id")
def test_the_meeting_pdf_leaves_out_notes_and_kept_out_topics(db, statement_world):
    text = _pdf_text(render_statement_pdf(_full(db, statement_world), audience=Audience.MEETING))
    assert "Met at school" not in text and "Dad's drinking" not in text and "For the review meeting" in text
    assert "kept out of this copy" in text


@pytest.mark.any_database(reason="what the PDF draws from a statement looked up by id")
def test_the_pdf_of_a_statement_with_missing_parts(db, statement_world):
    empty = make_statement(db, child=statement_world["child"], visit=statement_world["visit"], answers=[AnswerSpec("unknown-q", text="Hi")], finished=False, sharing=None)
    text = _pdf_text(render_statement_pdf(_record(db, empty), audience=Audience.CASE_RECORD))
    assert "Hi" in text and "Still open" in text and "The child did not choose" in text


def test_pdf_text_for_characters_no_font_has():
    assert printable("ok\tgo\r\n") == "ok    go\n"
    assert printable("\x00\x07a") == "a"
    assert printable("我") == "[cjk unified ideograph-6211]"
    assert printable("سلام\u200cها") == "سلام\u200cها"  # the zero-width non-joiner shapes Persian words
    assert printable("ትግርኛ") == "ትግርኛ"


def test_pdf_download_from_the_page(signed_in, statement_world):
    response = signed_in(statement_world["iro"]).get(f"/statements/{statement_world['statement'].id}/export.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    assert "LL-100231" in _pdf_text(response.data)


def test_without_the_pdf_library_the_app_runs_and_says_what_to_install(signed_in, statement_world, monkeypatch, db):
    real_import = builtins.__import__

    def no_fpdf(name, *args, **kwargs):
        if name == "fpdf" or name.startswith("fpdf."):
            raise ImportError("No module named 'fpdf'", name="fpdf")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "fpdf", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_fpdf)
    assert "pip install 'fpdf2" in pdf_support()
    client = signed_in(statement_world["iro"])
    page = client.get(f"/statements/{statement_world['statement'].id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "PDF export is not available on this server" in html and "pip install" in html
    assert "export.pdf" not in html and "export.json" in html
    response = client.get(f"/statements/{statement_world['statement'].id}/export.pdf")
    assert response.status_code == 503 and "pip install" in response.get_data(as_text=True)
    with pytest.raises(PdfUnavailable):
        render_statement_pdf(_record(db, statement_world["statement"]), audience=Audience.CASE_RECORD)


# --- The command line -------------------------------------------------------------------


def test_cli_exports_a_statement_and_a_childs_statements(app, db, statement_world, tmp_path, capsys):
    from voice_app import cli

    url = str(app.extensions["voice_app_engine"].url.render_as_string(hide_password=False))
    statement = statement_world["statement"]
    out = tmp_path / "s.json"
    assert cli.main(["export", "--statement", str(statement.id), "--format", "json", "--out", str(out), "--database-url", url]) == 0
    jsonschema.validate(json.loads(out.read_text(encoding="utf-8")), export_schema())
    pdf = tmp_path / "s.pdf"
    assert cli.main(["export", "--statement", str(statement.id), "--format", "pdf", "--out", str(pdf), "--for-meeting", "--database-url", url]) == 0
    assert "LL-100231" in _pdf_text(pdf.read_bytes())
    private = make_statement(db, child=statement_world["child"], visit=statement_world["visit"], sharing=Sharing.IRO_ONLY)
    folder = tmp_path / "all"
    assert cli.main(["export", "--child", "LL-100231", "--format", "json", "--out", str(folder), "--for-meeting", "--database-url", url]) == 3
    assert [p.name for p in folder.iterdir()] == [f"LL-100231-statement-{statement.id}-meeting.json"]
    assert f"Statement {private.id}: The child did not share" in capsys.readouterr().err
    assert cli.main(["export", "--child", "NOPE", "--format", "json", "--out", str(folder), "--database-url", url]) == 2
    assert cli.main(["export", "--statement", "99999", "--format", "json", "--out", str(out), "--database-url", url]) == 2
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "statement.export")).all()
    assert sorted(e.detail for e in events) == ["json;case_record;cli", "json;meeting;cli", "pdf;meeting;cli"]
    assert all(e.staff_id is None for e in events)


def test_export_file_names_are_safe(db, statement_world):
    from voice_app.statements.exports import export_filename

    child = statement_world["child"]
    child.case_reference = '../LL "1"/2'
    record = _record(db, statement_world["statement"])
    assert export_filename(record, audience=Audience.MEETING, extension="pdf") == f"---LL--1--2-statement-{statement_world['statement'].id}-meeting.pdf"


def test_exported_at_is_the_time_given(db, statement_world):
    when = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)
    assert statement_document(_record(db, statement_world["statement"]), audience=Audience.CASE_RECORD, exported_at=when)["exported_at"] == "2027-01-04T09:30:00+00:00"


def test_every_shipped_symbol_draws_in_a_pdf():
    """Every symbol in static/icons embeds as vector art (fpdf2's SVG support is partial)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    icons = sorted(Path(PROJECT_ROOT / "static" / "icons").glob("*.svg"))
    for n, icon in enumerate(icons):
        pdf.image(str(icon), x=10 + (n % 15) * 12, y=10 + (n // 15) * 12, w=10, h=10)
    assert len(icons) > 100 and bytes(pdf.output()).startswith(b"%PDF-")
