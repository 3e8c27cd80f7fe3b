"""What children said and chose: answers per question, the Child's Menu, and "you said, we did"."""

from __future__ import annotations

from collections import Counter

from voice_app.i18n.terms import english_wording
from voice_app.models import ChairRole, MeetingFormat, Sharing
from voice_app.questions.bank import Question, QuestionBank
from voice_app.reports.anonymise import scrub
from voice_app.reports.figures import rows_for, total
from voice_app.reports.model import Figure, Quote, Row, TextFigure
from voice_app.reports.queries import Counts, Named

# The Child's Menu items the report reads, by their ids in menu.toml: change them here if the menu's ids change.
MENU_IDS = {"format": "menu-format", "chair": "menu-chair", "share": "menu-share"}
# Labels for menu choices the bank does not (yet) word; the bank's own labels win when it has them.
FALLBACK_LABELS = {
    ("menu-chair", "iro"): "The IRO chairs",
    ("menu-chair", "me"): "I chair my meeting",
    ("menu-chair", "together"): "The IRO and I chair it together",
    ("menu-chair", "social_worker"): "My social worker chairs",
    ("menu-format", "face_to_face"): MeetingFormat.FACE_TO_FACE.label,
    ("menu-format", "virtual"): MeetingFormat.VIRTUAL.label,
    ("menu-format", "hybrid"): MeetingFormat.HYBRID.label,
}
SHARING_LABELS = {Sharing.MEETING.value: "Statement for the review meeting", Sharing.IRO_ONLY.value: "Statement only for the IRO"}
PEOPLE_GROUPS = {0: "Wanted", 1: "Not wanted"}
SECTION_VIEWS, SECTION_MENU = "What children said", "The Child's Menu"
SECTION_AFTER = "After the meeting: what children said about their review"
SECTION_EXPLAIN = "What happens at my meeting: what children understood, and advocates asked for"
PART_SECTIONS = {"views": SECTION_VIEWS, "after": SECTION_AFTER, "explain": SECTION_EXPLAIN}


def _question_ids(bank: QuestionBank, now: Counts, before: Counts, *, part: str) -> list[str]:
    """The bank's questions of this part in order, then any other ids found in the answers (by id)."""
    known = [q.id for q in bank.questions if q.part == part]
    if part == "menu":
        # Format, chair and sharing always have a figure: reviews and statements record them too.
        known += [qid for qid in MENU_IDS.values() if qid not in known]
    seen = {key[0] for key in (*now.answers, *before.answers)}
    extra = sorted(qid for qid in seen if qid not in known and _part_of(bank, qid) == part)
    return known + extra


def _part_of(bank: QuestionBank, question_id: str) -> str:
    """A question's part; one that has left the bank is placed by its id's prefix."""
    question = bank.get(question_id)
    if question is not None:
        return question.part
    return next((part for part in ("menu", "after", "explain") if question_id.startswith(f"{part}-")), "views")


def _choice_label(question: Question | None, question_id: str, choice_id: str) -> str:
    choice = question.choice(choice_id) if question else None
    return english_wording(choice.label) if choice else FALLBACK_LABELS.get((question_id, choice_id), choice_id)


def answer_rows(question_id: str, question: Question | None, now: Counts, before: Counts) -> list[Row]:
    """Rows for one question: each choice (or scale point), then how many answered and skipped."""
    answered = lambda c: total(c.answers, lambda k: k[0] == question_id and not k[1])  # noqa: E731
    skipped = lambda c: total(c.answers, lambda k: k[0] == question_id and k[1])  # noqa: E731
    rows: list[Row] = []
    kind = question.kind if question else ""
    if kind == "scale" or (not question and any(k[0] == question_id and k[2] is not None for k in now.answers)):
        points = [(str(point), f"{point} out of 10") for point in range(11)]
        rows += rows_for(
            points,
            now,
            before,
            lambda c, key: total(c.answers, lambda k: k[0] == question_id and not k[1] and str(k[2]) == key),
            base=answered,
            group="scale",
        )
    elif kind != "text":
        seen = {(k[1], k[2]) for c in (now, before) for k in c.choices if k[0] == question_id}
        ordered = [c.id for c in question.choices] if question else []
        ordered += sorted({choice for choice, _ in seen} - set(ordered))
        positions = sorted({position for _, position in seen}) or [0]
        for position in positions:
            prefix = f"{PEOPLE_GROUPS.get(position, f'Group {position}')}: " if kind == "people" or len(positions) > 1 else ""
            rows += rows_for(
                [(f"{position}:{choice}", prefix + _choice_label(question, question_id, choice)) for choice in ordered],
                now,
                before,
                lambda c, key: c.choices[(question_id, *_split(key))],
                base=answered,
                group=f"position-{position}",
            )
    rows += rows_for([("answered", "Answered")], now, before, lambda c, _k: answered(c), total_row=True)
    rows += rows_for([("skipped", "Skipped")], now, before, lambda c, _k: skipped(c), total_row=True)
    return rows


def _split(key: str) -> tuple[str, int]:
    position, choice = key.split(":", 1)
    return choice, int(position)


def views_figures(bank: QuestionBank, now: Counts, before: Counts, *, part: str = "views") -> list[Figure]:
    """One figure per views (or after-the-meeting) question: how the answers fall, never anyone's own words."""
    figures = []
    for question_id in _question_ids(bank, now, before, part=part):
        question = bank.get(question_id)
        figures.append(
            Figure(
                f"{part}-{question_id}",
                PART_SECTIONS[part],
                english_wording(question.prompt) if question else question_id,
                "Answers in statements completed in the period. A child may pick more than one card on some "
                "questions. Children's own words are never shown here.",
                answer_rows(question_id, question, now, before),
                child_level=True,
                share_of="of children who answered",
            )
        )
    return figures


def menu_figures(bank: QuestionBank, now: Counts, before: Counts) -> list[Figure]:
    """The Child's Menu: every item as chosen, with what happened at reviews for format and chair."""
    figures = []
    for question_id in _question_ids(bank, now, before, part="menu"):
        question = bank.get(question_id)
        rows = answer_rows(question_id, question, now, before)
        title = english_wording(question.prompt) if question else question_id
        if question_id == MENU_IDS["format"]:
            rows = _relabel(rows, "Chose: ") + _review_rows(now, before, 1, MeetingFormat, "Meeting held: ")
            title = "Meeting formats chosen, and the formats reviews were held in"
        elif question_id == MENU_IDS["chair"]:
            rows = _relabel(rows, "Chose: ") + _review_rows(now, before, 2, ChairRole, "Review chaired by: ")
            title = "Who children chose to chair their review, and who did"
        elif question_id == MENU_IDS["share"]:
            rows = rows + _sharing_rows(now, before)
            title = "How children chose to share their views"
        figures.append(
            Figure(
                question_id,
                SECTION_MENU,
                title,
                "Choices in statements completed in the period; where shown, what happened at reviews held "
                "in the period (as recorded by the IRO).",
                rows,
                child_level=True,
                share_of="of children who answered (reviews: of reviews held where it was recorded)",
            )
        )
    figures.append(decisions_figure(bank, now, before))
    return figures


def _relabel(rows: list[Row], prefix: str) -> list[Row]:
    for row in rows:
        if not row.total:
            row.label = prefix + row.label
    return rows


def _review_rows(now: Counts, before: Counts, position: int, enum_cls, prefix: str) -> list[Row]:
    """What reviews held in the period recorded (format used, or who chaired)."""
    recorded = lambda c: total(c.reviews, lambda k: k[position] is not None)  # noqa: E731
    return rows_for(
        [(f"review:{member.value}", prefix + member.label) for member in enum_cls],
        now,
        before,
        lambda c, key: total(c.reviews, lambda k: f"review:{k[position]}" == key),
        base=recorded,
        group="reviews",
    )


def _sharing_rows(now: Counts, before: Counts) -> list[Row]:
    recorded = lambda c: total(c.statements, lambda k: k[4] is not None)  # noqa: E731
    return rows_for(
        [(f"sharing:{key}", label) for key, label in SHARING_LABELS.items()],
        now,
        before,
        lambda c, key: total(c.statements, lambda k: f"sharing:{k[4]}" == key),
        base=recorded,
        group="sharing",
    )


def decisions_figure(bank: QuestionBank, now: Counts, before: Counts) -> Figure:
    """The IROs' answers to the children's menu choices: agreed, or not possible."""
    items = sorted({k[0] for c in (now, before) for k in c.decisions}, key=lambda i: (bank.get(i) is None, i))
    rows: list[Row] = []
    for item in items:
        question = bank.get(item)
        label = english_wording(question.plan_label or question.prompt) if question else item
        rows += rows_for(
            [(f"{item}:agreed", f"{label}: agreed"), (f"{item}:not_possible", f"{label}: not possible")],
            now,
            before,
            lambda c, key: c.decisions[tuple(key.split(":"))],
            base=lambda c, item=item: total(c.decisions, lambda k: k[0] == item),
            group=item,
        )
    for outcome, label in (("agreed", "All choices agreed"), ("not_possible", "All choices not possible")):
        rows += rows_for(
            [(outcome, label)],
            now,
            before,
            lambda c, _k, outcome=outcome: total(c.decisions, lambda k: k[1] == outcome),
            base=lambda c: total(c.decisions),
            total_row=True,
        )
    return Figure(
        "menu-decisions",
        SECTION_MENU,
        "Children's choices agreed, and those not possible",
        "The IRO's answer to each menu choice in statements completed in the period.",
        rows,
        child_level=True,
        share_of="of the choices answered",
    )


def quotes_figure(bank: QuestionBank, named: list[Named], now: Counts, before: Counts, *, limit: int | None) -> TextFigure:
    """"You said, we did": the IROs' answers, newest first, with the child's name and reference taken out."""
    items = []
    for item in named:
        question = bank.get(item.about)
        about = english_wording(question.plan_label or question.prompt) if question else item.about
        items.append(Quote(about, scrub(item.text, name=item.name, reference=item.reference)))
    return TextFigure(
        "you-said-we-did",
        "You said, we did",
        "What IROs told children they did",
        "Answers IROs wrote to children in the period, newest first. The child's name and case reference "
        "are replaced by [name] and [reference]; other names, places or details are not: read each one "
        "before you publish it.",
        items,
        total_now=now.responses_written,
        total_before=before.responses_written,
        shown_limit=limit,
    )


def reasons_figure(named: list[Named], now: Counts, before: Counts) -> TextFigure:
    """Why children declined a visit, in the staff's words without the child's name or reference."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, str] = {}
    for item in named:
        text = " ".join(scrub(item.text, name=item.name, reference=item.reference).split())
        key = text.casefold()
        counts[key] += 1
        first_seen.setdefault(key, text)
    items = [Quote("Declined", first_seen[key], count) for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    declined = lambda c: total(c.visits, lambda k: k[0] == "declined")  # noqa: E731
    return TextFigure(
        "declined-reasons",
        "Pre-review visits",
        "Why children declined a visit",
        "The reasons recorded for visits declined in the period, the same words counted together, with the "
        "child's name and case reference taken out.",
        items,
        total_now=declined(now),
        total_before=declined(before),
    )
