"""A participation code to suggest when a review is recorded, from what voice-app knows: a statement, and the child's menu."""

from __future__ import annotations

from sqlmodel import Session, col, select

from voice_app.models import Answer, AnswerChoice, Participation, Review, Statement, Visit
from voice_app.questions.access import ACCESS_WORDS, SWITCH_OR_DWELL, access_used
from voice_app.questions.observed import observation_words, observations_for

# What the child asked for in their Child's Menu (wishes, not what happened: the IRO decides).
ATTEND, SHARE = "menu-attend", "menu-share"


def _menu_choices(db: Session, statement: Statement) -> dict[str, set[str]]:
    rows = db.exec(
        select(Answer.question_id, AnswerChoice.choice_id)
        .join(AnswerChoice, col(AnswerChoice.answer_id) == col(Answer.id))
        .where(Answer.statement_id == statement.id, col(Answer.question_id).in_((ATTEND, SHARE)))
    ).all()
    chosen: dict[str, set[str]] = {ATTEND: set(), SHARE: set()}
    for question_id, choice_id in rows:
        chosen[question_id].add(choice_id)
    return chosen


def suggested_participation(db: Session, *, review: Review) -> tuple[Participation, str] | None:
    """The likeliest code and why, from the latest statement given at one of the review's visits (None without one)."""
    statement = db.exec(
        select(Statement)
        .join(Visit, col(Statement.visit_id) == col(Visit.id))
        .where(Visit.review_id == review.id)
        .order_by(col(Statement.started_at).desc())
    ).first()
    if statement is None:
        return None
    given = f"The child gave a statement with voice-app on {statement.started_at:%-d %B %Y}"
    menu = _menu_choices(db, statement)
    coming = bool(menu[ATTEND] & {"all", "part"})
    if coming and "advocate" in menu[SHARE]:
        return Participation.PN2, f"{given} and asked to come, with an advocate speaking for them. If they did not come, choose PN5."
    switches = [mode for mode in access_used(db, statement_id=statement.id) if mode in SWITCH_OR_DWELL]
    if coming and "say" in menu[SHARE] and switches:
        # Answered with switches or by dwell: at the meeting they are likelier to show their views than to say them.
        how = ACCESS_WORDS[switches[0]]
        return Participation.PN3, (
            f"{given} {how}, and asked to come and give their views themselves. If they spoke for themselves at the meeting, "
            "choose PN1; if they did not come, their statement means PN6."
        )
    observed = observation_words(observations_for(db, statement_id=statement.id))
    if observed and "not" not in menu[ATTEND]:
        # The IRO saw the child's views rather than heard them: at the meeting they are likeliest to show them too,
        # the statutory "conveys his or her view symbolically (non-verbally)".
        return Participation.PN3, (
            f"{given}; the IRO gathered their views {observed}. If they came and showed their views without words, PN3 fits; "
            "if they spoke for themselves, choose PN1; if they did not come, their statement means PN6."
        )
    if coming and "say" in menu[SHARE]:
        return Participation.PN1, f"{given} and asked to come and speak for themselves. If they did not come, their statement means PN6."
    if "not" in menu[ATTEND] and "advocate" in menu[SHARE]:
        return Participation.PN5, f"{given} and asked an advocate to speak for them without coming."
    if observed:
        return Participation.PN6, (
            f"{given}; the IRO gathered their views {observed}, and they asked not to come. "
            "If they came after all and showed their views without words, choose PN3."
        )
    return Participation.PN6, f"{given}. If they also came and spoke, or an advocate or the IRO spoke for them, choose that instead."
