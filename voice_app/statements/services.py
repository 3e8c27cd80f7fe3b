"""What the IRO does with a statement: decide the meeting plan, answer the child, note, review, release."""

from __future__ import annotations

from sqlalchemy import update as sa_update
from sqlmodel import Session, col, select

from voice_app.models import (
    AttentionAction,
    ChairRole,
    Child,
    ChildResponse,
    DecisionOutcome,
    MeetingFormat,
    MenuDecision,
    Observation,
    Review,
    Sharing,
    StaffUser,
    Statement,
    StatementEnd,
    Visit,
    utcnow,
)
from voice_app.questions.observed import CERTAINTY, HELPERS, NAMES_MAX, PLACE_MAX, WHAT_MAX
from voice_app.statements.reading import GENERAL_ITEM, AnswerView, StatementRecord, observation_topics

MAX_WORDS = 4000


class StatementActionError(ValueError):
    """A request the rules refuse; the message is written for the IRO and shown as it is."""


def plan_item(record: StatementRecord, item_id: str) -> AnswerView:
    """The meeting-plan item with this id, or a clear error if the child's menu has no such item."""
    item = next((i for i in record.menu if i.question_id == item_id), None)
    if item is None:
        raise StatementActionError("That choice is not part of this child's menu.")
    return item


# The menu items whose card ids are MeetingFormat and ChairRole values (see menu.toml).
FORMAT_ITEM = "menu-format"
CHAIR_ITEM = "menu-chair"


def _enum_choice(item: AnswerView, enum_cls):
    """The enum member matching the child's one chosen card, if it is one ("I don't mind" is not)."""
    values = {member.value for member in enum_cls}
    wanted = [c.id for c in item.wanted if c.id in values]
    return enum_cls(wanted[0]) if len(wanted) == 1 else None


def record_decision(
    db: Session,
    *,
    record: StatementRecord,
    item_id: str,
    outcome: DecisionOutcome,
    reason_for_child: str,
    by: StaffUser,
) -> MenuDecision:
    """Agree a menu choice, or mark it not possible with a reason for the child (which is required)."""
    item = plan_item(record, item_id)
    reason = (reason_for_child or "").strip()
    if outcome == DecisionOutcome.NOT_POSSIBLE and not reason:
        raise StatementActionError("Write a reason for the child when a choice is not possible.")
    if len(reason) > MAX_WORDS:
        raise StatementActionError(f"Keep the reason under {MAX_WORDS:,} characters.")
    decision = db.exec(select(MenuDecision).where(MenuDecision.statement_id == record.statement.id, MenuDecision.item_id == item_id)).first()
    if decision is None:
        decision = MenuDecision(statement_id=record.statement.id, item_id=item_id, outcome=outcome, decided_by_id=by.id)
    decision.outcome = outcome
    decision.reason_for_child = reason_for_child if reason else ""
    decision.decided_by_id = by.id
    decision.decided_at = utcnow()
    db.add(decision)
    if outcome == DecisionOutcome.AGREED:
        _apply_to_review(record.context.review, item)
        db.add(record.context.review)
    db.commit()
    record.decisions[item_id] = decision
    return decision


def _apply_to_review(review: Review, item: AnswerView) -> None:
    """An agreed format or chair choice becomes what the review record says (the IRO can still change it)."""
    if item.question_id == FORMAT_ITEM and (chosen := _enum_choice(item, MeetingFormat)):
        review.format_used = chosen
    elif item.question_id == CHAIR_ITEM and (chosen := _enum_choice(item, ChairRole)):
        review.chaired_by = chosen


def set_review_record(db: Session, *, review: Review, format_used: MeetingFormat | None, chaired_by: ChairRole | None) -> Review:
    """Record how the review was held and who chaired it, so the service can count both."""
    review.format_used = format_used
    review.chaired_by = chaired_by
    db.add(review)
    db.commit()
    return review


def _check_words(text: str | None, *, missing: str) -> None:
    """Refuse blank or over-long words from the IRO, with a message written for them."""
    if not (text or "").strip():
        raise StatementActionError(missing)
    if len(text) > MAX_WORDS:
        raise StatementActionError(f"Keep it under {MAX_WORDS:,} characters.")


def save_response(db: Session, *, record: StatementRecord, question_id: str, we_did: str, by: StaffUser) -> ChildResponse:
    """Write or change "you said, we did" for one thing the child raised (one response per item)."""
    if question_id not in record.raised:
        raise StatementActionError("The child did not raise that in this statement.")
    _check_words(we_did, missing="Write what was done or agreed, in words for the child.")
    response = db.exec(select(ChildResponse).where(ChildResponse.statement_id == record.statement.id, ChildResponse.question_id == question_id)).first()
    now = utcnow()
    if response is None:
        response = ChildResponse(statement_id=record.statement.id, question_id=question_id, we_did=we_did, written_by_id=by.id, created_at=now)
    elif response.we_did != we_did:
        # A changed answer is shown to the child again at the next visit.
        response.shown_to_child_at = None
    response.we_did = we_did
    response.written_by_id = by.id
    response.updated_at = now
    db.add(response)
    db.commit()
    record.responses[question_id] = response
    return response


def add_observation(
    db: Session,
    *,
    record: StatementRecord,
    topic: str,
    what: str,
    place: str = "",
    with_whom: str = "",
    certainty: str,
    helpers: list[str] | tuple[str, ...] = (),
    helper_names: str = "",
    by: StaffUser,
) -> Observation:
    """Record what the IRO saw the child say without words, against one of the conversation's topics."""
    if topic not in dict(observation_topics()):
        raise StatementActionError("Choose what it was about from the list.")
    what, place, with_whom, helper_names = (what or "").strip(), (place or "").strip(), (with_whom or "").strip(), (helper_names or "").strip()
    if not what:
        raise StatementActionError("Write what the child did.")
    if len(what) > WHAT_MAX or len(place) > PLACE_MAX or len(with_whom) > PLACE_MAX or len(helper_names) > NAMES_MAX:
        raise StatementActionError("That is too long: keep each part shorter.")
    if certainty not in CERTAINTY:
        raise StatementActionError("Choose how sure you are of what it meant.")
    unknown = set(helpers) - set(HELPERS)
    if unknown:
        raise StatementActionError("Choose who helped from the list.")
    observation = Observation(
        statement_id=record.statement.id,
        topic=topic,
        what=what,
        place=place,
        with_whom=with_whom,
        certainty=certainty,
        helpers=",".join(code for code in HELPERS if code in set(helpers)),
        helper_names=helper_names,
        recorded_by_id=by.id,
        recorded_at=utcnow(),
    )
    db.add(observation)
    db.commit()
    return observation


def statement_to_observe(db: Session, *, visit: Visit, child: Child) -> Statement:
    """The visit's statement, or (for a child who does not use the tablet at all) a new one holding only what the IRO
    observes: ended at once, so the service report counts it, and reopened as usual should the tablet be handed over."""
    # The visit's row lock first, as a hand-over takes it, so a double press (or a hand-over at the same moment) waits
    # here and then finds the statement just made.
    db.execute(sa_update(Visit).where(col(Visit.id) == visit.id).values(updated_at=Visit.updated_at))
    statement = db.exec(select(Statement).where(Statement.visit_id == visit.id).order_by(col(Statement.id).desc())).first()
    if statement is None:
        now = utcnow()
        statement = Statement(
            child_id=child.id, visit_id=visit.id, parts="views", started_at=now, updated_at=now, ended_at=now, end_reason=StatementEnd.FINISHED
        )
        db.add(statement)
    db.commit()
    db.refresh(statement)
    return statement


def remove_observation(db: Session, *, record: StatementRecord, observation_id: int) -> None:
    """Remove one of this statement's observations (a mistake); "you said, we did" written about its topic stays.

    Removing one already gone does nothing (a second press, or two people at once); another statement's is refused."""
    observation = db.get(Observation, observation_id)
    if observation is None:
        return
    if observation.statement_id != record.statement.id:
        raise StatementActionError("That observation is not part of this statement.")
    db.delete(observation)
    db.commit()


def tell_child_at_next_visit(db: Session, *, statement_id: int, question_id: str | None, words: str, by: StaffUser) -> ChildResponse:
    """Add words for the child to "you said, we did" on one thing they raised (the general item when the question is not
    one they answered), so the recap at their next visit shows it. Earlier words there are kept, the new ones follow."""
    from voice_app.statements.access import load_context
    from voice_app.statements.reading import read_statement

    context = load_context(db, statement_id)
    if context is None:
        raise StatementActionError("That statement is not there any more.")
    record = read_statement(db, context)
    item_id = question_id if question_id in record.raised else GENERAL_ITEM
    _check_words(words, missing="Write what was done, in words for the child.")
    earlier = record.responses.get(item_id)
    combined = f"{earlier.we_did}\n\n{words}" if earlier is not None and words not in earlier.we_did else words
    return save_response(db, record=record, question_id=item_id, we_did=combined, by=by)


def save_attention_action(db: Session, *, record: StatementRecord, question_id: str, action: str, by: StaffUser) -> AttentionAction:
    """Record (or change) what the IRO did about one answer that needed attention; the child never sees it."""
    if question_id not in {item.question_id for item in record.attention}:
        raise StatementActionError("That answer does not need attention in this statement.")
    _check_words(action, missing="Write what you did about this answer.")
    found = db.exec(select(AttentionAction).where(AttentionAction.statement_id == record.statement.id, AttentionAction.question_id == question_id)).first()
    now = utcnow()
    if found is None:
        found = AttentionAction(statement_id=record.statement.id, question_id=question_id, action=action, recorded_by_id=by.id, recorded_at=now)
    found.action = action
    found.recorded_by_id = by.id
    found.updated_at = now
    db.add(found)
    db.commit()
    record.actions[question_id] = found
    return found


def save_notes(db: Session, *, statement: Statement, notes: str) -> Statement:
    """The IRO's own notes, kept apart from the child's words."""
    if len(notes) > 20000:
        raise StatementActionError("Keep the notes under 20,000 characters.")
    statement.iro_notes = notes
    statement.updated_at = utcnow()
    db.add(statement)
    db.commit()
    return statement


def mark_reviewed(db: Session, *, statement: Statement, by: StaffUser) -> Statement:
    """Say the IRO has read the statement."""
    statement.reviewed_at = utcnow()
    statement.reviewed_by_id = by.id
    db.add(statement)
    db.commit()
    return statement


def needs_release(statement: Statement) -> bool:
    """True unless the child chose the meeting or the IRO confirmed sharing it ("only my IRO" or no choice)."""
    return statement.sharing != Sharing.MEETING and statement.meeting_release_at is None


def release_for_meeting(db: Session, *, statement: Statement, by: StaffUser) -> Statement:
    """The IRO confirms a statement the child did not share with the meeting may go into its exports."""
    if statement.sharing == Sharing.MEETING:
        raise StatementActionError("The child already chose to share this with the meeting.")
    statement.meeting_release_by_id = by.id
    statement.meeting_release_at = utcnow()
    db.add(statement)
    db.commit()
    return statement


def withdraw_release(db: Session, *, statement: Statement) -> Statement:
    """Undo a release: the statement is again only for the IRO."""
    statement.meeting_release_by_id = None
    statement.meeting_release_at = None
    db.add(statement)
    db.commit()
    return statement


__all__ = [
    "GENERAL_ITEM",
    "StatementActionError",
    "mark_reviewed",
    "needs_release",
    "plan_item",
    "record_decision",
    "release_for_meeting",
    "save_attention_action",
    "add_observation",
    "remove_observation",
    "statement_to_observe",
    "save_notes",
    "save_response",
    "set_review_record",
    "tell_child_at_next_visit",
    "withdraw_release",
]
