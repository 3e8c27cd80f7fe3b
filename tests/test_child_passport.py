"""The child's communication passport: kept encrypted on the child, shown to whoever hears their views, and
pre-selecting how they answer at hand-over; in subject access, wiped by retention."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.test_child_changes import _edit
from voice_app.models import Child, Role

PASSPORT = {
    "passport_yes_no": "I look at the card for yes and turn away for no",
    "passport_helps": "Quiet room, time to think",
    "passport_upsets": "Loud voices",
    "passport_choosing": "Eye-pointing at two pictures",
    "passport_access": "dwell",
}


def test_a_manager_writes_the_passport_and_it_is_kept_encrypted(signed_in, make, db, app):
    manager, iro = make.staff(Role.MANAGER), make.staff()
    child = make.child(iro, preferred_name="Sam")
    response = signed_in(manager).post(f"/children/{child.id}/edit", _edit(child, iro.id, **PASSPORT))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.expire_all()
    stored = db.get(Child, child.id)
    assert stored.passport_yes_no == PASSPORT["passport_yes_no"] and stored.passport_access == "dwell"
    with app.extensions["voice_app_engine"].connect() as connection:
        raw = connection.execute(
            sa.text("SELECT passport_yes_no, passport_helps FROM child WHERE id = :id"), {"id": child.id}
        ).one()
    assert all(cell.startswith("enc1:") and "yes" not in cell for cell in raw)


def test_a_bad_way_of_answering_is_refused(signed_in, make):
    manager, iro = make.staff(Role.MANAGER), make.staff()
    child = make.child(iro)
    response = signed_in(manager).post(f"/children/{child.id}/edit", _edit(child, iro.id, passport_access="telepathy"))
    assert response.status_code == 422


def test_the_iro_sees_it_and_the_hand_over_shows_it_and_chooses_their_way_of_answering(signed_in, make):
    iro = make.staff(Role.IRO)
    child = make.child(iro, preferred_name="Sam", **PASSPORT)
    visit = make.visit(make.review(child), iro=iro)
    client = signed_in(iro)
    page = client.get(f"/children/{child.id}").get_data(as_text=True)
    assert "Sam’s communication passport" in page and "Eye-pointing at two pictures" in page
    setup = client.get(f"/visits/{visit.id}/hand-over").get_data(as_text=True)
    assert "Loud voices" in setup and "Dwell (eye-gaze or a head pointer)" in setup
    assert re.search(r'<input checked class="govuk-radios__input" id="access-3" name="access" type="radio" value="dwell">', setup)


def test_without_a_passport_nothing_is_shown_and_touch_is_chosen(signed_in, make):
    iro = make.staff(Role.IRO)
    child = make.child(iro)
    visit = make.visit(make.review(child), iro=iro)
    client = signed_in(iro)
    assert 'id="passport"' not in client.get(f"/children/{child.id}").get_data(as_text=True)
    setup = client.get(f"/visits/{visit.id}/hand-over").get_data(as_text=True)
    assert re.search(r'<input checked class="govuk-radios__input" id="access-0" name="access" type="radio" value="touch">', setup)


def test_subject_access_includes_it_and_retention_wipes_it(make, db, app):
    from voice_app.models import utcnow
    from voice_app.records.retention import anonymise_child
    from voice_app.records.subject_access import gather

    iro = make.staff(Role.IRO)
    child = make.child(iro, **PASSPORT)
    access = gather(db, child_id=child.id, made_by=None)
    text = repr(access)
    assert "Quiet room, time to think" in text and "passport_access" in text
    with app.extensions["voice_app_engine"].begin() as connection:
        anonymise_child(connection, child_id=child.id, now=utcnow())
    db.expire_all()
    wiped = db.get(Child, child.id)
    assert (
        wiped.passport_yes_no,
        wiped.passport_helps,
        wiped.passport_upsets,
        wiped.passport_choosing,
        wiped.passport_access,
    ) == ("", "", "", "", "")
