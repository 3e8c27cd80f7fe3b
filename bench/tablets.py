"""Set-up shared by the child-mode benchmarks: a child with a review and a visit, and a tablet handed over to them."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from voice_app.child.handover import HandoverOptions, start_handover
from voice_app.models import Child, FlowVersion, Review, ReviewKind, ReviewStage, StaffUser, Visit


def hand_over_tablet(
    db: Session, *, iro: StaffUser, reference: str, name: str, version: FlowVersion = FlowVersion.YOUNGER
) -> tuple[int, dict, Child]:
    """A cared-for child (views and menu; younger unless asked) handed over: the statement id, the child-mode session state, the child."""
    child = Child(preferred_name=name, case_reference=reference, date_of_birth=date(2017, 1, 1), iro_id=iro.id, cared_for=True)
    db.add(child)
    db.commit()
    review = Review(
        child_id=child.id,
        kind=ReviewKind.CARED_FOR,
        stage=ReviewStage.SUBSEQUENT,
        scheduled_for=date.today() + timedelta(days=20),
    )
    db.add(review)
    db.commit()
    visit = Visit(review_id=review.id, iro_id=iro.id)
    db.add(visit)
    db.commit()
    options = HandoverOptions(version, "en-GB", "views,menu", False)
    handover, token = start_handover(db, visit=visit, child=child, user=iro, options=options, minutes=120)
    state = {"handover": handover.id, "token": token, "scribing": False, "recap_done": True, "failures": []}
    return handover.statement_id, state, child
