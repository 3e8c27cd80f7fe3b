"""The introduction letter: who the child's IRO is, what an IRO does, what happens at a review, how to get in touch.

Written in the child's language (Babel, with the service's own words) and version: younger children get
a picture beside every line, older children words. Built with fpdf2 like the statement PDF.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask_babel import force_locale

from voice_app.i18n import language
from voice_app.i18n.terms import tgettext
from voice_app.models import Child, FlowVersion, ServiceContact
from voice_app.pdf_layout import BRAND, PdfUnavailable, PdfWriter, new_document, pdf_support
from voice_app.profiles.services import ProfileView
from voice_app.questions.bank import default_bank

# What happens at a review, from "What happens at my meeting" (explain.toml), so both say the same.
REVIEW_STEPS = ("explain-who", "explain-what", "explain-come", "explain-chair", "explain-views", "explain-advocate")


@dataclass(frozen=True)
class LetterFor:
    child: Child
    profile: ProfileView
    photo: bytes | None
    contact: ServiceContact
    language: str
    version: FlowVersion


def _line(w: PdfWriter, younger: bool, symbol: str, text: str, **kwargs) -> None:
    if younger:
        w.symbol_line(symbol, text, icon=12, **kwargs)
    else:
        w.text(text, **kwargs)


def letter_pdf(letter: LetterFor) -> bytes:
    """The letter's PDF bytes, in the child's language and version."""
    if (problem := pdf_support()) is not None:
        raise PdfUnavailable(problem)
    chosen = language(letter.language)
    younger = letter.version == FlowVersion.YOUNGER
    size = 14 if younger else 12
    pdf = new_document()
    pdf.set_title(f"Introduction letter ({letter.child.case_reference})")
    pdf.set_author("voice-app")
    with force_locale(chosen.locale):
        pdf.footer_text = tgettext("Your %(iro)s is %(name)s.", name=letter.profile.first_name)
        pdf.add_page()
        w = PdfWriter(pdf)
        w.text(tgettext("Hello %(name)s,", name=letter.child.preferred_name), size=20, bold=True, color=BRAND)
        w.gap(2)
        top = pdf.get_y()
        if letter.photo:
            pdf.image(io.BytesIO(letter.photo), x=pdf.l_margin, y=top, w=32, h=32)
            pdf.set_y(top + 34)
        else:
            w.symbol_line(letter.profile.symbol, tgettext("Hi, I'm %(name)s. I'm your %(iro)s.", name=letter.profile.first_name), size=16, icon=24, bold=True)
        if letter.photo:
            w.text(tgettext("Hi, I'm %(name)s. I'm your %(iro)s.", name=letter.profile.first_name), size=16, bold=True)
        w.text(tgettext("My job is to make sure your plan is right for you and that you are listened to."), size=size)
        if letter.profile.about:
            w.text(letter.profile.about, size=size)
        w.heading(tgettext("What happens at a review"))
        bank = default_bank()
        for question_id in REVIEW_STEPS:
            step = bank.get(question_id)
            if step is None or not step.applies_to(version=letter.version.value, cared_for=letter.child.cared_for, on_cp_plan=letter.child.on_cp_plan):
                continue
            _line(w, younger, step.symbol, tgettext(step.prompt), size=size, bold=True)
            w.text(tgettext(step.explain), size=size - 1, indent=15 if younger else 0)
            w.gap(1.5)
        w.heading(tgettext("How to get in touch"))
        _line(w, younger, "iro", tgettext("You can ask to talk to me at any time."), size=size)
        contact = letter.contact
        for symbol, text in (
            ("phone", tgettext("Phone: %(number)s", number=contact.phone) if contact.phone else ""),
            ("phone", tgettext("Text: %(number)s", number=contact.text) if contact.text else ""),
            ("pencil", tgettext("Email: %(address)s", address=contact.email) if contact.email else ""),
        ):
            if text:
                _line(w, younger, symbol, text, size=size)
    return bytes(pdf.output())
