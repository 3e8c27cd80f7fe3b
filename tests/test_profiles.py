"""My IRO: profiles, photos (checked, re-encoded, private), the service's contact details, and the child meeting their IRO."""

import html as html_module
import io
import re

import pytest
from PIL import Image
from sqlmodel import select

from voice_app.models import IroProfile, Role, ServiceContact
from voice_app.photos import PhotoProblem, clean_photo

ACCESS_TESTED_ENDPOINTS = {"profiles.edit", "profiles.upload_photo", "profiles.staff_photo", "profiles.contact", "child.my_iro_photo"}

pytest_plugins = ["tests.child_support"]  # the hand_over fixture


def _jpeg_with_exif(size=(1200, 900)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS: somewhere
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"home address")
    return out.getvalue()


def _upload(client, data: bytes, name="me.jpg"):
    return client.post("/profile/photo", {"photo": (io.BytesIO(data), name)}, content_type="multipart/form-data")


# --- Photos are checked, re-encoded and stripped ------------------------------------------------


def test_a_photo_is_made_smaller_and_loses_its_metadata():
    raw = _jpeg_with_exif()
    assert b"SecretCam" in raw and b"home address" in raw
    cleaned = clean_photo(raw)
    assert b"SecretCam" not in cleaned and b"home address" not in cleaned and b"Exif" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "JPEG" and max(image.size) == 480 and not image.getexif()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "Choose a photo"),
        (b"GIF89a" + b"\0" * 100, "not a photo we can read"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "not a photo we can read"),
        (b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024), "smaller than 5 MB"),
    ],
)
def test_files_that_are_not_usable_photos_are_refused(data, problem):
    with pytest.raises(PhotoProblem, match=problem):
        clean_photo(data)


def test_a_gif_is_refused_even_when_it_is_a_real_image():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(PhotoProblem, match="JPEG, PNG or WebP"):
        clean_photo(out.getvalue())


# --- The IRO's profile --------------------------------------------------------------------------


def test_an_iro_writes_their_profile_and_chooses_a_symbol(signed_in, make, db):
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    client = signed_in(iro)
    page = client.get("/profile").get_data(as_text=True)
    assert "Hi, I'm Jo." in page and 'value="football"' in page and 'value="favicon"' not in page
    response = client.post("/profile", {"first_name": " Jo ", "about": "I like walking my dog.", "picture": "football"})
    assert response.status_code == 302
    saved = db.get(IroProfile, iro.id)
    assert (saved.first_name, saved.about, saved.symbol, saved.photo) == ("Jo", "I like walking my dog.", "football", None)


def test_a_bad_profile_is_refused_kindly(signed_in, make, db):
    client = signed_in(make.staff(Role.IRO))
    response = client.post("/profile", {"first_name": "", "about": "x" * 401, "picture": "../../etc/passwd"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Enter the name children call you." in page and "under 400 characters" in page
    assert "Not a valid choice" in page
    assert db.exec(select(IroProfile)).first() is None


def test_an_uploaded_photo_is_kept_clean_and_shown_only_to_that_iro_and_managers(signed_in, make, db, client):
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    iro_client = signed_in(iro)
    assert _upload(iro_client, _jpeg_with_exif()).status_code == 302
    stored = db.get(IroProfile, iro.id).photo
    assert stored and b"SecretCam" not in stored
    mine = iro_client.get(f"/staff/{iro.id}/photo")
    assert mine.status_code == 200 and mine.mimetype == "image/jpeg" and "no-store" in mine.headers["Cache-Control"]
    assert mine.data == stored
    assert signed_in(make.staff(Role.MANAGER)).get(f"/staff/{iro.id}/photo").status_code == 200
    assert signed_in(make.staff(Role.IRO)).get(f"/staff/{iro.id}/photo").status_code == 404
    assert signed_in(make.staff(Role.ADMIN)).get(f"/staff/{iro.id}/photo").status_code == 403
    assert client.get(f"/staff/{iro.id}/photo").status_code == 302  # signed out: to sign-in


def test_a_bad_upload_is_refused_on_the_page(signed_in, make, db):
    client = signed_in(make.staff(Role.IRO))
    response = _upload(client, b"not an image at all")
    assert response.status_code == 422 and "not a photo we can read" in response.get_data(as_text=True)
    big = _upload(client, b"\xff\xd8\xff" + b"\0" * (6 * 1024 * 1024))
    assert big.status_code == 413
    assert db.exec(select(IroProfile)).first() is None


def test_the_upload_needs_the_csrf_token(signed_in, make, db):
    client = signed_in(make.staff(Role.IRO))
    response = client.post("/profile/photo", {"photo": (io.BytesIO(_jpeg_with_exif()), "me.jpg")}, csrf=False, content_type="multipart/form-data")
    assert response.status_code in (400, 422) and db.exec(select(IroProfile)).first() is None


def test_choosing_a_symbol_forgets_the_photo(signed_in, make, db):
    iro = make.staff(Role.IRO)
    client = signed_in(iro)
    _upload(client, _jpeg_with_exif())
    radio = re.search(r'<input[^>]*value="photo"[^>]*>', client.get("/profile").get_data(as_text=True)).group(0)
    assert "checked" in radio
    client.post("/profile", {"first_name": "Jo", "about": "", "picture": "photo"})
    db.expire_all()
    assert db.get(IroProfile, iro.id).photo is not None
    client.post("/profile", {"first_name": "Jo", "about": "", "picture": "sun"})
    db.expire_all()
    assert db.get(IroProfile, iro.id).photo is None


@pytest.mark.parametrize("role", [Role.IRO, Role.MANAGER, Role.ADMIN])
def test_who_may_edit_what(signed_in, make, client, role):
    user_client = signed_in(make.staff(role))
    assert user_client.get("/profile").status_code == (403 if role == Role.ADMIN else 200)
    assert user_client.get("/admin/service-contact").status_code == (200 if role == Role.ADMIN else 403)
    for url in ("/profile", "/admin/service-contact"):
        assert client.get(url).status_code == 302


def test_an_admin_sets_the_services_contact_details(signed_in, make, db):
    client = signed_in(make.staff(Role.ADMIN))
    bad = client.post("/admin/service-contact", {"phone": "0191 000 0000", "text": "", "email": "not-an-email"})
    assert bad.status_code == 422 and "Enter an email address" in bad.get_data(as_text=True)
    assert client.post("/admin/service-contact", {"phone": "0191 000 0000", "text": "07700 900000", "email": "iro@example.org"}).status_code == 302
    saved = db.get(ServiceContact, 1)
    assert (saved.phone, saved.text, saved.email) == ("0191 000 0000", "07700 900000", "iro@example.org")


# --- The child meets their IRO ------------------------------------------------------------------


def _text(response):
    return html_module.unescape(response.get_data(as_text=True))


def _keeps_sprite(tablet) -> dict:
    """The header a child's page sends once it keeps the symbol sprite: symbols are then named, not drawn inline."""
    sprite = re.search(r'data-sprite="([^"]+)"', _text(tablet.client.get(tablet.url()))).group(1)
    return {"X-Symbol-Sprite": sprite}


def test_the_child_meets_their_iro_at_the_start(hand_over, db):
    tablet = hand_over()
    db.add(IroProfile(staff_id=tablet.iro.id, first_name="Jo", about="I have a cat called Pip.", symbol="sun"))
    db.commit()
    page = _text(tablet.client.get(tablet.url(), headers=_keeps_sprite(tablet)))
    intro = page.split('id="my-iro"')[1].split("</li>")[0]
    assert "Hi, I'm Jo. I'm your IRO." in intro and "listened to" in intro and "I have a cat called Pip." in intro
    assert re.search(r"icons/sprite\.[0-9a-f]{12}\.svg#sun", intro) and "data-speak" in intro  # from the sprite
    assert page.index('id="my-iro"') < page.index("How do you feel today?")


def test_without_a_profile_the_child_still_meets_their_iro_by_first_name(hand_over):
    tablet = hand_over()
    page = _text(tablet.client.get(tablet.url(), headers=_keeps_sprite(tablet)))
    assert "Hi, I'm Jo. I'm your IRO." in page and re.search(r"icons/sprite\.[0-9a-f]{12}\.svg#iro", page)


def test_the_childs_conversation_shows_their_own_iros_photo_only(hand_over, db, make, signed_in):
    tablet = hand_over()
    db.add(IroProfile(staff_id=tablet.iro.id, first_name="Jo", photo=clean_photo(_jpeg_with_exif())))
    db.commit()
    page = _text(tablet.client.get(tablet.url()))
    assert f"/child/statements/{tablet.statement_id}/my-iro/photo" in page and "A photo of Jo" in page
    photo = tablet.client.get(tablet.url("/my-iro/photo"))
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg" and "no-store" in photo.headers["Cache-Control"]
    assert tablet.client.get(f"/child/statements/{tablet.statement_id + 1}/my-iro/photo").status_code == 404
    assert tablet.client.get(f"/staff/{tablet.iro.id}/photo").status_code != 200  # staff pages stay shut in child mode
    stranger = make.staff(Role.IRO)
    assert signed_in(stranger).get(f"/child/statements/{tablet.statement_id}/my-iro/photo").status_code == 404


def test_the_thank_you_says_who_the_iro_is_and_how_to_reach_the_service(hand_over, db):
    tablet = hand_over(parts="views")
    db.add(ServiceContact(id=1, phone="0191 000 0000", text="07700 900000", email="iro@example.org"))
    db.commit()
    assert tablet.client.post(tablet.url("/sharing"), {"sharing": "meeting"}).status_code in (200, 302, 303)
    page = _text(tablet.client.get(tablet.url()))
    done = page.split('data-kind="done"')[1]
    assert "Your IRO is Jo." in done and "Phone: 0191 000 0000" in done and "Text: 07700 900000" in done and "Email: iro@example.org" in done


def test_the_service_translates_the_iros_lines_and_the_child_sees_their_language(signed_in, make, db, hand_over):
    tablet = hand_over()
    client = signed_in(tablet.iro)
    response = client.post("/profile", {"first_name": "Jo", "about": "I have a cat.", "picture": "sun", "about_ar": "لدي قطة.", "about_cy": " "})
    assert response.status_code == 302
    saved = db.get(IroProfile, tablet.iro.id)
    db.refresh(saved)
    assert saved.about_translations == {"ar": "لدي قطة."}  # blank boxes are not kept
    assert "لدي قطة." in client.get("/profile").get_data(as_text=True)
    english = _text(tablet.client.get(tablet.url()))
    assert "I have a cat." in english and "لدي قطة." not in english
    tablet.client.post(tablet.url("/language"), {"language": "ar"})
    arabic = _text(tablet.client.get(tablet.url()))
    intro = arabic.split('id="my-iro"')[1].split("</li>")[0]
    assert "لدي قطة." in intro and "I have a cat." not in intro
