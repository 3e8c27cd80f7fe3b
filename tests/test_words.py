"""Words for people: no stored code (an enum value, a language tag, a statement's parts) reaches a page raw."""

from __future__ import annotations

import enum
import inspect
import re

import pytest

import voice_app.models as models
from voice_app.config import PROJECT_ROOT
from voice_app.i18n import LANGUAGES, language_name
from voice_app.words import part_names, words

ENUMS = [obj for _, obj in sorted(vars(models).items()) if inspect.isclass(obj) and issubclass(obj, enum.Enum)]
MEMBERS = [member for kind in ENUMS for member in kind]


def test_the_models_have_enums_to_check():
    assert len(ENUMS) >= 20 and models.MessageKind in ENUMS


@pytest.mark.parametrize("member", MEMBERS, ids=lambda m: f"{type(m).__name__}.{m.name}")
def test_every_enum_member_has_words_that_are_not_its_code(member):
    said = words(member)
    assert said.strip() and said != member.value and "_" not in said, (member, said)


def test_str_enums_with_the_same_value_keep_their_own_words():
    assert words(models.MessageKind.MEETING) != words(models.Sharing.MEETING)


def test_a_new_enum_value_without_words_is_refused_not_shown_raw():
    class Fresh(str, enum.Enum):
        NEW = "brand_new"

    with pytest.raises(KeyError, match="voice_app/words.py"):
        words(Fresh.NEW)


@pytest.mark.parametrize("reader, expected", [("en_GB", "Tigrinya"), ("ar", "التغرينية"), ("ti", "ትግርኛ")])
def test_a_language_tag_is_named_in_the_readers_language(reader, expected):
    assert language_name("ti", reader) == expected
    assert language_name("en-GB", "en_GB") == "English"


def test_every_shipped_language_has_a_name_in_english_that_is_not_its_tag():
    for lang in LANGUAGES:
        assert language_name(lang.code, "en_GB") not in {lang.code, ""}, lang


def test_statement_parts_read_as_words():
    assert part_names("views,menu") == "what the child thinks, how they want their meeting"


def test_no_template_prints_an_enum_value_as_text():
    """`.value` may fill an attribute or a URL, never the words between tags: those go through words()."""
    printed = re.compile(r"\{\{(?:(?!\}\}).)*?\.value\s*(?:\||\}\})")
    offenders = []
    for path in (PROJECT_ROOT / "templates").rglob("*.html"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in printed.finditer(line):
                before = line[: match.start()]
                if "url_for" not in match.group(0) and before.count('"') % 2 == 0:  # not inside an attribute
                    offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{n}: {match.group(0)}")
    assert not offenders, offenders
