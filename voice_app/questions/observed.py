"""What the IRO observed (issue 29): a child's views seen rather than said, and who helped interpret them.

For a child who communicates through behaviour, or is very young, the IRO records what the child did against the
conversation's own topics (the views questions, or "anything else"), where, who they were with, how sure the IRO is
of what it meant, and who helped interpret: a parent, a carer, a teacher, a speech and language therapist, an
advocate. Kept in the `observation` table (the texts encrypted); the statement page, its PDF and JSON, the
participation code suggestion and the service report use the words below. Staff wording (staff pages stay in English).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from voice_app.models import Observation

CERTAINTY = {
    "sure": "Sure",
    "fairly": "Fairly sure",
    "unsure": "Not sure",
}
# How sure the IRO is, in a sentence ("The IRO is fairly sure of what it meant").
CERTAINTY_WORDS = {
    "sure": "sure of what it meant",
    "fairly": "fairly sure of what it meant",
    "unsure": "not sure of what it meant",
}
HELPERS = {
    "parent": "A parent",
    "carer": "A carer",
    "teacher": "A teacher",
    "salt": "A speech and language therapist",
    "advocate": "An advocate",
    "other": "Someone else who knows them well",
}
HELPER_WORDS = {
    "parent": "a parent",
    "carer": "a carer",
    "teacher": "a teacher",
    "salt": "a speech and language therapist",
    "advocate": "an advocate",
    "other": "someone else who knows them well",
}
WHAT_MAX, PLACE_MAX, NAMES_MAX = 1000, 200, 200


def helpers_of(stored: str | None) -> tuple[str, ...]:
    """An observation's helpers column as a tuple of codes (unknown codes left out), in the order of HELPERS."""
    given = set((stored or "").split(","))
    return tuple(code for code in HELPERS if code in given)


def and_list(words: Iterable[str]) -> str:
    """"a, b and c"."""
    items = list(words)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def observations_for(db: Session, *, statement_id: int) -> list[Observation]:
    """A statement's observations, in the order recorded."""
    return list(
        db.exec(select(Observation).where(Observation.statement_id == statement_id).order_by(col(Observation.recorded_at), col(Observation.id))).all()
    )


def observation_words(observations: list[Observation]) -> str | None:
    """"by observation (the IRO saw what they did), interpreted with a parent and a teacher"; None without observations."""
    if not observations:
        return None
    helpers = helpers_of(",".join(item.helpers for item in observations))
    text = "by observation (the IRO saw what they did" + (", 1 observation)" if len(observations) == 1 else f", {len(observations)} observations)")
    if helpers:
        return text + ", interpreted with the help of " + and_list(HELPER_WORDS[code] for code in helpers)
    return text + ", with nobody else helping to interpret"


def was_observed(db: Session, *, statement_id: int) -> bool:
    """True when the IRO recorded at least one observation for this statement."""
    return db.exec(select(Observation.id).where(Observation.statement_id == statement_id).limit(1)).first() is not None
