"""A manager reads the service figures in a real browser, at tablet and desktop widths, checked by axe-core."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    TABLET,
    assert_accessible,
    no_horizontal_scroll,
    sign_in,
)
from tests.conftest import PASSWORD
from tests.reports_seed import seed
from voice_app.models import Role

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def service(db, make):
    seed(db)
    make.staff(Role.MANAGER, name="Morgan Manager", email="morgan@example.org")


@pytest.mark.parametrize("viewport", [TABLET, DESKTOP], ids=["tablet", "desktop"])
def test_a_manager_reads_and_changes_the_period(browser, live_url, service, viewport):
    context = browser.new_context(viewport=viewport, has_touch=True, locale="en-GB")
    page = context.new_page()
    sign_in(page, live_url, "morgan@example.org", PASSWORD)
    page.get_by_role("link", name="Service figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Service figures")
    page.get_by_label("Financial year or quarter").select_option("fy-2024")
    page.get_by_role("button", name="Show this period").click()
    expect(page.get_by_role("heading", name="Financial year 2024/25")).to_be_visible(timeout=20_000)  # counted live: slow on a loaded machine
    expect(page.get_by_role("img", name="Pre-review visits held, by how the IRO and child met")).to_be_visible()
    expect(page.get_by_text("[name], we moved your meeting to school.", exact=False)).to_be_visible()
    assert no_horizontal_scroll(page)
    assert_accessible(page, context=f"service figures at {viewport}")

    page.get_by_label("From", exact=True).fill("2025-03-31")
    page.get_by_label("To", exact=True).fill("2024-04-01")
    page.get_by_role("button", name="Show these dates").click()
    expect(page.get_by_role("alert")).to_contain_text("The start date must be on or before the end date")
    assert_accessible(page, context=f"service figures with a date error at {viewport}")

    page.get_by_label("From", exact=True).fill("2024-10-01")
    page.get_by_label("To", exact=True).fill("2024-12-31")
    page.get_by_role("button", name="Show these dates").click()
    expect(page.get_by_role("heading", name="Quarter 3 of 2024/25 (October to December 2024)")).to_be_visible()
    assert "from=2024-10-01" in page.url  # the period is in the address, to share or come back to
    context.close()


def test_the_report_works_without_javascript(browser, live_url, service):
    context = browser.new_context(viewport=TABLET, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_url, "morgan@example.org", PASSWORD)
    page.goto(f"{live_url}/reports/")
    page.get_by_label("Financial year or quarter").select_option("q-2024-4")
    page.get_by_role("button", name="Show this period").click()
    expect(page.get_by_role("heading", name="Quarter 4 of 2024/25 (January to March 2025)")).to_be_visible()
    assert "period=q-2024-4" in page.url  # a plain GET form: axe needs JavaScript, so it runs in the test above
    context.close()
