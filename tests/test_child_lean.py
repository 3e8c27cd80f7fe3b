"""What a child's step looks up once (per app, per request or per bank) is what a fresh look-up gives (issue 33)."""

from __future__ import annotations

import itertools

from flask import url_for

from tests.conftest import make_settings
from voice_app import create_app
from voice_app.questions.bank import QuestionBank, default_bank
from voice_app.web_assets import SPRITE, SPRITE_HEADER

pytest_plugins = ["tests.child_support"]  # the hand_over fixture


def test_the_questions_a_child_is_asked_are_the_same_from_the_bank_s_memory_as_worked_out_afresh():
    bank = default_bank()
    parts = (("views", "menu"), ("views",), ("menu", "views"))
    for part, version, cared_for, on_cp_plan, meeting, houses in itertools.product(
        parts, ("younger", "older"), (True, False), (True, False), (None, "cared_for_review", "conference"), (True, False)
    ):
        asked = dict(
            parts=part, version=version, cared_for=cared_for, on_cp_plan=on_cp_plan, meeting=meeting, houses_for_cared_for=houses
        )
        fresh = bank._for_child(part, version, cared_for, on_cp_plan, meeting, houses)
        assert bank.for_child(**asked) == fresh
        kept = bank.for_child(**asked)
        assert kept == fresh
        kept.clear()  # a caller changing its list does not change the next child's questions
        assert bank.for_child(**asked) == fresh


def test_a_new_catalogue_is_a_new_bank_that_remembers_nothing_of_the_old_one():
    old = default_bank()
    asked = dict(parts=("views", "menu"), version="younger", cared_for=True, on_cp_plan=False)
    assert old.for_child(**asked)
    smaller = QuestionBank(questions=old.questions[:3], by_id={q.id: q for q in old.questions[:3]})
    assert smaller.for_child(**asked) == [q for q in old.for_child(**asked) if q in old.questions[:3]]


def test_each_mount_point_names_its_own_sprite_in_a_step(tmp_path):
    app = create_app(settings=make_settings(f"sqlite:///{tmp_path}/lean.db"))
    for root in ("", "/voice", ""):
        with app.test_request_context("/", base_url=f"http://localhost{root}/"):
            sprite = url_for("static", filename=SPRITE)
        assert sprite.startswith(f"{root}/static/icons/sprite.")
        with app.test_request_context("/", base_url=f"http://localhost{root}/", headers={SPRITE_HEADER: sprite}):
            symbol = str(app.jinja_env.globals["symbol_svg"]("guide", "sym"))
            assert f'<use href="{sprite}#guide"/>' in symbol
            assert str(app.jinja_env.globals["symbol_svg"]("star", "sym")) == symbol.replace("#guide", "#star")
        with app.test_request_context("/", base_url=f"http://localhost{root}/"):  # a page without the sprite: drawn inline
            assert "<use" not in str(app.jinja_env.globals["symbol_svg"]("guide", "sym"))


def test_templates_say_what_flask_babel_says_in_every_language_even_when_the_language_changes_mid_request(tmp_path):
    from flask import render_template_string
    from flask_babel import force_locale, gettext

    from voice_app.i18n import LANGUAGES, use_language

    app = create_app(settings=make_settings(f"sqlite:///{tmp_path}/lean.db"))
    template = "{{ _('Choose your language') }}|{{ _('%(number)s of %(total)s', number=2, total=9) }}"
    seen = set()
    with app.test_request_context("/"):
        for lang in LANGUAGES:
            use_language(lang.code)
            said = render_template_string(template)
            assert said == f"{gettext('Choose your language')}|{gettext('%(number)s of %(total)s', number=2, total=9)}"
            seen.add(said)
            with force_locale("cy"):  # a letter in another language, in the middle of a request
                welsh = render_template_string(template)
                assert welsh == f"{gettext('Choose your language')}|{gettext('%(number)s of %(total)s', number=2, total=9)}"
            assert render_template_string(template) == said
    assert len(seen) > 1  # the languages really differ


# ----- what a step keeps for the app's life (voice_app/child/kept.py) ---------------------------------------


def _sample_answer(question):
    from voice_app.child.flow import SavedAnswer

    if question.kind == "scale":
        return SavedAnswer(question.id, scale=5)
    if question.choices:
        return SavedAnswer(question.id, (question.choices[0].id,))
    return SavedAnswer(question.id, skipped=True)


def _kept_pieces(question):
    """Each kept piece of a question's step and answer, with its arguments, for both ways of answering
    (`picking`: cards to tick and a button, as for older children and scribing; or one tap per card)."""
    from voice_app.child.kept import STATEMENT

    said = _sample_answer(question)
    pieces = [("question_head", (question,)), ("answered_bubble", (STATEMENT, question, said)), ("answered_prompt", (question,)),
              ("answered_said", (question, said))]
    for picking in (False, True):
        if question.kind == "scale":
            pieces.append(("scale_numbers", (question, picking)))
        elif question.kind != "text":
            pieces.append(("choice_cards", (question, picking)))
    if question.part == "menu":
        pieces.append(("extra_cards", (question,)))
    return pieces


def test_what_a_step_keeps_is_what_a_fresh_render_draws_for_every_question_version_and_language(tmp_path):
    from flask import get_template_attribute

    from voice_app.child.handover import available_languages
    from voice_app.child.kept import STATEMENT, kept
    from voice_app.i18n import use_language

    app = create_app(settings=make_settings(f"sqlite:///{tmp_path}/lean.db"))
    bank = default_bank()
    with app.test_request_context("/"):
        sprite = url_for("static", filename=SPRITE)
    surroundings = [(lang.code, headers) for lang in available_languages() for headers in ({}, {SPRITE_HEADER: sprite})]
    assert len(surroundings) >= 20  # every language, each with symbols from the sprite and drawn inline

    def each_piece():
        for code, headers in surroundings:
            with app.test_request_context("/", headers=headers):
                use_language(code)
                for question in bank.questions:  # every question of both versions
                    for name, args in [*_kept_pieces(question), ("skip_tool", ()), ("end_links_for", (STATEMENT,))]:
                        yield code, headers, name, args

    for _code, _headers, name, args in each_piece():  # the first request of each kind renders and keeps
        kept(name, *args)
    store = app.extensions["voice_kept_renders"]
    kept_count = len(store.entries)
    seen: dict[tuple, set] = {}
    for code, headers, name, args in each_piece():  # later ones get what was kept: the same as a fresh render
        again = kept(name, *args)
        assert again == get_template_attribute("child/_macros.html", name)(*args), (code, headers, name, args[-1])
        seen.setdefault((name, args), set()).add(str(again))
    assert len(store.entries) == kept_count  # nothing rendered twice
    head = (("question_head", (bank.questions[0],)))
    assert len(seen[head]) == len(surroundings)  # each language and way of drawing symbols kept apart


def test_an_answer_s_bubble_is_kept_once_for_every_child_and_names_no_statement(tmp_path):
    from flask import get_template_attribute

    from voice_app.child.flow import SavedAnswer
    from voice_app.child.kept import answer_bubble, kept_for_statement
    from voice_app.i18n import use_language

    app = create_app(settings=make_settings(f"sqlite:///{tmp_path}/lean.db"))
    bank = default_bank()
    entries = 0
    for turn, statement_id in enumerate((7, 8, 7)):  # two children's conversations, then the first again
        with app.test_request_context("/"):
            use_language("cy")
            fresh = get_template_attribute("child/_macros.html", "answered_bubble")
            for question in bank.questions:
                # As the database gives it back (scribed, and the tablet's order of cards), and as the child gave it.
                said = _sample_answer(question)
                stored = SavedAnswer(question.id, said.choices, said.scale, skipped=said.skipped, scribed=True)
                bubble = str(answer_bubble(statement_id, question, stored))
                url = url_for("child.question", statement_id=statement_id, question_id=question.id)
                assert bubble == str(fresh(url_for("child.conversation", statement_id=statement_id), question, said))
                assert f'href="{url}#step"' in bubble and f'hx-get="{url}"' in bubble
            ends = str(kept_for_statement("end_links_for", statement_id))
            for endpoint in ("child.finish", "child.stop_confirm"):
                assert f'href="{url_for(endpoint, statement_id=statement_id)}#step"' in ends
        if turn == 0:
            entries = len(app.extensions["voice_kept_renders"].entries)
    store = app.extensions["voice_kept_renders"]
    assert len(store.entries) == entries  # the second child's bubbles came from what the first one's drew
    for key, (args, markup) in store.entries.items():  # nothing kept says whose conversation it was
        assert "/statements/7" not in str(markup) and "/statements/8" not in str(markup)
        assert 7 not in args and 8 not in args and 7 not in key[1] and 8 not in key[1]
    with app.test_request_context("/"):  # the child's own words are drawn for them alone, never kept
        use_language("cy")
        question = next(q for q in bank.questions if q.kind == "text")
        words = SavedAnswer(question.id, text="my own words")
        assert "my own words" in str(answer_bubble(7, question, words))
    assert len(store.entries) == entries and not any("my own words" in str(markup) for _args, markup in store.entries.values())


def _welsh_catalogue_with(folder, msgid: str, wording: str) -> None:
    """A copy of the translations whose Welsh says `wording` for `msgid` (a service's new catalogue)."""
    import shutil

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    from voice_app.i18n import TRANSLATIONS

    shutil.copytree(TRANSLATIONS / "cy", folder / "cy")
    with (folder / "cy" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="cy")
    catalogue[msgid].string = wording
    with (folder / "cy" / "LC_MESSAGES" / "messages.mo").open("wb") as handle:
        write_mo(handle, catalogue)


def _question_head_in(app, question, code: str) -> str:
    from voice_app.child.kept import kept
    from voice_app.i18n import use_language

    with app.test_request_context("/"):
        use_language(code)
        return str(kept("question_head", question))


def test_a_new_translation_catalogue_is_read_after_a_restart_not_the_kept_wording(tmp_path):
    from voice_app.extensions import babel

    question = default_bank().questions[0]
    before = create_app(settings=make_settings(f"sqlite:///{tmp_path}/lean.db"))
    old = _question_head_in(before, question, "cy")
    _welsh_catalogue_with(tmp_path / "translations", question.prompt, "Geiriad newydd y gwasanaeth")
    try:
        babel.domain_instance.cache.clear()  # Flask-Babel's catalogues, kept per process: a new process starts empty
        after = create_app(
            {"BABEL_TRANSLATION_DIRECTORIES": str(tmp_path / "translations")},
            settings=make_settings(f"sqlite:///{tmp_path}/lean.db"),
        )
        assert "Geiriad newydd y gwasanaeth" in _question_head_in(after, question, "cy")
        assert "Geiriad newydd y gwasanaeth" not in old
    finally:
        babel.domain_instance.cache.clear()  # the shipped catalogues again for every later test


def test_the_service_s_own_words_are_read_after_a_restart(tmp_path, monkeypatch):
    from voice_app.child.kept import kept

    family = next(q for q in default_bank().questions if any(c.label == "%(Mum)s" for c in q.choices))

    def cards(app) -> str:
        with app.test_request_context("/"):
            return str(kept("choice_cards", family, False))

    before = cards(create_app(settings=make_settings(f"sqlite:///{tmp_path}/lean.db")))
    terms = tmp_path / "terms.toml"
    terms.write_text('[terms]\nmum = "Mam"\n', encoding="utf-8")
    monkeypatch.setenv("VOICE_APP_TERMS_FILE", str(terms))
    after = cards(create_app(settings=make_settings(f"sqlite:///{tmp_path}/lean.db")))
    assert ">Mum<" in before and ">Mam<" not in before
    assert ">Mam<" in after and ">Mum<" not in after


# ----- with JavaScript off: plain forms and redirects, as a browser without scripts sends them -----------------


def test_a_whole_conversation_works_with_javascript_off(hand_over, db):
    import html as html_module
    import re

    from sqlmodel import select

    from voice_app.models import Answer, Statement, StatementEnd

    tablet = hand_over(version="older")
    page = tablet.client.get(tablet.url()).get_data(as_text=True)
    given = []
    while step := re.search(r'id="step"[^>]*data-question="([^"]+)" data-kind="([^"]+)"', page):
        question_id, kind = step.groups()
        form = page[step.start() :]
        assert f'action="{tablet.url(f"/questions/{question_id}")}"' in form and 'name="csrf_token"' in form
        if kind == "scale":
            fields = {"scale": "4"}
        elif kind == "text":
            fields = {"text": "my own words"}
        else:
            fields = {"choice": re.search(r'name="choice" value="([^"]+)"', form).group(1)}
        fields["client_id"] = f"{len(given):032x}"
        response = tablet.answer(question_id, fields)  # a plain form post: no htmx header
        assert response.status_code == 302 and response.headers["Location"] == tablet.url("#step")
        given.append(question_id)
        page = tablet.client.get(tablet.url()).get_data(as_text=True)
        assert f'id="answer-{question_id}"' in page  # the answer is in the conversation, the next step below it
    assert len(given) > 20 and 'data-kind="sharing"' in page
    assert sorted(db.exec(select(Answer.question_id).where(Answer.statement_id == tablet.statement_id)).all()) == sorted(given)
    response = tablet.client.post(tablet.url("/sharing"), {"sharing": "meeting"})
    assert response.status_code == 302
    done = html_module.unescape(tablet.client.get(tablet.url()).get_data(as_text=True))
    assert 'data-kind="done"' in done and "Thank you, Ana!" in done
    assert db.get(Statement, tablet.statement_id).end_reason == StatementEnd.FINISHED


def test_a_refused_step_without_javascript_says_why_on_a_whole_page(hand_over):
    tablet = hand_over()
    question_id = tablet.current_question()
    response = tablet.answer(question_id, {"client_id": "f" * 32})  # nothing chosen
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in page and 'id="problem"' in page
    assert tablet.client.post(tablet.url(f"/questions/{question_id}"), {"skip": "1"}, csrf=False).status_code == 400


def test_templates_fill_in_the_service_s_words_as_tgettext_does_in_every_language(tmp_path, monkeypatch):
    from flask import render_template_string
    from markupsafe import escape

    from voice_app.i18n import LANGUAGES, use_language
    from voice_app.i18n.terms import tgettext

    app = create_app(settings=make_settings(f"sqlite:///{tmp_path}/lean.db"))
    hello, where = "Hi, I'm %(name)s. I'm your %(iro)s.", "Do you want to say more about %(home)s?"
    terms = tmp_path / "terms.toml"
    terms.write_text('[terms]\niro = "reviewing officer"\nhome = "placement"\n', encoding="utf-8")
    seen = set()
    for terms_file in (None, terms):  # the shipped words, then a service's own
        if terms_file:
            monkeypatch.setenv("VOICE_APP_TERMS_FILE", str(terms_file))
        with app.test_request_context("/"):
            for lang in LANGUAGES:
                use_language(lang.code)
                said = render_template_string("{{ _t(hello, name='Sam') }}|{{ _t(where) }}", hello=hello, where=where)
                assert said == f"{escape(tgettext(hello, name='Sam'))}|{escape(tgettext(where))}"
                seen.add(said)
    assert len(seen) > len(LANGUAGES)  # the languages and the service's words really differ
