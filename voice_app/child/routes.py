"""The child's conversation: one question at a time, reachable only through this tablet's hand-over."""

from __future__ import annotations

import uuid

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlmodel import select
from werkzeug.exceptions import NotFound

from voice_app import db
from voice_app.child import bp
from voice_app.child.flow import (
    AnswerProblem,
    MatChanges,
    Step,
    asked_questions,
    end_statement,
    extras_for,
    find_receipt,
    is_current,
    load_answers,
    mark_recap_shown,
    mat_board,
    mat_changes,
    mat_progress,
    mat_step,
    meeting_for,
    next_step,
    parse_answer,
    question_step,
    recap_for,
    save_answer,
    text_allowed,
)
from voice_app.child.flow import choice_view as flow_choice_view
from voice_app.child.forms import ChildAccessForm, GiveBackForm, answer_fields, answer_sent
from voice_app.child.handover import (
    ACCESS_ACTION,
    available_languages,
    check_handover,
    child_mode_state,
    end_handover,
    pin_allowed,
    set_access,
    slide_expiry,
    try_handback,
    update_child_mode,
    within_grace,
)
from voice_app.child.kept import answer_bubble, kept, kept_for_statement
from voice_app.child.photos import photo_cards, photo_data
from voice_app.extensions import limiter
from voice_app.i18n import use_language
from voice_app.i18n.terms import current_terms, term_words
from voice_app.models import Answer, FlowVersion, Role, Sharing, StatementEnd, utcnow
from voice_app.photos import photo_response
from voice_app.questions.access import AccessSettings, stored_settings
from voice_app.questions.bank import default_bank, mat_id_of
from voice_app.rendering import render, wants_fragment
from voice_app.sessions import sign_in_browser

TEMPLATE = "child/conversation.html"


@bp.before_request
def _enter_child_mode():
    """Every child page needs this browser's live hand-over, and reaches only its statement."""
    if request.endpoint == "child.service_worker":
        return None  # a script with nothing of the child in it: the browser re-checks it at any time
    state = child_mode_state(session)
    if state is None:
        abort(404)
    check = check_handover(db.session(), handover_id=state.get("handover"), token=state.get("token"))
    if check.state == "invalid":
        # Nothing to return to: forget the whole session, so staff pages need a fresh sign-in.
        session.clear()
        return redirect(url_for("auth.sign_in"))
    g.child_mode, g.handover, g.statement, g.child, g.iro = state, check.handover, check.statement, check.child, check.iro
    g.meeting = meeting_for(check.review_kind, check.young_persons)  # read with the hand-over, in the same round trip
    use_language(check.statement.language)
    wanted = (request.view_args or {}).get("statement_id")
    if wanted is not None and wanted != check.statement.id:
        abort(404)
    if check.state == "ok":
        if request.endpoint not in BACKGROUND_ENDPOINTS:
            slide_expiry(db.session(), handover=check.handover, minutes=current_app.config["VOICE_APP"].handover_minutes)
    elif request.endpoint in _STEP_POSTS and request.method == "POST" and within_grace(check.handover):
        g.grace = True  # tapped just before time ran out: saved, then the break
    elif request.endpoint != "child.give_back":
        # Tell the truth: a tap that arrives now (a POST) was not saved.
        return render("child/paused.html", block="step", status=403, last_unsaved=request.method == "POST")
    return None


# What the page fetches by itself (not the child's activity): it never keeps a hand-over alive.
BACKGROUND_ENDPOINTS = frozenset({"child.session_token", "child.offline_manifest", "child.offline_page", "child.offline_pack"})
# What a child's tap sends: accepted for a moment after expiry, as the child tapped in time.
_STEP_POSTS = frozenset({"child.answer", "child.recap_seen", "child.sharing", "child.stop"})


@bp.after_request
def _break_after_grace(response):
    """After an answer taken in the grace period, the step is the break, not another question."""
    if g.get("grace") and response.status_code < 400 and wants_fragment():
        return render("child/paused.html", block="step", status=200)
    return response


_TERM_WORDS: dict[tuple[str, tuple], dict[str, str]] = {}


def _term_words(locale: str) -> dict[str, str]:
    # The service's words in one language never change while the app runs.
    terms = current_terms()
    key = (locale, tuple(sorted(terms.items())))
    if key not in _TERM_WORDS:
        _TERM_WORDS[key] = term_words(terms)
    return _TERM_WORDS[key]


def say(message: str) -> str:
    """A question's wording in the child's language, with the service's own words filled in."""
    if "say_with" not in g:
        # Looked up once per request: a page says dozens of these.
        g.say_with = (get_translations(), _term_words(str(get_locale())))
    translations, words = g.say_with
    return translations.ugettext(message) % words


def choice_view(question, choice_id: str) -> tuple[str, str]:
    """The words and symbol of a chosen card (flow.choice_view), said with this request's translations."""
    return flow_choice_view(question, choice_id, say)


def child_icon(name: str) -> str:
    """The (content-hashed) URL of a symbol."""
    return url_for("static", filename=f"icons/{name}.svg")


def new_client_id() -> str:
    """A fresh id for one answer form (the tablet's script replaces it with its own per tap)."""
    return uuid.uuid4().hex


def card_words(card) -> str:
    """A mat card's words: the bank's, translated; a photo card's label as the IRO typed it (the child's own words)."""
    return card.prompt if card.photo else say(card.prompt)


def photo_src(card) -> str:
    """Where a photo card's picture comes from: this hand-over's photo route, or (in the offline pack) the photo itself."""
    inline = g.get("photos_inline")
    if inline is not None and card.photo in inline:
        return inline[card.photo]
    return url_for("child.mat_photo", statement_id=g.statement.id, photo_id=card.photo)


def _photos() -> tuple:
    """This statement's own photo cards (only a sorting mat has any), read once per request."""
    if "photo_cards" not in g:
        mat = FlowVersion(g.statement.version) == FlowVersion.MAT
        g.photo_cards = photo_cards(db.session(), statement_id=g.statement.id, bank=default_bank()) if mat else ()
    return g.photo_cards


# Globals, so the macros can be imported without context (and cached by Jinja).
for _helper in (say, child_icon, choice_view, extras_for, new_client_id, kept, kept_for_statement, answer_bubble, mat_board, card_words, photo_src):
    bp.add_app_template_global(_helper)


def _names() -> dict:
    iro = g.get("iro")
    handover = g.get("handover")
    return {
        "child_name": g.child.preferred_name if g.get("child") else "",
        "iro_name": (iro.display_name.split() or [""])[0] if iro else "",
        "access": stored_settings(handover.access) if handover is not None else AccessSettings(),
    }


bp.context_processor(_names)


def _screen(
    *, step: Step | None = None, editing: str | None = None, answers: dict | None = None, mat_id: str | None = None, **extra
) -> dict:
    """Everything the conversation template needs, from the database as it is now (or these answers)."""
    session_db = db.session()
    statement = g.statement
    if answers is None:
        answers = load_answers(session_db, statement_id=statement.id)
    questions = asked_questions(default_bank(), statement=statement, child=g.child, answers=answers, meeting=_meeting(), photos=_photos())
    recap_pending = not g.child_mode.get("recap_done")
    recap = recap_for(session_db, statement=statement, bank=default_bank()) if recap_pending and not answers else []
    bank = default_bank()
    if step is None and mat_id is not None and statement.ended_at is None:
        mat = bank.mat(mat_id)
        step = mat_step(questions, answers, mat=mat) if mat is not None else None
        if step is None:
            abort(404)
    if step is None and editing:
        step = question_step(questions, editing)
        if step is None:
            abort(404)
        if step.question.mat:  # moving a card on a sorting mat: numbered within its mat
            cards = [q for q in questions if q.mat == step.question.mat]
            step = Step("question", step.question, cards.index(step.question) + 1, len(cards), mat=bank.mat(step.question.mat))
    step = step or next_step(questions, answers, statement=statement, recap_pending=bool(recap))
    if step.kind == "recap":
        mark_recap_shown(session_db, items=recap)
    scribing = bool(g.child_mode.get("scribing"))
    # A sorting mat's placements are shown on the mat itself, not as bubbles of the conversation.
    log = [(q, answers[q.id]) for q in questions if q.id in answers and not q.mat]
    screen = dict(
        statement=statement,
        answers=answers,
        questions=questions,
        log=log,
        step=step,
        editing=editing if step.kind == "question" and step.question.id in answers else None,
        recap=recap,
        scribing=scribing,
        words_allowed=lambda q: text_allowed(q, statement=statement, scribing=scribing),
        problem=None,
        languages=available_languages() if not answers and statement.ended_at is None else (),
        posted={},
        mats=mat_progress(questions, answers, bank) if step.kind == "topics" else [],
        # The finished mat read back with what moved since the child's last mat of the topic (one query).
        moved=mat_changes(session_db, statement=statement, questions=questions, answers=answers, mat=step.mat, wording=say)
        if step.kind == "mat" and step.mat is not None
        else MatChanges(),
        **_names(),
        **extra,
    )
    screen["s"] = screen  # the macros take the whole screen as one argument
    return screen


def _meeting() -> str | None:
    """Which meeting this statement is for: read with the hand-over (_enter_child_mode)."""
    return g.meeting


def _forced(kind: str) -> Step:
    if g.statement.ended_at is not None:
        return Step("done")
    return Step(kind)


@bp.get("/")
def resume():
    """Back to this tablet's conversation, where it stopped: on a sorting mat begun and not finished (the IRO changed
    how the child answers halfway through it, say), that mat's next card rather than the choice of topics."""
    last = db.session().exec(
        select(Answer.question_id).where(Answer.statement_id == g.statement.id).order_by(Answer.id.desc()).limit(1)
    ).first()
    mat = default_bank().mat(mat_id_of(last or "") or "")
    if mat is not None and g.statement.ended_at is None:
        answers = load_answers(db.session(), statement_id=g.statement.id)
        questions = asked_questions(default_bank(), statement=g.statement, child=g.child, answers=answers, meeting=_meeting())
        step = mat_step(questions, answers, mat=mat)
        if step is not None and step.kind == "question":
            return redirect(url_for("child.mat", statement_id=g.statement.id, mat_id=mat.id, _anchor="step"))
    return redirect(url_for("child.conversation", statement_id=g.statement.id, _anchor="step"))


@bp.get("/statements/<int:statement_id>")
def conversation(statement_id: int):
    """The conversation so far and the next step (the first unanswered question)."""
    return render(TEMPLATE, block="conversation", **_screen())


@bp.get("/statements/<int:statement_id>/mats/<mat_id>")
def mat(statement_id: int, mat_id: str):
    """One sorting mat: its next card to place, or (all placed) the whole mat to look at together."""
    if default_bank().mat(mat_id) is None:
        abort(404)
    if not any(q.mat == mat_id for q in asked_questions(default_bank(), statement=g.statement, child=g.child, answers={}, meeting=_meeting())):
        # A mat this conversation does not offer (handed over again as questions): the conversation as it is.
        return redirect(url_for("child.conversation", statement_id=g.statement.id, _anchor="step"))
    return render(TEMPLATE, block="conversation", **_screen(mat_id=mat_id))


@bp.get("/statements/<int:statement_id>/photos/<int:photo_id>")
def mat_photo(statement_id: int, photo_id: int):
    """One of the child's own photos on a mat, only to this hand-over's tablet (never cached by the browser)."""
    return photo_response(photo_data(db.session(), statement_id=g.statement.id, photo_id=photo_id))


@bp.get("/statements/<int:statement_id>/questions/<question_id>")
def question(statement_id: int, question_id: str):
    """One question of the conversation, to answer it or change the answer."""
    return render(TEMPLATE, block="conversation", **_screen(editing=question_id))


@bp.post("/statements/<int:statement_id>/questions/<question_id>")
def answer(statement_id: int, question_id: str):
    """Save an answer the moment it is given; htmx gets the answer bubble and the next question.

    What is stored is what the child saw: a repeat of an answer already received (the same client id)
    is acknowledged without a write, and a first answer to a question that is no longer the current
    one is refused (409) with the conversation as it is. A "Change" is an explicit edit and wins.
    """
    editing = request.form.get("mode") == "edit"
    try:
        sent = answer_sent(request.form)
    except ValueError:
        abort(400)

    def repeat() -> bool:
        # Looked up only when the answer would be refused: a repeat of the current question's answer is
        # found by save_answer's own receipt (one round trip fewer for every answer).
        return sent is not None and find_receipt(db.session(), statement_id=g.statement.id, client_id=sent.client_id) is not None

    if g.statement.ended_at is not None:
        if repeat():
            return _as_it_is(status=200, question_id=question_id)
        return render(TEMPLATE, block="conversation" if editing else "step", status=409, **_screen())
    try:
        screen = _screen(editing=question_id)
    except NotFound:
        if repeat():  # a follow-up answered, then hidden by a changed answer: the repeat is acknowledged
            return _as_it_is(status=200, question_id=question_id)
        raise
    step = screen["step"]
    if not editing and not is_current(screen["questions"], screen["answers"], question_id=question_id):
        return _as_it_is(status=200 if repeat() else 409, question_id=question_id)
    fields = answer_fields(request.form)
    try:
        given = parse_answer(step.question, **fields, words_allowed=screen["words_allowed"](step.question))
    except AnswerProblem as problem:
        if problem.status == 400:
            abort(400)
        screen.update(problem=problem.message, posted=fields, editing=question_id if editing else None)
        return render(TEMPLATE, block="conversation" if editing else "step", status=422, **screen)
    result = save_answer(
        db.session(),
        statement=g.statement,
        question=step.question,
        given=given,
        scribed=bool(g.child_mode.get("scribing")),
        bank=default_bank(),
        current=screen["answers"].get(step.question.id),
        edit=editing,
        sent=sent,
    )
    if result.outcome != "saved":
        return _as_it_is(status=409 if result.outcome == "stale" else 200, question_id=question_id)
    mat_id = step.question.mat or None
    if not wants_fragment():
        if mat_id:  # on a sorting mat: its next card, or the whole mat
            return redirect(url_for("child.mat", statement_id=g.statement.id, mat_id=mat_id, _anchor="step"))
        return redirect(url_for("child.conversation", statement_id=g.statement.id, _anchor="step"))
    # The answers as now stored, without reading them all back.
    answers = {qid: saved for qid, saved in screen["answers"].items() if qid not in result.forgotten}
    answers[step.question.id] = result.saved
    if mat_id:  # the mat grows: the next card (or the whole mat), with this card in its place
        return render(TEMPLATE, block="conversation" if editing else "step", **_screen(answers=answers, mat_id=mat_id))
    after = _screen(answers=answers)
    if editing:
        return render(TEMPLATE, block="conversation", **after)
    answered = (step.question, after["answers"][step.question.id])
    return render(TEMPLATE, block="step_after_answer", answered=answered, **after)


def _as_it_is(*, status: int, question_id: str | None = None):
    """The whole conversation as stored now, in place of what the tablet shows: after a repeat (200)
    or a refused late answer (409), the screen must show what is really saved (on a mat: that mat)."""
    mat_id = mat_id_of(question_id or "")
    if mat_id is not None and not any(q.mat == mat_id for q in asked_questions(
            default_bank(), statement=g.statement, child=g.child, answers={}, meeting=_meeting())):
        mat_id = None
    if status < 400 and not wants_fragment():
        if mat_id is not None:
            return redirect(url_for("child.mat", statement_id=g.statement.id, mat_id=mat_id, _anchor="step"))
        return redirect(url_for("child.conversation", statement_id=g.statement.id, _anchor="step"))
    response = render(TEMPLATE, block="conversation", status=status, **_screen(mat_id=mat_id))
    if wants_fragment():
        response.headers["HX-Retarget"] = "#conversation"
        response.headers["HX-Reswap"] = "outerHTML"
    return response


@bp.post("/statements/<int:statement_id>/recap")
def recap_seen(statement_id: int):
    """The child has seen what happened since last time; on to the first question."""
    update_child_mode(session, recap_done=True)
    g.child_mode = child_mode_state(session)
    if not wants_fragment():
        return redirect(url_for("child.conversation", statement_id=g.statement.id, _anchor="step"))
    return render(TEMPLATE, block="step", **_screen())


@bp.post("/statements/<int:statement_id>/language")
def choose_language(statement_id: int):
    """The child taps their language on the first screen; the whole conversation switches to it."""
    code = request.form.get("language")
    if code not in {lang.code for lang in available_languages()}:
        abort(400)
    if g.statement.ended_at is None:
        g.statement.language = code
        session_db = db.session()
        session_db.add(g.statement)
        session_db.commit()
    # A full page: the direction and language of the whole document may change.
    return redirect(url_for("child.conversation", statement_id=g.statement.id))


@bp.get("/statements/<int:statement_id>/finish")
def finish(statement_id: int):
    """"I've finished": ask who may see it."""
    return render(TEMPLATE, block="step", **_screen(step=_forced("sharing")))


@bp.post("/statements/<int:statement_id>/sharing")
def sharing(statement_id: int):
    """Who may see it; then the statement is finished."""
    choice = request.form.get("sharing")
    if choice not in {s.value for s in Sharing}:
        abort(400)
    end_statement(db.session(), statement=g.statement, reason=StatementEnd.FINISHED, sharing=Sharing(choice))
    if not wants_fragment():
        return redirect(url_for("child.conversation", statement_id=g.statement.id, _anchor="step"))
    return render(TEMPLATE, block="step", **_screen())


@bp.get("/statements/<int:statement_id>/stop")
def stop_confirm(statement_id: int):
    """"I want to stop": check, kindly."""
    return render(TEMPLATE, block="step", **_screen(step=_forced("stop")))


@bp.post("/statements/<int:statement_id>/stop")
def stop(statement_id: int):
    """Stop here; everything said so far is kept."""
    end_statement(db.session(), statement=g.statement, reason=StatementEnd.STOPPED)
    if not wants_fragment():
        return redirect(url_for("child.conversation", statement_id=g.statement.id, _anchor="step"))
    return render(TEMPLATE, block="step", **_screen())


@bp.route("/give-back", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def give_back():
    """The IRO takes the tablet back with their password (or PIN, while allowed); a fresh staff session starts."""
    form = GiveBackForm()
    error = None
    status = 200
    if form.validate_on_submit():
        outcome = try_handback(db.session(), handover_id=g.handover.id, user=g.iro, secret=form.secret.data)
        if outcome.ok:
            end_handover(db.session(), handover=g.handover)
            name = g.child.preferred_name
            sign_in_browser(g.iro)  # the staff session ended at hand-over; this is a new one
            flash(f"Welcome back. Every answer {name} gave that reached voice-app is saved.", "success")
            return redirect(_after_handback_url())
        if outcome.wait:
            error, status = _("Too many tries. Please wait a few minutes, then try again."), 429
        else:
            error, status = _("That isn't right. Please try again."), 422
    elif form.errors:
        status = 422
    db.session().refresh(g.handover)  # the failures just counted, for the page's advice
    only_password = not pin_allowed(g.handover, now=utcnow())
    return render_template("child/give_back.html", form=form, error=error, only_password=only_password), status


@bp.route("/access", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def access():
    """The IRO changes how the child answers (touch, switches, dwell) without taking the tablet back."""
    form = ChildAccessForm()
    if not form.is_submitted():
        form.fill_access(stored_settings(g.handover.access))
    error = None
    status = 200
    if form.validate_on_submit():
        outcome = try_handback(db.session(), handover_id=g.handover.id, user=g.iro, secret=form.secret.data, action=ACCESS_ACTION)
        if outcome.ok:
            set_access(db.session(), handover=g.handover, settings=form.access_settings())
            return redirect(url_for("child.resume"))
        if outcome.wait:
            error, status = _("Too many tries. Please wait a few minutes, then try again."), 429
        else:
            error, status = _("That isn't right. Please try again."), 422
    elif form.errors:
        status = 422
    db.session().refresh(g.handover)
    only_password = not pin_allowed(g.handover, now=utcnow())
    return render_template("child/access.html", form=form, error=error, only_password=only_password), status


def _after_handback_url() -> str:
    if g.iro.role == Role.PRACTITIONER:  # never shown the statement: back to the one page they have
        return url_for("practitioners.home")
    return url_for("statements.show", statement_id=g.statement.id)


_CHILD_ERRORS = {
    400: _l("Something went wrong with that. Please try again."),
    403: _l("That page is closed right now."),
    404: _l("We couldn't find that page."),
    405: _l("Something went wrong with that. Please try again."),
    413: _l("That was too much to send at once. Please make it shorter."),
    429: _l("Too many tries. Please wait a few minutes, then try again."),
    500: _l("Sorry, something went wrong. What you told us before is safe. Please try again."),
}


def _child_error(code: int):
    message = str(_CHILD_ERRORS[code])
    return render("child/error.html", block="step", status=code, message=message)


for _code in _CHILD_ERRORS:
    bp.register_error_handler(_code, lambda _exc, code=_code: _child_error(code))
bp.register_error_handler(CSRFError, lambda _exc: _child_error(400))
