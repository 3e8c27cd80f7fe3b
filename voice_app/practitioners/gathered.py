"""Who gathered a statement on a practitioner's device: shown to the chair on the statement page and in exports."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from voice_app.models import PractitionerInvitation, StaffUser


@dataclass(frozen=True)
class Gatherer:
    name: str
    profession: str
    organisation: str
    invited_by: str

    @property
    def description(self) -> str:
        """"Sam Patel (Social worker, Riverside team)"."""
        about = ", ".join(part for part in (self.profession, self.organisation) if part)
        return f"{self.name} ({about})" if about else self.name

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "profession": self.profession, "organisation": self.organisation, "invited_by": self.invited_by}


def gatherer_for_visit(db: Session, *, visit_id: int) -> Gatherer | None:
    """The practitioner whose visit this is, with who invited them; None for an IRO's visit."""
    invitation = db.exec(select(PractitionerInvitation).where(PractitionerInvitation.visit_id == visit_id)).first()
    if invitation is None:
        return None
    practitioner, inviter = db.get(StaffUser, invitation.practitioner_id), db.get(StaffUser, invitation.invited_by_id)
    return Gatherer(
        name=practitioner.display_name if practitioner else "",
        profession=invitation.profession.label,
        organisation=invitation.organisation,
        invited_by=inviter.display_name if inviter else "",
    )
