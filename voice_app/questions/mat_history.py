"""What moved on a child's sorting mat since their last mat of the same topic (issue 29).

One rule and one query, shared by the child's screen (the finished mat read back: child/routes.py) and the
statement, its PDF and JSON (statements/mats.py): each card's placement on the child's latest earlier mat of its
topic, and the cards now placed differently. A card not on that earlier mat is not compared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from voice_app.models import Answer, AnswerChoice, Statement
from voice_app.questions.bank import is_photo_card, mat_id_of

ASIDE_LABEL = "Did not want to say"


@dataclass(frozen=True)
class MatMove:
    """A card the child placed differently on their last mat of this topic ("Lessons: I like it → I don't like it").

    `before` and `after` are the points' words; `was` and `now` their ids (None: put aside, "I don't want to say")."""

    question_id: str
    label: str
    before: str
    after: str
    was: str | None = None
    now: str | None = None

    @property
    def text(self) -> str:
        return f"{self.label}: {self.before} → {self.after}"


def _point_label(mat, point_id: str | None, wording: Callable[[str], str]) -> str:
    if point_id is None:
        return ASIDE_LABEL.lower()
    point = mat.point(point_id)
    return wording(point.label) if point else point_id


def mat_moves(
    mat,
    placed: list[tuple[str, str, str | None]],
    before: Mapping[str, str | None],
    *,
    wording: Callable[[str], str],
) -> tuple[bool, tuple[MatMove, ...]]:
    """Whether there is an earlier mat to compare with, and what moved on it: `placed` is each card of this mat as
    (question id, its words, its point's id or None when put aside), in the mat's order; `before` is
    earlier_placements' answer."""
    earlier = {qid: before[qid] for qid, _label, _point in placed if qid in before}
    moves = tuple(
        MatMove(qid, label, _point_label(mat, earlier[qid], wording), _point_label(mat, point, wording), earlier[qid], point)
        for qid, label, point in placed
        if qid in earlier and earlier[qid] != point
    )
    return bool(earlier), moves


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


def earlier_placements(db: Session, *, statement: Statement, mat_id: str | None = None) -> dict[str, str | None]:
    """Each mat card's placement on the child's latest earlier mat of its topic (None: put aside), in one query;
    with `mat_id`, only that topic's cards."""
    rows = db.execute(
        _EARLIER_MATS, {"child_id": statement.child_id, "statement_id": statement.id, "started_at": statement.started_at}
    ).all()
    if mat_id is not None:
        rows = [row for row in rows if mat_id_of(row[2]) == mat_id]
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
