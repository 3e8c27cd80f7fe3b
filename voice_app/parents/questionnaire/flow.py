"""The questionnaire's route through its steps, and the parent's answers in progress (drafts)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from voice_app.models import Agency, FeedbackLink, ParentDraft, RespondentKind, ReviewStage, utcnow
from voice_app.parents.local_questions import draft_answers, local_id, set_draft_answer
from voice_app.parents.questions import (
    COMMENT_MAX,
    NAME_MAX,
    ROLE_MAX,
    Question,
    question_text,
    questions_for,
    valid_answer,
)

COMMENT = "comment"
NAME = "name"
ABOUT = "about"  # a professional's agency and role, in place of a name
CHECK = "check"
# Unsent answers are deleted a week after they were last changed: nobody's words linger.
DRAFT_DAYS = 7


@dataclass(frozen=True)
class Step:
    """One screen of the questionnaire: an agree/disagree question, the free text, or the name."""

    id: str
    number: int
    total: int
    question: Question | None = None
    text: object = None  # the question's words for this meeting


def steps_for(stage: ReviewStage, kind: RespondentKind = RespondentKind.PARENT, local: list[Question] | tuple = ()) -> list[Step]:
    """The screens for one kind of respondent after a meeting, in order: the questions they are asked,
    the service's own questions (`local`), the free text, then their name (optional), or, for a
    professional, their agency and role."""
    ids: list[tuple[str, Question | None]] = [(q.id, q) for q in (*questions_for(stage, kind), *local)]
    ids += [(COMMENT, None), (ABOUT if kind == RespondentKind.PROFESSIONAL else NAME, None)]
    return [
        Step(step_id, index, len(ids), question, question_text(question, stage) if question else None)
        for index, (step_id, question) in enumerate(ids, start=1)
    ]


def find_step(steps: list[Step], step_id: str) -> Step | None:
    """The step with this id, or None when it is not part of this questionnaire."""
    return next((step for step in steps if step.id == step_id), None)


def next_step_id(steps: list[Step], step: Step) -> str:
    """Where to go after answering a step: the next screen, or checking the answers after the last."""
    return steps[step.number].id if step.number < len(steps) else CHECK


def previous_step_id(steps: list[Step], step: Step) -> str | None:
    """The screen before this one, or None for the first (whose back link is the start page)."""
    return steps[step.number - 2].id if step.number > 1 else None


def draft_by_key(db: Session, *, link: FeedbackLink, key: str | None) -> ParentDraft | None:
    """This browser's draft for this link, if it has one."""
    if not key:
        return None
    return db.exec(select(ParentDraft).where(ParentDraft.key == key, ParentDraft.link_id == link.id)).first()


def start_draft(db: Session, *, link: FeedbackLink) -> ParentDraft:
    """A new, empty draft for one parent; stale drafts of anyone's are cleared out on the way."""
    now = utcnow()
    db.execute(sa.delete(ParentDraft.__table__).where(ParentDraft.__table__.c.updated_at < now - timedelta(days=DRAFT_DAYS)))
    draft = ParentDraft(link_id=link.id, key=secrets.token_urlsafe(32), created_at=now, updated_at=now)
    db.add(draft)
    db.commit()
    return draft


def answer_of(draft: ParentDraft, step: Step) -> str | None:
    """What the draft holds for a step (for the professional's step, the agency)."""
    if step.id == ABOUT:
        return draft.agency.value if draft.agency else None
    if local_id(step.id) is not None:
        return draft_answers(draft).get(step.id)
    return getattr(draft, step.id)


def save_about(db: Session, *, draft: ParentDraft, agency: str | None, role: str | None) -> None:
    """Keep a professional's agency (one of the list, or none) and role; ValueError on anything else."""
    if agency and agency not in {a.value for a in Agency}:
        raise ValueError("not an agency")
    role = role.strip() if role and role.strip() else None
    if role is not None and len(role) > ROLE_MAX:
        raise ValueError("too long")
    draft.agency = Agency(agency) if agency else None
    draft.role = role
    draft.updated_at = utcnow()
    db.add(draft)
    db.commit()


def save_step(db: Session, *, draft: ParentDraft, step: Step, value: str | None) -> None:
    """Keep one answer in the draft; ValueError if it is not a possible answer or is too long."""
    if step.question is not None:
        if not valid_answer(step.question, value):
            raise ValueError("not one of the answers")
        if local_id(step.id) is not None:
            set_draft_answer(draft, step.id, value)
            draft.updated_at = utcnow()
            db.add(draft)
            db.commit()
            return
    else:
        limit = COMMENT_MAX if step.id == COMMENT else NAME_MAX
        value = value if value and value.strip() else None
        if value is not None and len(value) > limit:
            raise ValueError("too long")
    setattr(draft, step.id, value)
    draft.updated_at = utcnow()
    db.add(draft)
    db.commit()


def unanswered(draft: ParentDraft, steps: list[Step]) -> list[Step]:
    """The agree/disagree questions still to answer (the free text and the name are optional)."""
    return [step for step in steps if step.question is not None and not valid_answer(step.question, answer_of(draft, step))]
