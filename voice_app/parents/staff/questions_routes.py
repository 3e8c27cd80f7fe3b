"""Managers' pages for the service's own feedback questions (add, reword, retire; past answers are kept)
and its "you said, we did" for families and partners."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from voice_app import db
from voice_app.models import FeedbackChange, FeedbackLocalQuestion, Role
from voice_app.parents.changes import add_change, all_changes, withdraw_change
from voice_app.parents.local_questions import (
    MAX_ACTIVE,
    active_questions,
    add_question,
    adopt_default,
    all_questions,
    retire,
    reword,
    unused_defaults,
    wording,
)
from voice_app.parents.staff import bp
from voice_app.parents.staff.forms import ActionForm, ChangeForm, LocalQuestionForm
from voice_app.rendering import render
from voice_app.security import roles_required


def _page(form: LocalQuestionForm, *, status: int = 200, editing: int | None = None):
    session = db.session()
    questions = all_questions(session)
    return render(
        "feedback/questions.html",
        questions=questions,
        wording=wording,
        active=len(active_questions(session)),
        suggestions=unused_defaults(session),
        max_active=MAX_ACTIVE,
        form=form,
        action_form=ActionForm(),
        editing=editing,
        status=status,
    )


@bp.route("/questions", methods=["GET", "POST"])
@roles_required(Role.MANAGER)
def local_questions():
    """The service's own questions: start asking a suggested one (action=adopt), add one (add), reword one (reword) or retire one (retire)."""
    session = db.session()
    if request.method == "GET":
        return _page(LocalQuestionForm())
    action = request.form.get("action", "add")
    if action == "retire":
        if not ActionForm().validate_on_submit():
            abort(400)
        question = session.get(FeedbackLocalQuestion, request.form.get("question_id", type=int) or 0)
        if question is None:
            abort(404)
        retire(session, question)
        flash("Question retired. Its answers so far stay in the results.", "success")
        return redirect(url_for("feedback.local_questions"))
    if action == "adopt":
        if not ActionForm().validate_on_submit():
            abort(400)
        try:
            adopt_default(session, request.form.get("default_key", ""))
        except ValueError as error:
            flash(str(error), "info")
        else:
            flash("Question added. Everyone is asked it from now on, in their own language.", "success")
        return redirect(url_for("feedback.local_questions"))
    if action not in ("add", "reword"):
        abort(400)
    form = LocalQuestionForm()
    editing = request.form.get("question_id", type=int) if action == "reword" else None
    if not form.validate_on_submit():
        return _page(form, status=422, editing=editing)
    try:
        if action == "reword":
            question = session.get(FeedbackLocalQuestion, editing or 0)
            if question is None or question.retired_at is not None:
                abort(404)
            reword(session, question, text=form.text.data)
            flash("Question reworded. Answers given to the old words stay with it.", "success")
        else:
            add_question(session, text=form.text.data, short=form.short.data)
            flash("Question added. Everyone is asked it from now on.", "success")
    except ValueError as error:
        form.text.errors = [str(error)]
        return _page(form, status=422, editing=editing)
    return redirect(url_for("feedback.local_questions"))


@bp.route("/you-said-we-did", methods=["GET", "POST"])
@roles_required(Role.MANAGER)
def changes():
    """The service's "you said, we did" for families and partners: add one, or withdraw one (action=withdraw)."""
    session = db.session()
    form = ChangeForm()
    status = 200
    if request.method == "POST":
        if request.form.get("action") == "withdraw":
            if not ActionForm().validate_on_submit():
                abort(400)
            change = session.get(FeedbackChange, request.form.get("change_id", type=int) or 0)
            if change is None:
                abort(404)
            withdraw_change(session, change)
            flash("Taken down. It is no longer shown to people giving feedback.", "success")
            return redirect(url_for("feedback.changes"))
        if form.validate_on_submit():
            try:
                add_change(session, you_said=form.you_said.data, we_did=form.we_did.data, by=current_user)
            except ValueError as error:
                form.you_said.errors = [str(error)]
            else:
                flash("Added. People giving feedback see it from now on.", "success")
                return redirect(url_for("feedback.changes"))
        status = 422
    return render("feedback/changes.html", changes=all_changes(session), form=form, status=status)
