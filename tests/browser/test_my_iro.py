"""A child meets their IRO, learns what happens at their meeting and says afterwards whether they were heard; the IRO
handles what needs attention. Real browser, axe-core on every page."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import PHONE, assert_accessible, no_horizontal_scroll, sign_in
from tests.browser.test_child_conversation import ENGLISH, SPEECH_STUB, title
from tests.conftest import PASSWORD
from tests.statement_factories import AnswerSpec, make_statement
from voice_app.models import AttentionAction, IroProfile, ReviewStatus, Role, ServiceContact, Statement, VisitMethod, VisitStatus

ICONS = Path(__file__).resolve().parents[2] / "static" / "icons"


@pytest.fixture
def service(make, db):
    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    db.add(IroProfile(staff_id=iro.id, first_name="Jo", about="I have a cat called Pip.", symbol="sun"))
    db.add(ServiceContact(id=1, phone="0191 000 0000", text="07700 900000", email="iro@example.org"))
    db.commit()
    mark = make.child(iro, name="Mark", date_of_birth=date.today() - timedelta(days=12 * 366))
    held = make.review(mark, days_ahead=-10, status=ReviewStatus.HELD, held_on=date.today() - timedelta(days=10))
    before = make.visit(held, iro=iro, status=VisitStatus.DONE, held_on=date.today() - timedelta(days=17), method=VisitMethod.FACE_TO_FACE)
    make_statement(db, child=mark, visit=before, answers=[AnswerSpec("menu-format", ["virtual"]), AnswerSpec("menu-chair", ["child"])])
    visit = make.visit(make.review(mark, days_ahead=170), iro=iro)
    return dict(iro=iro, mark=mark, held=held, visit=visit, make=make)


def _hand_over(page, live_url, service, *, parts, language="en-GB", explain=False, ask_after=None):
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/visits/{service['visit'].id}/hand-over")
    page.get_by_label("Younger").check()
    page.get_by_label(parts).check()
    if ask_after is not None:
        page.get_by_label("First ask how their last meeting went").set_checked(ask_after)
    if explain:
        page.get_by_label("What happens at my meeting").check()
    page.get_by_label("Language").select_option(language)
    page.get_by_role("button", name="Start: hand the tablet to Mark").click()
    expect(page.locator("#step")).to_be_visible()


def _tap(page, label):
    before = title(page).inner_text()
    page.locator("#step").get_by_role("button", name=label).first.click()
    expect(title(page)).not_to_have_text(before)


def test_a_child_meets_their_iro_with_read_aloud(browser, live_url, service):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
    context.add_init_script(SPEECH_STUB % ENGLISH)
    page = context.new_page()
    _hand_over(page, live_url, service, parts="Their views only", ask_after=False)
    intro = page.locator("#my-iro")
    expect(intro).to_contain_text("Hi, I'm Jo. I'm your IRO.")
    expect(intro).to_contain_text("I have a cat called Pip.")
    assert_accessible(page, context="meeting the IRO")
    intro.get_by_role("button", name="Hear who I am").click()
    spoken = " ".join(item["text"] for item in page.evaluate("() => window.__spoken"))
    assert "Hi, I'm Jo" in spoken and "listened to" in spoken and "How do you feel today?" not in spoken
    context.close()


@pytest.mark.parametrize(("language", "direction"), [("en-GB", "ltr"), ("ar", "rtl")])
def test_after_the_meeting_in_english_and_arabic(page, live_url, service, db, language, direction):
    _hand_over(page, live_url, service, parts="Only how their last meeting went", language=language)
    expect(page.locator("html")).to_have_attribute("dir", direction)
    expect(page.locator("#step")).to_have_attribute("data-question", "after-helped")
    assert_accessible(page, context=f"after the meeting ({language})")
    answers = {"after-helped": "yes", "after-heard": "no", "after-plan": "know_more"}
    for question_id, choice in answers.items():
        expect(page.locator("#step")).to_have_attribute("data-question", question_id)
        if page.locator("#step button.card[name=choice]").count():
            page.locator(f"#step button.card[value={choice}]").click()
        else:  # IRO not scribing, younger: cards may be toggles when words are allowed
            page.locator(f"#step label.card[for$='{choice}']").click()
            page.locator("#step button.button-main").click()
    expect(page.locator("#step")).to_have_attribute("data-question", "after-way")
    asked = page.locator(".asked")
    expect(asked).to_be_visible()
    # Its picture is drawn in the step (inline, or from the kept sprite: then named by its id).
    expect(asked.locator("svg.sym").first).to_be_visible()
    assert asked.locator("svg.sym").evaluate_all("svgs => svgs.length > 0 && svgs.every(s => s.getBBox().width > 0)")
    names = asked.locator("svg.sym use").evaluate_all("uses => uses.map(u => u.getAttribute('href').split('#')[1])")
    assert not names or "meeting-virtual" in names
    if language == "ar":
        expect(asked).to_contain_text("لقد طلبت:")
        expect(title(page)).to_have_text("هل كان اجتماعك بالطريقة التي طلبتها؟")
    else:
        expect(asked).to_contain_text("On a video call")
    assert_accessible(page, context=f"was it the way you asked ({language})")
    page.locator("#step button.card[value=some]").click()
    expect(page.locator("#step")).to_have_attribute("data-question", "after-tell")
    page.locator("#step button.card[value=no]").click()
    expect(page.locator("#step")).to_have_attribute("data-kind", "sharing")
    page.locator("#step button.card[value=meeting]").click()
    done = page.locator("#step")
    expect(done).to_have_attribute("data-kind", "done")
    expect(done).to_contain_text("0191 000 0000")
    assert_accessible(page, context=f"thank you with the IRO ({language})")
    statement = db.exec(select(Statement).where(Statement.visit_id == service["visit"].id)).one()
    db.refresh(statement)
    assert statement.parts == "after" and statement.end_reason.value == "finished"


def test_what_happens_at_my_meeting_then_an_advocate(page, live_url, service):
    _hand_over(page, live_url, service, parts="The Child's Menu only", explain=True, ask_after=False)
    page.set_viewport_size(PHONE)
    expect(title(page)).to_have_text("Who comes to your meeting?")
    expect(page.locator("#step .step__explain")).to_contain_text("Your IRO runs the meeting.")
    assert_accessible(page, context="explainer on a phone")
    no_horizontal_scroll(page)
    for _ in range(6):  # who, what, come, chair (cared for), views, advocate
        _tap(page, "I understand")
    expect(title(page)).to_have_text("Would you like someone to help you say what you think?")
    _tap(page, "Yes, please")
    expect(page.locator("#step")).to_have_attribute("data-question", re.compile("^menu-"))


def test_the_iro_sees_what_needs_attention_first_and_records_what_they_did(page, live_url, service, db):
    statement = make_statement(db, child=service["mark"], visit=service["visit"], answers=[
        AnswerSpec("feel-today", ["scared"]), AnswerSpec("home", ["like"]), AnswerSpec("advocate", ["yes"]),
    ])
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/statements/{statement.id}")
    attention = page.locator("#attention")
    expect(attention).to_contain_text("2 answers the question bank marks for attention")
    assert page.locator("#attention").bounding_box()["y"] < page.locator("#views").bounding_box()["y"]
    assert_accessible(page, context="statement with answers needing attention")
    attention.get_by_label("What you did about “How do you feel today?”").fill("Spoke with Mark and his carer about night-times.")
    attention.get_by_role("button", name="Save what you did").first.click()
    expect(page.locator(".govuk-notification-banner").first).to_contain_text("Saved what you did")
    expect(page.locator("#attention")).to_contain_text("Spoke with Mark and his carer")
    assert db.exec(select(AttentionAction)).one().question_id == "feel-today"


def test_the_iro_keeps_their_profile_and_uploads_a_photo(page, live_url, service, tmp_path):
    from PIL import Image

    photo = tmp_path / "me.png"
    Image.new("RGB", (900, 600), (30, 120, 60)).save(photo)
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.get_by_role("link", name="Your profile for children").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile for children")
    page.wait_for_load_state()  # axe on the whole page, not one still arriving
    assert_accessible(page, context="profile")
    page.get_by_label("Upload a photo of yourself").set_input_files(str(photo))
    page.get_by_role("button", name="Upload the photo").click()
    page.wait_for_load_state()
    expect(page.locator(".va-profile-preview img")).to_have_attribute("src", f"/staff/{service['iro'].id}/photo")
    assert page.locator(".va-profile-preview img").evaluate("img => img.naturalWidth") == 480
    assert_accessible(page, context="profile with a photo")


def test_the_letter_page_and_the_contact_page_are_accessible(page, live_url, service, make):
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/children/{service['mark'].id}")
    page.get_by_role("link", name="Introduction letter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Introduction letter")
    page.wait_for_load_state()
    assert_accessible(page, context="introduction letter")
    given = date.today() - timedelta(days=10)  # recent: a date over a year back is asked to be confirmed first
    page.get_by_label("Date the letter was given").fill(given.isoformat())
    page.get_by_role("button", name="Record the date given").click()
    expect(page.locator("#main-content, main").first).to_contain_text(f"Given on {given:%-d %B %Y}")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the letter (PDF)").click()
    assert download.value.suggested_filename.startswith("introduction-letter-")
    page.goto(f"{live_url}/children/{service['mark'].id}")
    expect(page.get_by_text(f"Introduction letter given on {given:%-d %B %Y}")).to_be_visible()
    page.context.clear_cookies()
    make.staff(Role.ADMIN, email="admin@example.org")
    sign_in(page, live_url, "admin@example.org", PASSWORD)
    page.get_by_role("link", name="How children reach the service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How children reach the service")
    page.wait_for_load_state()
    assert_accessible(page, context="service contact details")


def test_after_meeting_answers_sit_beside_the_meeting_on_the_statement_pages(page, live_url, service, db):
    later = make_statement(db, child=service["mark"], visit=service["visit"], answers=[
        AnswerSpec("after-heard", ["no"], text="They talked over me"), AnswerSpec("after-way", ["some"]),
    ])
    later.about_review_id = service["held"].id
    db.add(later)
    db.commit()
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/statements/{later.id}")
    expect(page.locator("#after-meeting")).to_contain_text("They talked over me")
    expect(page.locator("#after-meeting")).to_contain_text("On a video call")
    assert_accessible(page, context="statement with after-the-meeting answers")
