"""Storing parents' answers exactly once: online through a link, or copied from a paper form by staff."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from voice_app.models import (
    Agency,
    FeedbackLink,
    ParentDraft,
    ParentResponse,
    RespondentKind,
    ResponseSource,
    Review,
    StaffUser,
    utcnow,
)
from voice_app.parents.links import LinkState, link_state, responses_for_link
from voice_app.parents.local_questions import draft_answers, store_answers
from voice_app.parents.questions import (
    COMMENT_MAX,
    NAME_MAX,
    ROLE_MAX,
    Question,
    questions_for,
    valid_answer,
)


class SendResult(str, enum.Enum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"  # a second tap, or the form sent again: the first response stands
    CLOSED = "closed"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class SendOutcome:
    result: SendResult
    response: ParentResponse | None = None
    state: LinkState | None = None


def existing_response(db: Session, submission_key: str) -> ParentResponse | None:
    """The response already stored under this submission key, if any."""
    return db.exec(select(ParentResponse).where(ParentResponse.submission_key == submission_key)).first()


def _clean_text(value: str | None, limit: int) -> str | None:
    # Stored exactly as typed, apart from surrounding blank space; empty means "not given".
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) > limit:
        raise ValueError(f"longer than {limit} characters")
    return value


def checked_answers(
    *, review: Review, answers: dict[str, str | None], allow_blank: bool = False, kind: RespondentKind = RespondentKind.PARENT
) -> dict[str, str | None]:
    """The answers to the questions this kind of respondent is asked about this meeting, each valid (or blank, if allowed); ValueError otherwise."""
    checked = {}
    for question in questions_for(review.stage, kind):
        value = answers.get(question.id)
        if value is None and allow_blank:
            checked[question.id] = None
            continue
        if not valid_answer(question, value):
            raise ValueError(f"{question.id} is not answered")
        checked[question.id] = value
    return checked


def checked_about(kind: RespondentKind, agency: str | None, role: str | None) -> tuple[Agency | None, str | None]:
    """A professional's agency (one of the list, or none given) and role (short text); nothing for anyone else."""
    if kind != RespondentKind.PROFESSIONAL:
        return None, None
    if agency and agency not in {a.value for a in Agency}:
        raise ValueError("not an agency")
    return (Agency(agency) if agency else None), _clean_text(role, ROLE_MAX)


def _lock_link(db: Session, link_id: int) -> None:
    # The transaction's first statement is a write to the link's row, so concurrent sends for one
    # link queue here (a row lock on PostgreSQL, the write lock on SQLite, which waits on
    # busy_timeout) and the count that follows is exact: a link never takes more than its maximum.
    table = FeedbackLink.__table__
    db.execute(sa.update(table).where(table.c.id == link_id).values(max_responses=table.c.max_responses))


def send_online(
    db: Session, *, link: FeedbackLink, review: Review, draft: ParentDraft, local: list[Question] | tuple = ()
) -> SendOutcome:
    """Store a draft as the response, once, if the link is still open; the draft is then deleted.

    `local` are the service's own questions asked today: each must be answered, like the standard ones.
    """
    key = draft.key
    try:
        local_answers = draft_answers(draft)
        for question in local:
            if local_answers.get(question.id) not in question.answers:
                raise ValueError(f"{question.id} is not answered")
        kind = RespondentKind(link.respondent_kind)
        answers = checked_answers(review=review, answers={f"q{n}": getattr(draft, f"q{n}") for n in range(1, 6)}, kind=kind)
        comment = _clean_text(draft.comment, COMMENT_MAX)
        # Professionals are never asked their name: their agency and role are enough.
        name = _clean_text(draft.name, NAME_MAX) if kind != RespondentKind.PROFESSIONAL else None
        agency, role = checked_about(kind, draft.agency.value if draft.agency else None, draft.role)
    except ValueError:
        return SendOutcome(SendResult.INCOMPLETE)
    try:
        _lock_link(db, link.id)
        earlier = existing_response(db, key)
        if earlier is not None:
            db.rollback()
            return SendOutcome(SendResult.ALREADY_SENT, earlier)
        db.refresh(link)
        state = link_state(link, responses=responses_for_link(db, link.id), now=utcnow())
        if state != LinkState.OPEN:
            db.rollback()
            return SendOutcome(SendResult.CLOSED, state=state)
        response = ParentResponse(
            review_id=review.id,
            link_id=link.id,
            source=ResponseSource.ONLINE,
            comment=comment,
            name=name,
            submission_key=key,
            respondent_kind=kind,
            agency=agency,
            role=role,
            **answers,
        )
        db.add(response)
        db.flush()
        store_answers(db, response=response, questions=list(local), answers=local_answers)
        db.execute(sa.delete(ParentDraft.__table__).where(ParentDraft.__table__.c.key == key))
        db.commit()
        return SendOutcome(SendResult.SENT, response)
    except IntegrityError:
        # Another request with the same key got there first: theirs is the one response.
        db.rollback()
        earlier = existing_response(db, key)
        if earlier is None:
            raise
        return SendOutcome(SendResult.ALREADY_SENT, earlier)


def add_paper_response(
    db: Session,
    *,
    review: Review,
    answers: dict[str, str | None],
    comment: str | None,
    name: str | None,
    entered_by: StaffUser,
    submission_key: str,
    kind: RespondentKind = RespondentKind.PARENT,
    agency: str | None = None,
    role: str | None = None,
    local: list[Question] | tuple = (),
    local_answers: dict[str, str | None] | None = None,
) -> SendOutcome:
    """Copy a paper questionnaire into the results, once (the form's submission key makes resending harmless)."""
    # Paper forms come back with questions left blank, so a blank (None) answer is kept as blank.
    checked = checked_answers(review=review, answers=answers, allow_blank=True, kind=kind)
    agency_value, role_value = checked_about(kind, agency, role)
    for question in local:
        value = (local_answers or {}).get(question.id)
        if value is not None and value not in question.answers:
            raise ValueError(f"{question.id} is not an answer")
    earlier = existing_response(db, submission_key)
    if earlier is not None:
        return SendOutcome(SendResult.ALREADY_SENT, earlier)
    response = ParentResponse(
        review_id=review.id,
        source=ResponseSource.PAPER,
        comment=_clean_text(comment, COMMENT_MAX),
        name=_clean_text(name, NAME_MAX) if kind != RespondentKind.PROFESSIONAL else None,
        submission_key=submission_key,
        entered_by_id=entered_by.id,
        respondent_kind=kind,
        agency=agency_value,
        role=role_value,
        **checked,
    )
    db.add(response)
    try:
        db.flush()
        store_answers(db, response=response, questions=list(local), answers=local_answers or {})
        db.commit()
    except IntegrityError:
        db.rollback()
        earlier = existing_response(db, submission_key)
        if earlier is None:
            raise
        return SendOutcome(SendResult.ALREADY_SENT, earlier)
    return SendOutcome(SendResult.SENT, response)


def responses_for_conference(db: Session, *, review_id: int) -> dict[ResponseSource, int]:
    """How many answers a conference has, online and on paper (counts only: staff pages never list them)."""
    rows = db.exec(
        select(ParentResponse.source, sa.func.count())
        .where(ParentResponse.review_id == review_id)
        .group_by(ParentResponse.source)
    ).all()
    counts = {source: 0 for source in ResponseSource}
    counts.update({ResponseSource(source): count for source, count in rows})
    return counts
