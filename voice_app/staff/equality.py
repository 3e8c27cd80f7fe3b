"""A child's equality details as staff record them: optional DfE codes, every change audited (voice_app/models/equality.py)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlmodel import Session
from wtforms import RadioField, SelectField

from voice_app.audit_labels import label_actions
from voice_app.models import AuditEvent, Child, StaffUser
from voice_app.models.equality import DISABILITY, ETHNIC_GROUPS, ETHNICITY, GENDER, NOT_RECORDED, describe
from voice_app.staff.child_changes import audit_changes, snapshot

FIELDS = ("disability", "ethnicity", "gender")
VIEWED = "child.equality_viewed"
label_actions({VIEWED: "Opened the equality details"})
_NOT_RECORDED = (NOT_RECORDED, "Not recorded")
_ETHNICITY_CHOICES = [_NOT_RECORDED] + [
    (code, f"{ETHNIC_GROUPS[group].split(' (')[0]}: {label} ({code})") for code, (label, group) in ETHNICITY.items()
]


class EqualityForm(FlaskForm):
    """Every answer may be left as "Not recorded": none is ever required."""

    disability = RadioField("Disability", choices=[_NOT_RECORDED, *DISABILITY.items()], default=NOT_RECORDED)
    ethnicity = SelectField("Ethnicity (the DfE's codes)", choices=_ETHNICITY_CHOICES, default=NOT_RECORDED)
    gender = RadioField("Gender (the census codes)", choices=[_NOT_RECORDED, *GENDER.items()], default=NOT_RECORDED)


def recorded_count(child: Child) -> int:
    """How many of the three details are recorded (the child's page shows only this, never the values)."""
    return sum(1 for name in FIELDS if getattr(child, name))


def details(child: Child) -> dict[str, str]:
    """The details in words for the equality page."""
    return describe(disability=child.disability, ethnicity=child.ethnicity, gender=child.gender)


def note_viewed(db: Session, *, child: Child, by: StaffUser) -> None:
    """Who opened a child's equality details, in the audit trail (special-category data: every look is kept)."""
    db.add(AuditEvent(staff_id=by.id, action=VIEWED, child_id=child.id))
    db.commit()


def save_equality(db: Session, *, child: Child, form: EqualityForm, by: StaffUser) -> int:
    """Store the details from a valid form; each change is audited with the old value encrypted. Returns how many changed."""
    before = snapshot(child, list(FIELDS))
    for name in FIELDS:
        setattr(child, name, getattr(form, name).data or NOT_RECORDED)
    db.add(child)
    changed = audit_changes(db, child=child, before=before, by=by)
    db.commit()
    return changed
