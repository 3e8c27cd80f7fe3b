"""An IRO records a held review in a real browser: its participation code, and why it was late, with axe on every page."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_accessible, no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from voice_app.models import ReviewKind, ReviewStage, Role


@pytest.fixture
def service(make):
    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    # Cared for four months ago, first review booked three days ago: it is late (due 20 working days in).
    late_child = make.child(iro, name="Aisha", cared_for_since=date.today() - timedelta(days=120))
    late = make.review(late_child, days_ahead=-3, stage=ReviewStage.INITIAL)
    conference_child = make.child(iro, name="Ben", cared_for=False, on_cp_plan=True)
    conference = make.review(conference_child, days_ahead=-2, kind=ReviewKind.CP_CONFERENCE, stage=ReviewStage.REVIEW_CONFERENCE)
    return dict(late=late, conference=conference)


@pytest.mark.parametrize("size", [None, PHONE], ids=["tablet", "phone"])
def test_an_iro_records_a_late_review_with_its_code_and_reason(page, live_url, service, size):
    if size:
        page.set_viewport_size(size)
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/reviews/{service['late'].id}/record")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record the review")
    assert_accessible(page, context="record review")
    page.get_by_label("It was held", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose how the child took part")
    assert_accessible(page, context="record review without a code")

    page.get_by_label("PN5: The child did not come, but told an advocate or the IRO their views beforehand").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("choose why it was held later")
    assert_accessible(page, context="record review without the late reason")
    assert page.get_by_label("PN5: The child did not come, but told an advocate or the IRO their views beforehand").is_checked()  # kept

    page.get_by_label("Why it was held after its due date").select_option("other")
    page.get_by_label("The other reason, in a few words").fill("The carer was in hospital")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded as held")
    expect(page.get_by_text("Participation: PN5")).to_be_visible()
    expect(page.get_by_text("Late: Other (The carer was in hospital)")).to_be_visible()
    assert_accessible(page, context="child page after recording")
    assert no_horizontal_scroll(page)


def test_a_conference_asks_how_views_were_brought_without_a_code(page, live_url, service):
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/reviews/{service['conference'].id}/record")
    expect(page.get_by_text("Whether the child came, and how their views were brought")).to_be_visible()
    expect(page.get_by_label("The social worker")).to_have_count(0)
    assert_accessible(page, context="record conference")
    page.get_by_label("It was held", exact=True).check()
    page.get_by_label("The child came and an advocate or the IRO spoke for them").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded as held")
    expect(page.get_by_text("The child: The child came and an advocate or the IRO spoke for them")).to_be_visible()
