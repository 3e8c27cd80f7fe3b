"""The questionnaire's pages: start, one question per screen, check your answers, send, thank you."""

from __future__ import annotations

from flask import abort, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from voice_app import db
from voice_app.i18n import shipped_languages, use_language
from voice_app.models import FeedbackLink, ParentDraft, RespondentKind, Review, utcnow
from voice_app.parents.changes import SHOWN, current_changes
from voice_app.parents.links import (
    LinkState,
    link_by_token,
    link_state,
    responses_for_link,
)
from voice_app.parents.local_questions import active_questions, as_question
from voice_app.parents.questionnaire import bp
from voice_app.parents.questionnaire.flow import (
    ABOUT,
    CHECK,
    COMMENT,
    NAME,
    Step,
    answer_of,
    draft_by_key,
    find_step,
    next_step_id,
    previous_step_id,
    save_about,
    save_step,
    start_draft,
    steps_for,
    unanswered,
)
from voice_app.parents.questionnaire.forms import AGENCY_CHOICES, AboutForm, ActionForm, ChoiceForm, CommentForm, NameForm
from voice_app.parents.questions import ANSWERS, CARED_FOR_STAGES, comment_question
from voice_app.parents.responses import SendResult, existing_response, send_online
from voice_app.rendering import render

DRAFTS_KEY = "parent_drafts"
LANGUAGE_KEY = "parent_language"
_REMEMBERED_LINKS = 4


@bp.before_request
def _parent_language():
    """A parent's language: chosen with ?lang= (links on the first screen), then kept in their session."""
    wanted = request.args.get("lang")
    if wanted and wanted in {lang.code for lang in shipped_languages()}:
        session[LANGUAGE_KEY] = wanted
    g.parent_language = use_language(session.get(LANGUAGE_KEY))


@bp.errorhandler(404)
def _not_found(_exc):
    return render("parents/closed.html", reason="unknown", status=404)


@bp.errorhandler(429)
def _too_many(_exc):
    return render("parents/closed.html", reason="too_many", status=429)


@bp.errorhandler(CSRFError)
def _form_expired(_exc):
    return render("parents/closed.html", reason="form_expired", token=(request.view_args or {}).get("token"), status=400)


def _link_and_review(token: str) -> tuple[FeedbackLink, Review]:
    session_db = db.session()
    link = link_by_token(session_db, token)
    review = session_db.get(Review, link.review_id) if link else None
    if link is None or review is None:
        abort(404)
    return link, review


def _local() -> list:
    return [as_question(q) for q in active_questions(db.session())]


def _steps(link: FeedbackLink, review: Review) -> list[Step]:
    return steps_for(review.stage, RespondentKind(link.respondent_kind), _local())


def _state(link: FeedbackLink) -> LinkState:
    return link_state(link, responses=responses_for_link(db.session(), link.id), now=utcnow())


def _closed(state: LinkState):
    # 410 Gone tells machines the link is finished; people get kind words, not an error page.
    return render("parents/closed.html", reason=state.value, status=410)


def _session_key(link: FeedbackLink) -> str | None:
    return (session.get(DRAFTS_KEY) or {}).get(str(link.id))


def _remember(link: FeedbackLink, key: str) -> None:
    drafts = {k: v for k, v in (session.get(DRAFTS_KEY) or {}).items() if k != str(link.id)}
    drafts[str(link.id)] = key
    session[DRAFTS_KEY] = dict(list(drafts.items())[-_REMEMBERED_LINKS:])


def _sent_here(link: FeedbackLink) -> bool:
    key = _session_key(link)
    return bool(key) and existing_response(db.session(), key) is not None


def _open_draft(link: FeedbackLink) -> ParentDraft | None:
    return draft_by_key(db.session(), link=link, key=_session_key(link))


@bp.get("/<token>")
def start(token: str):
    """What the questionnaire is for and how long it takes; a Start button."""
    link, review = _link_and_review(token)
    state = _state(link)
    if _sent_here(link):
        return render(
            "parents/thanks.html",
            changes=current_changes(db.session(), limit=SHOWN),
            token=token,
            another=state == LinkState.OPEN,
            form=ActionForm(),
        )
    if state != LinkState.OPEN:
        return _closed(state)
    steps = _steps(link, review)
    questions = sum(1 for step in steps if step.question)
    return render(
        "parents/start.html",
        token=token,
        questions=questions,
        parents_conference=link.respondent_kind == RespondentKind.PARENT and review.stage not in CARED_FOR_STAGES,
        resuming=_open_draft(link) is not None,
        form=ActionForm(),
        languages=shipped_languages(),
        language=g.parent_language,
        changes=current_changes(db.session(), limit=SHOWN),
    )


@bp.post("/<token>/start")
def begin(token: str):
    """Start (or carry on with) this browser's answers, then go to the first question still to answer."""
    link, review = _link_and_review(token)
    state = _state(link)
    if state != LinkState.OPEN:
        return _closed(state)
    if not ActionForm().validate_on_submit():
        abort(400)
    draft = _open_draft(link) or start_draft(db.session(), link=link)
    _remember(link, draft.key)
    steps = _steps(link, review)
    todo = unanswered(draft, steps)
    return redirect(url_for("parents.step", token=token, step_id=(todo[0] if todo else steps[0]).id))


@bp.route("/<token>/<step_id>", methods=["GET", "POST"])
def step(token: str, step_id: str):
    """One question on its own screen; answering it goes to the next (or back to the check page)."""
    link, review = _link_and_review(token)
    steps = _steps(link, review)
    current = find_step(steps, step_id)
    if current is None:
        abort(404)
    state = _state(link)
    if state != LinkState.OPEN:
        return _closed(state)
    draft = _open_draft(link)
    if draft is None:
        return redirect(url_for("parents.start", token=token))
    changing = request.args.get("change") == "1"
    form = _form_for(current, draft, review, link)
    if request.method == "POST":
        if form.validate_on_submit():
            value = form.answer.data if current.question else form.data.get(current.id)
            try:
                if current.id == ABOUT:
                    save_about(db.session(), draft=draft, agency=form.agency.data, role=form.role.data)
                else:
                    save_step(db.session(), draft=draft, step=current, value=value)
            except ValueError:
                # The form's own checks match save_step's, so this is a forged or odd answer.
                _field(form, current).errors = [_choose_message() if current.question else _shorter_message()]
            else:
                after = CHECK if changing else next_step_id(steps, current)
                if after == CHECK:
                    return redirect(url_for("parents.check", token=token))
                return redirect(url_for("parents.step", token=token, step_id=after))
        elif current.question:
            form.answer.errors = [_choose_message()]
    previous = previous_step_id(steps, current)
    back = (
        url_for("parents.check", token=token)
        if changing
        else url_for("parents.step", token=token, step_id=previous)
        if previous
        else url_for("parents.start", token=token)
    )
    template = "parents/question.html" if current.question else f"parents/{current.id}.html"
    status = 422 if request.method == "POST" else 200
    return render(
        template,
        token=token,
        step=current,
        form=form,
        chosen=answer_of(draft, current),
        back=back,
        changing=changing,
        status=status,
    )


def _form_for(current: Step, draft: ParentDraft, review: Review, link: FeedbackLink):
    if current.question:
        return ChoiceForm()
    if current.id == COMMENT:
        form = CommentForm(data=None if request.method == "POST" else {"comment": draft.comment})
        form.comment.label.text = comment_question(review.stage, RespondentKind(link.respondent_kind))
        return form
    if current.id == ABOUT:
        return AboutForm(
            data=None if request.method == "POST" else {"agency": draft.agency.value if draft.agency else "", "role": draft.role}
        )
    assert current.id == NAME
    return NameForm(data=None if request.method == "POST" else {"name": draft.name})


def _field(form, current: Step):
    if current.id == ABOUT:
        return form.role
    return form.answer if current.question else form[current.id]


def _choose_message() -> str:
    return _("Choose the answer that fits best, then it will take you to the next question.")


def _shorter_message() -> str:
    return _("Please make this a little shorter.")


@bp.get("/<token>/check")
def check(token: str):
    """Every answer on one page, each with a Change link, and the Send button."""
    return _check_page(token)


def _check_page(token: str, *, missing_error: bool = False):
    link, review = _link_and_review(token)
    state = _state(link)
    draft = _open_draft(link)
    if draft is None:
        target = "parents.thanks" if _sent_here(link) else "parents.start"
        return redirect(url_for(target, token=token))
    if state != LinkState.OPEN:
        return _closed(state)
    steps = _steps(link, review)
    return render(
        "parents/check.html",
        token=token,
        steps=steps,
        draft=draft,
        chosen={step.id: answer_of(draft, step) for step in steps},
        missing=unanswered(draft, steps),
        missing_error=missing_error,
        answers_by_id=ANSWERS,
        agencies=dict(AGENCY_CHOICES),
        form=ActionForm(),
        status=422 if missing_error else 200,
    )


@bp.post("/<token>/send")
def send(token: str):
    """Send the answers, once: a second tap finds the first response and says thank you again."""
    link, review = _link_and_review(token)
    if not ActionForm().validate_on_submit():
        abort(400)
    if _sent_here(link):
        return redirect(url_for("parents.thanks", token=token))
    draft = _open_draft(link)
    if draft is None:
        return redirect(url_for("parents.start", token=token))
    outcome = send_online(db.session(), link=link, review=review, draft=draft, local=_local())
    if outcome.result in (SendResult.SENT, SendResult.ALREADY_SENT):
        return redirect(url_for("parents.thanks", token=token))
    if outcome.result == SendResult.CLOSED:
        return _closed(outcome.state)
    return _check_page(token, missing_error=True)


@bp.get("/<token>/thanks")
def thanks(token: str):
    """Thank you; if the link still has room, someone else from the conference may answer too."""
    link, _review = _link_and_review(token)
    if not _sent_here(link):
        return redirect(url_for("parents.start", token=token))
    return render(
        "parents/thanks.html",
        changes=current_changes(db.session(), limit=SHOWN),
        token=token,
        another=_state(link) == LinkState.OPEN,
        form=ActionForm(),
        just_sent=True,
    )
