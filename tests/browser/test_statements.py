"""An IRO's whole pre-review visit workflow in a real browser: visits, reading, answering, the meeting plan, exports."""

import json
from datetime import date, timedelta
from io import BytesIO

import jsonschema
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import PHONE, assert_accessible, no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from tests.statement_factories import ARABIC_WORDS, make_statement
from voice_app.models import Role, Sharing, VisitMethod, VisitStatus
from voice_app.statements.exports import export_schema

pytest_plugins = ["tests.statement_fixtures"]  # the bank fixture


@pytest.fixture
def service(make, db, bank):
    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    manager = make.staff(Role.MANAGER, name="Morgan Manager", email="morgan@example.org")
    aisha = make.child(iro, name="Aisha", case_reference="LL-100231")
    make.review(aisha, days_ahead=30)
    ben = make.child(iro, name="Ben")
    make.visit(make.review(ben, days_ahead=9), iro=iro)
    chloe = make.child(iro, name="Chloe", case_reference="LL-100512")
    done = make.visit(make.review(chloe, days_ahead=12), iro=iro, status=VisitStatus.DONE, held_on=date.today(), method=VisitMethod.VIDEO_CALL)
    statement = make_statement(db, child=chloe, visit=done, scribe=iro)
    return dict(iro=iro, manager=manager, statement=statement, chloe=chloe)


def test_an_iro_plans_a_visit_records_it_and_records_a_declined_one(page, live_url, service):
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.get_by_role("link", name="Visits due in 14 days or overdue").click()
    expect(page.get_by_role("link", name="Ben")).to_be_visible()
    expect(page.get_by_role("link", name="Aisha")).to_have_count(0)
    assert_accessible(page, context="visits due")

    page.goto(f"{live_url}/caseload")
    page.get_by_role("link", name="Aisha").click()
    page.get_by_label("Date of the visit").fill((date.today() + timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Plan the visit").click()
    expect(page.get_by_role("status")).to_contain_text("Visit planned")
    page.get_by_role("link", name="Record what happened").click()
    page.get_by_label("The visit happened", exact=True).check()
    page.get_by_label("Date of the visit").fill(date.today().isoformat())
    page.get_by_label("How you met").select_option("face_to_face")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Visit recorded as done")
    assert_accessible(page, context="child page after a visit")

    page.goto(f"{live_url}/caseload")
    page.get_by_role("link", name="Ben").click()
    page.get_by_role("link", name="Record what happened").click()
    page.get_by_label("The child did not want a visit", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Write down why the child did not want a visit")
    assert_accessible(page, context="declined without a reason")
    page.get_by_label("Why the child did not want a visit").fill("Ben said he sees enough of us at school.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Visit recorded as declined")
    expect(page.get_by_text("Ben said he sees enough of us at school.")).to_be_visible()


def test_an_iro_reads_answers_plans_and_exports_a_statement(page, live_url, service, tmp_path):
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.get_by_role("link", name="Chloe").click()
    page.get_by_role("link", name="Read the statement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chloe's statement")
    expect(page.get_by_text(ARABIC_WORDS, exact=False)).to_be_visible()
    expect(page.get_by_text("Chose not to answer")).to_be_visible()
    expect(page.locator("#response-counts")).to_contain_text("6 points for the IRO to answer: 0 answered by the IRO")
    assert_accessible(page, context="statement page")

    # "You said, we did", inline with htmx: the page does not reload and the counts follow.
    page.evaluate("() => { window.__stayed = true; }")
    item = page.locator("#item-feel-today")
    item.get_by_role("link", name="Write what was done").click()
    box = item.get_by_label("We did")
    expect(box).to_be_visible()
    assert_accessible(page, context="writing a response")
    box.fill("We asked school to help you sit with your friends.")
    item.get_by_role("button", name="Save the response").click()
    expect(item.locator(".va-we-did")).to_have_text("We asked school to help you sit with your friends.")
    expect(page.locator("#response-counts")).to_contain_text("6 points for the IRO to answer: 1 answered by the IRO")
    general = page.locator("#response-general")
    general.get_by_role("link", name="Write what was done").click()
    general.get_by_label("We did").fill("Thank you for talking to me today.")
    general.get_by_role("button", name="Save the response").click()
    expect(page.locator("#response-counts")).to_contain_text("6 points for the IRO to answer: 2 answered by the IRO")
    assert page.evaluate("() => window.__stayed === true")

    # The meeting plan: "not possible" without a reason is refused, then given one; the rest agreed.
    chair = page.locator("#plan-menu-chair")
    chair.get_by_label("Not possible").check()
    chair.get_by_role("button", name="Save").click()
    expect(chair.get_by_role("alert")).to_contain_text("Write a reason for the child when a choice is not possible.")
    assert_accessible(page, context="decision refused")
    chair.get_by_label("Reason, written for the child").fill("This time the judge asked me to chair. Next time you can.")
    chair.get_by_role("button", name="Save").click()
    expect(chair.locator(".govuk-tag--red")).to_have_text("Not possible")
    for item_id in ("menu-format", "menu-who", "menu-time", "menu-private"):
        section = page.locator(f"#plan-{item_id}")
        section.get_by_label("Agreed").check()
        section.get_by_role("button", name="Save").click()
        expect(section.locator(".govuk-tag--green")).to_have_text("Agreed")
    page.reload()
    expect(page.get_by_text("Not decided yet")).to_have_count(0)
    expect(page.get_by_label("How the review was held")).to_have_value("hybrid")
    assert_accessible(page, context="statement with plan decided")

    # Exports: the PDF holds the child's words and the reference; the JSON validates.
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download PDF for the case record").click()
    pdf_path = tmp_path / "statement.pdf"
    pdf_download.value.save_as(pdf_path)
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(pdf_path.read_bytes())).pages)
    assert "LL-100512" in text and ARABIC_WORDS in text and "This time the judge asked me to chair." in text
    with page.expect_download() as json_download:
        page.get_by_role("link", name="Download JSON for the meeting").click()
    document = json.loads(json_download.value.path().read_text(encoding="utf-8"))
    jsonschema.validate(document, export_schema())
    assert document["audience"] == "meeting" and document["iro_notes"] is None

    page.get_by_role("button", name="Mark as reviewed").click()
    expect(page.get_by_role("status")).to_contain_text("Marked as reviewed")


def test_only_my_iro_needs_a_release_and_managers_see_the_trail(page, live_url, service, db):
    statement = service["statement"]
    statement.sharing = Sharing.IRO_ONLY
    db.add(statement)
    db.commit()
    sign_in(page, live_url, "morgan@example.org", PASSWORD)
    page.goto(f"{live_url}/statements/{statement.id}")
    expect(page.get_by_role("link", name="Download JSON for the meeting")).to_have_count(0)
    page.get_by_role("link", name="Release for the meeting…").click()
    assert_accessible(page, context="release page")
    page.get_by_role("button", name="Release for the meeting").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to confirm")
    page.get_by_label("I have talked with the child").check()
    page.get_by_role("button", name="Release for the meeting").click()
    expect(page.get_by_role("link", name="Download JSON for the meeting")).to_be_visible()
    page.get_by_role("link", name="Who has viewed or exported").click()
    expect(page.get_by_role("cell", name="Released it for the meeting")).to_be_visible()
    expect(page.get_by_role("cell", name="Morgan Manager (Manager)").first).to_be_visible()
    assert_accessible(page, context="audit trail")


def test_the_statement_page_fits_a_phone(browser, live_url, service):
    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/statements/{service['statement'].id}")
    assert no_horizontal_scroll(page)
    assert_accessible(page, context="statement page on a phone")
    context.close()


def test_an_iro_records_what_they_observed_and_answers_it(page, live_url, service):
    """A child who showed their views without words: the IRO records what they saw, and who helped, then answers it."""
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/statements/{service['statement'].id}")
    page.get_by_role("link", name="Record what you observed").click()
    page.get_by_role("button", name="Save the observation").click()
    expect(page.get_by_role("alert")).to_contain_text("Write what the child did.")
    assert_accessible(page, context="the observation form with its errors")
    page.get_by_label("What it was about").select_option("worries")  # a question Chloe skipped: observed only
    page.get_by_label("What the child did").fill("Hid under the table when the contact visit was mentioned")
    page.get_by_label("Where (optional)").fill("At her foster home")
    page.get_by_label("Fairly sure").check()
    page.get_by_label("A carer").check()
    page.get_by_label("A speech and language therapist").check()
    page.get_by_label("Their names or roles (optional)").fill("Sam, her foster carer")
    page.get_by_role("button", name="Save the observation").click()
    expect(page.get_by_role("status")).to_contain_text("Your observation is saved")
    expect(page.locator("#observed ~ .va-observation").first).to_contain_text("Hid under the table")
    expect(page.locator("#how-they-answered")).to_contain_text(
        "by observation (the IRO saw what they did, 1 observation), interpreted with the help of a carer and a speech and language therapist"
    )
    # The observed topic joins "you said, we did", answered in place like any other.
    page.get_by_role("link", name="Write what was done about “Is anything worrying you? (observed)”").click()
    page.get_by_label("We did (for “Is anything worrying you? (observed)”)").fill("We will talk with your carer before any contact visit.")
    page.get_by_role("button", name="Save the response").click()
    expect(page.locator("#response-worries")).to_contain_text("We will talk with your carer before any contact visit.")
    assert_accessible(page, context="statement page with an observation")
