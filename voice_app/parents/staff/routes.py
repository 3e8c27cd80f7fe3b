"""Staff pages for a conference's parents' feedback: links, QR card, tablet view, paper forms."""

from __future__ import annotations

import secrets
from datetime import date

from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_login import current_user

from voice_app import db
from voice_app.models import RespondentKind, Review, Role, StaffUser, utcnow
from voice_app.parents.links import (
    LinkState,
    conference_date,
    conference_for,
    create_link,
    link_for,
    link_state,
    links_for_conference,
    recent_conferences,
    responses_for_link,
    revoke_link,
)
from voice_app.parents.local_questions import active_questions, as_question
from voice_app.parents.questions import questions_for
from voice_app.parents.responses import (
    SendResult,
    add_paper_response,
    responses_for_conference,
)
from voice_app.parents.staff import bp
from voice_app.parents.staff.forms import BLANK, ActionForm, NewLinkForm, paper_form_class
from voice_app.qr import qr_svg, qr_svg_document
from voice_app.rendering import render
from voice_app.security import roles_required

STAFF_ROLES = (Role.IRO, Role.MANAGER)
QR_TITLE = "QR code that opens the feedback questionnaire"


def _link_days() -> int:
    return current_app.config["VOICE_APP"].feedback_link_days


def _public_url(token: str) -> str:
    return url_for("parents.start", token=token, _external=True)


@bp.get("/conferences")
@roles_required(*STAFF_ROLES)
def conferences():
    """Recent and coming conferences this person chairs or whose child they look after, with feedback so far."""
    rows = recent_conferences(db.session(), user=current_user, today=date.today(), days_back=_link_days() * 3)
    return render("feedback/conferences.html", rows=rows, conference_date=conference_date, today=date.today())


@bp.get("/conferences/<int:review_id>")
@roles_required(*STAFF_ROLES)
def conference(review_id: int):
    """A conference's feedback: its links (with QR card and tablet view), answer counts, paper forms."""
    review, child = conference_for(db.session(), current_user, review_id)
    return _conference_page(review, child, form=NewLinkForm())


def _conference_page(review: Review, child, *, form: NewLinkForm, status: int = 200):
    session = db.session()
    chair = session.get(StaffUser, review.chair_id) if review.chair_id else None
    return render(
        "feedback/conference.html",
        review=review,
        child=child,
        chair=chair,
        day=conference_date(review),
        links=links_for_conference(session, review_id=review.id, now=utcnow()),
        counts=responses_for_conference(session, review_id=review.id),
        questions=len(questions_for(review.stage)),
        kinds={kind: len(questions_for(review.stage, kind)) for kind in RespondentKind},
        form=form,
        action_form=ActionForm(),
        link_days=_link_days(),
        public_url=_public_url,
        open_state=LinkState.OPEN,
        status=status,
    )


@bp.post("/conferences/<int:review_id>/links")
@roles_required(*STAFF_ROLES)
def new_link(review_id: int):
    """Make a new feedback link for this conference's parents."""
    session = db.session()
    review, child = conference_for(session, current_user, review_id)
    form = NewLinkForm()
    if not form.validate_on_submit():
        return _conference_page(review, child, form=form, status=422)
    link = create_link(
        session,
        review=review,
        created_by=current_user,
        days=_link_days(),
        max_responses=form.max_responses.data,
        respondent_kind=RespondentKind(form.respondent_kind.data),
    )
    flash(
        f"Feedback link made for {link.respondent_kind.label.lower()}. Print the card or show the code on this tablet.", "success"
    )
    return redirect(url_for("feedback.conference", review_id=review.id, _anchor=f"link-{link.id}"))


@bp.post("/links/<int:link_id>/revoke")
@roles_required(*STAFF_ROLES)
def revoke(link_id: int):
    """Close a link at once (answers already sent stay)."""
    session = db.session()
    link, review, _child = link_for(session, current_user, link_id)
    if ActionForm().validate_on_submit():
        revoke_link(session, link=link)
        flash("Link closed. Nobody can answer through it any more.", "success")
    return redirect(url_for("feedback.conference", review_id=review.id))


def _open_link_or_page(link_id: int):
    """The link if it still takes answers; otherwise the conference page with a message."""
    session = db.session()
    link, review, _child = link_for(session, current_user, link_id)
    state = link_state(link, responses=responses_for_link(session, link.id), now=utcnow())
    if state != LinkState.OPEN:
        flash(f"That link is closed ({state.label.lower()}). Make a new one if parents still want to answer.", "info")
        return None, redirect(url_for("feedback.conference", review_id=review.id))
    return link, None


@bp.get("/links/<int:link_id>/card")
@roles_required(*STAFF_ROLES)
def card(link_id: int):
    """A printable small card for parents: the link, its QR code and a kind sentence, nothing about the child."""
    link, closed = _open_link_or_page(link_id)
    if closed:
        return closed
    url = _public_url(link.token)
    return render(
        "feedback/card.html",
        link=link,
        url=url,
        qr=[qr_svg(url, title=QR_TITLE, svg_id=f"qr-{n}") for n in range(1, min(link.max_responses, 6) + 1)],
    )


@bp.get("/links/<int:link_id>/tablet")
@roles_required(*STAFF_ROLES)
def tablet(link_id: int):
    """The QR code full screen, for parents to scan from this tablet in the meeting room."""
    link, closed = _open_link_or_page(link_id)
    if closed:
        return closed
    url = _public_url(link.token)
    return render("feedback/tablet.html", link=link, url=url, qr=qr_svg(url, title=QR_TITLE))


@bp.get("/links/<int:link_id>/qr.svg")
@roles_required(*STAFF_ROLES)
def qr_file(link_id: int):
    """The QR code as an SVG file, to put into a letter or a slide."""
    link, _review, _child = link_for(db.session(), current_user, link_id)
    response = make_response(qr_svg_document(_public_url(link.token), title=QR_TITLE))
    response.mimetype = "image/svg+xml"
    response.headers["Content-Disposition"] = f'attachment; filename="feedback-link-{link.id}.svg"'
    return response


@bp.route("/conferences/<int:review_id>/paper", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def paper(review_id: int):
    """Copy a paper questionnaire (a parent's, a carer's or a professional's: ?kind=) into the results."""
    session = db.session()
    review, child = conference_for(session, current_user, review_id)
    try:
        kind = RespondentKind(request.args.get("kind", RespondentKind.PARENT.value))
    except ValueError:
        abort(404)
    local = [as_question(q) for q in active_questions(session)]
    form = paper_form_class(review.stage, kind, local)()
    if request.method == "GET":
        form.submission_key.data = secrets.token_urlsafe(24)
    elif form.validate_on_submit():
        answers = {q.id: (None if form[q.id].data == BLANK else form[q.id].data) for q in questions_for(review.stage, kind)}
        professional = kind == RespondentKind.PROFESSIONAL
        outcome = add_paper_response(
            session,
            review=review,
            answers=answers,
            comment=form.comment.data,
            name=None if professional else form.name.data,
            entered_by=current_user,
            submission_key=form.submission_key.data,
            kind=kind,
            agency=(None if form.agency.data in (None, BLANK) else form.agency.data) if professional else None,
            role=form.role.data if professional else None,
            local=local,
            local_answers={q.id: (None if form[q.id].data == BLANK else form[q.id].data) for q in local},
        )
        if outcome.result == SendResult.SENT:
            flash("Paper questionnaire added to the results.", "success")
        else:
            flash("That paper questionnaire was already added, so it was not added again.", "info")
        return redirect(url_for("feedback.conference", review_id=review.id))
    status = 422 if request.method == "POST" else 200
    questions = [form[q.id] for q in (*questions_for(review.stage, kind), *local)]
    return render(
        "feedback/paper.html",
        form=form,
        questions=questions,
        review=review,
        child=child,
        day=conference_date(review),
        kind=kind,
        kinds=RespondentKind,
        status=status,
    )
