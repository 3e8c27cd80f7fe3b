"""Young people's conferences: who qualifies (a service setting) and marking a conference as one."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from voice_app.models import Child, Review, ReviewKind, ReviewStatus


class YoungPersonsError(ValueError):
    """A conference that cannot be marked (or unmarked) as a young person's: the message says why."""


def qualifies(child: Child, *, on: date, from_age: int, pathway: bool) -> bool:
    """Whether the service holds young person's conferences for this child on this day.

    From `from_age` on the conference day (0: age alone never qualifies), or at any age on the young
    people's pathway when the service counts the pathway (`pathway`).
    """
    if pathway and child.young_peoples_pathway:
        return True
    if from_age <= 0:
        return False
    age = child.age_on(on)
    return age is not None and age >= from_age


def who_qualifies(*, from_age: int, pathway: bool) -> str:
    """The service's rule in words for staff pages."""
    if from_age > 0 and pathway:
        return f"young people aged {from_age} and over on the day, and any child on the young people's pathway"
    if from_age > 0:
        return f"young people aged {from_age} and over on the day"
    if pathway:
        return "children on the young people's pathway"
    return "no one (the service has not chosen who qualifies)"


def mark_young_persons(db: Session, *, review: Review, child: Child, young_persons: bool, from_age: int, pathway: bool) -> Review:
    """Make a booked conference a young person's conference, or an ordinary one again."""
    if review.kind != ReviewKind.CP_CONFERENCE:
        raise YoungPersonsError("Only a child protection conference can be a young person's conference.")
    if review.status != ReviewStatus.SCHEDULED:
        raise YoungPersonsError("This conference has already been held or cancelled, so it cannot be changed.")
    if young_persons and not qualifies(child, on=review.scheduled_for, from_age=from_age, pathway=pathway):
        rule = who_qualifies(from_age=from_age, pathway=pathway)
        raise YoungPersonsError(f"{child.preferred_name} does not qualify: this service holds young person's conferences for {rule}.")
    review.young_persons = young_persons
    db.add(review)
    db.commit()
    return review
