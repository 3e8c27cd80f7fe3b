"""The child's conversation as plain functions: what comes next, saving answers, and the recap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete
from sqlmodel import Session, col, select

from voice_app.child.store import commit_retrying, save_statements
from voice_app.models import (
    Answer,
    AnswerChoice,
    AnswerReceipt,
    Child,
    ChildResponse,
    FlowVersion,
    MenuDecision,
    Review,
    ReviewKind,
    Sharing,
    Statement,
    StatementEnd,
    Visit,
    utcnow,
)
from voice_app.questions.bank import MENU_EXTRA_CHOICES, YOUNG_PERSONS_CONFERENCE, Question, QuestionBank
from voice_app.questions.mat_history import MatMove, earlier_placements, mat_moves

TEXT_MAX = 2000
SCALE_MAX = 10


class AnswerProblem(ValueError):
    """An answer that cannot be saved: `message` is kind words for the child; 400 means tampered."""

    def __init__(self, message, *, status: int = 422) -> None:
        super().__init__(str(message))
        self.message = message
        self.status = status


NEED_A_PICTURE = _l("Tap a picture to answer, or tap “I don't want to answer this”.")
NEED_A_NUMBER = _l("Tap a number to answer, or tap “I don't want to answer this”.")
NEED_WORDS = _l("Write something here, or tap “I don't want to answer this”.")
TOO_LONG = _l("That's a lot of words! Please make it a bit shorter (up to %(max)s letters).", max=f"{TEXT_MAX:,}")


@dataclass(frozen=True)
class AnswerInput:
    """What the child gave for one question, checked against the question."""

    choices: tuple[str, ...] = ()
    scale: int | None = None
    text: str | None = None
    skipped: bool = False


@dataclass(frozen=True)
class SavedAnswer:
    """One stored answer with its chosen card ids, as the flow and templates read it."""

    question_id: str
    choices: tuple[str, ...] = ()
    scale: int | None = None
    text: str | None = None
    skipped: bool = False
    scribed: bool = False

    def same_as(self, given: AnswerInput) -> bool:
        return (sorted(self.choices), self.scale, self.text, self.skipped) == (
            sorted(given.choices),
            given.scale,
            given.text,
            given.skipped,
        )


@dataclass(frozen=True)
class Step:
    """Where the conversation is: the recap, a question, who may see it, stopping, or done."""

    kind: str  # recap | question | topics | mat | sharing | stop | done
    question: Question | None = None
    number: int = 0
    total: int = 0
    mat: object = None  # a sorting mat (questions/bank.py): its card being placed, or the whole mat ("mat")


# The menu's extra answers, as the child sees them (label, symbol).
EXTRA_CHOICES = {
    "dont_mind": (_l("I don't mind"), "dont-mind"),
    "dont_say": (_l("I don't want to say"), "dont-say"),
}


def choice_view(question: Question, choice_id: str, translate: Callable[[str], str] | None = None) -> tuple[str, str]:
    """The words (translated, with the service's terms) and symbol of a chosen card.

    `translate` says a card's label in the reader's language with the service's terms filled in:
    i18n.terms.tgettext unless given (the child's pages pass child.routes.say, which looks the
    translations up once per request)."""
    if choice_id in EXTRA_CHOICES:
        label, symbol = EXTRA_CHOICES[choice_id]
        return str(label), symbol
    choice = question.choice(choice_id)
    if choice is None:  # a card removed from the bank since: show its id rather than lose it
        return choice_id, "question"
    if translate is None:
        from voice_app.i18n.terms import tgettext as translate
    return translate(choice.label), choice.symbol


# ----- which questions, in which order -------------------------------------------------------


def parts_of(statement: Statement) -> tuple[str, ...]:
    """The parts offered, in the order asked: how the last meeting went, views, what happens at a meeting, the menu."""
    chosen = {part.strip() for part in statement.parts.split(",")}
    if FlowVersion(statement.version) == FlowVersion.MAT and "views" in chosen:
        # The sorting mats in place of the views questions, last: the child sorts as many mats as they
        # like, and "I've finished" ends the conversation wherever they are.
        chosen = (chosen - {"views"}) | {"mat"}
    return tuple(part for part in ("after", "views", "explain", "menu", "mat") if part in chosen)


def shown(question: Question, answers: dict[str, SavedAnswer]) -> bool:
    """Whether a question's show_if holds for the answers given so far."""
    if question.show_if is None:
        return True
    earlier = answers.get(question.show_if.question)
    return earlier is not None and any(choice in question.show_if.any_of for choice in earlier.choices)


def meeting_of(db: Session, *, statement: Statement) -> str | None:
    """Which meeting the statement is for ("cared_for_review", "conference" or a young person's conference), from its visit's review."""
    row = db.exec(
        select(Review.kind, Review.young_persons).join(Visit, col(Visit.review_id) == col(Review.id)).where(Visit.id == statement.visit_id)
    ).first()
    return None if row is None else meeting_for(*row)


def meeting_for(kind: ReviewKind | None, young_persons: bool | None = False) -> str | None:
    """The meeting a review of this kind holds (None: no review known)."""
    if kind is None:
        return None
    if kind != ReviewKind.CP_CONFERENCE:
        return "cared_for_review"
    return YOUNG_PERSONS_CONFERENCE if young_persons else "conference"


def houses_setting() -> bool:
    """The service's choice to offer the three houses to children in care (on unless turned off)."""
    from flask import current_app, has_app_context

    settings = current_app.config.get("VOICE_APP") if has_app_context() else None
    return getattr(settings, "houses_for_cared_for", True)


def candidate_questions(
    bank: QuestionBank,
    *,
    statement: Statement,
    child: Child,
    meeting: str | None = None,
    houses_for_cared_for: bool | None = None,
    photos: tuple[Question, ...] = (),
) -> list[Question]:
    """Every question this child may be asked before this meeting, in order, whatever they answer (show_if not applied);
    `photos`: the child's own photo cards for this statement (child/photos.py), each after its mat's own cards."""
    asked = bank.for_child(
        parts=parts_of(statement),
        version=FlowVersion(statement.version).value,
        cared_for=child.cared_for,
        on_cp_plan=child.on_cp_plan,
        meeting=meeting,
        houses_for_cared_for=houses_setting() if houses_for_cared_for is None else houses_for_cared_for,
    )
    return with_photo_cards(asked, photos) if photos else asked


def with_photo_cards(questions: list[Question], photos: tuple[Question, ...]) -> list[Question]:
    """The questions with each photo card after the last card of its mat (a mat this child is not offered gets none)."""
    found = list(questions)
    for mat_id in dict.fromkeys(card.mat for card in photos):
        last = max((n for n, question in enumerate(found) if question.mat == mat_id), default=None)
        if last is not None:
            found[last + 1 : last + 1] = [card for card in photos if card.mat == mat_id]
    return found


def asked_questions(
    bank: QuestionBank,
    *,
    statement: Statement,
    child: Child,
    answers: dict[str, SavedAnswer],
    meeting: str | None = None,
    houses_for_cared_for: bool | None = None,
    photos: tuple[Question, ...] = (),
) -> list[Question]:
    """The questions this child is asked now, before this meeting, in order, with show_if applied to their answers."""
    candidates = candidate_questions(
        bank, statement=statement, child=child, meeting=meeting, houses_for_cared_for=houses_for_cared_for, photos=photos
    )
    return [question for question in candidates if shown(question, answers)]


def text_allowed(question: Question, *, statement: Statement, scribing: bool) -> bool:
    """Words are for older children, or for anyone when their IRO is writing for them."""
    if question.kind == "text":
        return True
    return question.allow_text and (FlowVersion(statement.version) == FlowVersion.OLDER or scribing)


def extras_for(question: Question) -> tuple[str, ...]:
    """The extra answers a question offers besides its cards ("I don't mind" on menu items)."""
    return MENU_EXTRA_CHOICES if question.part == "menu" else ()


def next_step(questions: list[Question], answers: dict[str, SavedAnswer], *, statement: Statement, recap_pending: bool) -> Step:
    """The step to show now: the recap first, then the first unanswered question, then sharing."""
    if statement.ended_at is not None:
        return Step("done", total=len(questions), number=len(questions))
    if recap_pending and not answers:
        return Step("recap", total=len(questions))
    for number, question in enumerate(questions, start=1):
        if question.id not in answers:
            if question.mat:  # sorting mats: the child (or the IRO) chooses which mat next
                return Step("topics", number=number, total=len(questions))
            return Step("question", question, number, len(questions))
    return Step("sharing", number=len(questions), total=len(questions))


def mat_cards(questions: list[Question], mat_id: str) -> list[Question]:
    """The cards of one sorting mat that this child is offered, in the mat's order."""
    return [question for question in questions if question.mat == mat_id]


def mat_step(questions: list[Question], answers: dict[str, SavedAnswer], *, mat) -> Step | None:
    """On one sorting mat: its first card not yet placed, else the whole mat to look at together (None: not offered)."""
    cards = mat_cards(questions, mat.id)
    if not cards:
        return None
    for number, card in enumerate(cards, start=1):
        if card.id not in answers:
            return Step("question", card, number, len(cards), mat=mat)
    return Step("mat", number=len(cards), total=len(cards), mat=mat)


@dataclass(frozen=True)
class MatBoard:
    """A sorting mat as laid out: each point of its scale with the cards placed under it, and the cards put aside."""

    columns: tuple[tuple[object, tuple[Question, ...]], ...]
    aside: tuple[Question, ...]


def mat_board(questions: list[Question], answers: dict[str, SavedAnswer], mat, placing: str | None = None) -> MatBoard:
    """Where each card of a mat is now (the card being placed, `placing`, is left out: it is in the child's hand)."""
    cards = [card for card in mat_cards(questions, mat.id) if card.id in answers and card.id != placing]
    columns = tuple(
        (point, tuple(card for card in cards if not answers[card.id].skipped and point.id in answers[card.id].choices))
        for point in mat.points
    )
    return MatBoard(columns, tuple(card for card in cards if answers[card.id].skipped))


@dataclass(frozen=True)
class MatChanges:
    """What moved on a finished mat since the child's last mat of its topic, for the read-back (`compared`: there
    was an earlier mat with some of these cards on it)."""

    compared: bool = False
    moves: tuple[MatMove, ...] = ()


def mat_changes(
    db: Session, *, statement: Statement, questions: list[Question], answers: dict[str, SavedAnswer], mat, wording
) -> MatChanges:
    """The finished mat against the child's latest earlier mat of the same topic (questions/mat_history.py's rule
    and query, as the statement shows it), the cards and points in the child's words (`wording`)."""
    placed = [
        (card.id, card.prompt if card.photo else wording(card.prompt), None if answers[card.id].skipped or not answers[card.id].choices else answers[card.id].choices[0])
        for card in mat_cards(questions, mat.id)
        if card.id in answers
    ]
    if not placed:
        return MatChanges()
    compared, moves = mat_moves(mat, placed, earlier_placements(db, statement=statement, mat_id=mat.id), wording=wording)
    return MatChanges(compared, moves)


def mat_progress(questions: list[Question], answers: dict[str, SavedAnswer], bank: QuestionBank) -> list[tuple[object, int, int]]:
    """Each sorting mat this child is offered, with how many of its cards are placed (or put aside) and how many it has."""
    found = []
    for mat in bank.mats:
        cards = mat_cards(questions, mat.id)
        if cards:
            found.append((mat, sum(1 for card in cards if card.id in answers), len(cards)))
    return found


def question_step(questions: list[Question], question_id: str) -> Step | None:
    """The step for one question of the conversation (to change an answer), or None if not asked."""
    for number, question in enumerate(questions, start=1):
        if question.id == question_id:
            return Step("question", question, number, len(questions))
    return None


# ----- reading and checking answers ------------------------------------------------------------


_ANSWERS_QUERY = (
    select(Answer.question_id, Answer.scale, Answer.text, Answer.skipped, Answer.scribed, AnswerChoice.choice_id)
    .outerjoin(AnswerChoice, col(AnswerChoice.answer_id) == col(Answer.id))
    .where(col(Answer.statement_id) == bindparam("statement_id"))
    .order_by(col(Answer.id), col(AnswerChoice.position), col(AnswerChoice.choice_id))
)


def load_answers(db: Session, *, statement_id: int) -> dict[str, SavedAnswer]:
    """Every answer of a statement by question id, with its chosen cards, in one query."""
    rows = db.execute(_ANSWERS_QUERY, {"statement_id": statement_id}).all()
    found: dict[str, tuple] = {}
    choices: dict[str, list[str]] = {}
    for question_id, scale, text, skipped, scribed, choice_id in rows:
        found.setdefault(question_id, (scale, text, skipped, scribed))
        chosen = choices.setdefault(question_id, [])
        if choice_id is not None:
            chosen.append(choice_id)
    return {qid: SavedAnswer(qid, tuple(choices[qid]), *values) for qid, values in found.items()}


def clean_text(raw: str | None) -> str | None:
    """The child's words as typed (newlines made uniform, NULs dropped), or None when blank."""
    if raw is None:
        return None
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return text if text.strip() else None


def parse_answer(
    question: Question,
    *,
    choices: list[str],
    special: str | None,
    scale: str | None,
    text: str | None,
    skip: bool,
    words_allowed: bool,
) -> AnswerInput:
    """Check what was sent for a question; raise AnswerProblem with kind words if it cannot be saved."""
    if skip:
        return AnswerInput(skipped=True)
    if special:
        if special not in extras_for(question):
            raise AnswerProblem("unknown answer", status=400)
        return AnswerInput(choices=(special,))
    words = clean_text(text) if words_allowed else None
    if words is not None and len(words) > TEXT_MAX:
        raise AnswerProblem(TOO_LONG)
    if question.kind == "text":
        if words is None:
            raise AnswerProblem(NEED_WORDS)
        return AnswerInput(text=words)
    if question.kind == "scale":
        return AnswerInput(scale=_scale(scale, words), text=words)
    wanted = list(dict.fromkeys(choices))
    if any(question.choice(choice) is None for choice in wanted):
        raise AnswerProblem("unknown choice", status=400)
    if question.kind == "choice" and len(wanted) > 1:
        raise AnswerProblem("one choice only", status=400)
    if not wanted and words is None:
        raise AnswerProblem(NEED_A_PICTURE)
    order = [c.id for c in question.choices]
    return AnswerInput(choices=tuple(sorted(wanted, key=order.index)), text=words)


def _scale(raw: str | None, words: str | None) -> int | None:
    if raw in (None, ""):
        if words is None:
            raise AnswerProblem(NEED_A_NUMBER)
        return None
    try:
        value = int(raw)
    except ValueError as exc:
        raise AnswerProblem("not a number", status=400) from exc
    if not 0 <= value <= SCALE_MAX:
        raise AnswerProblem("out of range", status=400)
    return value


# ----- saving ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    """What saving did: whether anything changed, the answer as stored, and follow-ups removed.

    `outcome` is "saved", "repeat" (this client id was saved before: nothing written) or "stale" (a
    first answer to a question that has one already: refused, nothing written).
    """

    changed: bool
    saved: SavedAnswer | None
    forgotten: tuple[str, ...] = ()
    outcome: str = "saved"


@dataclass(frozen=True)
class Sent:
    """How the tablet labelled an answer: its own id for it, and when the child gave it (its clock)."""

    client_id: str
    given_at: datetime | None = None


def is_current(questions: list[Question], answers: dict[str, SavedAnswer], *, question_id: str) -> bool:
    """Whether a question is the one the child is being asked now (the first unanswered one; on a mat, of that mat)."""
    asked = next((question for question in questions if question.id == question_id), None)
    if asked is not None and asked.mat:
        questions = mat_cards(questions, asked.mat)
    for question in questions:
        if question.id not in answers:
            return question.id == question_id
    return False


_RECEIPT_QUERY = select(AnswerReceipt).where(
    col(AnswerReceipt.statement_id) == bindparam("statement_id"), col(AnswerReceipt.client_id) == bindparam("client_id")
)


def find_receipt(db: Session, *, statement_id: int, client_id: str) -> AnswerReceipt | None:
    """The record of an answer already received with this client id, if any."""
    return db.exec(_RECEIPT_QUERY, params={"statement_id": statement_id, "client_id": client_id}).first()


def save_answer(
    db: Session,
    *,
    statement: Statement,
    question: Question,
    given: AnswerInput,
    scribed: bool,
    bank: QuestionBank,
    current: SavedAnswer | None = None,
    edit: bool = True,
    sent: Sent | None = None,
    now: datetime | None = None,
) -> SaveResult:
    """Save one answer at once, idempotently: one row per question, its cards replaced.

    A change (`edit`) always wins; a first answer is written only while the question has none. `sent`
    carries the tablet's id for the answer: a repeat of it is acknowledged without writing anything.
    `current` is the answer as the caller last read it: the same answer again writes nothing.
    """
    saved = SavedAnswer(question.id, given.choices, given.scale, given.text, given.skipped, scribed)
    if sent is None and current is not None and current.same_as(given):
        return SaveResult(False, current)

    def work() -> SaveResult:
        moment = now or utcnow()
        statements = save_statements(db.get_bind().dialect.name)
        receipt_id = None
        if sent is not None:
            receipt_id = db.execute(
                statements.receipt,
                dict(statement_id=statement.id, client_id=sent.client_id, question_id=question.id,
                     given_at=sent.given_at, received_at=moment),
            ).scalar()
            if receipt_id is None:
                return SaveResult(False, current, outcome="repeat")
        if edit and current is not None and current.same_as(given):
            return SaveResult(False, current)
        values = dict(statement_id=statement.id, question_id=question.id, answered_at=moment, updated_at=moment,
                      scale=given.scale, text=given.text, skipped=given.skipped, scribed=scribed)
        # INSERT ... ON CONFLICT: a simultaneous first answer can never make a second row, nor overwrite.
        answer_id = db.execute(statements.upsert if edit else statements.first, values).scalar()
        if answer_id is None:
            if receipt_id is not None:
                db.execute(statements.drop_receipt, {"receipt_id": receipt_id})
            return SaveResult(False, current, outcome="stale")
        if edit:  # a first answer's row is new: it has no cards to clear
            db.execute(statements.clear_choices, {"for_answer": answer_id})
        if given.choices:
            db.execute(
                statements.add_choice,
                [{"answer_id": answer_id, "choice_id": choice, "position": question.position} for choice in given.choices],
            )
        forgotten = _forget_hidden_followups(db, statement=statement, question=question, given=given, bank=bank)
        db.execute(statements.touch_statement, {"for_statement": statement.id, "moment": moment, "scribing": scribed})
        return SaveResult(True, saved, forgotten)

    return commit_retrying(db, work)


def _forget_hidden_followups(db: Session, *, statement: Statement, question: Question, given: AnswerInput, bank: QuestionBank) -> tuple[str, ...]:
    # A follow-up that no longer applies (a place, once the meeting is a video call) is removed, so
    # the statement says what the child chose now; it is asked again if the child changes back.
    hidden = [
        q.id
        for q in bank.questions
        if q.show_if and q.show_if.question == question.id and not any(c in q.show_if.any_of for c in given.choices)
    ]
    if hidden:
        ids = db.exec(
            select(Answer.id).where(Answer.statement_id == statement.id, col(Answer.question_id).in_(hidden))
        ).all()
        if ids:
            db.execute(delete(AnswerChoice).where(col(AnswerChoice.answer_id).in_(ids)))
            db.execute(delete(Answer).where(col(Answer.id).in_(ids)))
    return tuple(hidden)


LATE_AFTER = timedelta(minutes=2)  # sent this long after the child gave it: kept on the tablet first


@dataclass(frozen=True)
class LateArrival:
    """An answer that reached the server well after the child gave it (sent from the tablet's queue)."""

    given_at: datetime
    received_at: datetime


def late_arrivals(db: Session, *, statement_id: int) -> dict[str, LateArrival]:
    """The statement's answers that arrived late, by question (the latest arrival of each)."""
    receipts = db.exec(
        select(AnswerReceipt)
        .where(AnswerReceipt.statement_id == statement_id, col(AnswerReceipt.given_at).is_not(None))
        .order_by(col(AnswerReceipt.received_at))
    ).all()
    found: dict[str, LateArrival] = {}
    for receipt in receipts:
        if receipt.received_at - receipt.given_at >= LATE_AFTER:
            found[receipt.question_id] = LateArrival(receipt.given_at, receipt.received_at)
        else:
            found.pop(receipt.question_id, None)  # given again since, and arrived at once
    return found


def end_statement(
    db: Session, *, statement: Statement, reason: StatementEnd, sharing: Sharing | None = None, now: datetime | None = None
) -> Statement:
    """Record that the child finished (with who may see it) or stopped; a repeat keeps the first end."""
    live = db.get(Statement, statement.id)
    if live.ended_at is None:
        moment = now or utcnow()
        live.ended_at = moment
        live.updated_at = moment
        live.end_reason = reason
        if sharing is not None:
            live.sharing = sharing
        db.add(live)
        db.commit()
    return live


# ----- "You said ... we did ..." at the next visit ---------------------------------------------


@dataclass(frozen=True)
class RecapItem:
    """One thing from last time: what the child said, and what the IRO decided or did."""

    question_id: str
    question: Question | None
    said: SavedAnswer | None
    decision: MenuDecision | None
    response: ChildResponse | None


def previous_statement(db: Session, *, statement: Statement) -> Statement | None:
    """The child's statement before this one (from an earlier visit), if any."""
    return db.exec(
        select(Statement)
        .where(
            Statement.child_id == statement.child_id,
            Statement.id != statement.id,
            Statement.visit_id != statement.visit_id,
            col(Statement.started_at) <= statement.started_at,
        )
        .order_by(col(Statement.started_at).desc(), col(Statement.id).desc())
    ).first()


def recap_for(db: Session, *, statement: Statement, bank: QuestionBank) -> list[RecapItem]:
    """What the child chose last time with the IRO's decisions and answers, in question order."""
    previous = previous_statement(db, statement=statement)
    if previous is None:
        return []
    decisions = {d.item_id: d for d in db.exec(select(MenuDecision).where(MenuDecision.statement_id == previous.id)).all()}
    responses = {r.question_id: r for r in db.exec(select(ChildResponse).where(ChildResponse.statement_id == previous.id)).all()}
    if not decisions and not responses:
        return []
    said = load_answers(db, statement_id=previous.id)
    order = {q.id: n for n, q in enumerate(bank.questions)}
    ids = sorted(set(decisions) | set(responses), key=lambda qid: (order.get(qid, len(order)), qid))
    return [RecapItem(qid, bank.get(qid), said.get(qid), decisions.get(qid), responses.get(qid)) for qid in ids]


def mark_recap_shown(db: Session, *, items: list[RecapItem], now: datetime | None = None) -> None:
    """Note when the child was first shown each of the IRO's answers."""
    ids = [item.response.id for item in items if item.response is not None and item.response.shown_to_child_at is None]
    if not ids:
        return
    moment = now or utcnow()
    for response in db.exec(select(ChildResponse).where(col(ChildResponse.id).in_(ids))).all():
        response.shown_to_child_at = moment
        db.add(response)
    db.commit()
