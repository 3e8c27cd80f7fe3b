"""A statement's sorting mats as staff, the PDF and the export show them: each point of the scale with the cards
placed under it, the cards put aside, one sentence per card, and what moved since the child's last mat on the topic.

Placements are ordinary answers (question id "mat.<mat>.<card>", the point as the choice: questions/bank.py); the
child's own photos are cards "mat.<mat>.photo-<n>" of one statement, after the mat's own cards (child/photos.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from voice_app.models import Answer, AnswerChoice, Statement
from voice_app.questions.bank import QuestionBank, is_photo_card, mat_id_of

ASIDE_LABEL = "Did not want to say"


@dataclass(frozen=True)
class PlacedCard:
    question_id: str
    label: str
    symbol: str | None
    point: str | None  # the point's id; None when put aside
    photo_id: int | None = None  # the child's own photo (child/photos.py), shown to staff by statements.mat_photo


@dataclass(frozen=True)
class MatColumn:
    id: str
    label: str
    symbol: str
    cards: tuple[PlacedCard, ...]


@dataclass(frozen=True)
class MatMove:
    """A card the child placed differently on their last mat of this topic ("Lessons: I like it → I don't like it")."""

    question_id: str
    label: str
    before: str
    after: str

    @property
    def text(self) -> str:
        return f"{self.label}: {self.before} → {self.after}"


@dataclass(frozen=True)
class MatView:
    id: str
    title: str
    symbol: str
    columns: tuple[MatColumn, ...]
    aside: tuple[PlacedCard, ...]
    moves: tuple[MatMove, ...] = ()
    compared: bool = False  # whether there was an earlier mat on this topic to compare with

    @property
    def cards(self) -> tuple[PlacedCard, ...]:
        return tuple(card for column in self.columns for card in column.cards) + self.aside

    @property
    def sentences(self) -> list[str]:
        """The mat read back in words, card by card, as the child placed them."""
        where = {column.id: column.label for column in self.columns}
        said = []
        for card in self.cards:
            if card.point is None:
                said.append(f"{card.label}: did not want to say")
            else:
                said.append(f"{card.label}: {where.get(card.point, card.point)}")
        return said


def _point_label(mat, point_id: str | None, wording: Callable[[str], str]) -> str:
    if point_id is None:
        return ASIDE_LABEL.lower()
    point = mat.point(point_id)
    return wording(point.label) if point else point_id


def mat_views(
    items: list, *, bank: QuestionBank, wording: Callable[[str], str], before: dict[str, str | None] | None = None
) -> list[MatView]:
    """The mats among a statement's answers (reading.AnswerView, worded), in the bank's order, with the bank's words
    filled in by `wording` (reading.wording); `before` is each card's last earlier placement."""
    by_mat: dict[str, list] = {}
    for item in items:
        mat_id = mat_id_of(item.question_id)
        if mat_id is not None:
            by_mat.setdefault(mat_id, []).append(item)
    before = before or {}
    views = []
    for mat in bank.mats:
        placed = by_mat.get(mat.id)
        if not placed:
            continue
        order = {card.id: n for n, card in enumerate(mat.cards)}
        placed.sort(key=lambda item: (order.get(item.question_id, len(order)), item.question_id))
        cards = [
            PlacedCard(item.question_id, item.prompt, item.symbol, None if item.skipped or not item.choices else item.choices[0].id,
                       getattr(item, "photo_id", None))
            for item in placed
        ]
        columns = tuple(
            MatColumn(point.id, wording(point.label), point.symbol, tuple(c for c in cards if c.point == point.id)) for point in mat.points
        )
        earlier = {card.question_id: before[card.question_id] for card in cards if card.question_id in before}
        moves = tuple(
            MatMove(card.question_id, card.label, _point_label(mat, earlier[card.question_id], wording), _point_label(mat, card.point, wording))
            for card in cards
            if card.question_id in earlier and earlier[card.question_id] != card.point
        )
        known = {p.id for p in mat.points}
        aside = tuple(c for c in cards if c.point is None or c.point not in known)
        views.append(MatView(mat.id, wording(mat.title), mat.symbol, columns, aside, moves, compared=bool(earlier)))
    return views


_EARLIER_MATS = (
    select(Statement.id, Statement.started_at, Answer.question_id, Answer.skipped, AnswerChoice.choice_id)
    .join(Answer, col(Answer.statement_id) == col(Statement.id))
    .outerjoin(AnswerChoice, col(AnswerChoice.answer_id) == col(Answer.id))
    .where(
        col(Statement.child_id) == bindparam("child_id"),
        col(Statement.id) != bindparam("statement_id"),
        col(Statement.started_at) <= bindparam("started_at"),
        col(Answer.question_id).like("mat.%"),
    )
    .order_by(col(Statement.started_at), col(Statement.id))
)


def earlier_placements(db: Session, *, statement: Statement) -> dict[str, str | None]:
    """Each mat card's placement on the child's latest earlier mat of its topic (None: put aside), in one query."""
    rows = db.execute(
        _EARLIER_MATS, {"child_id": statement.child_id, "statement_id": statement.id, "started_at": statement.started_at}
    ).all()
    # The latest earlier statement that has each mat wins, whole: a card not on it is not compared.
    latest: dict[str, int] = {}
    for statement_id, _started, question_id, _skipped, _choice in rows:
        latest[mat_id_of(question_id) or ""] = statement_id
    found: dict[str, str | None] = {}
    for statement_id, _started, question_id, skipped, choice in rows:
        if is_photo_card(question_id):
            continue  # "photo-1" is another photo on each statement: never compared
        if latest.get(mat_id_of(question_id) or "") == statement_id:
            found[question_id] = None if skipped else choice
    return found
