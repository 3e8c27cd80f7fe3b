"""A child-friendly PDF of a statement, in the house style of voice_app.pdf_layout."""

from __future__ import annotations

from voice_app.i18n import language_name
from voice_app.models import ReviewKind
from voice_app.pdf_layout import (  # noqa: F401  (PdfUnavailable, pdf_support, printable: this module's callers use them)
    BRAND,
    ICONS,
    PRIVATE_BG,
    REPLY_BG,
    SOFT,
    WORDS_BG,
    PdfUnavailable,
    PdfWriter,
    new_document,
    pdf_support,
    printable,
)
from voice_app.statements.exports import SHARING_TEXT, Audience, check_audience, included_in
from voice_app.statements.reading import GENERAL_ITEM, GENERAL_LABEL, AnswerView, StatementRecord, how_they_answered

DECISION_TEXT = {"agreed": "Agreed", "not_possible": "Not possible"}


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
        ("Review", f"{review.meeting_words}, {review.stage.label.lower()}, {review.scheduled_for:%-d %B %Y}"),
        *who,
        ("Started", f"{statement.started_at:%-d %B %Y %H:%M} UTC"),
        ("Ended", ended),
        ("Language", language_name(statement.language, "en_GB")),
        *([("How their views were gathered", answered)] if (answered := how_they_answered(record)) else []),
        ("Written by", f"The IRO wrote the child's words for them ({scribe})" if statement.scribed else "The child"),
        ("Who the child wants to see this", sharing),
        ("This copy is", "For the case record" if audience == Audience.CASE_RECORD else "For the review meeting"),
    ]


def _answer(w: PdfWriter, item: AnswerView) -> None:
    if item.skipped:
        w.symbol_line("skip", "Chose not to answer", indent=4)
        return
    if item.kind == "people":
        invite_list = item.part == "menu" or bool(item.not_wanted)  # a views question ("Who do you live with?") just lists them
        for title, group in (("Who I would like there", item.wanted), ("Who I do not want there", item.not_wanted)):
            if group:
                if invite_list:
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
    if item.from_mat:  # a menu item the child sorted on the Child's Menu mat
        w.text(item.from_mat, size=9.5, indent=4, color=(80, 90, 95))
    w.gap(1)


def _views(w: PdfWriter, record: StatementRecord, audience: Audience) -> None:
    items = [item for item in record.views if included_in(item, audience)]
    if not items and record.mats:
        return  # a sorting mat's child said it on their mats (below)
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


def _identity(w: PdfWriter, record: StatementRecord) -> None:
    """The "Who I am" card, in a section of its own so the review can show it was considered."""
    if not record.identity:
        return
    w.heading("Who I am")
    for item in record.identity:
        w.symbol_line(item.symbol, item.prompt, bold=True, size=12.5, icon=11)
        if item.asked_as:
            w.text(item.asked_as, size=9.5, indent=4, color=(80, 90, 95))
        _answer(w, item)
        response = record.responses.get(item.question_id)
        if response:
            w.text("You said, we did:", size=9.5, indent=4, color=BRAND)
            w.text(response.we_did, fill=REPLY_BG, indent=4)


def _mat_board(w: PdfWriter, mat) -> None:
    """The mat as the child laid it out: a column per point (its symbol and words on top), the cards beneath, in
    black lines and words beside every symbol, so it reads the same printed in black and white."""
    pdf = w.pdf
    columns = [(c.symbol, c.label, c.cards) for c in mat.columns] + ([("dont-say", "Did not want to say", mat.aside)] if mat.aside else [])
    width = pdf.epw / len(columns)
    tallest = max(len(cards) for _s, _l, cards in columns)
    if pdf.will_page_break(26 + tallest * 11):
        pdf.add_page()
    top = pdf.get_y()
    bottoms = []
    for n, (symbol, label, cards) in enumerate(columns):
        left = pdf.l_margin + n * width
        path = ICONS / f"{symbol}.svg"
        if path.is_file():
            pdf.image(str(path), x=left + 2, y=top + 2, w=8, h=8)
        pdf.set_font("dejavu", "B", 10)
        pdf.set_text_color(0, 0, 0)
        pdf.set_xy(left + 12, top + 2)
        pdf.multi_cell(width - 14, 4.5, printable(label), align="L", new_x="LEFT", new_y="NEXT")
        y = max(pdf.get_y(), top + 11) + 2
        bottoms.append(y)
        for card in cards:
            card_path = ICONS / f"{card.symbol}.svg" if card.symbol and not card.photo_id else None  # a photo card: its words
            if card_path is not None and card_path.is_file():
                pdf.image(str(card_path), x=left + 2, y=y, w=7, h=7)
            pdf.set_font("dejavu", "", 9.5)
            pdf.set_xy(left + 11, y + 1)
            pdf.multi_cell(width - 13, 4.2, printable(card.label), align="L", new_x="LEFT", new_y="NEXT")
            y = max(pdf.get_y(), y + 7) + 2
        bottoms[-1] = (bottoms[-1], y)
    header = max(b[0] for b in bottoms)
    bottom = max(b[1] for b in bottoms) + 1
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.4)
    for n in range(len(columns)):
        pdf.rect(pdf.l_margin + n * width, top, width, bottom - top)
    pdf.line(pdf.l_margin, header - 1, pdf.l_margin + pdf.epw, header - 1)
    pdf.set_y(bottom + 2)


def _mats(w: PdfWriter, record: StatementRecord) -> None:
    """Each sorting mat as a picture and in words, what moved since the last mat on the topic, and the IRO's answers."""
    if not record.mats:
        return
    w.heading("My sorting mats")
    for mat in record.mats:
        w.symbol_line(mat.symbol, mat.title, bold=True, size=12.5, icon=11)
        _mat_board(w, mat)
        for sentence in mat.sentences:
            w.text(sentence, size=10.5, indent=4)
        if mat.compared:
            w.text("Since my last mat on this:", size=9.5, indent=4, color=BRAND)
            for move in mat.moves or ():
                w.text(move.text, size=10.5, indent=4)
            if not mat.moves:
                w.text("Nothing moved.", size=10.5, indent=4)
        for card in mat.cards:
            response = record.responses.get(card.question_id)
            if response:
                w.text(f"You said, we did ({card.label}):", size=9.5, indent=4, color=BRAND)
                w.text(response.we_did, fill=REPLY_BG, indent=4)
        w.gap(2)


def _plan(w: PdfWriter, record: StatementRecord, audience: Audience) -> None:
    items = [item for item in record.menu if included_in(item, audience)]
    if not items and not record.menu:
        return
    w.heading("How I want my conference (my young person's plan)" if record.context.review.young_persons else "How I want my meeting (the meeting plan)")
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


def _observed(w: PdfWriter, record: StatementRecord) -> None:
    """What the IRO saw the child say without words, with who helped interpret it, and "you said, we did" on it."""
    if not record.observations:
        return
    w.heading("What the IRO observed (views shown without words)")
    answered = {item.question_id for item in record.views if not item.skipped}
    answered_here: set[str] = set()
    for seen in record.observations:
        w.text(seen.topic_label, bold=True, size=12.5)
        w.text(seen.what, size=12, fill=WORDS_BG, indent=4)
        details = [("Where", seen.place), ("Who they were with", seen.with_whom), ("How sure of what it meant", seen.certainty_label),
                   ("Who helped interpret", seen.helped_by or "Nobody else")]
        for label, value in details:
            if value:
                w.text(f"{label}: {value}", size=10, indent=4)
        w.text(f"Observed by {record.name(seen.recorded_by_id)}, {seen.recorded_at:%-d %B %Y}", size=9.5, indent=4, color=(80, 90, 95))
        response = record.responses.get(seen.topic)
        if response and seen.topic not in answered and seen.topic != GENERAL_ITEM and seen.topic not in answered_here:
            answered_here.add(seen.topic)
            w.text("You said, we did:", size=9.5, indent=4, color=BRAND)
            w.text(response.we_did, fill=REPLY_BG, indent=4)
        w.gap(2)


def _more_parts(w: PdfWriter, record: StatementRecord) -> None:
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
    pdf = new_document()
    ctx = record.context
    pdf.footer_text = f"{ctx.child.case_reference} · statement {record.statement.id} · {audience.label}"
    pdf.set_title(f"Statement {record.statement.id} ({ctx.child.case_reference})")
    pdf.set_author("voice-app")
    pdf.add_page()
    w = PdfWriter(pdf)
    meeting = "review" if ctx.review.kind == ReviewKind.CARED_FOR else "young person's conference" if ctx.review.young_persons else "conference"
    w.symbol_line("guide", f"{ctx.child.preferred_name}'s views before their {meeting}", bold=True, size=18, icon=14)
    w.gap(1)
    for label, value in _facts(record, audience):
        w.text(f"{label}: {value}", size=10)
    _views(w, record, audience)
    _identity(w, record)
    _mats(w, record)
    _observed(w, record)
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
