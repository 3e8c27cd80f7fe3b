"""The IRO adds one of the child's own photos to a sorting mat at hand-over, and the child places it on the mat: the photo
large with its words, read aloud, placed like any card and read back, on a tablet in Chromium, with axe on each step."""

import io

from PIL import Image
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import assert_accessible, no_horizontal_scroll
from tests.browser.test_child_mats import open_mat_hand_over
from voice_app.models import Answer, AnswerChoice, MatPhoto

MEETING = ["Going to my meeting", "On a video call", "An advocate speaks for me", "My IRO shares what I said today", "Somewhere quiet"]


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), (60, 140, 90)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_the_iro_adds_a_photo_at_hand_over_and_the_child_places_it_on_the_mat(page, live_url, make, db):
    open_mat_hand_over(page, live_url, make, years=6)
    page.get_by_text("Sorting mat: add the child's own photos (up to 4)").click()
    page.get_by_label("Add the child's own photos to a mat (optional)").select_option(label="My meeting")
    page.get_by_label("Words the child will hear for photo 1").fill("Nan's house")
    page.locator("#photo_file_1").set_input_files({"name": "nan.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()})
    assert_accessible(page, context="the hand-over with a photo")
    page.get_by_role("button", name="Start: hand the tablet to Sam").click()

    step = page.locator("#step")
    expect(step).to_have_attribute("data-kind", "topics")
    page.get_by_role("link", name="My meeting", exact=True).click()
    for card in MEETING:
        expect(page.locator("#question-title")).to_have_text(card)
        step.get_by_role("button", name="Yes, please").click()

    # The child's own photo comes last, large, with its words, read aloud like any card.
    expect(page.locator("#question-title")).to_have_text("Nan's house")
    expect(page.locator("#progress-text")).to_have_text("6 of 6")
    photo = step.locator(".mat__card img.mat__photo")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 480  # the kept photo, made smaller
    assert photo.bounding_box()["width"] >= 200
    no_horizontal_scroll(page)
    assert_accessible(page, context="the child's own photo as a mat card")
    step.locator("[data-speak]").click()
    spoken = " ".join(item["text"] for item in page.evaluate("window.__spoken"))
    assert "Nan's house" in spoken

    step.get_by_role("button", name="No, thank you").click()
    expect(step).to_have_attribute("data-kind", "mat")
    expect(step).to_contain_text("You put Nan's house under No, thank you.")
    expect(step.locator(".mat__column").nth(1).locator(".mat__placed img.mat__photo")).to_be_visible()
    assert_accessible(page, context="the whole mat with the child's photo")

    (kept,) = db.exec(select(MatPhoto)).all()
    placed = db.exec(select(Answer).where(Answer.question_id == "mat.meeting.photo-1")).one()
    assert kept.label == "Nan's house" and kept.statement_id == placed.statement_id
    assert db.exec(select(AnswerChoice.choice_id).where(AnswerChoice.answer_id == placed.id)).all() == ["no"]
