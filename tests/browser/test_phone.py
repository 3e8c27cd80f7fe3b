"""The child's own phone in a real browser: joining with the QR code and a picture secret, a "not safe" message,
the quick exit and revoking. The IRO on a tablet, the child on a 360 x 640 phone; axe-core on every page."""

from __future__ import annotations

import re

import pytest
import segno
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, no_horizontal_scroll, sign_in
from tests.browser.phone_helpers import join as _join
from tests.browser.phone_helpers import pick as _pick
from tests.conftest import PASSWORD
from tests.phone_support import new_code
from voice_app.models import Role, ServiceContact

pytest_plugins = ["tests.browser.phone_helpers"]  # the phone fixture


@pytest.fixture
def service(make, db):
    iro = make.staff(Role.IRO, name="Jo Reviewer", email="jo@example.org")
    aisha = make.child(iro, name="Aisha")
    db.add(ServiceContact(id=1, phone="0191 000 0000"))
    db.commit()
    return dict(iro=iro, aisha=aisha)


def test_joining_a_phone_with_the_qr_code_and_a_picture_secret(page, phone, live_url, service):
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/children/{service['aisha'].id}")
    page.get_by_role("button", name="Set up their own phone").click()
    code = page.locator(".va-phone-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert_accessible(page, context="the joining code on the tablet")
    # The QR code on the tablet is exactly the join address with the code: the phone's camera opens it.
    join_url = f"{live_url}/phone/join?code={code.replace('-', '')}&lang=en-GB"
    expected = segno.make(join_url, error="m").svg_inline(scale=1, border=4, dark="#0b0c0c", light="#ffffff", omitsize=True)
    assert re.findall(r' d="([^"]+)"', expected)[-1] == page.locator("#phone-qr path.qrline").get_attribute("d")
    phone.goto(join_url)
    expect(phone.get_by_label("Code")).to_have_value(code.replace("-", ""))
    assert phone.title() == "Notes"
    assert_accessible(phone, context="joining on the phone")
    phone.get_by_role("button", name="Join").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Choose your secret")
    assert_accessible(phone, context="choosing a PIN (Aisha is 12)")
    phone.get_by_role("link", name="Use pictures instead").click()
    assert_accessible(phone, context="choosing three pictures")
    assert no_horizontal_scroll(phone)
    _pick(phone, ["swimming", "tv", "friends"])
    phone.get_by_role("button", name="Save my secret").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Tell Jo something")
    assert_accessible(phone, context="the phone's start page")
    assert no_horizontal_scroll(phone)
    # The tablet sees the phone has joined without a reload (htmx asks every few seconds).
    expect(page.get_by_text("The phone has joined")).to_be_visible(timeout=10_000)
    # Opening it again needs the three pictures, in order.
    phone.context.clear_cookies(name="voice_app_session")
    phone.goto(f"{live_url}/phone/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your secret")
    assert_accessible(phone, context="unlocking")
    _pick(phone, ["tv", "swimming", "friends"])
    phone.get_by_role("button", name="Open").click()
    expect(phone.get_by_role("alert")).to_contain_text("That isn't right")
    _pick(phone, ["swimming", "tv", "friends"])
    phone.get_by_role("button", name="Open").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Tell Jo something")


def test_a_not_safe_message_shows_the_safety_help_and_alerts_the_iro(page, phone, live_url, service, db):
    _join(phone, live_url, new_code(db, child=service["aisha"], iro=service["iro"]))
    phone.get_by_role("link", name="Something is wrong").click()
    assert_accessible(phone, context="telling something is wrong")
    assert no_horizontal_scroll(phone)
    phone.locator("label[for='safety-not_safe']").click()
    phone.get_by_label("Your words").fill("Someone at home hurt me")
    phone.get_by_role("button", name="Send").click()
    help_box = phone.locator("#safety-help")
    expect(help_box).to_contain_text("If you are in danger now, call 999.")
    expect(help_box).to_contain_text("not read straight away")
    expect(help_box).to_contain_text("0800 1111")
    expect(help_box).to_contain_text("0191 000 0000")
    assert_accessible(phone, context="the safety help")
    assert no_horizontal_scroll(phone)
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/caseload")
    expect(page.get_by_role("alert")).to_contain_text("Aisha said on their phone that they are not safe")
    expect(page.get_by_text("1 new from Aisha")).to_be_visible()
    assert_accessible(page, context="the caseload with an alert")
    page.get_by_role("link", name="Open Aisha's page").click()
    page.get_by_role("link", name="Read the message").first.click()
    expect(page.locator("main")).to_contain_text("Someone at home hurt me")
    assert_accessible(page, context="a message from the child's phone")
    page.get_by_label(re.compile("Write back to Aisha")).fill("I called your social worker straight away.")
    page.get_by_role("button", name="Send the reply").click()
    page.goto(f"{live_url}/children/{service['aisha'].id}")
    page.get_by_role("button", name="I have seen this and am acting on it").click()
    page.goto(f"{live_url}/caseload")
    expect(page.get_by_text("said on their phone that they are not safe")).to_have_count(0)
    phone.goto(f"{live_url}/phone/replies")
    expect(phone.locator("main")).to_contain_text("I called your social worker straight away.")
    assert_accessible(phone, context="what the IRO wrote back")


def test_quick_exit_leaves_and_back_does_not_return(app, phone, live_url, service, db):
    # No internet here: the "neutral site" is a page of this server that shows nothing of the child.
    app.config["VOICE_APP"].quick_exit_url = f"{live_url}/healthz"
    _join(phone, live_url, new_code(db, child=service["aisha"], iro=service["iro"]))
    phone.get_by_role("link", name="What my IRO wrote back").click()
    phone.get_by_role("link", name="Leave quickly").click()
    phone.wait_for_url(f"{live_url}/healthz")
    phone.go_back()
    # The page the child left is gone from history, and the phone is locked: the secret is asked again.
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your secret")


def test_the_iro_revokes_the_phone(page, phone, live_url, service, db):
    _join(phone, live_url, new_code(db, child=service["aisha"], iro=service["iro"]))
    sign_in(page, live_url, "jo@example.org", PASSWORD)
    page.goto(f"{live_url}/children/{service['aisha'].id}")
    page.get_by_role("button", name="Switch this phone off").click()
    expect(page.get_by_text("Aisha's phone is switched off")).to_be_visible()
    assert_accessible(page, context="the child page after revoking")
    page.get_by_role("link", name=re.compile("Going away")).click()
    page.get_by_label("The last day you are away").fill("2099-01-01")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").or_(page.locator(".govuk-error-message"))).to_contain_text("Enter a date from today to")
    assert_accessible(page, context="are you away?")
    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_have_text("This phone is not set up any more.")
    assert_accessible(phone, context="a revoked phone")


def test_no_signal_keeps_the_words_in_the_form_until_the_internet_is_back(phone, live_url, service, db):
    _join(phone, live_url, new_code(db, child=service["aisha"], iro=service["iro"]))
    phone.get_by_role("link", name="Something good happened").click()
    phone.get_by_label("Your words").fill("I won a prize at school")
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("No internet right now")).to_be_visible()
    expect(phone.get_by_label("Your words")).to_have_value("I won a prize at school")
    assert phone.evaluate("() => localStorage.length + sessionStorage.length") == 0  # nothing kept on the phone
    phone.context.set_offline(False)
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Sent. Thank you for telling us.")
