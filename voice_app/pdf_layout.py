"""The house style of every PDF voice-app makes (statements, letters, subject access), over fpdf2.

fpdf2 is imported only when a PDF is made, so the app still runs if it cannot be loaded; the page
then says what to install. Text is drawn as text, never parsed as markup, so a child's words can
carry no HTML or script into a PDF. A foundation module: features import it, never the reverse.
"""

from __future__ import annotations

import logging
import unicodedata
from functools import cache
from pathlib import Path

from voice_app.config import PROJECT_ROOT

FONTS = Path(__file__).resolve().parent / "data" / "fonts"
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


def new_document():
    from fpdf import FPDF

    logging.getLogger("fpdf.svg").setLevel(logging.ERROR)  # unsupported SVG filters are only shadows

    class VoicePDF(FPDF):
        footer_text = ""

        def footer(self) -> None:
            self.set_y(-13)
            self.set_font("dejavu", size=8)
            self.set_text_color(80, 90, 95)
            self.cell(0, 5, f"{self.footer_text} · page {self.page_no()}", align="C")

        def set_font(self, family=None, style="", size=0) -> None:
            super().set_font(family, style, size)
            # fpdf2 (2.8.9) can believe the font is already set on the page after a line that began in a fallback
            # font (Tigrinya, Arabic...), when the page's text state holds that fallback font: the next line in the
            # same font and size ("In my own words:" under a Tigrinya question) was then drawn with the Ethiopic
            # font's glyph numbers, as garbage. Setting the font on the page again each time costs a few bytes.
            self.current_font_is_set_on_page = False

    pdf = VoicePDF(format="A4", unit="mm")
    for (family, style), file_name in FONT_FILES.items():
        pdf.add_font(family, style, str(FONTS / file_name))
    pdf.set_fallback_fonts(["noto-arabic", "noto-ethiopic"], exact_match=False)
    pdf.set_text_shaping(True)
    pdf.set_margins(16, 16, 16)
    pdf.set_auto_page_break(True, margin=18)
    return pdf


class PdfWriter:
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
