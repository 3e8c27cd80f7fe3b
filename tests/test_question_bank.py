"""The shipped question bank and Child's Menu: valid data that the flow can render for every child."""

import re
from pathlib import Path

import pytest

from voice_app.i18n.terms import TERM_CHOICES
from voice_app.questions.bank import (
    MENU_EXTRA_CHOICES,
    BankError,
    default_bank,
    load_bank,
)

pytestmark = pytest.mark.any_database(reason="the shipped question bank's data files")

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "static" / "icons"
BANK = default_bank()
VIEWS = [q for q in BANK.questions if q.part == "views"]
MENU = [q for q in BANK.questions if q.part == "menu"]


def test_every_symbol_exists():
    for question in BANK.questions:
        for symbol in [question.symbol, *(choice.symbol for choice in question.choices)]:
            assert (ICONS / f"{symbol}.svg").is_file(), f"{question.id} uses missing symbol {symbol}"


def test_question_ids_are_unique_and_stable_looking():
    ids = [q.id for q in BANK.questions]
    assert len(ids) == len(set(ids))
    assert all(qid.replace("-", "").isalnum() and qid == qid.lower() for qid in ids if not qid.startswith("mat."))
    # A sorting mat's card: "mat.<mat>.<option>", each part lower-case letters, digits and underscores.
    cards = [qid.split(".") for qid in ids if qid.startswith("mat.")]
    assert cards and all(len(parts) == 3 and all(p.replace("_", "").isalnum() and p == p.lower() for p in parts) for parts in cards)


def test_younger_children_never_need_to_type():
    younger = [q for q in BANK.questions if "younger" in q.versions]
    assert younger and not [q.id for q in younger if q.kind == "text"]


def test_older_children_get_more_questions_and_words():
    for cared_for, cp in [(True, False), (False, True), (True, True)]:
        younger = BANK.for_child(parts=("views",), version="younger", cared_for=cared_for, on_cp_plan=cp)
        older = BANK.for_child(parts=("views",), version="older", cared_for=cared_for, on_cp_plan=cp)
        assert len(older) > len(younger)
    assert any(q.kind == "text" for q in VIEWS if "older" in q.versions)


def test_the_views_cover_every_topic_of_issue_3():
    ids = {q.id for q in VIEWS}
    expected = {
        "feel-today", "home", "home-people", "family-time", "school", "fun", "friends", "health",
        "social-worker", "iro", "going-well", "worries", "wishes", "anything-else",
        "house-worries", "house-good", "house-dreams", "safe-scale",
    }
    assert expected <= ids


def test_the_safety_scale_is_only_for_children_on_a_plan_and_the_houses_follow_the_service_setting():
    cp_only = {q.id for q in BANK.questions if q.audience == "cp"}
    assert cp_only == {"safe-scale", "understand-plan"}
    houses = {q.id for q in BANK.questions if q.audience == "houses"}
    assert houses == {"house-worries", "house-good", "house-dreams"}
    scale = BANK.get("safe-scale")
    assert scale.kind == "scale" and scale.scale_low and scale.scale_high
    asked = {q.id for q in BANK.for_child(parts=("views",), version="younger", cared_for=True, on_cp_plan=False)}
    assert not cp_only & asked and houses <= asked  # the houses are offered to children in care by default
    turned_off = {q.id for q in BANK.for_child(parts=("views",), version="younger", cared_for=True, on_cp_plan=False, houses_for_cared_for=False)}
    assert not houses & turned_off
    asked_cp = BANK.for_child(parts=("views",), version="younger", cared_for=False, on_cp_plan=True, houses_for_cared_for=False)
    assert cp_only | houses <= {q.id for q in asked_cp}
    assert "family-time" not in {q.id for q in asked_cp}  # family time is for cared-for children


def test_the_menu_has_every_item_of_issue_4_each_with_a_plan_label():
    assert [q.id for q in MENU if not q.id.startswith("yp-")] == [
        "menu-format", "menu-where", "menu-when", "menu-who", "menu-not-wanted", "menu-attend",
        "menu-chair", "menu-share", "menu-pre-meeting", "menu-meet-chair", "menu-help", "menu-private",
    ]
    assert all(q.plan_label for q in MENU)
    assert not [q.id for q in VIEWS if q.plan_label]


def test_the_chair_is_asked_only_before_a_cared_for_review_and_meeting_the_chair_only_before_a_conference():
    def menu(meeting):
        return {q.id for q in BANK.for_child(parts=("menu",), version="older", cared_for=True, on_cp_plan=True, meeting=meeting)}

    before_review, before_conference = menu("cared_for_review"), menu("conference")
    assert "menu-chair" in before_review and "menu-meet-chair" not in before_review
    assert "menu-chair" not in before_conference and "menu-meet-chair" in before_conference
    assert {"menu-format", "menu-who", "menu-share"} <= before_review & before_conference


def test_a_question_for_an_unknown_meeting_is_refused(tmp_path):
    from voice_app.questions.bank import BankError, load_bank

    (tmp_path / "views.toml").write_text('[[question]]\nid = "q"\nkind = "text"\nprompt = "P"\nsymbol = "s"\nmeeting = "party"\n', encoding="utf-8")
    (tmp_path / "menu.toml").write_text("", encoding="utf-8")
    with pytest.raises(BankError, match="meeting 'party'"):
        load_bank(tmp_path)


def test_menu_choices_match_the_review_record():
    from voice_app.models import ChairRole, MeetingFormat

    assert {c.id for c in BANK.get("menu-format").choices} == {f.value for f in MeetingFormat}
    assert {c.id for c in BANK.get("menu-chair").choices} == {r.value for r in ChairRole}


def test_where_is_asked_only_for_meetings_in_a_room():
    where = BANK.get("menu-where")
    assert where.show_if.question == "menu-format" and set(where.show_if.any_of) == {"face_to_face", "hybrid"}
    assert where.choice("other") is not None and where.allow_text  # "somewhere else" in words


def test_who_is_wanted_and_not_wanted_are_stored_apart():
    wanted, not_wanted = BANK.get("menu-who"), BANK.get("menu-not-wanted")
    assert wanted.kind == not_wanted.kind == "people"
    assert (wanted.position, not_wanted.position) == (0, 1)
    people = {c.id for c in wanted.choices}
    assert {"mum", "dad", "carer", "siblings", "family", "social_worker", "teacher", "friend", "advocate", "health_worker", "someone_else"} == people


def test_no_question_uses_the_menu_extra_ids():
    for question in BANK.questions:
        assert not {c.id for c in question.choices} & set(MENU_EXTRA_CHOICES)


def test_every_wording_formats_with_the_service_terms(app):
    from voice_app.i18n.terms import tgettext

    with app.test_request_context():
        for question in BANK.questions:
            for text in [question.prompt, question.text_prompt, question.scale_low, question.scale_high, *(c.label for c in question.choices)]:
                if text:
                    assert "%(" not in tgettext(text), text


@pytest.mark.parametrize("word", ["placement", "looked after", "contact", "care leaver"])
def test_the_bank_uses_the_childrens_words(word):
    for path in (ROOT / "voice_app" / "questions").glob("*.toml"):
        body = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("#"))
        assert word not in body.lower(), f"{path.name} says {word!r}; use a term placeholder"
    assert TERM_CHOICES  # the placeholders exist


def test_a_question_using_a_kept_choice_id_is_refused(tmp_path):
    (tmp_path / "views.toml").write_text('[[question]]\nid="x"\nkind="choice"\nprompt="P"\nsymbol="guide"\nchoices=[{id="dont_mind", label="L", symbol="guide"}]\n')
    (tmp_path / "menu.toml").write_text("")
    with pytest.raises(BankError, match="kept for the menu"):
        load_bank(tmp_path)


# Symbols that say something: a thumbs-up reads as "yes, good", a thumbs-down as "no, bad", the neutral face as "so-so".
SAYS_YES = re.compile(r"^(yes|good|i like|i feel well|i understand)\b", re.I)
SAYS_NO = re.compile(r"^(no|not|hard|i don't like)\b", re.I)
SAYS_SO_SO = re.compile(r"^(it's ok|ok|a bit|some of it|sometimes)$", re.I)


def test_every_cards_symbol_says_what_its_words_say():
    """Issue 28: "No" to "anything you don't want talked about?" showed a thumbs-up; each card is checked once here."""
    wrong = []
    for question in BANK.questions:
        for choice in question.choices:
            words = choice.label
            if choice.symbol == "thumbs-up" and not SAYS_YES.match(words):
                wrong.append(f"{question.id}/{choice.id}: thumbs-up on {words!r}")
            if choice.symbol == "thumbs-down" and not SAYS_NO.match(words):
                wrong.append(f"{question.id}/{choice.id}: thumbs-down on {words!r}")
            if SAYS_SO_SO.match(words) and choice.symbol not in {"in-between", "feel-ok"}:
                wrong.append(f"{question.id}/{choice.id}: {choice.symbol} on {words!r}, not the neutral face")
            if choice.symbol == "in-between" and not SAYS_SO_SO.match(words):
                wrong.append(f"{question.id}/{choice.id}: the neutral face on {words!r}")
    assert not wrong, "\n".join(wrong)
