"""Bytes on the wire: compressed responses, content-hashed static files cached for a year, pictures inside the step."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest
from flask import url_for

from tests.feedback_helpers import conference, link
from voice_app.config import PROJECT_ROOT
from voice_app.models import Role
from voice_app.web_assets import BUNDLES, SPRITE, SPRITE_HEADER, _round_path, hashed_name, static_manifest, symbol_sprite

pytestmark = pytest.mark.any_database(reason="compression, static files and their caching headers")

pytest_plugins = ["tests.child_support"]  # the hand_over fixture

HX = {"HX-Request": "true"}
YEAR = "max-age=31536000"
STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def _directives(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",") if part.strip()}


def _decoded(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(response.data)
    if encoding == "gzip":
        return gzip.decompress(response.data)
    return response.data


@pytest.fixture
def pages(app, make, signed_in, hand_over, db):
    """A client and a URL for each kind of page: staff, the child's conversation (page and step), a parent's."""
    manager = signed_in(make.staff(Role.MANAGER, email="boss@example.org"))
    tablet = hand_over()
    review = conference(make, tablet.child)
    token = link(db, review, by=tablet.iro).token
    return {
        "staff page": (manager, "/reports/", {}),
        "sign-in page": (app.test_client(), "/sign-in", {}),
        "child's page": (tablet.client, tablet.url(), {}),
        "child's step (htmx)": (tablet.client, tablet.url(), HX),
        "parent's page": (app.test_client(), f"/p/{token}", {}),
    }


PAGE_KINDS = ["staff page", "sign-in page", "child's page", "child's step (htmx)", "parent's page"]


@pytest.mark.parametrize("kind", PAGE_KINDS)
@pytest.mark.parametrize(("accept", "expected"), [("gzip, deflate, br", "br"), ("gzip", "gzip"), ("identity", None)])
def test_pages_and_fragments_are_compressed_when_the_browser_asks(pages, kind, accept, expected):
    client, url, headers = pages[kind]
    plain = client.get(url, headers={**headers, "Accept-Encoding": "identity"})
    response = client.get(url, headers={**headers, "Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == expected
    assert "Accept-Encoding" in response.headers["Vary"]
    assert "no-store" in _directives(response)  # personal pages are still never kept
    body = _decoded(response)
    assert b"</" in body and len(body) > 500
    if expected:
        assert len(response.data) < len(body) / 2
    # The same page, apart from the per-request CSRF token's signature and each answer form's fresh client id.
    per_request = re.compile(rb'[\w.-]{60,}|\b[0-9a-f]{32}\b')
    assert per_request.sub(b"", body) == per_request.sub(b"", plain.data)


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_static_url_a_page_names_is_hashed_and_kept_for_a_year(pages, kind):
    client, url, headers = pages[kind]
    html = _decoded(client.get(url, headers={**headers, "Accept-Encoding": "gzip"})).decode()
    urls = STATIC_URL.findall(html)
    assert urls or kind == "child's step (htmx)"  # a step may have only pictures drawn inline
    for static_url in urls:
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", static_url), static_url
        response = client.get(static_url, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200, static_url
        assert {"public", YEAR, "immutable"} <= _directives(response), static_url
        assert "Cookie" not in response.headers.get("Vary", "") and "Set-Cookie" not in response.headers
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        if ".svg" in static_url:
            assert response.headers["Content-Security-Policy"] == "default-src 'none'"


def test_every_static_file_has_a_hashed_url_with_its_own_bytes(app, client):
    manifest = static_manifest(Path(app.static_folder))
    assert "css/child.css" in manifest and "icons/guide.svg" in manifest
    with app.test_request_context():
        urls = {name: url_for("static", filename=name) for name in manifest}
    for name, url in urls.items():
        assert url == f"/static/{manifest[name]}" and url != f"/static/{name}"
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"public", YEAR, "immutable"} <= _directives(response), url
        if not name.endswith((".js", ".css", ".svg")):  # references hashed, coordinates rounded
            assert response.data == (PROJECT_ROOT / "static" / name).read_bytes()


def test_text_static_files_come_precompressed_and_images_as_they_are(app, client):
    with app.test_request_context():
        css, js, svg = (url_for("static", filename=name) for name in ("css/child.css", "js/htmx.min.js", "icons/friends.svg"))
    for url in (css, js, svg):
        response = client.get(url, headers={"Accept-Encoding": "gzip, br"})
        assert response.headers["Content-Encoding"] == "br" and "Accept-Encoding" in response.headers["Vary"]
        assert response.headers["Content-Type"].split(";")[0] in ("text/css", "text/javascript", "image/svg+xml")
        assert _decoded(response) == client.get(url, headers={"Accept-Encoding": "identity"}).data


def test_a_changed_file_gets_a_new_url(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "a.css").write_text("body { color: red; }")
    before = static_manifest(tmp_path)["css/a.css"]
    (tmp_path / "css" / "a.css").write_text("body { color: blue; }")
    after = static_manifest(tmp_path)["css/a.css"]
    assert before != after and before.startswith("css/a.") and before.endswith(".css")


def test_a_script_that_imports_another_names_it_hashed_and_changes_with_it(tmp_path):
    (tmp_path / "js").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "x.js").write_text("export const x = 1;")
    (tmp_path / "js" / "main.js").write_text('import { x } from "./../lib/x.js";\n')
    first = static_manifest(tmp_path)
    (tmp_path / "lib" / "x.js").write_text("export const x = 2;")
    second = static_manifest(tmp_path)
    assert first["js/main.js"] != second["js/main.js"]  # the importer's hash follows what it imports
    from voice_app.web_assets import _content

    assert f'from"../{second["lib/x.js"]}"' in _content(tmp_path, "js/main.js", second).decode()  # and minified


def test_the_govuk_start_script_imports_the_hashed_library(app, client):
    with app.test_request_context():
        init, library = url_for("static", filename="js/govuk-init.js"), url_for("static", filename="govuk/govuk-frontend.min.js")
    script = client.get(init).get_data(as_text=True)
    assert f'from"../{library.removeprefix("/static/")}"' in script  # minified: no space needed


def test_our_scripts_are_served_without_comments_and_the_bundles_join_them_in_order(app, client):
    root = Path(app.static_folder)
    with app.test_request_context():
        served = {name: client.get(url_for("static", filename=name)).get_data(as_text=True)
                  for name in ("js/child.js", "js/htmx.min.js", *BUNDLES)}
    source = (root / "js" / "child.js").read_text()
    assert "// voice-app:" in source and "voice-app:" not in served["js/child.js"]
    assert len(served["js/child.js"]) < len(source) * 0.8 and "htmx:config:request" in served["js/child.js"]
    assert served["js/htmx.min.js"] == (root / "js" / "htmx.min.js").read_text()  # already minified: as shipped
    assert served["js/child.bundle.js"].startswith(served["js/htmx.min.js"])
    positions = [served["js/child.bundle.js"].index(served[name]) for name in ("js/htmx.min.js", "js/child.js")]
    assert positions == sorted(positions)
    with app.test_request_context():
        members = [client.get(url_for("static", filename=name)).get_data(as_text=True) for name in BUNDLES["css/child.bundle.css"]]
    assert served["css/child.bundle.css"] == "\n".join(members)
    # The child's page loads the bundles, never one of their members as well.
    page = (PROJECT_ROOT / "templates" / "child" / "base.html").read_text()
    assert all(f"filename='{member}'" not in page for members in BUNDLES.values() for member in members)


def test_an_unhashed_static_url_still_works_but_is_checked_each_time(client):
    response = client.get("/static/css/staff.css")
    assert response.status_code == 200
    assert _directives(response) == {"no-cache"}
    assert "Cookie" not in response.headers.get("Vary", "")


def test_hashed_names_keep_the_suffix():
    assert re.fullmatch(r"css/child\.[0-9a-f]{12}\.css", hashed_name("css/child.css", b"x"))
    assert re.fullmatch(r"govuk/LICENSE\.[0-9a-f]{12}", hashed_name("govuk/LICENSE", b"x"))


@pytest.mark.parametrize(
    ("path", "rounded"),
    [
        ("M15.999 29.998c9.334 0 13.999-6.268 13.999-14", "M16 30c9.3 0 14-6.3 14-14"),
        ("M2.96.5h1", "M3 .5h1"),  # two numbers that touch stay two numbers
        ("l-0.04-.03", "l0 0"),  # a minus sign that kept numbers apart is replaced by a space
        ("M1 2L3 4", "M1 2L3 4"),  # whole numbers and flags are left alone
        ("m1e-5 2.25", "m1e-5 2.2"),
    ],
)
def test_inlined_symbols_are_rounded_without_merging_numbers(path, rounded):
    assert _round_path(path) == rounded


def _sprite_url(app) -> str:
    with app.test_request_context():
        return url_for("static", filename=SPRITE)


def test_a_steps_pictures_are_drawn_inside_the_step_until_the_tablet_keeps_the_sprite(hand_over):
    tablet = hand_over()
    tablet.client.get(tablet.url())
    fragment = tablet.answer("feel-today", {"choice": "happy"}, htmx=True).get_data(as_text=True)
    assert 'id="step"' in fragment and "<html" not in fragment
    assert "<img " not in fragment and "<use " not in fragment  # every picture is in the step, none fetched
    assert fragment.count("<svg ") >= 6  # the answer just given, the next question's cards, guide, speaker, skip
    assert 'class="card__sym" width="40" height="40" xmlns="http://www.w3.org/2000/svg"' in fragment
    assert 'aria-hidden="true"' in fragment and "<script" not in fragment


def test_once_the_tablet_keeps_the_sprite_a_step_names_its_pictures_and_carries_no_svg(app, hand_over):
    tablet = hand_over()
    sprite = _sprite_url(app)
    page = tablet.client.get(tablet.url()).get_data(as_text=True)
    assert f'data-sprite="{sprite}"' in page  # what the page's script fetches, then names in its requests
    response = tablet.client.post(tablet.url("/questions/feel-today"), {"choice": "happy"},
                                  headers={**HX, SPRITE_HEADER: sprite})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="step"' in fragment
    assert "<path" not in fragment and "<img " not in fragment
    used = re.findall(r'<svg class="([^"]*)" width="\d+" height="\d+" aria-hidden="true" focusable="false">'
                      r'<use href="([^"#]+)#([\w-]+)"/></svg>', fragment)
    assert len(used) == fragment.count("<svg ") >= 6
    assert {href for _, href, _ in used} == {sprite}
    ids = set(re.findall(r'<symbol id="([\w-]+)"', tablet.client.get(sprite).get_data(as_text=True)))
    assert {name for _, _, name in used} <= ids
    assert any("card__sym" in cls for cls, _, _ in used)
    assert any("sym--mirror" in cls for cls, _, name in used if name in ("skip", "speaker"))


def test_a_page_of_an_older_release_gets_its_pictures_inline(app, hand_over):
    tablet = hand_over()
    tablet.client.get(tablet.url())
    stale = _sprite_url(app).replace("sprite.", "sprite.0", 1)
    response = tablet.client.post(tablet.url("/questions/feel-today"), {"choice": "happy"},
                                  headers={**HX, SPRITE_HEADER: stale})
    fragment = response.get_data(as_text=True)
    assert "<use " not in fragment and "<path" in fragment


def test_the_sprite_holds_every_symbol_once_built_from_the_icons(app, client):
    root = Path(app.static_folder)
    body, ids = symbol_sprite(root)
    names = {path.stem for path in (root / "icons").glob("*.svg")} - {"favicon"}
    assert ids == names and len(names) >= 100
    text = body.decode()
    symbols = re.findall(r'<symbol id="([\w-]+)" viewBox="0 0 32 32">', text)
    assert sorted(symbols) == sorted(names)
    # Ids inside symbols (clip paths) stay unique in the one file, and it can run or load nothing.
    all_ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(all_ids) == len(set(all_ids))
    assert not re.search(r"<script|<style|<foreignObject|\bon\w+=|href=\"(?!#)|style=", text)
    assert symbol_sprite(root)[0] == body and static_manifest(root)[SPRITE] == hashed_name(SPRITE, body)
    response = client.get(_sprite_url(app), headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert {"public", YEAR, "immutable"} <= _directives(response)
    assert response.headers["Content-Encoding"] == "br" and _decoded(response) == body
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    assert "Vary" not in response.headers or "Cookie" not in response.headers["Vary"]


def test_the_sprite_follows_the_icons(tmp_path):
    (tmp_path / "icons").mkdir()
    (tmp_path / "icons" / "a.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M1 1"/></svg>')
    before = static_manifest(tmp_path)[SPRITE]
    (tmp_path / "icons" / "b.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M2 2"/></svg>')
    assert static_manifest(tmp_path)[SPRITE] != before
    assert symbol_sprite(tmp_path)[1] == {"a", "b"}


def test_directional_symbols_are_marked_for_mirroring(hand_over):
    tablet = hand_over()
    page = tablet.client.get(tablet.url()).get_data(as_text=True)
    for button in ('class="tool"', 'class="speak" data-speak hidden'):  # skip, and read aloud
        assert re.search(rf'{button}><svg class="[^"]*sym--mirror', page), button
    css = (PROJECT_ROOT / "static" / "css" / "child.css").read_text()
    assert '[dir="rtl"] .sym--mirror' in css
