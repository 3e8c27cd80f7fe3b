"""Languages, a service's own terms, and the Babel workflow."""

from pathlib import Path

import pytest
from flask_babel import force_locale

from voice_app.i18n import BY_CODE, LANGUAGES, language, use_language
from voice_app.i18n.terms import TERM_CHOICES, TermsError, current_terms, load_terms, tgettext

pytestmark = pytest.mark.any_database(reason="catalogues, terms files and the Babel workflow")

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_languages_and_their_directions():
    assert [lang.code for lang in LANGUAGES] == ["en-GB", "cy", "ar", "fa", "ps", "ckb", "ti", "pl", "ro", "uk"]
    assert {lang.code for lang in LANGUAGES if lang.direction == "rtl"} == {"ar", "fa", "ps", "ckb"}
    assert language("xx").code == "en-GB" and BY_CODE["ckb"].native_name.startswith("کوردی")


def test_the_default_terms_are_the_childrens_words():
    terms = load_terms()
    assert terms == {"cared_for": "cared for", "home": "home", "family_time": "family time", "mum": "Mum", "iro": "IRO", "care_experienced": "care experienced"}


def test_a_service_can_choose_its_words(tmp_path):
    path = tmp_path / "terms.toml"
    path.write_text('[terms]\nmum = "Mam"\nhome = "placement"\n')
    terms = load_terms(path)
    assert terms["mum"] == "Mam" and terms["home"] == "placement" and terms["family_time"] == "family time"


@pytest.mark.parametrize("body", ['[terms]\nmum = "Mother"\n', '[terms]\nflat = "home"\n'])
def test_terms_outside_the_choices_are_refused(tmp_path, body):
    path = tmp_path / "terms.toml"
    path.write_text(body)
    with pytest.raises(TermsError):
        load_terms(path)


def test_tgettext_fills_terms_in_lower_and_capital_case(app):
    with app.test_request_context():
        terms = dict(current_terms(), mum="Mam")
        assert tgettext("%(Home)s is where %(mum)s is", terms) == "Home is where Mam is"


def test_use_language_switches_locale_and_direction(app):
    from flask_babel import get_locale

    with app.test_request_context():
        assert use_language("ar").direction == "rtl"
        assert str(get_locale()) == "ar"
        with force_locale("en_GB"):
            assert str(get_locale()) == "en_GB"


def test_every_term_choice_is_marked_for_translation():
    pot = (ROOT / "translations" / "messages.pot").read_text()
    for choices in TERM_CHOICES.values():
        for word in choices:
            assert f'msgctxt "term"\nmsgid "{word}"' in pot


def test_compiled_catalogues_are_up_to_date():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "translations"), "check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("body", ['[terms]\nmum = "Mother"\n', "[terms\n", None])
def test_a_bad_terms_file_stops_the_start_with_a_clear_message(tmp_path, monkeypatch, body):
    from voice_app.config import ConfigError, Settings

    path = tmp_path / "terms.toml"
    if body is not None:
        path.write_text(body)
    monkeypatch.setenv("VOICE_APP_TERMS_FILE", str(path))
    with pytest.raises(ConfigError, match="VOICE_APP_TERMS_FILE"):
        Settings().check()
