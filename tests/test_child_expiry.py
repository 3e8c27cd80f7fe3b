"""A hand-over's expiry follows the child: it slides with activity, forgives a tap at the last moment, and tells the truth."""

from datetime import timedelta

import pytest
from sqlmodel import select

from voice_app.child.handover import EXPIRY_GRACE, LONGEST_HANDOVER, slide_expiry, within_grace
from voice_app.models import Answer, Handover, utcnow

pytestmark = pytest.mark.usefixtures("today")  # "today" is a fixed day (tests/clock.py), never the day the suite runs

pytest_plugins = ["tests.child_support"]  # the hand_over fixture
HX = {"HX-Request": "true"}


def _handover(db, tablet) -> Handover:
    db.expire_all()
    return db.exec(select(Handover).where(Handover.statement_id == tablet.statement_id)).one()


def _set(db, tablet, **fields) -> Handover:
    handover = _handover(db, tablet)
    for key, value in fields.items():
        setattr(handover, key, value)
    db.add(handover)
    db.commit()
    return handover


def test_answering_moves_expiry_on(hand_over, db):
    tablet = hand_over()
    soon = utcnow() + timedelta(minutes=5)
    _set(db, tablet, expires_at=soon)
    assert tablet.answer("feel-today", {"choice": "happy"}).status_code == 302
    assert _handover(db, tablet).expires_at > utcnow() + timedelta(minutes=100)  # 120 minutes from now, by default


def test_slide_expiry_never_moves_back_nor_past_the_longest(hand_over, db):
    tablet = hand_over()
    handover = _handover(db, tablet)
    now = handover.created_at + timedelta(minutes=30)
    slide_expiry(db, handover=handover, minutes=120, now=now)
    assert _handover(db, tablet).expires_at == now + timedelta(minutes=120)
    slide_expiry(db, handover=_handover(db, tablet), minutes=120, now=now - timedelta(minutes=20))
    assert _handover(db, tablet).expires_at == now + timedelta(minutes=120)  # a slower request: no step back
    late = handover.created_at + LONGEST_HANDOVER - timedelta(minutes=10)
    slide_expiry(db, handover=_handover(db, tablet), minutes=120, now=late)
    assert _handover(db, tablet).expires_at == handover.created_at + LONGEST_HANDOVER


def test_an_ended_hand_over_never_slides_back_to_life(hand_over, db):
    tablet = hand_over()
    handover = _set(db, tablet, ended_at=utcnow(), expires_at=utcnow() + timedelta(minutes=1))
    slide_expiry(db, handover=handover, minutes=120)
    assert _handover(db, tablet).expires_at < utcnow() + timedelta(minutes=2)
    assert not within_grace(_handover(db, tablet))


def test_an_answer_just_after_expiry_is_saved_then_the_break(hand_over, db):
    tablet = hand_over()
    _set(db, tablet, expires_at=utcnow() - EXPIRY_GRACE / 4)
    response = tablet.answer("feel-today", {"choice": "happy"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Time for a break" in html and "Everything you told us is saved." in html
    assert db.exec(select(Answer)).one().question_id == "feel-today"
    assert tablet.client.get(tablet.url()).status_code == 403  # the grace is for the tap, not more time
    assert _handover(db, tablet).expires_at < utcnow()


def test_an_answer_long_after_expiry_is_not_saved_and_the_child_is_told(hand_over, db):
    tablet = hand_over()
    _set(db, tablet, expires_at=utcnow() - EXPIRY_GRACE - timedelta(seconds=5))
    response = tablet.answer("feel-today", {"choice": "happy"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and "Your last answer could not be saved" in html
    assert "Everything you told us is saved." not in html
    assert not db.exec(select(Answer)).all()
    page = tablet.client.get(tablet.url()).get_data(as_text=True)  # only looking: nothing was lost
    assert "Everything you told us is saved." in page


def test_an_ended_hand_over_has_no_grace(hand_over, db):
    tablet = hand_over()
    _set(db, tablet, ended_at=utcnow(), expires_at=utcnow() + timedelta(minutes=30))
    assert tablet.answer("feel-today", {"choice": "happy"}).status_code == 403
    assert not db.exec(select(Answer)).all()


def test_what_the_page_fetches_by_itself_does_not_keep_the_hand_over_alive(hand_over, db):
    tablet = hand_over()
    soon = utcnow() + timedelta(minutes=5)
    _set(db, tablet, expires_at=soon)
    for url in ("/child/token", "/child/offline"):
        response = tablet.client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)[-900:]
    assert abs((_handover(db, tablet).expires_at - soon).total_seconds()) < 1
