"""The Tigrinya web font: a Noto Sans Ethiopic subset that holds every Ethiopic character the app shows."""

from __future__ import annotations

import importlib.util
import re

import pytest
from flask import url_for
from fontTools.ttLib import TTFont

from voice_app.config import PROJECT_ROOT

pytestmark = pytest.mark.any_database(reason="the web font's glyphs")

_spec = importlib.util.spec_from_file_location("subset_ethiopic_font", PROJECT_ROOT / "scripts" / "subset_ethiopic_font.py")
subset_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(subset_script)


def _characters(path) -> set[str]:
    return {chr(point) for point in TTFont(path).getBestCmap()}


def test_the_fonts_hold_every_ethiopic_character_the_catalogues_use():
    shipped = _characters(subset_script.NAMES_FONT) | _characters(subset_script.TEXT_FONT)
    needed = subset_script.catalogue_characters()
    assert len(needed) > 100  # the Tigrinya catalogue is really there
    assert needed <= shipped, f"run scripts/subset_ethiopic_font.py: missing {sorted(needed - shipped)}"


def test_every_page_needs_only_the_small_font_for_the_languages_name():
    names = _characters(subset_script.NAMES_FONT)
    assert set("ትግርኛ") <= names and len(names) <= 8
    assert subset_script.NAMES_FONT.stat().st_size < 3000
    assert subset_script.TEXT_FONT.stat().st_size < 30000
    assert not (names & _characters(subset_script.TEXT_FONT) & set("ትግርኛ"))  # the two ranges do not overlap


def test_the_stylesheets_load_each_file_only_for_its_own_characters():
    expected = subset_script.font_face_css(subset_script.name_characters())
    for sheet in subset_script.STYLESHEETS:
        assert expected in sheet.read_text(encoding="utf-8"), f"{sheet.name} is stale: run scripts/subset_ethiopic_font.py"
    faces = re.findall(r"NotoSansEthiopic-(\w+)\.woff2\)[^}]*unicode-range: ([^;]+);", expected)
    # The small file is declared last, so it alone serves the letters of "ትግርኛ".
    assert faces == [("ti", "U+1200-139F, U+2D80-2DDF, U+AB00-AB2F"), ("names", "U+122D, U+1275, U+129B, U+130D")]


def test_every_font_stack_draws_ethiopic_letters_with_the_shipped_font_first():
    for name in ("css/child.css", "css/parents.css", "govuk/govuk-frontend.min.css", "govuk/govuk-parents.min.css"):
        css = (PROJECT_ROOT / "static" / name).read_text(encoding="utf-8-sig")
        stacks = re.findall(r"font-family:\s*([^;}]*system-ui[^;}]*)", css)
        # First: its unicode-range leaves every other letter to the system fonts, and some of those (DejaVu Sans)
        # hold a few Ethiopic letters drawn in another style.
        assert stacks and all(stack.startswith('"VA Noto Sans Ethiopic"') for stack in stacks), name


def test_the_font_is_served_hashed_as_woff2_and_kept_for_a_year(app, client):
    with app.test_request_context():
        css_url = url_for("static", filename="css/child.css")
    css = client.get(css_url).get_data(as_text=True)
    font_urls = re.findall(r"url\((\.\./fonts/[^)]+)\)", css)
    assert len(font_urls) == 2
    for relative in font_urls:
        assert re.search(r"\.[0-9a-f]{12}\.woff2$", relative)
        response = client.get("/static/" + relative.removeprefix("../"))
        assert response.status_code == 200 and response.headers["Content-Type"] == "font/woff2"
        assert "immutable" in response.headers["Cache-Control"] and response.data[:4] == b"wOF2"


def test_the_credits_page_lists_the_font(client):
    page = client.get("/credits").get_data(as_text=True)
    assert "Noto Sans Ethiopic" in page and "SIL Open Font License" in page
