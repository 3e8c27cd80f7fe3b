"""Pages: a conference's practitioners (staff), the emailed link, and the practitioner's own page and hand-over."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, session, url_for
from flask_login import current_user

from voice_app import db
from voice_app.child.handover import (
    HandoverOptions,
    available_languages,
    enter_child_mode,
    set_handback_pin,
    start_handover,
    statement_summary,
    suggested_version,
    update_child_mode,
)
from voice_app.extensions import limiter
from voice_app.mail import mail_enabled, queue_email
from voice_app.models import Child, FlowVersion, PractitionerInvitation, Profession, Review, ReviewKind, Role
from voice_app.practitioners import bp
from voice_app.practitioners.access import INVITATION_KEY
from voice_app.practitioners.forms import InviteForm, JoinForm, PractitionerHandoverForm, WithdrawForm
from voice_app.practitioners.gathered import gatherer_for_visit
from voice_app.practitioners.services import (
    InviteProblem,
    accept,
    access_for,
    audit,
    check_link,
    conference_open,
    conversations,
    invitations_for,
    invite,
    is_live,
    live_access,
    mark_given_via_practitioner,
    may_invite,
    practitioner_visit,
    withdraw,
)
from voice_app.questions.access import MODES
from voice_app.rendering import render
from voice_app.security import roles_required
from voice_app.sessions import sign_in_browser, sign_out_browser

STAFF_ROLES = (Role.IRO, Role.MANAGER)


# ----- staff: a conference's practitioners -------------------------------------------------------


def _conference(review_id: int) -> tuple[Review, Child]:
    """The conference and child, if this member of staff may manage its practitioners (404 otherwise)."""
    session_db = db.session()
    review = session_db.get(Review, review_id)
    child = session_db.get(Child, review.child_id) if review else None
    if review is None or child is None or not child.active or review.kind != ReviewKind.CP_CONFERENCE:
        abort(404)
    if not may_invite(current_user, review=review, child=child):
        abort(404)
    return review, child


def _invitations_page(review: Review, child: Child, form: InviteForm, *, shown_link: str | None = None, status: int = 200):
    session_db = db.session()
    rows = [(invitation, user, conversations(session_db, invitation=invitation)) for invitation, user in invitations_for(session_db, review_id=review.id)]
    return render(
        "practitioners/invitations.html",
        review=review,
        child=child,
        rows=rows,
        form=form,
        open=conference_open(review),
        live=lambda invitation: is_live(invitation, review),
        shown_link=shown_link,
        withdraw_form=WithdrawForm(),
        status=status,
    )


def _email(*, to: str, name: str, review: Review, link: str | None) -> None:
    service = current_app.config["VOICE_APP"].service_name
    when = review.scheduled_for.strftime("%A %-d %B %Y")
    inviter = current_user.display_name
    if link:
        step = f"Choose your password here (the link works once, for a week at most, and not after the conference):\n\n{link}\n"
    else:
        step = f"Sign in with the password you chose before:\n\n{url_for('auth.sign_in', _external=True)}\n"
    text = (
        f"Dear {name},\n\n{inviter} has asked you to gather a child's views before their child protection conference on {when}, "
        f"using {service}.\n\n{step}\n"
        "Once signed in you will see the child's name, the conference's day, and the conversations you run with them. "
        "You hand your own device to the child; you take it back with your password.\n\n"
        "Your access ends when the conference has been held. If you were not expecting this email, you can ignore it.\n"
    )
    queue_email(db.session(), to=to, subject=f"{service}: gather a child's views for a conference on {when}", text=text, kind="practitioner_invite")


@bp.route("/conferences/<int:review_id>/practitioners", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def invitations(review_id: int):
    """A conference's invited practitioners, and inviting one."""
    review, child = _conference(review_id)
    form = InviteForm()
    if form.validate_on_submit():
        session_db = db.session()
        try:
            invited = invite(
                session_db,
                review=review,
                child=child,
                email=form.email.data,
                name=form.name.data,
                profession=Profession(form.profession.data),
                organisation=form.organisation.data or "",
                invited_by=current_user,
            )
        except InviteProblem as problem:
            session_db.rollback()
            form.email.errors.append(str(problem))
        else:
            link = url_for("practitioners.join", token=invited.token, _external=True) if invited.token else None
            address = form.email.data.strip().lower()
            if mail_enabled():
                _email(to=address, name=form.name.data, review=review, link=link)
                session_db.commit()
                flash(f"Invitation emailed to {address}.", "success")
                return redirect(url_for("practitioners.invitations", review_id=review.id))
            session_db.commit()
            if link is None:
                flash(f"{address} already has a password: ask them to sign in. (Email is not set up for this service.)", "success")
                return redirect(url_for("practitioners.invitations", review_id=review.id))
            # No email in this service: the inviter passes the link on, once; it is never shown again.
            return _invitations_page(review, child, InviteForm(formdata=None), shown_link=link)
    return _invitations_page(review, child, form, status=422 if form.errors else 200)


@bp.post("/practitioner-invitations/<int:invitation_id>/withdraw")
@roles_required(*STAFF_ROLES)
def withdraw_invitation(invitation_id: int):
    """Withdraw an invitation: the practitioner's link, child mode and (if nothing else is live) sessions end."""
    session_db = db.session()
    invitation = session_db.get(PractitionerInvitation, invitation_id)
    if invitation is None:
        abort(404)
    review, _child = _conference(invitation.review_id)
    if not WithdrawForm().validate_on_submit():
        abort(400)
    if invitation.withdrawn_at is None:
        withdraw(session_db, invitation=invitation, by=current_user)
        flash("Invitation withdrawn: the practitioner can no longer sign in for this conference.", "success")
    return redirect(url_for("practitioners.invitations", review_id=review.id))


# ----- the emailed link -------------------------------------------------------------------------


@bp.route("/practitioner/join/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["GET"])
@limiter.limit("10 per minute", methods=["POST"])
def join(token: str):
    """Choose a password through the invitation's single-use link, then go to the practitioner's page."""
    session_db = db.session()
    joining = check_link(session_db, token=token)
    if joining is None:
        audit(session_db, action="link_refused", staff_id=None)
        session_db.commit()
        return render("practitioners/join_closed.html", status=404)
    form = JoinForm()
    if form.validate_on_submit():
        if accept(session_db, joining=joining, password=form.new.data):
            sign_in_browser(joining.practitioner)
            flash("Your password is set. This is your page for the conference.", "success")
            return redirect(url_for("practitioners.home"))
        return render("practitioners/join_closed.html", status=404)
    return render("practitioners/join.html", form=form, joining=joining, status=422 if form.errors else 200)


# ----- the practitioner ---------------------------------------------------------------------------


@bp.get("/practitioner/")
@roles_required(Role.PRACTITIONER)
def home():
    """The child's name, the conference's day and the conversations this practitioner ran: nothing else."""
    session_db = db.session()
    items = [(item, statement_summary(session_db, visit_id=item.invitation.visit_id) if item.invitation.visit_id else None) for item in live_access(session_db, practitioner_id=current_user.id)]
    audit(session_db, action="home_viewed", staff_id=current_user.id, detail=f"invitations={len(items)}")
    session_db.commit()
    return render("practitioners/home.html", items=items)


def _handover_form(child: Child) -> PractitionerHandoverForm:
    form = PractitionerHandoverForm()
    languages = available_languages()
    form.language.choices = [(lang.code, lang.native_name if lang.native_name == lang.english_name else f"{lang.english_name} ({lang.native_name})") for lang in languages]
    if not form.is_submitted():
        form.version.data = suggested_version(child, today=date.today()).value
        form.language.data = child.preferred_language if child.preferred_language in {lang.code for lang in languages} else "en-GB"
        form.parts.data = "views"
        if child.passport_access in MODES:  # their communication passport says how they answer best
            form.access.data = child.passport_access
    return form


@bp.route("/practitioner/invitations/<int:invitation_id>/hand-over", methods=["GET", "POST"])
@roles_required(Role.PRACTITIONER)
def hand_over(invitation_id: int):
    """Set up the conversation, then hand this device to the child in child mode (as an IRO hands over a tablet)."""
    session_db = db.session()
    item = access_for(session_db, practitioner_id=current_user.id, invitation_id=invitation_id)
    if item is None:
        abort(404)
    form = _handover_form(item.child)
    if form.validate_on_submit():
        if form.pin.data:
            set_handback_pin(session_db, user=current_user, pin=form.pin.data)
        elif form.forget_pin.data:
            set_handback_pin(session_db, user=current_user, pin=None)
        parts = form.parts.data + (",explain" if form.explain.data else "")
        options = HandoverOptions(
            version=FlowVersion(form.version.data),
            language=form.language.data,
            parts=parts,
            scribing=bool(form.scribing.data),
            access=form.access_settings(),
        )
        visit = practitioner_visit(session_db, invitation=item.invitation, today=date.today())
        handover, token = start_handover(
            session_db, visit=visit, child=item.child, user=current_user, options=options, minutes=current_app.config["VOICE_APP"].handover_minutes
        )
        mark_given_via_practitioner(session_db, statement_id=handover.statement_id, invitation=item.invitation)
        sign_out_browser("handed-over", keep_cookie=True)
        enter_child_mode(session, handover=handover, token=token, scribing=options.scribing)
        # No "last time you said" recap: that would show the practitioner what the child said before.
        update_child_mode(session, recap_done=True)
        session[INVITATION_KEY] = item.invitation.id
        return redirect(url_for("child.conversation", statement_id=handover.statement_id, _anchor="question-title"))
    return render(
        "practitioners/hand_over.html",
        form=form,
        item=item,
        has_pin=bool(current_user.handback_pin_hash),
        minutes=current_app.config["VOICE_APP"].handover_minutes,
        status=422 if form.errors else 200,
    )


@bp.app_template_global("practitioner_invitations_url")
def practitioner_invitations_url(review) -> str | None:
    """The link to a conference's practitioners on the staff child page (conferences only)."""
    return url_for("practitioners.invitations", review_id=review.id) if review.kind == ReviewKind.CP_CONFERENCE else None




@bp.app_template_global("visit_practitioner")
def visit_practitioner(visit) -> str:
    """"Sam Patel (Social worker)" for a practitioner's visit row on the staff child page."""
    found = gatherer_for_visit(db.session(), visit_id=visit.id)
    return found.description if found else "a practitioner"
