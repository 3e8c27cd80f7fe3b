"""An IRO keeps their profile for children; admins set the service's contact details; photos for staff."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from voice_app import db
from voice_app.i18n import LANGUAGES
from voice_app.inputs import accepts_files
from voice_app.models import IroProfile, Role
from voice_app.photos import MAX_UPLOAD_BYTES, PhotoProblem, photo_response
from voice_app.profiles import bp
from voice_app.profiles.forms import PhotoForm, ProfileForm, ServiceContactForm, add_translation_fields, translation_field
from voice_app.profiles.services import (
    photo_of,
    profile_symbols,
    profile_view,
    save_photo,
    save_profile,
    save_service_contact,
    service_contact,
)
from voice_app.rendering import render
from voice_app.security import roles_required

PROFILE_ROLES = (Role.IRO, Role.MANAGER)
PHOTO = "photo"
OTHER_LANGUAGES = tuple(lang for lang in LANGUAGES if lang.code != "en-GB")
add_translation_fields(OTHER_LANGUAGES)


def _picture_choices(form: ProfileForm, view) -> None:
    form.picture.choices = [*([(PHOTO, "My photo")] if view.has_photo else []), *[(name, name.replace("-", " ")) for name in profile_symbols()]]


def _profile_page(*, form: ProfileForm | None = None, photo_form: PhotoForm | None = None, status: int = 200):
    view = profile_view(db.session(), staff=current_user)
    if form is None:
        saved = db.session().get(IroProfile, current_user.id)
        translations = (saved.about_translations if saved else None) or {}
        data = {"first_name": view.first_name, "about": view.about, "picture": PHOTO if view.has_photo else view.symbol}
        data.update({translation_field(lang.code): translations.get(lang.code, "") for lang in OTHER_LANGUAGES})
        form = ProfileForm(data=data)
    _picture_choices(form, view)
    translation_fields = [form[translation_field(lang.code)] for lang in OTHER_LANGUAGES]
    return render("profiles/edit.html", form=form, photo_form=photo_form or PhotoForm(), view=view, translation_fields=translation_fields, status=status)


@bp.route("/profile", methods=["GET", "POST"])
@roles_required(*PROFILE_ROLES)
def edit():
    """Your profile for children: first name, a few lines and a picture."""
    if request.method == "GET":
        return _profile_page()
    form = ProfileForm()
    view = profile_view(db.session(), staff=current_user)
    _picture_choices(form, view)
    if not form.validate_on_submit():
        return _profile_page(form=form, status=422)
    use_photo = form.picture.data == PHOTO
    save_profile(
        db.session(), staff=current_user, first_name=form.first_name.data, about=form.about.data or "",
        symbol=view.symbol if use_photo else form.picture.data, use_photo=use_photo,
        translations={lang.code: form[translation_field(lang.code)].data or "" for lang in OTHER_LANGUAGES},
    )
    flash("Your profile is saved. Children see it at the start of every conversation.", "success")
    return redirect(url_for("profiles.edit"))


@bp.post("/profile/photo")
@accepts_files("photo", max_bytes=MAX_UPLOAD_BYTES)  # one of the two forms that take files (the hand-over takes photos)
@roles_required(*PROFILE_ROLES)
def upload_photo():
    """Upload a photo: checked, re-encoded and stripped of metadata before it is kept."""
    form = PhotoForm()
    if form.validate_on_submit():
        try:
            save_photo(db.session(), staff=current_user, data=form.photo.data.read(MAX_UPLOAD_BYTES + 1))
        except PhotoProblem as exc:
            form.photo.errors.append(str(exc))
        else:
            flash("Your photo is saved. Children see it instead of the symbol.", "success")
            return redirect(url_for("profiles.edit"))
    return _profile_page(photo_form=form, status=422)


@bp.get("/staff/<int:staff_id>/photo")
@roles_required(*PROFILE_ROLES)
def staff_photo(staff_id: int):
    """An IRO's photo, for that IRO and for managers (who may see every child)."""
    if staff_id != current_user.id and current_user.role != Role.MANAGER:
        abort(404)
    return photo_response(photo_of(db.session(), staff_id=staff_id))


@bp.route("/admin/service-contact", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def contact():
    """How children reach the service: phone, text and email, shown in conversations and letters."""
    session = db.session()
    saved = service_contact(session)
    form = ServiceContactForm(data={"phone": saved.phone, "text": saved.text, "email": saved.email})
    if request.method == "POST":
        form = ServiceContactForm()
        if form.validate_on_submit():
            save_service_contact(session, phone=form.phone.data or "", text=form.text.data or "", email=form.email.data or "")
            flash("The service's contact details are saved.", "success")
            return redirect(url_for("profiles.contact"))
        return render("profiles/contact.html", form=form, status=422)
    return render("profiles/contact.html", form=form)
