"""The conversation's rules as plain functions: what is asked next, saving answers, ending, the recap."""

import threading

import pytest
from sqlmodel import Session, select

from tests.child_support import make_statement
from voice_app.child.flow import (
    TEXT_MAX,
    AnswerInput,
    AnswerProblem,
    asked_questions,
    end_statement,
    load_answers,
    mark_recap_shown,
    next_step,
    parse_answer,
    question_step,
    recap_for,
    save_answer,
    text_allowed,
)
from voice_app.models import (
    Answer,
    AnswerChoice,
    ChildResponse,
    DecisionOutcome,
    FlowVersion,
    MenuDecision,
    Role,
    Sharing,
    StatementEnd,
)
from voice_app.questions.bank import default_bank

BANK = default_bank()


@pytest.fixture
def world(db, make):
    iro = make.staff(Role.IRO)
    child = make.child(iro)
    visit = make.visit(make.review(child), iro=iro)
    statement = make_statement(db, visit, child)
    return dict(db=db, make=make, iro=iro, child=child, visit=visit, statement=statement)


def _asked(world, answers=None, **statement_fields):
    statement = world["statement"]
    for key, value in statement_fields.items():
        setattr(statement, key, value)
    return asked_questions(BANK, statement=statement, child=world["child"], answers=answers or {})


def _save(world, question_id, given, *, scribed=False):
    current = load_answers(world["db"], statement_id=world["statement"].id).get(question_id)
    return save_answer(world["db"], statement=world["statement"], question=BANK.get(question_id), given=given, scribed=scribed, bank=BANK, current=current)


def test_the_first_question_comes_first_and_progress_counts_every_question(world):
    questions = _asked(world)
    step = next_step(questions, {}, statement=world["statement"], recap_pending=False)
    assert (step.kind, step.question.id, step.number, step.total) == ("question", "feel-today", 1, len(questions))


def test_version_and_audience_choose_the_questions(world):
    younger = {q.id for q in _asked(world, version=FlowVersion.YOUNGER)}
    older = {q.id for q in _asked(world, version=FlowVersion.OLDER)}
    assert "anything-else-tell" in younger and "anything-else" not in younger
    assert {"anything-else", "iro", "friends"} <= older
    assert "safe-scale" not in older  # not on a plan
    world["child"].on_cp_plan = True
    assert {"house-worries", "house-good", "house-dreams", "safe-scale"} <= {q.id for q in _asked(world)}


def test_parts_choose_views_menu_or_both(world):
    assert {q.part for q in _asked(world, parts="views")} == {"views"}
    menu_only = _asked(world, parts="menu")
    assert {q.part for q in menu_only} == {"menu"} and menu_only[0].id == "menu-format"


def test_show_if_asks_where_only_for_a_meeting_in_a_room(world):
    assert "menu-where" not in {q.id for q in _asked(world, parts="menu")}
    _save(world, "menu-format", AnswerInput(choices=("virtual",)))
    answers = load_answers(world["db"], statement_id=world["statement"].id)
    assert "menu-where" not in {q.id for q in _asked(world, answers, parts="menu")}
    _save(world, "menu-format", AnswerInput(choices=("hybrid",)))
    answers = load_answers(world["db"], statement_id=world["statement"].id)
    questions = _asked(world, answers, parts="menu")
    assert next_step(questions, answers, statement=world["statement"], recap_pending=False).question.id == "menu-where"


def test_changing_format_forgets_a_place_that_no_longer_applies(world):
    _save(world, "menu-format", AnswerInput(choices=("face_to_face",)))
    _save(world, "menu-where", AnswerInput(choices=("school",)))
    result = _save(world, "menu-format", AnswerInput(choices=("virtual",)))
    assert result.forgotten == ("menu-where",)
    answers = load_answers(world["db"], statement_id=world["statement"].id)
    assert set(answers) == {"menu-format"}
    assert world["db"].exec(select(AnswerChoice)).all() == [AnswerChoice(answer_id=answers_id(world, "menu-format"), choice_id="virtual", position=0)]


def answers_id(world, question_id):
    return world["db"].exec(select(Answer.id).where(Answer.question_id == question_id)).one()


def test_resume_starts_at_the_first_unanswered_question(world):
    _save(world, "feel-today", AnswerInput(choices=("happy",)))
    _save(world, "home", AnswerInput(skipped=True))
    answers = load_answers(world["db"], statement_id=world["statement"].id)
    step = next_step(_asked(world, answers), answers, statement=world["statement"], recap_pending=False)
    assert (step.question.id, step.number) == ("home-people", 3)


def test_after_the_last_question_comes_sharing_then_done(world):
    questions = _asked(world, parts="menu")
    for question in questions:
        _save(world, question.id, AnswerInput(skipped=True))
    answers = load_answers(world["db"], statement_id=world["statement"].id)
    assert next_step(questions, answers, statement=world["statement"], recap_pending=False).kind == "sharing"
    end_statement(world["db"], statement=world["statement"], reason=StatementEnd.FINISHED, sharing=Sharing.IRO_ONLY)
    assert next_step(questions, answers, statement=world["statement"], recap_pending=False).kind == "done"


def test_saving_twice_keeps_one_answer_and_changing_replaces_the_cards(world):
    assert _save(world, "home-people", AnswerInput(choices=("mum", "pet"))).changed
    assert not _save(world, "home-people", AnswerInput(choices=("pet", "mum"))).changed  # the same answer again
    assert _save(world, "home-people", AnswerInput(choices=("dad",), text="and my dog")).changed
    db = world["db"]
    assert len(db.exec(select(Answer)).all()) == 1
    assert [c.choice_id for c in db.exec(select(AnswerChoice)).all()] == ["dad"]
    saved = load_answers(db, statement_id=world["statement"].id)["home-people"]
    assert (saved.choices, saved.text) == (("dad",), "and my dog")


def test_not_wanted_people_are_stored_with_position_one(world):
    _save(world, "menu-who", AnswerInput(choices=("mum", "teacher")))
    _save(world, "menu-not-wanted", AnswerInput(choices=("dad",)))
    positions = {(c.choice_id, c.position) for c in world["db"].exec(select(AnswerChoice)).all()}
    assert positions == {("mum", 0), ("teacher", 0), ("dad", 1)}


def test_scribed_answers_are_marked_and_the_statement_remembers(world):
    _save(world, "feel-today", AnswerInput(choices=("ok",), text="Tired today"), scribed=True)
    db = world["db"]
    db.expire_all()
    answer = db.exec(select(Answer)).one()
    assert answer.scribed and world["statement"].scribed


def test_a_skip_is_an_answer(world):
    _save(world, "feel-today", AnswerInput(skipped=True))
    assert load_answers(world["db"], statement_id=world["statement"].id)["feel-today"].skipped


def test_stop_and_finish_are_recorded_once(world):
    end_statement(world["db"], statement=world["statement"], reason=StatementEnd.STOPPED)
    again = end_statement(world["db"], statement=world["statement"], reason=StatementEnd.FINISHED, sharing=Sharing.MEETING)
    assert again.end_reason == StatementEnd.STOPPED and again.sharing is None and again.ended_at


def _parse(question_id, words_allowed=True, **fields):
    values = dict(choices=[], special=None, scale=None, text=None, skip=False)
    values.update(fields)
    return parse_answer(BANK.get(question_id), words_allowed=words_allowed, **values)


def test_parse_checks_choices_against_the_question():
    assert _parse("feel-today", choices=["sad"]) == AnswerInput(choices=("sad",))
    assert _parse("fun", choices=["music", "art", "music"]).choices == ("music", "art")
    for bad in (["nonsense"], ["happy", "sad"]):
        with pytest.raises(AnswerProblem) as problem:
            _parse("feel-today", choices=bad)
        assert problem.value.status == 400


def test_parse_asks_kindly_for_something_to_save():
    with pytest.raises(AnswerProblem) as problem:
        _parse("fun")
    assert problem.value.status == 422 and "Tap a picture" in str(problem.value.message)
    assert _parse("fun", text="Skateboarding").text == "Skateboarding"  # words alone are an answer


def test_menu_items_offer_dont_mind_and_views_do_not():
    assert _parse("menu-chair", special="dont_mind", choices=["child"]) == AnswerInput(choices=("dont_mind",))
    with pytest.raises(AnswerProblem):
        _parse("feel-today", special="dont_mind")


def test_scale_is_a_number_from_0_to_10():
    assert _parse("safe-scale", scale="7").scale == 7
    for bad in ("11", "-1", "seven"):
        with pytest.raises(AnswerProblem) as problem:
            _parse("safe-scale", scale=bad)
        assert problem.value.status == 400
    with pytest.raises(AnswerProblem) as problem:
        _parse("safe-scale")
    assert problem.value.status == 422


def test_words_are_kept_as_typed_within_the_limit():
    words = "  <b>Me & my</b> 'dog'\r\nنعم  "
    assert _parse("anything-else", text=words).text == "  <b>Me & my</b> 'dog'\nنعم  "
    assert _parse("anything-else", text="x" * TEXT_MAX).text == "x" * TEXT_MAX
    with pytest.raises(AnswerProblem) as problem:
        _parse("anything-else", text="x" * (TEXT_MAX + 1))
    assert problem.value.status == 422 and "shorter" in str(problem.value.message)
    with pytest.raises(AnswerProblem):
        _parse("anything-else", text="   \n ")
    assert _parse("anything-else", text="a\x00b").text == "ab"


def test_words_are_dropped_where_they_are_not_offered():
    assert _parse("feel-today", choices=["ok"], text="why", words_allowed=False).text is None


def test_younger_children_get_a_words_box_only_when_their_iro_scribes(world):
    question = BANK.get("feel-today")
    statement = world["statement"]
    assert not text_allowed(question, statement=statement, scribing=False)
    assert text_allowed(question, statement=statement, scribing=True)
    statement.version = FlowVersion.OLDER
    assert text_allowed(question, statement=statement, scribing=False)


def test_question_step_finds_only_questions_that_are_asked(world):
    questions = _asked(world)
    assert question_step(questions, "home").number == 2
    assert question_step(questions, "safe-scale") is None and question_step(questions, "nope") is None


def _save_in_thread(engine, statement_id, given, barrier, errors):
    from voice_app.models import Statement

    try:
        with Session(engine, expire_on_commit=False) as db:
            statement = db.get(Statement, statement_id)
            barrier.wait(timeout=10)
            save_answer(db, statement=statement, question=BANK.get("home-people"), given=given, scribed=False, bank=BANK)
    except Exception as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)


def test_simultaneous_first_answers_make_one_row(app, world):
    engine = app.extensions["voice_app_engine"]
    givens = [AnswerInput(choices=("mum",)), AnswerInput(choices=("mum",)), AnswerInput(choices=("dad", "pet")), AnswerInput(choices=("mum",))]
    barrier = threading.Barrier(len(givens))
    errors: list = []
    threads = [threading.Thread(target=_save_in_thread, args=(engine, world["statement"].id, g, barrier, errors)) for g in givens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    db = world["db"]
    answers = db.exec(select(Answer)).all()
    assert len(answers) == 1
    chosen = sorted(c.choice_id for c in db.exec(select(AnswerChoice)).all())
    assert chosen in (["mum"], ["dad", "pet"])  # one of the answers, whole, never a mixture


def _previous_with_plan(world):
    db, make = world["db"], world["make"]
    old_visit = make.visit(make.review(world["child"], days_ahead=-150), iro=world["iro"])
    old = make_statement(db, old_visit, world["child"], started_at=world["statement"].started_at.replace(year=world["statement"].started_at.year - 1))
    for question_id, choices in [("menu-format", ("virtual",)), ("menu-chair", ("child",)), ("worries", ("school",))]:
        save_answer(db, statement=old, question=BANK.get(question_id), given=AnswerInput(choices=choices), scribed=False, bank=BANK)
    db.add(MenuDecision(statement_id=old.id, item_id="menu-format", outcome=DecisionOutcome.AGREED, decided_by_id=world["iro"].id))
    db.add(MenuDecision(statement_id=old.id, item_id="menu-chair", outcome=DecisionOutcome.NOT_POSSIBLE, reason_for_child="Your social worker had to run it this time.", decided_by_id=world["iro"].id))
    db.add(ChildResponse(statement_id=old.id, question_id="worries", we_did="We talked to your school about the bus.", written_by_id=world["iro"].id))
    db.commit()
    return old


def test_the_recap_reads_last_times_choices_decisions_and_responses(world):
    _previous_with_plan(world)
    items = recap_for(world["db"], statement=world["statement"], bank=BANK)
    assert [item.question_id for item in items] == ["worries", "menu-format", "menu-chair"]
    worries, fmt, chair = items
    assert worries.said.choices == ("school",) and worries.response.we_did.startswith("We talked")
    assert fmt.decision.outcome == DecisionOutcome.AGREED and fmt.said.choices == ("virtual",)
    assert chair.decision.reason_for_child == "Your social worker had to run it this time."
    questions = _asked(world)
    assert next_step(questions, {}, statement=world["statement"], recap_pending=True).kind == "recap"


def test_marking_the_recap_shown_sets_the_time_once(world):
    _previous_with_plan(world)
    db = world["db"]
    items = recap_for(db, statement=world["statement"], bank=BANK)
    mark_recap_shown(db, items=items)
    first = db.exec(select(ChildResponse)).one().shown_to_child_at
    assert first is not None
    mark_recap_shown(db, items=recap_for(db, statement=world["statement"], bank=BANK))
    db.expire_all()
    assert db.exec(select(ChildResponse)).one().shown_to_child_at == first


def test_no_recap_without_decisions_or_responses(world):
    make = world["make"]
    old_visit = make.visit(make.review(world["child"], days_ahead=-150), iro=world["iro"])
    make_statement(world["db"], old_visit, world["child"])
    assert recap_for(world["db"], statement=world["statement"], bank=BANK) == []


def test_an_answer_sent_from_a_stale_page_updates_the_row_another_tap_made(app, world):
    # The other tap's answer landed after this request read the statement (current=None): the
    # upsert turns this request's INSERT into an UPDATE of that row instead of a second row or an error.
    db = world["db"]
    with Session(app.extensions["voice_app_engine"]) as other:
        other.add(Answer(statement_id=world["statement"].id, question_id="feel-today", skipped=True))
        other.commit()
    result = save_answer(db, statement=world["statement"], question=BANK.get("feel-today"), given=AnswerInput(choices=("happy",)), scribed=False, bank=BANK)
    assert result.changed
    db.expire_all()
    answer = db.exec(select(Answer)).one()
    assert not answer.skipped and [c.choice_id for c in db.exec(select(AnswerChoice)).all()] == ["happy"]
