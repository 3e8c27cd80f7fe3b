"""A child-friendly PDF of a statement, with fpdf2 (pure Python) and fonts shipped with the app.

fpdf2 is imported only when a PDF is made, so the app still runs if it cannot be loaded; the page
then says what to install. Text is drawn as text, never parsed as markup, so a child's words can
carry no HTML or script into the PDF.
"""

from __future__ import annotations

import logging
import unicodedata
from functools import cache
from pathlib import Path

from voice_app.config import PROJECT_ROOT
from voice_app.models import ReviewKind
from voice_app.statements.exports import SHARING_TEXT, Audience, check_audience, included_in
from voice_app.statements.reading import GENERAL_ITEM, GENERAL_LABEL, AnswerView, StatementRecord

FONTS = Path(__file__).resolve().parent.parent / "data" / "fonts"
ICONS = PROJECT_ROOT / "static" / "icons"
INSTALL_HINT = "pip install 'fpdf2>=2.8.8' 'uharfbuzz>=0.40'"
FONT_FILES = {
    ("dejavu", ""): "DejaVuSans.ttf",
    ("dejavu", "B"): "DejaVuSans-Bold.ttf",
    ("noto-arabic", ""): "NotoSansArabic-Regular.ttf",
    ("noto-ethiopic", ""): "NotoSansEthiopic-Regular.ttf",
}
BRAND = (11, 74, 90)
INK = (11, 12, 12)
SOFT = (238, 244, 246)
WORDS_BG = (255, 248, 225)
REPLY_BG = (229, 243, 233)
PRIVATE_BG = (243, 242, 241)
DECISION_TEXT = {"agreed": "Agreed", "not_possible": "Not possible"}


class PdfUnavailable(RuntimeError):
    """fpdf2 (or uharfbuzz) cannot be loaded on this server; the message says what to install."""


def pdf_support() -> str | None:
    """None when PDFs can be made; otherwise a message for staff saying what to install."""
    try:
        import fpdf  # noqa: F401
        import uharfbuzz  # noqa: F401
    except ImportError as exc:
        return f"PDF export is not available on this server because a Python package is missing ({exc.name or 'fpdf2'}). Ask whoever runs voice-app to install it: {INSTALL_HINT}"
    return None


@cache
def _covered_characters() -> frozenset[int]:
    """Every code point one of the shipped fonts can draw."""
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for name in set(FONT_FILES.values()):
        with TTFont(FONTS / name, lazy=True) as font:
            covered.update(font.getBestCmap())
    return frozenset(covered)


def printable(text: str) -> str:
    """The text as the PDF can draw it: characters no shipped font has (emoji, CJK) become their names."""
    covered = _covered_characters()
    out = []
    for ch in text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "):
        category = unicodedata.category(ch)
        if ch == "\n" or ch in "\u200c\u200d\u200e\u200f":
            out.append(ch)  # joiners and direction marks shape Persian and Kurdish words
        elif category.startswith("C") or category in {"Mn", "Me", "Sk"} and ord(ch) not in covered:
            continue  # control characters, stray marks and skin-tone modifiers: nothing to draw
        elif ord(ch) in covered:
            out.append(ch)
        else:
            out.append(f"[{unicodedata.name(ch, f'U+{ord(ch):04X}').lower()}]")
    return "".join(out)


def _is_rtl(text: str) -> bool:
    """True when the first strong character is right-to-left (Arabic, Hebrew...), like dir="auto"."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in {"R", "AL"}:
            return True
        if kind == "L":
            return False
    return False


def _document():
    from fpdf import FPDF

    logging.getLogger("fpdf.svg").setLevel(logging.ERROR)  # unsupported SVG filters are only shadows

    class StatementPDF(FPDF):
        footer_text = ""

        def footer(self) -> None:
            self.set_y(-13)
            self.set_font("dejavu", size=8)
            self.set_text_color(80, 90, 95)
            self.cell(0, 5, f"{self.footer_text} · page {self.page_no()}", align="C")

    pdf = StatementPDF(format="A4", unit="mm")
    for (family, style), file_name in FONT_FILES.items():
        pdf.add_font(family, style, str(FONTS / file_name))
    pdf.set_fallback_fonts(["noto-arabic", "noto-ethiopic"], exact_match=False)
    pdf.set_text_shaping(True)
    pdf.set_margins(16, 16, 16)
    pdf.set_auto_page_break(True, margin=18)
    return pdf


class _Writer:
    """Small layout helpers over fpdf2, so the statement reads top to bottom like the page."""

    def __init__(self, pdf) -> None:
        self.pdf = pdf

    def text(self, value: str, *, size: float = 11, bold: bool = False, fill=None, color=INK, indent: float = 0, height: float | None = None) -> None:
        pdf = self.pdf
        pdf.set_font("dejavu", "B" if bold else "", size)
        pdf.set_text_color(*color)
        value = printable(value)
        if fill:
            pdf.set_fill_color(*fill)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(
            pdf.epw - indent,
            height or size * 0.55,
            value,
            align="R" if _is_rtl(value) else "L",
            fill=bool(fill),
            padding=(1.5, 2.5) if fill else 0,
            new_x="LMARGIN",
            new_y="NEXT",
        )

    def gap(self, mm: float = 2.5) -> None:
        self.pdf.ln(mm)

    def heading(self, value: str, *, size: float = 16) -> None:
        if self.pdf.will_page_break(30):
            self.pdf.add_page()
        self.gap(3)
        self.text(value, size=size, bold=True, color=BRAND)
        y = self.pdf.get_y() + 0.5
        self.pdf.set_draw_color(*BRAND)
        self.pdf.set_line_width(0.6)
        self.pdf.line(self.pdf.l_margin, y, self.pdf.l_margin + self.pdf.epw, y)
        self.gap(3)

    def symbol_line(self, symbol: str | None, value: str, *, size: float = 11, icon: float = 9, bold: bool = False, indent: float = 0) -> None:
        """A symbol beside its words, as on the child's cards; words alone if the symbol is unknown."""
        pdf = self.pdf
        path = ICONS / f"{symbol}.svg" if symbol else None
        if path is None or not path.is_file():
            self.text(value, size=size, bold=bold, indent=indent)
            return
        if pdf.will_page_break(icon + 2):
            pdf.add_page()
        top = pdf.get_y()
        pdf.image(str(path), x=pdf.l_margin + indent, y=top, w=icon, h=icon)
        pdf.set_y(top + max(0.0, (icon - size * 0.55) / 2))
        self.text(value, size=size, bold=bold, indent=indent + icon + 3)
        pdf.set_y(max(pdf.get_y(), top + icon) + 1.5)


def _facts(record: StatementRecord, audience: Audience) -> list[tuple[str, str]]:
    ctx = record.context
    statement, visit, review = ctx.statement, ctx.visit, ctx.review
    visit_text = visit.status.label
    if visit.held_on:
        visit_text = f"{visit.held_on:%-d %B %Y}" + (f", {visit.method.label.lower()}" if visit.method else "")
    ended = "Still open"
    if statement.end_reason:
        ended = ("Finished" if statement.end_reason.value == "finished" else "Stopped early") + (f" at {statement.ended_at:%-d %B %Y %H:%M} UTC" if statement.ended_at else "")
    sharing = SHARING_TEXT[statement.sharing.value if statement.sharing else None]
    if statement.meeting_release_at:
        sharing += f" (released for the meeting by {record.name(statement.meeting_release_by_id)} on {statement.meeting_release_at:%-d %B %Y})"
    scribe = record.name(statement.scribe_id)
    if record.gathered_by:  # on a practitioner's device for a conference, not at an IRO's visit
        gathered = record.gathered_by
        who = [("Given via a practitioner", f"{visit_text}: gathered by {gathered.description}" + (f", invited by {gathered.invited_by}" if gathered.invited_by else ""))]
    else:
        who = [("Pre-review visit", visit_text), ("IRO", record.name(visit.iro_id))]
    return [
        ("Case record reference", ctx.child.case_reference),
        ("Child", ctx.child.preferred_name),
        ("Review", f"{review.kind.label}, {review.stage.label.lower()}, {review.scheduled_for:%-d %B %Y}"),
        *who,
        ("Started", f"{statement.started_at:%-d %B %Y %H:%M} UTC"),
        ("Ended", ended),
        ("Language", statement.language),
        ("Written by", f"The IRO wrote the child's words for them ({scribe})" if statement.scribed else "The child"),
        ("Who the child wants to see this", sharing),
        ("This copy is", "For the case record" if audience == Audience.CASE_RECORD else "For the review meeting"),
    ]


def _answer(w: _Writer, item: AnswerView) -> None:
    if item.skipped:
        w.symbol_line("skip", "Chose not to answer", indent=4)
        return
    if item.kind == "people":
        for title, group in (("Who I would like there", item.wanted), ("Who I do not want there", item.not_wanted)):
            if group:
                w.text(title, bold=True, size=10.5, indent=4)
                for choice in group:
                    w.symbol_line(choice.symbol, choice.label, indent=8, icon=8)
    else:
        for choice in item.choices:
            w.symbol_line(choice.symbol, choice.label, indent=4)
    if item.scale is not None:
        ends = f" (0 = {item.scale_low}, 10 = {item.scale_high})" if item.scale_low and item.scale_high else ""
        w.text(f"{item.scale} out of 10{ends}", bold=True, indent=4)
        pdf = w.pdf
        top, left, width = pdf.get_y() + 1, pdf.l_margin + 4, 80
        pdf.set_draw_color(*BRAND)
        pdf.set_fill_color(*SOFT)
        pdf.rect(left, top, width, 4, style="DF")
        pdf.set_fill_color(*BRAND)
        if item.scale:
            pdf.rect(left, top, width * min(max(item.scale, 0), 10) / 10, 4, style="F")
        pdf.set_y(top + 6)
    if item.words:
        w.text("In my own words:" if not item.scribed else "In my own words (written down by my IRO):", size=9.5, indent=4, color=BRAND)
        w.text(item.words, size=12, fill=WORDS_BG, indent=4)
    w.gap(1)


def _views(w: _Writer, record: StatementRecord, audience: Audience) -> None:
    items = [item for item in record.views if included_in(item, audience)]
    w.heading("What I said")
    if not items:
        w.text("No answers were saved in this part.")
    for item in items:
        w.symbol_line(item.symbol, item.prompt, bold=True, size=12.5, icon=11)
        if item.asked_as:
            w.text(item.asked_as, size=9.5, indent=4, color=(80, 90, 95))
        _answer(w, item)
        response = record.responses.get(item.question_id)
        if response:
            w.text("You said, we did:", size=9.5, indent=4, color=BRAND)
            w.text(response.we_did, fill=REPLY_BG, indent=4)
        w.gap(2)


def _plan(w: _Writer, record: StatementRecord, audience: Audience) -> None:
    items = [item for item in record.menu if included_in(item, audience)]
    if not items and not record.menu:
        return
    w.heading("How I want my meeting (the meeting plan)")
    for item in items:
        w.symbol_line(item.symbol, item.title, bold=True, size=12.5, icon=11)
        if item.plan_label:
            w.text(item.prompt, size=9.5, indent=4, color=(80, 90, 95))
        _answer(w, item)
        decision = record.decisions.get(item.question_id)
        if decision is None:
            w.text("Not decided yet", size=10, indent=4, color=(80, 90, 95))
        else:
            verdict = DECISION_TEXT[decision.outcome.value]
            w.symbol_line("agree" if decision.outcome.value == "agreed" else "disagree", verdict, bold=True, indent=4, icon=7)
            if decision.reason_for_child:
                w.text(decision.reason_for_child, fill=REPLY_BG, indent=4)
        w.gap(2)


def _more_parts(w: _Writer, record: StatementRecord) -> None:
    """How my last meeting went, and "What happens at my meeting", when the child was asked them."""
    for title, items in (("How my last meeting went", record.after), ("What happens at my meeting", record.explain)):
        if items:
            w.heading(title)
            for item in items:
                w.symbol_line(item.symbol, item.prompt, bold=True, size=12.5, icon=11)
                _answer(w, item)


def render_statement_pdf(record: StatementRecord, *, audience: Audience) -> bytes:
    """The PDF bytes for one statement; refuses a meeting copy the child has not shared."""
    check_audience(record, audience)
    if (problem := pdf_support()) is not None:
        raise PdfUnavailable(problem)
    pdf = _document()
    ctx = record.context
    pdf.footer_text = f"{ctx.child.case_reference} · statement {record.statement.id} · {audience.label}"
    pdf.set_title(f"Statement {record.statement.id} ({ctx.child.case_reference})")
    pdf.set_author("voice-app")
    pdf.add_page()
    w = _Writer(pdf)
    meeting = "review" if ctx.review.kind == ReviewKind.CARED_FOR else "conference"
    w.symbol_line("guide", f"{ctx.child.preferred_name}'s views before their {meeting}", bold=True, size=18, icon=14)
    w.gap(1)
    for label, value in _facts(record, audience):
        w.text(f"{label}: {value}", size=10)
    _views(w, record, audience)
    _more_parts(w, record)
    _plan(w, record, audience)
    general = record.responses.get(GENERAL_ITEM)
    if general:
        w.heading(GENERAL_LABEL)
        w.text(general.we_did, fill=REPLY_BG)
    kept_out = sum(1 for item in [*record.views, *record.menu] if not included_in(item, audience))
    if kept_out:
        w.gap(2)
        w.text(f"{kept_out} answer(s) are kept out of this copy because the child does not want them talked about in front of everyone.", size=10, fill=PRIVATE_BG)
    if audience == Audience.CASE_RECORD and record.statement.iro_notes.strip():
        w.heading("The IRO's own notes (not the child's words)", size=13)
        w.text(record.statement.iro_notes, size=10.5, fill=PRIVATE_BG)
    return bytes(pdf.output())
