"""A manager's edit of a child's details keeps the value before (encrypted) in the audit trail."""

from __future__ import annotations

from sqlmodel import select

from voice_app.models import AuditEvent, Child, Role


def _edit(child: Child, iro_id: int, **changes) -> dict[str, str]:
    form = {
        "preferred_name": child.preferred_name,
        "case_reference": child.case_reference,
        "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else "",
        "preferred_language": child.preferred_language or "en-GB",
        "communication_needs": child.communication_needs or "",
        "iro_id": str(iro_id),
        "cared_for": "y",
        "cared_for_since": child.cared_for_since.isoformat() if child.cared_for_since else "",
    }
    form.update(changes)
    return form


def test_a_changed_name_and_a_reallocation_keep_the_values_before(signed_in, make, db):
    manager, iro, other = make.staff(Role.MANAGER), make.staff(), make.staff()
    child = make.child(iro, preferred_name="Aisha", case_reference="CR-77")
    old_iro = child.iro_id
    response = signed_in(manager).post(f"/children/{child.id}/edit", _edit(child, other.id, preferred_name="Aisha B"))
    assert response.status_code == 302
    db.expire_all()
    events = db.exec(select(AuditEvent).where(AuditEvent.child_id == child.id, AuditEvent.action == "child.details_changed")).all()
    by_field = {event.detail: event for event in events}
    assert set(by_field) == {"field=preferred_name", "field=iro_id"}
    assert by_field["field=preferred_name"].old_value == "Aisha"
    assert by_field["field=iro_id"].old_value == str(old_iro)
    assert all(event.staff_id == manager.id for event in events)
    # The name is personal data: it is in the encrypted column only, never in the detail.
    assert all("Aisha" not in event.detail for event in events)


def test_saving_without_a_change_records_nothing(signed_in, make, db):
    manager, iro = make.staff(Role.MANAGER), make.staff()
    child = make.child(iro)
    assert signed_in(manager).post(f"/children/{child.id}/edit", _edit(child, iro.id)).status_code == 302
    assert not db.exec(select(AuditEvent).where(AuditEvent.child_id == child.id, AuditEvent.action == "child.details_changed")).all()


def test_a_new_child_is_recorded_as_added(signed_in, make, db):
    manager, iro = make.staff(Role.MANAGER), make.staff()
    response = signed_in(manager).post(
        "/children/new",
        {"preferred_name": "Sam", "case_reference": "CR-NEW", "preferred_language": "en-GB", "iro_id": str(iro.id), "age_years": "9", "cared_for": "y"},
    )
    assert response.status_code == 302
    child = db.exec(select(Child).where(Child.case_reference == "CR-NEW")).one()
    assert db.exec(select(AuditEvent).where(AuditEvent.child_id == child.id, AuditEvent.action == "child.created")).one().staff_id == manager.id
