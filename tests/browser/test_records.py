"""A manager answers a subject access request and a second manager confirms an erasure, in a real browser, checked by axe-core."""

import io
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, assert_accessible, no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from voice_app.models import Role


@pytest.fixture
def people(make):
    iro = make.staff(Role.IRO)
    child = make.child(iro, name="Ana", case_reference="LL-1001", active=False)  # a closed record, years later
    make.staff(Role.MANAGER, name="Morgan Manager", email="morgan@example.org")
    make.staff(Role.MANAGER, name="Sam Second", email="sam@example.org")
    return dict(child=child)


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["tablet", "phone"])
def test_a_manager_finds_a_closed_record_and_downloads_everything(browser, live_url, people, viewport):
    context = browser.new_context(viewport=viewport, has_touch=True, locale="en-GB", accept_downloads=True)
    page = context.new_page()
    sign_in(page, live_url, "morgan@example.org", PASSWORD)
    page.get_by_role("link", name="Find a closed record (subject access)").click()
    assert_accessible(page, context=f"find a record at {viewport}")
    page.get_by_label("Case reference").fill("LL-1001")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ana's records and rights")
    assert no_horizontal_scroll(page)
    assert_accessible(page, context=f"records page at {viewport}")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download everything (ZIP)").click()
    assert download.value.suggested_filename.startswith("subject-access-LL-1001-")
    with open(download.value.path(), "rb") as handle:
        assert "child-record.pdf" in zipfile.ZipFile(io.BytesIO(handle.read())).namelist()

    page.get_by_label("Which fact").select_option("date_of_birth")
    page.get_by_label("The correct value").fill("not a date")
    page.get_by_role("button", name="Correct").click()
    expect(page.get_by_role("alert")).to_contain_text("YYYY-MM-DD")
    assert_accessible(page, context=f"records page with an error at {viewport}")
    context.close()


def test_erasure_is_asked_for_by_one_manager_and_confirmed_by_another(browser, live_url, people):
    first = browser.new_context(viewport=TABLET, locale="en-GB").new_page()
    sign_in(first, live_url, "morgan@example.org", PASSWORD)
    first.goto(f"{live_url}/records/children/{people['child'].id}")
    first.get_by_label("Why the law requires erasure").fill("Court order 2026/17")
    first.get_by_role("button", name="Ask for erasure").click()
    expect(first.get_by_text("by you: another manager must confirm it")).to_be_visible()
    expect(first.get_by_role("button", name="Confirm: erase Ana's records")).to_have_count(0)

    second = browser.new_context(viewport=TABLET, locale="en-GB").new_page()
    sign_in(second, live_url, "sam@example.org", PASSWORD)
    second.goto(f"{live_url}/records/children/{people['child'].id}")
    assert_accessible(second, context="records page with an erasure to confirm")
    second.get_by_role("button", name="Confirm: erase Ana's records").click()
    expect(second.get_by_role("heading", level=1)).to_contain_text("Anonymised's records and rights")
    expect(second.get_by_text("There is nothing left to erase.")).to_be_visible()
    assert_accessible(second, context="records page after erasure")
