"""Child mode without a network, server side: the service worker, the files it keeps, the offline page, a fresh token."""

import html
import json
import re

from tests.child_support import make_statement  # noqa: F401 - the fixtures' module

pytest_plugins = ["tests.child_support"]  # the hand_over fixture

ACCESS_TESTED_ENDPOINTS = {"child.service_worker", "child.offline_page", "child.session_token"}


def test_the_service_worker_is_served_from_child_mode_scope_to_anyone(client):
    response = client.get("/child/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-store"  # the browser fetches it fresh for a new release
    body = response.get_data(as_text=True)
    assert 'addEventListener("fetch"' in body and 'request.method!=="GET"' in body  # minified
    compressed = client.get("/child/sw.js", headers={"Accept-Encoding": "br"})
    assert compressed.headers["Content-Encoding"] == "br"  # like a page: the tablet fetches it before it can go offline


def offline_files(page: str) -> dict:
    """What a child page tells its script to keep for time offline (written into the page, no request of its own)."""
    return json.loads(html.unescape(re.search(r"data-offline-files='([^']*)'", page).group(1)))


def test_the_files_kept_for_offline_are_files_only_and_written_into_the_page(hand_over):
    tablet = hand_over()
    manifest = offline_files(tablet.client.get(tablet.url()).get_data(as_text=True))
    assert manifest["offline_page"] == "/child/offline" and manifest["scope"] == "/child/"
    files = manifest["files"]
    plain = {re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", url) for url in files}  # served under content-hashed names
    assert {"/static/css/child.bundle.css", "/static/js/child.bundle.js", "/static/icons/sprite.svg"} <= plain
    assert all(url.startswith("/static/") for url in files)  # never a page, never anything about the child
    # A handful of files: every symbol comes in the one sprite, not one request each.
    assert len(files) <= 12 and not any(re.search(r"/icons/(?!sprite|favicon)", url) for url in files)
    for url in files:
        assert tablet.client.get(url).status_code == 200


def test_the_offline_page_speaks_the_childs_language_and_names_nobody(hand_over):
    tablet = hand_over(name="Ana")
    page = tablet.client.get("/child/offline").get_data(as_text=True)
    assert "No internet right now" in page and "data-offline-page" in page
    assert "Ana" not in page and "Jo" not in page and 'name="csrf-token"' not in page
    tablet.client.post(tablet.url("/language"), {"language": "ar"})
    arabic = tablet.client.get("/child/offline").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in arabic and "لا يوجد إنترنت الآن" in arabic


def test_a_fresh_token_for_sending_waiting_answers(hand_over, client):
    assert client.get("/child/token").status_code == 404
    tablet = hand_over()
    response = tablet.client.get("/child/token")
    data = json.loads(response.get_data(as_text=True))
    assert response.status_code == 200 and len(data["token"]) > 20 and isinstance(data["handover"], int)
    sent = tablet.client.post(
        tablet.url("/questions/feel-today"), {"choice": "happy", "client_id": "q" * 32}, csrf=False, headers={"X-CSRFToken": data["token"]}
    )
    assert sent.status_code == 302


def test_child_pages_carry_what_the_tablet_needs_offline(hand_over):
    tablet = hand_over()
    page = tablet.client.get(tablet.url()).get_data(as_text=True)
    for needed in ('data-sw-url="/child/sw.js?static=/static/"', 'data-offline-files=', 'data-token-url="/child/token"',
                   "js/child.bundle.", "data-sprite=", 'name="given_at"'):
        assert needed in page
