"""Introduction letters: made for any child the member of staff may see, and the date given recorded."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, make_response, redirect, request, url_for
from flask_login import current_user

from voice_app import db
from voice_app.child.handover import available_languages, suggested_version
from voice_app.models import FlowVersion, Role
from voice_app.profiles import bp
from voice_app.profiles.forms import LetterForm, LetterGivenForm
from voice_app.profiles.letter import LetterFor, letter_pdf
from voice_app.profiles.services import iro_for_child, letters_given, photo_of, profile_view, record_letter_given, service_contact
from voice_app.rendering import render
from voice_app.security import child_for, roles_required
from voice_app.statements.audit import Action, record_event
from voice_app.statements.pdf import PdfUnavailable

LETTER_ROLES = (Role.IRO, Role.MANAGER)


def _letter_form(child) -> LetterForm:
    form = LetterForm(request.args)
    languages = available_languages()
    form.lang.choices = [(lang.code, lang.english_name if lang.native_name == lang.english_name else f"{lang.english_name} ({lang.native_name})") for lang in languages]
    codes = {lang.code for lang in languages}
    if form.lang.data not in codes:
        form.lang.data = child.preferred_language if child.preferred_language in codes else "en-GB"
    if form.version.data not in {v.value for v in FlowVersion}:
        form.version.data = suggested_version(child, today=date.today()).value
    return form


def _page(child, *, given_form: LetterGivenForm | None = None, status: int = 200):
    session = db.session()
    iro = iro_for_child(session, child=child, fallback=current_user)
    return render(
        "profiles/letter.html",
        child=child,
        form=_letter_form(child),
        given_form=given_form or LetterGivenForm(data={"given_on": date.today()}),
        given=letters_given(session, child_id=child.id),
        profile=profile_view(session, staff=iro),
        status=status,
    )


@bp.get("/children/<int:child_id>/letter")
@roles_required(*LETTER_ROLES)
def letter(child_id: int):
    """Make a child's introduction letter and record the date they were given it."""
    return _page(child_for(db.session(), current_user, child_id))


@bp.get("/children/<int:child_id>/letter.pdf")
@roles_required(*LETTER_ROLES)
def letter_download(child_id: int):
    """The letter as a PDF, in the language and version chosen (audited)."""
    session = db.session()
    child = child_for(session, current_user, child_id)
    form = _letter_form(child)
    iro = iro_for_child(session, child=child, fallback=current_user)
    letter = LetterFor(
        child=child,
        profile=profile_view(session, staff=iro, language=form.lang.data),
        photo=photo_of(session, staff_id=iro.id),
        contact=service_contact(session),
        language=form.lang.data,
        version=FlowVersion(form.version.data),
    )
    try:
        body = letter_pdf(letter)
    except PdfUnavailable:
        abort(503)
    record_event(session, action=Action.LETTER, staff=current_user, child_id=child.id, statement_id=None, detail=f"pdf;{form.lang.data.lower()};{form.version.data}")
    response = make_response(body)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="introduction-letter-{child.case_reference}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/children/<int:child_id>/letter/given")
@roles_required(*LETTER_ROLES)
def letter_given(child_id: int):
    """Record the day the child was given the letter ("children told who their IRO is")."""
    session = db.session()
    child = child_for(session, current_user, child_id)
    form = LetterGivenForm()
    if form.validate_on_submit():  # the date: voice_app/dates.py (not in the future, confirmed when over a year ago)
        record_letter_given(session, child=child, given_on=form.given_on.data, by=current_user)
        record_event(session, action=Action.LETTER_GIVEN, staff=current_user, child_id=child.id, statement_id=None)
        flash(f"Recorded: {child.preferred_name} was given the letter on {form.given_on.data:%-d %B %Y}.", "success")
        return redirect(url_for("profiles.letter", child_id=child.id))
    return _page(child, given_form=form, status=422)


@bp.app_template_global()
def intro_letters_given(child_id: int):
    """The dates a child was given the letter, for the staff child page (which has already checked access)."""
    return letters_given(db.session(), child_id=child_id)
