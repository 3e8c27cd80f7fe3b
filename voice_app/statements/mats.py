"""A statement's sorting mats as staff, the PDF and the export show them: each point of the scale with the cards
placed under it, the cards put aside, one sentence per card, and what moved since the child's last mat on the topic.

Placements are ordinary answers (question id "mat.<mat>.<card>", the point as the choice: questions/bank.py); the
child's own photos are cards "mat.<mat>.photo-<n>" of one statement, after the mat's own cards (child/photos.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from voice_app.questions.bank import QuestionBank, mat_id_of
from voice_app.questions.mat_history import ASIDE_LABEL, MatMove, earlier_placements, mat_moves

__all__ = ["ASIDE_LABEL", "MatColumn", "MatMove", "MatView", "PlacedCard", "earlier_placements", "mat_views"]


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
        compared, moves = mat_moves(mat, [(c.question_id, c.label, c.point) for c in cards], before, wording=wording)
        known = {p.id for p in mat.points}
        aside = tuple(c for c in cards if c.point is None or c.point not in known)
        views.append(MatView(mat.id, wording(mat.title), mat.symbol, columns, aside, moves, compared=compared))
    return views
