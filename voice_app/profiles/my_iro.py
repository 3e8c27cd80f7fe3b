"""My IRO in child mode: who the child's IRO is (shown at the start and the end) and their photo.

On the child's blueprint (its pages stay child.*), kept here with the profiles it shows."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g

from voice_app import db
from voice_app.child import bp
from voice_app.models import ServiceContact
from voice_app.photos import photo_response
from voice_app.profiles.services import ProfileView, iro_for_child, photo_of, profile_view, service_contact


@dataclass(frozen=True)
class MyIro:
    profile: ProfileView
    contact: ServiceContact


@bp.app_template_global()
def my_iro() -> MyIro | None:
    """The child's IRO and the service's contact details, for this hand-over's conversation (once per request)."""
    if "child" not in g:
        return None
    if "my_iro" not in g:
        session = db.session()
        iro = iro_for_child(session, child=g.child, fallback=g.get("iro"))
        language = g.statement.language if "statement" in g else None
        g.my_iro = MyIro(profile_view(session, staff=iro, language=language), service_contact(session)) if iro else None
    return g.my_iro


@bp.get("/statements/<int:statement_id>/my-iro/photo")
def my_iro_photo(statement_id: int):
    """The child's own IRO's photo, only inside this hand-over (before_request checks the statement)."""
    found = my_iro()
    return photo_response(photo_of(db.session(), staff_id=found.profile.staff_id) if found else None)
