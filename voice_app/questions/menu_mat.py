"""The Child's Menu as a sorting mat (issue 29): from the cards a child placed, the menu choices they made.

What the child did is stored as it is (one placement per card, like every mat); this only derives, never writes.
Each card of the menu mat names a menu choice (mats.toml `menu`, and for a person `menu_not_wanted`). A card under
a point that means "wanted" chooses its `menu` choice; under "not wanted", its `menu_not_wanted` choice (who I don't
want there); "not sure" and "I don't want to say" choose nothing.

A menu item of one answer (the format, who chairs) counts only when it is unambiguous: exactly one of its cards
under "wanted". Several (face to face *and* video), or none of the placed ones, leave it to be agreed with the
child: the meeting plan says so to the IRO and the report does not count a choice. An item of several answers
(who comes, how my views are shared) counts every card under "wanted".

Where the child also answered the menu's own question, that answer stands; the mat fills in an item they did not
answer or skipped (`fills`). The meeting plan (statements/reading.py) and the service report's Child's Menu
figures (reports/queries.py) both read the menu through this, so a child who sorts is counted like one who answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from voice_app.questions.bank import QuestionBank, mat_id_of


@dataclass(frozen=True)
class MenuFromMat:
    """One menu item as the child's placements on a menu mat say it."""

    question_id: str
    mat_id: str
    choices: tuple[tuple[str, int], ...] = ()  # (choice id, AnswerChoice.position), as the menu's answer stores them
    # A one-answer item left to agree with the child: the choices they placed under "wanted" (several), or () (none).
    to_agree: bool = False
    several: tuple[str, ...] = ()


def menu_mats(bank: QuestionBank) -> tuple:
    """The bank's mats whose cards are Child's Menu choices."""
    return tuple(mat for mat in bank.mats if mat.menu)


def menu_item_ids(bank: QuestionBank) -> frozenset[str]:
    """Every menu item a menu mat can fill in."""
    return frozenset(ref[0] for mat in menu_mats(bank) for refs in mat.menu.values() for ref in refs if ref)


def menu_from_mat(bank: QuestionBank, placements: Mapping[str, str | None]) -> dict[str, MenuFromMat]:
    """The menu items a child's placements choose (card question id -> point id, None when put aside), by item id;
    an item none of whose cards was placed is absent."""
    found: dict[str, dict] = {}
    for mat in menu_mats(bank):
        for card in mat.cards:
            refs = mat.menu.get(card.id)
            if refs is None or card.id not in placements:
                continue
            point = placements[card.id]
            meaning = mat.means.get(point) if point is not None else None
            for ref, means in zip(refs, ("wanted", "not_wanted"), strict=True):
                if ref is None:
                    continue
                item = found.setdefault(ref[0], {"mat": mat.id, "chosen": []})
                if meaning == means:
                    item["chosen"].append(ref[1])
    derived = {}
    for item_id, seen in found.items():
        question = bank.get(item_id)
        order = [c.id for c in question.choices]
        chosen = sorted(dict.fromkeys(seen["chosen"]), key=order.index)
        if question.kind == "choice" and len(chosen) != 1:
            derived[item_id] = MenuFromMat(item_id, seen["mat"], to_agree=True, several=tuple(chosen))
        elif chosen:
            derived[item_id] = MenuFromMat(item_id, seen["mat"], tuple((choice, question.position) for choice in chosen))
    return derived


def fills(derived: Mapping[str, MenuFromMat], answered: Iterable[str]) -> dict[str, MenuFromMat]:
    """The derived items the child did not answer as questions (`answered`: the menu items answered, not skipped)."""
    done = set(answered)
    return {item_id: item for item_id, item in derived.items() if item_id not in done}


def placements_of(rows: Iterable[tuple[str, bool, str | None]]) -> dict[str, str | None]:
    """Menu-mat placements from (question id, skipped, choice id) answer rows (others ignored)."""
    return {qid: None if skipped else choice for qid, skipped, choice in rows if mat_id_of(qid) is not None}
