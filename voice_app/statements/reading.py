"""A statement as one readable record: answers with their wording and symbols, the plan, the responses.

Wording comes from the question bank by id. An answer whose question or choice has left the bank
still shows its ids and the child's words, so old statements never lose anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from voice_app.child.photos import photo_cards
from voice_app.models import (
    Answer,
    AnswerChoice,
    AttentionAction,
    ChildResponse,
    MenuDecision,
    Observation,
    StaffUser,
    Statement,
    VisitPurpose,
)
from voice_app.practitioners.gathered import Gatherer, gatherer_for_visit
from voice_app.questions.access import ACCESS_WORDS, access_used
from voice_app.questions.bank import Question, QuestionBank, default_bank, is_photo_card
from voice_app.questions.menu_mat import MenuFromMat, fills, menu_from_mat
from voice_app.questions.observed import CERTAINTY, HELPERS, and_list, helpers_of, observation_words, observations_for
from voice_app.statements.access import StatementContext
from voice_app.statements.mats import earlier_placements, mat_views

# "you said, we did" for anything the child raised that is not one question.
GENERAL_ITEM = "general"
GENERAL_LABEL = "Anything else the child raised"

# Answers the conversation offers on every menu item, stored as choice ids.
FLOW_CHOICES = {
    "dont_mind": ("I don't mind", "dont-mind"),
    "dont-mind": ("I don't mind", "dont-mind"),
    "dont_say": ("I don't want to say", "dont-say"),
    "dont-say": ("I don't want to say", "dont-say"),
}
WANTED, NOT_WANTED = 0, 1
# The shipped menu's "anything you don't want talked about in front of everyone" item: kept out of
# meeting exports even if a service's menu.toml forgets keep_out_of_meeting (a child's safety first).
KEPT_OUT_OF_MEETING = frozenset({"menu-private"})


def wording(text: str) -> str:
    """Bank wording with the service's own terms filled in (%(Mum)s, %(iro)s), in English for staff."""
    from voice_app.i18n.terms import english_wording

    return english_wording(text)


@dataclass(frozen=True)
class ShownChoice:
    id: str
    label: str
    symbol: str | None
    known: bool
    group: int = WANTED
    attention: str = ""  # "worry" or "request" when this card needs the IRO's attention


@dataclass
class AnswerView:
    question_id: str
    part: str
    kind: str
    prompt: str
    symbol: str | None
    known: bool
    skipped: bool
    choices: list[ShownChoice]
    scale: int | None
    scale_low: str
    scale_high: str
    words: str | None
    scribed: bool
    answered_at: datetime
    plan_label: str = ""
    keep_out_of_meeting: bool = False
    # The question as the child read it, when that was not English (shown beside the English).
    asked_as: str = ""
    asked_lang: str = ""
    asked_dir: str = "ltr"
    # Whether the scale answer is at or below the bank's attention line.
    scale_attention: bool = False
    show_menu: bool = False  # after the meeting: shown beside what the child asked for on the menu
    section: str = ""  # "identity": one of the child's "Who I am" answers, shown in a section of its own
    # A menu item the child sorted on the Child's Menu mat rather than answered (questions/menu_mat.py): what the
    # IRO is told about it (placed under "I want this", or to agree with the child). Derived, never stored.
    from_mat: str = ""
    photo_id: int | None = None  # a child's own photo card on a sorting mat: the MatPhoto row (child/photos.py)

    @property
    def attention(self) -> str:
        """"worry" or "request" when this answer needs the IRO's attention (a worry wins), else ""."""
        if self.skipped:
            return ""
        kinds = {c.attention for c in self.choices if c.attention}
        if self.scale_attention or "worry" in kinds:
            return "worry"
        return "request" if kinds else ""

    @property
    def wanted(self) -> list[ShownChoice]:
        return [c for c in self.choices if c.group == WANTED]

    @property
    def not_wanted(self) -> list[ShownChoice]:
        return [c for c in self.choices if c.group == NOT_WANTED]

    @property
    def title(self) -> str:
        """What the meeting plan calls this item, else the question."""
        return self.plan_label or self.prompt


@dataclass(frozen=True)
class ObservationView:
    """One thing the IRO saw the child say without words, with who helped interpret it."""

    id: int
    topic: str
    topic_label: str
    what: str
    place: str
    with_whom: str
    certainty: str
    certainty_label: str
    helpers: tuple[str, ...]
    helper_labels: tuple[str, ...]
    helper_names: str
    recorded_by_id: int
    recorded_at: datetime

    @property
    def helped_by(self) -> str:
        """"A parent and a teacher (Mrs Khan)", or "" when nobody helped interpret."""
        if not self.helper_labels:
            return self.helper_names
        text = and_list([self.helper_labels[0], *(label[0].lower() + label[1:] for label in self.helper_labels[1:])])
        return text + (f" ({self.helper_names})" if self.helper_names else "")


def topic_label(bank: QuestionBank, topic: str) -> str:
    """An observation's topic as staff read it: the views question's wording, or "Anything else the child raised"."""
    if topic == GENERAL_ITEM:
        return GENERAL_LABEL
    question = bank.get(topic)
    return wording(question.prompt) if question is not None else topic


def observation_topics(bank: QuestionBank | None = None) -> list[tuple[str, str]]:
    """The topics an observation can be about: the conversation's views questions (each once), then anything else."""
    bank = bank or default_bank()
    return [(q.id, wording(q.prompt)) for q in bank.questions if q.part == "views"] + [(GENERAL_ITEM, GENERAL_LABEL)]


def observation_view(item: Observation, bank: QuestionBank) -> ObservationView:
    helpers = helpers_of(item.helpers)
    return ObservationView(
        id=item.id,
        topic=item.topic,
        topic_label=topic_label(bank, item.topic),
        what=item.what,
        place=item.place,
        with_whom=item.with_whom,
        certainty=item.certainty,
        certainty_label=CERTAINTY.get(item.certainty, item.certainty),
        helpers=helpers,
        helper_labels=tuple(HELPERS[code] for code in helpers),
        helper_names=item.helper_names,
        recorded_by_id=item.recorded_by_id,
        recorded_at=item.recorded_at,
    )


@dataclass
class StatementRecord:
    context: StatementContext
    views: list[AnswerView]
    menu: list[AnswerView]
    responses: dict[str, ChildResponse]
    decisions: dict[str, MenuDecision]
    names: dict[int, str] = field(default_factory=dict)
    actions: dict[str, AttentionAction] = field(default_factory=dict)
    # How the child's last meeting went (asked at this visit about statement.about_review_id).
    after: list[AnswerView] = field(default_factory=list)
    # "What happens at my meeting": what the child understood, asked about, and whether they want an advocate.
    explain: list[AnswerView] = field(default_factory=list)
    # "Who I am": the views answers of the identity card (family, faith, culture, language...), in bank order.
    identity: list[AnswerView] = field(default_factory=list)
    # Given on a practitioner's device for a conference: who gathered it (voice_app/practitioners).
    gathered_by: Gatherer | None = None
    # How the child answered: touch, one switch, two switches, dwell (voice_app/questions/access.py), as first used.
    access_used: tuple[str, ...] = ()
    # Sorting mats: each placement as an answer (in "you said, we did" and attention), and each mat laid out
    # with what moved since the child's last mat on the topic (voice_app/statements/mats.py).
    mat_items: list[AnswerView] = field(default_factory=list)
    mats: list = field(default_factory=list)
    # What the IRO saw the child say without words (voice_app/questions/observed.py), in the order recorded.
    observations: list[ObservationView] = field(default_factory=list)
    # The model rows behind them (for the words saying how the views were gathered).
    observed: list[Observation] = field(default_factory=list)

    @property
    def statement(self) -> Statement:
        return self.context.statement

    def name(self, staff_id: int | None) -> str:
        """A member of staff's name, for "scribed by", "reviewed by" and the like."""
        if staff_id is None:
            return ""
        return self.names.get(staff_id, f"Staff member {staff_id}")

    @property
    def attention(self) -> list[AnswerView]:
        """Answers that need the IRO's attention, in question order: the page lists these first."""
        return [item for item in [*self.after, *self.views, *self.identity, *self.mat_items, *self.explain, *self.menu] if item.attention]

    @property
    def attention_open(self) -> int:
        return sum(1 for item in self.attention if item.question_id not in self.actions)

    @property
    def raised(self) -> list[str]:
        """The ids the IRO answers in "you said, we did": each answered views question, "Who I am", each card placed on
        a sorting mat, each other topic the IRO observed the child speak to without words (in the order observed),
        then the general item."""
        answered = [item.question_id for item in [*self.views, *self.identity] if not item.skipped]
        placed = [item.question_id for item in self.mat_items if not item.skipped]
        observed = [item.topic for item in self.observations if item.topic != GENERAL_ITEM]
        return list(dict.fromkeys([*answered, *placed, *observed])) + [GENERAL_ITEM]

    @property
    def answered_count(self) -> int:
        return sum(1 for item_id in self.raised if item_id in self.responses)

    @property
    def open_count(self) -> int:
        return len(self.raised) - self.answered_count

    @property
    def decided_count(self) -> int:
        return sum(1 for item in self.menu if item.question_id in self.decisions)


def _choice(question: Question | None, choice_id: str, group: int) -> ShownChoice:
    found = question.choice(choice_id) if question else None
    if found is not None:
        return ShownChoice(choice_id, wording(found.label), found.symbol, True, group, found.attention)
    if choice_id in FLOW_CHOICES:
        label, symbol = FLOW_CHOICES[choice_id]
        return ShownChoice(choice_id, label, symbol, True, group)
    return ShownChoice(choice_id, choice_id, None, False, group)


def answer_view(answer: Answer, choices: list[AnswerChoice], question: Question | None) -> AnswerView:
    """One answer with its wording; unknown questions and choices keep their ids as labels."""
    if question is not None:
        order = {c.id: i for i, c in enumerate(question.choices)}
        choices = sorted(choices, key=lambda c: (c.position, order.get(c.choice_id, len(order)), c.choice_id))
    else:
        choices = sorted(choices, key=lambda c: (c.position, c.choice_id))
    part = question.part if question else next(
        (part for prefix, part in (("menu", "menu"), ("mat.", "mat")) if answer.question_id.startswith(prefix)), "views"
    )
    return AnswerView(
        question_id=answer.question_id,
        part=part,
        kind=question.kind if question else ("scale" if answer.scale is not None else "unknown"),
            # A child's own photo card (child/photos.py): its label is the child's words as the IRO typed them.
        prompt=(question.prompt if question.photo else wording(question.prompt)) if question else answer.question_id,
        symbol=question.symbol if question else None,
        photo_id=question.photo or None if question else None,
        known=question is not None,
        skipped=answer.skipped,
        choices=[_choice(question, c.choice_id, c.position) for c in choices],
        scale=answer.scale,
        scale_low=wording(question.scale_low) if question else "",
        scale_high=wording(question.scale_high) if question else "",
        words=answer.text,
        scribed=answer.scribed,
        answered_at=answer.answered_at,
        plan_label=wording(question.plan_label) if question else "",
        keep_out_of_meeting=(question is not None and question.keep_out_of_meeting) or answer.question_id in KEPT_OUT_OF_MEETING,
        scale_attention=question is not None and not answer.skipped and question.needs_attention(scale=answer.scale),
        show_menu=question is not None and question.show_menu,
        section=question.section if question else "",
    )


def _ordered(items: list[AnswerView], bank: QuestionBank) -> list[AnswerView]:
    position = {q.id: i for i, q in enumerate(bank.questions)}
    return sorted(items, key=lambda item: (item.question_id not in position, position.get(item.question_id, 0), item.answered_at, item.question_id))


def _add_childs_wording(items: list[AnswerView], *, bank: QuestionBank, language_code: str) -> None:
    """Fill in each question as the child read it, for statements given in another language."""
    from flask import has_app_context
    from flask_babel import force_locale

    from voice_app.i18n import DEFAULT, language
    from voice_app.i18n.terms import tgettext

    chosen = language(language_code)
    if chosen == DEFAULT or not has_app_context():
        return
    with force_locale(chosen.locale):
        for item in items:
            question = bank.get(item.question_id)
            if question is not None:
                item.asked_as, item.asked_lang, item.asked_dir = tgettext(question.prompt), chosen.code, chosen.direction


def _with_menu_mat(menu: list[AnswerView], mat_items: list[AnswerView], *, bank: QuestionBank, statement_id: int) -> list[AnswerView]:
    """The menu as answered, with the items the child sorted on the Child's Menu mat instead (or skipped as questions)
    filled in from their placements: the meeting plan counts a child who sorts like one who answers."""
    placed = {item.question_id: None if item.skipped or not item.choices else item.choices[0].id for item in mat_items}
    derived = fills(menu_from_mat(bank, placed), [item.question_id for item in menu if not item.skipped])
    if not derived:
        return menu
    when = max(item.answered_at for item in mat_items)
    kept = [item for item in menu if item.question_id not in derived]
    for item_id, found in derived.items():
        answer = Answer(statement_id=statement_id, question_id=item_id, skipped=False, answered_at=when, updated_at=when)
        view = answer_view(answer, [AnswerChoice(choice_id=c, position=p) for c, p in found.choices], bank.get(item_id))
        view.from_mat = _from_mat_note(found, bank)
        kept.append(view)
    return kept


def _from_mat_note(found: MenuFromMat, bank: QuestionBank) -> str:
    """What the IRO reads about a menu item sorted on a mat (staff wording, English)."""
    mat = bank.mat(found.mat_id)
    title = wording(mat.title) if mat else found.mat_id
    wanted = next((wording(p.label) for p in (mat.points if mat else ()) if mat.means.get(p.id) == "wanted"), "wanted")
    question = bank.get(found.question_id)
    if not found.to_agree:
        return f"Sorted on the mat “{title}” rather than answered as a question."
    if found.several:
        names = and_list([wording(question.choice(c).label) for c in found.several])
        return (f"Sorted on the mat “{title}”: the child placed {names} under “{wanted}”. "
                "The plan is to be agreed with the child.")
    return f"Sorted on the mat “{title}”: the child placed none of these under “{wanted}”. The plan is to be agreed with the child."


def read_statement(db: Session, context: StatementContext, *, bank: QuestionBank | None = None) -> StatementRecord:
    """Everything about one statement that the page and the exports show, in a fixed number of queries."""
    bank = bank or default_bank()
    statement = context.statement
    answers = list(db.exec(select(Answer).where(Answer.statement_id == statement.id)).all())
    by_answer: dict[int, list[AnswerChoice]] = {answer.id: [] for answer in answers}
    if answers:
        for choice in db.exec(select(AnswerChoice).where(col(AnswerChoice.answer_id).in_(list(by_answer)))).all():
            by_answer[choice.answer_id].append(choice)
    photos = {card.id: card for card in photo_cards(db, statement_id=statement.id, bank=bank)} if any(
        is_photo_card(answer.question_id) for answer in answers) else {}
    shown = [answer_view(answer, by_answer[answer.id], bank.get(answer.question_id) or photos.get(answer.question_id)) for answer in answers]
    _add_childs_wording(shown, bank=bank, language_code=statement.language)
    responses = {r.question_id: r for r in db.exec(select(ChildResponse).where(ChildResponse.statement_id == statement.id)).all()}
    decisions = {d.item_id: d for d in db.exec(select(MenuDecision).where(MenuDecision.statement_id == statement.id)).all()}
    actions = {a.question_id: a for a in db.exec(select(AttentionAction).where(AttentionAction.statement_id == statement.id)).all()}
    staff_ids = {statement.scribe_id, statement.reviewed_by_id, statement.meeting_release_by_id, context.visit.iro_id}
    staff_ids |= {r.written_by_id for r in responses.values()} | {d.decided_by_id for d in decisions.values()}
    staff_ids |= {a.recorded_by_id for a in actions.values()}
    observed = observations_for(db, statement_id=statement.id)
    staff_ids |= {item.recorded_by_id for item in observed}
    staff_ids.discard(None)
    names = {}
    if staff_ids:
        names = {user.id: user.display_name for user in db.exec(select(StaffUser).where(col(StaffUser.id).in_(staff_ids))).all()}
    mat_items = _ordered([item for item in shown if item.part == "mat"], bank)
    mats = mat_views(mat_items, bank=bank, wording=wording, before=earlier_placements(db, statement=statement) if mat_items else None)
    menu = _with_menu_mat([item for item in shown if item.part == "menu"], mat_items, bank=bank, statement_id=statement.id)
    return StatementRecord(
        context=context,
        mat_items=mat_items,
        mats=mats,
        views=_ordered([item for item in shown if item.part == "views" and not item.section], bank),
        identity=_ordered([item for item in shown if item.part == "views" and item.section == "identity"], bank),
        menu=_ordered(menu, bank),
        after=_ordered([item for item in shown if item.part == "after"], bank),
        explain=_ordered([item for item in shown if item.part == "explain"], bank),
        responses=responses,
        decisions=decisions,
        names=names,
        actions=actions,
        gathered_by=gatherer_for_visit(db, visit_id=context.visit.id) if context.visit.purpose == VisitPurpose.PRACTITIONER else None,
        access_used=access_used(db, statement_id=context.statement.id),
        observations=[observation_view(item, bank) for item in observed],
        observed=observed,
    )


def how_they_answered(record: StatementRecord) -> str | None:
    """How the child's views were gathered, plainly: "With one switch (automatic scanning), in their own words and by
    observation (...), interpreted with the help of a parent"; None when nothing is known (no hand-over, no observation)."""
    ways = [ACCESS_WORDS[mode] for mode in record.access_used if mode in ACCESS_WORDS]
    if any(item.words for item in [*record.after, *record.views, *record.explain, *record.menu]):
        scribe = record.name(record.statement.scribe_id) if record.statement.scribed else ""
        ways.append(f"in their own words, written down by {scribe}" if scribe else "in their own words")
    if (observed := observation_words(record.observed)) is not None:
        ways.append(observed)
    if not ways:
        return None
    text = and_list(ways)
    return text[0].upper() + text[1:]


def ways_gathered(record: StatementRecord) -> list[str]:
    """The same as codes, for the JSON export: the access modes, then "words" and "observation" when they apply."""
    ways = list(record.access_used)
    if any(item.words for item in [*record.after, *record.views, *record.explain, *record.menu]):
        ways.append("words")
    if record.observations:
        ways.append("observation")
    return ways


def raised_label(record: StatementRecord, item_id: str) -> str:
    """How the page names a thing the child raised."""
    if item_id == GENERAL_ITEM:
        return GENERAL_LABEL
    item = next((i for i in [*record.views, *record.identity] if i.question_id == item_id and not i.skipped), None)
    if item is not None:
        return item.prompt
    mat = next((m for m in record.mats if any(c.question_id == item_id for c in m.cards)), None)
    placed = next((i for i in record.mat_items if i.question_id == item_id), None)
    if mat is not None and placed is not None:
        where = placed.choices[0].label if placed.choices else "?"
        return f"{mat.title}: {placed.prompt} (placed under {where})"
    seen = next((i for i in record.observations if i.topic == item_id), None)
    return f"{seen.topic_label} (observed)" if seen else item_id
