"""From a child's statement to an outcome for the child, in a real browser: raise an escalation, move it to stage 1,
close it and tell the child; the manager's tracker and the service report show it; the between-reviews pages."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import PASSWORD
from tests.statement_factories import AnswerSpec, make_statement
from voice_app.models import ReviewStage, ReviewStatus, Role, VisitMethod, VisitStatus

pytest_plugins = ["tests.statement_fixtures"]  # the bank fixture


@pytest.fixture
def service(make, db, bank):
    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    make.staff(Role.MANAGER, name="Morgan Manager", email="morgan@example.org")
    mark = make.child(
        iro, name="Mark", case_reference="LL-200100", on_cp_plan=True, cp_plan_since=date.today() - timedelta(days=400)
    )
    make.review(
        mark,
        stage=ReviewStage.INITIAL,
        scheduled_for=date.today() - timedelta(days=70),
        held_on=date.today() - timedelta(days=70),
        status=ReviewStatus.HELD,
    )
    second = make.review(
        mark,
        stage=ReviewStage.SECOND,
        scheduled_for=date.today() - timedelta(days=3),
        held_on=date.today() - timedelta(days=3),
        status=ReviewStatus.HELD,
    )
    visit = make.visit(
        second, iro=iro, status=VisitStatus.DONE, held_on=date.today() - timedelta(days=10), method=VisitMethod.FACE_TO_FACE
    )
    statement = make_statement(
        db,
        child=mark,
        visit=visit,
        answers=[AnswerSpec("safe-scale", scale=2), AnswerSpec("tell-iro", text="My tooth hurts and nobody has fixed it")],
    )
    return dict(mark=mark, statement=statement, second=second)


def test_a_childs_words_followed_to_an_outcome_for_the_child(page, live_url, service, browser):
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/statements/{service['statement'].id}")
    page.get_by_role("link", name=re.compile("Raise an escalation about this.*anything you want your IRO to know")).click()
    expect(page.get_by_text("My tooth hurts and nobody has fixed it")).to_be_visible()
    assert_accessible(page, context="raise an escalation")
    page.get_by_label("Theme").select_option(label="Lack of progress with the plan")
    page.get_by_label("What is the worry?").fill("The dental treatment agreed at the review has not been funded.")
    page.get_by_label("Cared for").check()
    page.get_by_role("button", name="Raise it").click()
    expect(page.get_by_role("status")).to_contain_text("Escalation raised at Alert")
    expect(page.get_by_text("My tooth hurts and nobody has fixed it")).to_be_visible()
    assert_accessible(page, context="an open escalation")
    escalation_url = page.url

    page.get_by_label("What was the response at the stage it leaves?").fill("Not resolved on the phone.")
    page.get_by_label("Move it to").select_option(label="Stage 1")
    page.get_by_role("button", name="Move it on").click()
    expect(page.get_by_role("status")).to_contain_text("Moved to Stage 1")

    # The manager's tracker lists it while it is open.
    manager = browser.new_page()
    sign_in(manager, live_url, "morgan@example.org", PASSWORD)
    manager.goto(f"{live_url}/escalations")
    expect(manager.get_by_role("link", name="Mark")).to_be_visible()
    manager.get_by_label("Stage").select_option(label="Stage 2")
    expect(manager.get_by_role("link", name="Mark")).to_have_count(0)
    assert_accessible(manager, context="the manager's tracker")

    page.goto(escalation_url)
    page.get_by_label("What was the response at this stage?").fill("The finance panel agreed it.")
    page.get_by_label("Outcome for the child").fill("The dentist will fix your tooth next week.")
    page.get_by_label("Tell the child at their next visit").check()
    page.get_by_role("button", name="Close it").click()
    expect(page.get_by_role("status")).to_contain_text("Closed at Stage 1")
    expect(page.get_by_text("is shown it at their next visit")).to_be_visible()
    assert_accessible(page, context="a closed escalation")
    page.goto(f"{live_url}/statements/{service['statement'].id}")
    expect(page.get_by_text("The dentist will fix your tooth next week.")).to_be_visible()

    manager.goto(f"{live_url}/escalations/{escalation_url.rsplit('/', 1)[1]}")
    manager.get_by_role("button", name="Use as an anonymised example in the annual report").click()
    manager.goto(f"{live_url}/reports/")
    expect(manager.get_by_role("heading", name="Escalations raised", exact=True)).to_be_visible()
    expect(manager.get_by_text("[name]").first).to_be_attached()


def test_the_between_reviews_pages(page, live_url, service):
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/children/{service['mark'].id}")
    assert_accessible(page, context="the child page with escalations and between reviews")
    page.get_by_role("link", name="Record a tracking discussion").click()
    page.get_by_label("What was checked?").fill("The dental treatment is booked.")
    assert_accessible(page, context="a tracking discussion")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Tracking discussion recorded")
    page.goto(f"{live_url}/reviews/{service['second'].id}/permanence")
    assert_accessible(page, context="the plan of permanence")
    page.get_by_label("Not yet: no plan of permanence").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why there is no plan of permanence yet.")
    page.get_by_label("If not yet: why not?").fill("Assessments are not finished.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Plan of permanence recorded")
    page.goto(f"{live_url}/plans-over-a-year")
    expect(page.get_by_role("link", name="Mark", exact=True)).to_have_count(2)  # a long plan, and no plan of permanence yet
    assert_accessible(page, context="plans over a year")
    page.get_by_role("link", name="Record the reasons for Mark").click()
    assert_accessible(page, context="reasons for a long plan")
    page.goto(f"{live_url}/caseload")
    assert_accessible(page, context="the caseload with open escalations")
