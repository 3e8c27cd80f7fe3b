"""What a child's step looks up once (per app, per request or per bank) is what a fresh look-up gives (issue 33)."""

from __future__ import annotations

import itertools

from flask import url_for

from tests.conftest import make_settings
from voice_app import create_app
from voice_app.questions.bank import QuestionBank, default_bank
from voice_app.web_assets import SPRITE, SPRITE_HEADER


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
