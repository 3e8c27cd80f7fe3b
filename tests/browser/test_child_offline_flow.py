"""The offline pack's flow (static/js/child-offline.js) decides exactly as the server's (voice_app/child/flow.py).

Every show_if condition of the question banks, every parts/version/status combination's whole flow over many
answer sets, and every kind of answer check, through both the Python and the JavaScript, compared.
"""

import itertools
import random
from pathlib import Path

import pytest

from voice_app.child.flow import AnswerInput, AnswerProblem, SavedAnswer, next_step, parse_answer, shown
from voice_app.models import Statement
from voice_app.questions.bank import MENU_EXTRA_CHOICES, default_bank

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "child-offline.js"
BANK = default_bank()


@pytest.fixture
def flow(page):
    """A blank page with the offline script loaded: its rules as window.voiceFlow (nothing else runs)."""
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(SCRIPT))
    assert page.evaluate("() => typeof window.voiceFlow.shown") == "function"
    return page


def as_pack(question) -> dict:
    """A question as the offline pack carries it (pack_routes._question_pack), without its HTML."""
    from voice_app.child.flow import extras_for

    return {
        "id": question.id,
        "kind": question.kind,
        "show_if": {"question": question.show_if.question, "any_of": list(question.show_if.any_of)} if question.show_if else None,
        "choices": [c.id for c in question.choices],
        "extras": list(extras_for(question)),
        "words": True,
    }


def as_js(answers: dict[str, SavedAnswer]) -> dict:
    return {qid: {"choices": list(saved.choices)} for qid, saved in answers.items()}


def answer_sets(earlier) -> list[dict[str, SavedAnswer]]:
    """Every kind of answer the earlier question of a condition can have: none, skipped, words, each card, pairs."""
    qid = earlier.id
    cards = [c.id for c in earlier.choices] + list(MENU_EXTRA_CHOICES)
    sets = [{}, {qid: SavedAnswer(qid, skipped=True)}, {qid: SavedAnswer(qid, text="words")}, {qid: SavedAnswer(qid, scale=4)}]
    sets += [{qid: SavedAnswer(qid, (card,))} for card in cards]
    sets += [{qid: SavedAnswer(qid, pair)} for pair in itertools.combinations(cards, 2)]
    return sets


def test_every_show_if_condition_decides_the_same_in_python_and_javascript(flow):
    conditions = [q for q in BANK.questions if q.show_if is not None]
    assert conditions, "the banks have no show_if: nothing to compare"
    cases = []
    for question in conditions:
        for answers in answer_sets(BANK.get(question.show_if.question)):
            cases.append((as_pack(question), as_js(answers), shown(question, answers)))
    got = flow.evaluate("(cases) => cases.map(([q, a]) => window.voiceFlow.shown(q, a))", [[q, a] for q, a, _ in cases])
    assert got == [expected for _, _, expected in cases]
    assert True in got and False in got


def _random_answers(rng, candidates) -> dict[str, SavedAnswer]:
    answers = {}
    for question in candidates:
        roll = rng.random()
        if roll < 0.25:
            continue
        cards = [c.id for c in question.choices] + (list(MENU_EXTRA_CHOICES) if question.part == "menu" else [])
        if roll < 0.35 or not cards:
            answers[question.id] = SavedAnswer(question.id, skipped=True)
        else:
            answers[question.id] = SavedAnswer(question.id, tuple(rng.sample(cards, k=min(len(cards), rng.choice((1, 1, 2))))))
    return answers


@pytest.mark.parametrize("version", ["younger", "older"])
@pytest.mark.parametrize("parts", ["views,menu", "menu", "after,views,menu,explain"])
@pytest.mark.parametrize(("cared_for", "on_cp_plan"), [(True, False), (False, True), (True, True)])
def test_the_whole_flow_picks_the_same_next_step(flow, version, parts, cared_for, on_cp_plan):
    rng = random.Random(f"{version}{parts}{cared_for}{on_cp_plan}")
    candidates = BANK.for_child(parts=tuple(parts.split(",")), version=version, cared_for=cared_for, on_cp_plan=on_cp_plan)
    statement = Statement(child_id=1, visit_id=1, version=version, parts=parts)
    cases, expected = [], []
    for _ in range(60):
        answers = _random_answers(rng, candidates)
        asked = [q for q in candidates if shown(q, answers)]
        step = next_step(asked, answers, statement=statement, recap_pending=False)
        expected.append([[q.id for q in asked], step.kind, step.question.id if step.question else None, step.number, step.total])
        cases.append(as_js(answers))
    got = flow.evaluate(
        """([questions, cases]) => cases.map((answers) => {
             const step = window.voiceFlow.nextStep(questions, answers);
             return [window.voiceFlow.asked(questions, answers).map((q) => q.id), step.kind,
                     step.question ? step.question.id : null, step.number, step.total];
           })""",
        [[as_pack(q) for q in candidates], cases],
    )
    assert got == expected


def _python_check(question, fields) -> object:
    try:
        given = parse_answer(question, **fields, words_allowed=True)
    except AnswerProblem as problem:
        return "unknown" if problem.status == 400 else str(problem.message)
    assert isinstance(given, AnswerInput)
    return {"choices": list(given.choices), "scale": given.scale, "text": given.text, "skipped": given.skipped}


def test_every_kind_of_answer_is_checked_the_same_way(flow):
    from voice_app.child.flow import NEED_A_NUMBER, NEED_A_PICTURE, NEED_WORDS, TOO_LONG

    problems = {"picture": str(NEED_A_PICTURE), "number": str(NEED_A_NUMBER), "words": str(NEED_WORDS), "long": str(TOO_LONG)}
    cases, expected = [], []
    for question in BANK.questions:
        cards = [c.id for c in question.choices]
        tries = [
            dict(choices=[], special=None, scale=None, text=None, skip=True),
            dict(choices=[], special=None, scale=None, text=None, skip=False),
            dict(choices=[], special=None, scale=None, text="  \r\n ", skip=False),
            dict(choices=[], special=None, scale=None, text="My\r\nwords\x00", skip=False),
            dict(choices=[], special=None, scale=None, text="x" * 2001, skip=False),
            dict(choices=[], special="dont_mind", scale=None, text=None, skip=False),
            dict(choices=[], special=None, scale="7", text=None, skip=False),
            dict(choices=[], special=None, scale="11", text=None, skip=False),
            dict(choices=["no-such-card"], special=None, scale=None, text=None, skip=False),
        ]
        if cards:
            tries.append(dict(choices=list(reversed(cards[:3])) + cards[:1], special=None, scale=None, text=None, skip=False))
            tries.append(dict(choices=cards[-1:], special=None, scale=None, text="and words", skip=False))
        for fields in tries:
            python = _python_check(question, fields)
            if isinstance(python, str) and python != "unknown":
                python = {"problem": next(key for key, words in problems.items() if words == python)}
            elif python == "unknown":
                python = {"problem": "unknown"}
            expected.append(python)
            cases.append([as_pack(question), {**fields, "choices": fields["choices"]}])
    got = flow.evaluate("(cases) => cases.map(([q, f]) => window.voiceFlow.parseAnswer(q, f, 2000))", cases)
    assert got == expected
