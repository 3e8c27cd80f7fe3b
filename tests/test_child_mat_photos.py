"""The child's own photos on a sorting mat: added by the IRO at hand-over, offered and placed like the mat's own cards,
kept encrypted, shown only to the tablet of that hand-over and to staff who may see the statement, removed by
retention and given back by subject access (voice_app/child/photos.py)."""

import base64
import html as html_module
import io
import json
import uuid
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from PIL import Image
from sqlmodel import select

from tests.statement_factories import AnswerSpec, make_statement
from voice_app.child.flow import SavedAnswer
from voice_app.child.pack_routes import expand_piece
from voice_app.models import Answer, AnswerChoice, AnswerReceipt, FlowVersion, Handover, MatPhoto, Role, VisitStatus
from voice_app.questions.bank import BankError, is_photo_card, load_mats, mat_id_of, photo_card_id
from voice_app.records.retention import anonymise_child
from voice_app.records.subject_access import export_zip, gather
from voice_app.statements.access import load_context
from voice_app.statements.reading import read_statement

pytest_plugins = ["tests.child_support"]  # the hand_over fixture
# Also in the route x role matrix (tests/attack_support.py).
ACCESS_TESTED_ENDPOINTS = {"child.mat_photo", "statements.mat_photo"}

SCHOOL = ["mat.school.lessons", "mat.school.teacher", "mat.school.friends", "mat.school.lunch", "mat.school.homework", "mat.school.help"]


def _jpeg(colour=(30, 120, 200), size=(1200, 900)) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make: metadata that must not be kept
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def _photos(*labels: str, mat: str = "school", files: list | None = None) -> dict:
    """The hand-over form's photo fields: a label and a file for each."""
    data = {"photo_mat": mat}
    for number, label in enumerate(labels, start=1):
        data[f"photo_label_{number}"] = label
        content = files[number - 1] if files else _jpeg((40 * number, 100, 160))
        data[f"photo_file_{number}"] = (io.BytesIO(content), f"photo{number}.jpg")
    return data


def _text(response) -> str:
    return html_module.unescape(response.get_data(as_text=True))


def _id() -> str:
    return uuid.uuid4().hex


def _place_school(tablet) -> None:
    for card in SCHOOL:
        assert tablet.answer(card, {"choice": "like", "client_id": _id()}).status_code == 302


def test_photo_card_ids_are_cards_of_their_mat_and_the_bank_keeps_the_prefix_for_them(tmp_path):
    assert photo_card_id("home", 2) == "mat.home.photo-2"
    assert mat_id_of("mat.home.photo-2") == "home" and is_photo_card("mat.home.photo-2")
    assert not is_photo_card("mat.home.bedroom") and not is_photo_card("feel-today")
    mats = tmp_path / "mats.toml"
    mats.write_text('[[scale]]\nid = "s"\npoints = [{ id = "a", label = "A", symbol = "x" }, { id = "b", label = "B", symbol = "y" }]\n'
                    '[[mat]]\nid = "m"\ntitle = "M"\nsymbol = "home"\nscale = "s"\noptions = [{ id = "photo-1", label = "P", symbol = "x" }]\n')
    with pytest.raises(BankError, match="photo-"):
        load_mats(mats)


def test_the_iro_adds_photos_at_hand_over_and_the_child_places_them_after_the_mats_own_cards(hand_over, db, signed_in):
    tablet = hand_over(version="mat", parts="views", extra=_photos("Nan's house", "My dog 100%"))
    rows = db.exec(select(MatPhoto).order_by(MatPhoto.number)).all()
    assert [(r.mat_id, r.number, r.label, r.statement_id) for r in rows] == [
        ("school", 1, "Nan's house", tablet.statement_id), ("school", 2, "My dog 100%", tablet.statement_id)]
    kept = Image.open(io.BytesIO(rows[0].photo))
    assert kept.format == "JPEG" and max(kept.size) == 480 and not kept.getexif()  # made smaller, metadata gone
    topics = _text(tablet.client.get(tablet.url()))
    assert "0 of 8" not in topics and tablet.url("/mats/school") in topics
    _place_school(tablet)
    card = _text(tablet.client.get(tablet.url("/mats/school")))
    assert 'data-question="mat.school.photo-1"' in card and "7 of 8" in card
    assert "Nan's house" in card and f'src="/child/statements/{tablet.statement_id}/photos/{rows[0].id}"' in card
    # Placed like any card: once per client id, in order, a later card refused while this one is current.
    sent = _id()
    assert tablet.answer("mat.school.photo-1", {"choice": "not_like", "client_id": sent}, htmx=True).status_code == 200
    assert tablet.answer("mat.school.photo-1", {"choice": "not_like", "client_id": sent}, htmx=True).status_code == 200
    assert tablet.answer("mat.school.photo-1", {"choice": "ok", "client_id": _id()}, htmx=True).status_code == 409  # stale
    assert tablet.answer("mat.school.photo-3", {"choice": "ok", "client_id": _id()}).status_code == 404  # no such photo
    step = _text(tablet.answer("mat.school.photo-2", {"skip": "1", "client_id": _id()}, htmx=True))
    assert "You put Nan's house under I don't like it." in step and "You didn't want to say about My dog 100%." in step
    stored = db.exec(select(Answer.question_id, Answer.skipped).order_by(Answer.id)).all()
    assert [qid for qid, _ in stored] == [*SCHOOL, "mat.school.photo-1", "mat.school.photo-2"]
    assert stored[-1][1] is True
    photo_answer = db.exec(select(Answer.id).where(Answer.question_id == "mat.school.photo-1")).one()
    assert db.exec(select(AnswerChoice.choice_id).where(AnswerChoice.answer_id == photo_answer)).all() == ["not_like"]
    assert len(db.exec(select(AnswerReceipt).where(AnswerReceipt.question_id == "mat.school.photo-1")).all()) == 1
    # The photo itself: to this tablet only, never cached.
    shown = tablet.client.get(tablet.url(f"/photos/{rows[0].id}"))
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg" and shown.data == rows[0].photo
    assert "no-store" in shown.headers["Cache-Control"]
    other = hand_over(version="mat", parts="views", name="Ben")
    assert other.client.get(other.url(f"/photos/{rows[0].id}")).status_code == 404  # another hand-over's photo
    assert tablet.client.get(tablet.url("/photos/999999")).status_code == 404


def test_the_photo_and_its_words_are_encrypted_at_rest(hand_over, db):
    tablet = hand_over(version="mat", parts="views", extra=_photos("Nan's house", mat="home"))
    label, photo = db.execute(sa.text("SELECT label, photo FROM mat_photo WHERE statement_id = :s"), {"s": tablet.statement_id}).one()
    assert label.startswith("enc1:") and "Nan" not in label
    assert photo.startswith("enc1:") and b"JFIF" not in photo.encode()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"photo_mat": "school", "photo_label_1": "My dog", "photo_file_1": b"not a picture"},
         "That file is not a photo we can read. Use a JPEG, PNG or WebP file."),
        ({"photo_mat": "school", "photo_label_1": "My dog"}, "Choose a photo for “My dog”, or clear its words."),
        ({"photo_mat": "school", "photo_file_1": _jpeg()},
         "Give photo 1 a few words the child will hear, such as “Nan's house”."),
        ({"photo_mat": "school", "photo_label_1": "x" * 41, "photo_file_1": _jpeg()},
         "Keep the words for photo 1 to 40 letters or fewer."),
        ({"photo_mat": "school", "photo_label_1": "Big", "photo_file_1": b"\xff" * (5 * 1024 * 1024 + 10)},
         "The photo must be smaller than 5 MB."),
        ({"photo_mat": "", "photo_label_1": "My dog", "photo_file_1": _jpeg()}, "Choose the mat the photos go on."),
        ({"photo_mat": "nowhere"}, "Not a valid choice."),
    ],
)
def test_a_photo_that_cannot_be_used_gets_kind_words_and_nothing_is_handed_over(make, signed_in, db, extra, message):
    iro = make.staff(Role.IRO)
    visit = make.visit(make.review(make.child(iro, name="Ana")), iro=iro)
    client = signed_in(iro)
    data = {"version": "mat", "language": "en-GB", "parts": "views", "scribing": "y", **extra}
    if "photo_file_1" in data:  # a fresh file for each run (the parameters are shared by both databases)
        data["photo_file_1"] = (io.BytesIO(data["photo_file_1"]), "photo.jpg")
    response = client.post(f"/visits/{visit.id}/hand-over", data)
    page = _text(response)
    assert response.status_code == 422 and message in page and "There is a problem" in page
    assert '<input checked class="govuk-checkboxes__input" id="scribing"' in page  # nothing else entered is lost
    if extra.get("photo_label_1"):
        assert f'value="{extra["photo_label_1"]}"' in page  # what the IRO typed is kept
    assert db.exec(select(Handover)).all() == [] and db.exec(select(MatPhoto)).all() == []


def test_photos_go_only_on_a_sorting_mat(make, signed_in, db):
    iro = make.staff(Role.IRO)
    visit = make.visit(make.review(make.child(iro, name="Ana")), iro=iro)
    data = {"version": "younger", "language": "en-GB", "parts": "views", **_photos("My dog")}
    response = signed_in(iro).post(f"/visits/{visit.id}/hand-over", data)
    assert response.status_code == 422 and "Photos go on a sorting mat" in _text(response)
    assert "Choose the photos again" in _text(response)
    assert db.exec(select(MatPhoto)).all() == []


def test_a_hand_over_form_refuses_a_file_in_any_other_field(make, signed_in):
    iro = make.staff(Role.IRO)
    visit = make.visit(make.review(make.child(iro, name="Ana")), iro=iro)
    data = {"version": "mat", "language": "en-GB", "parts": "views", "pin": (io.BytesIO(b"1234"), "pin.txt")}
    assert signed_in(iro).post(f"/visits/{visit.id}/hand-over", data).status_code == 400


def test_the_offline_pack_carries_the_photo_card_with_its_photo(hand_over, db):
    tablet = hand_over(version="mat", parts="views", extra=_photos("My dog", mat="home"))
    pack = tablet.client.get(tablet.url("/pack/en-GB.json")).get_json()
    ids = [q["id"] for q in pack["questions"]]
    assert ids.index("mat.home.photo-1") == ids.index("mat.home.tv") + 1  # after the mat's own cards
    step = expand_piece(pack, next(q for q in pack["questions"] if q["id"] == "mat.home.photo-1")["step"])
    assert 'src="data:image/jpeg;base64,' in step and "My dog" in step and 'data-kind="mat-card"' in step
    inline = step.split('src="data:image/jpeg;base64,')[1].split('"')[0]
    assert max(Image.open(io.BytesIO(base64.b64decode(inline))).size) == 320  # a lighter copy travels offline
    other = hand_over(version="mat", parts="views", name="Ben")  # a hand-over without photos: nothing inline
    assert "data:image" not in other.client.get(other.url("/pack/en-GB.json")).get_data(as_text=True)


def test_staff_see_the_photo_with_the_mat_and_the_exports_name_it_without_embedding_it(hand_over, db, signed_in, make):
    tablet = hand_over(version="mat", parts="views", extra=_photos("Nan's house", mat="home"))
    photo = db.exec(select(MatPhoto)).one()
    for card in ["bedroom", "food", "sleep", "carers", "pet", "tv"]:
        assert tablet.answer(f"mat.home.{card}", {"choice": "ok", "client_id": _id()}).status_code == 302
    assert tablet.answer("mat.home.photo-1", {"choice": "like", "client_id": _id()}).status_code == 302
    iro = signed_in(tablet.iro)
    page = _text(iro.get(f"/statements/{tablet.statement_id}"))
    assert f'src="/statements/{tablet.statement_id}/photos/{photo.id}"' in page and "Nan's house: I like it" in page
    shown = iro.get(f"/statements/{tablet.statement_id}/photos/{photo.id}")
    assert shown.status_code == 200 and shown.data == photo.photo and "no-store" in shown.headers["Cache-Control"]
    other_iro = signed_in(make.staff(Role.IRO))
    assert other_iro.get(f"/statements/{tablet.statement_id}/photos/{photo.id}").status_code == 404
    document = iro.get(f"/statements/{tablet.statement_id}/export.json").get_json()
    (mat,) = document["mats"]
    card = next(c for c in mat["cards"] if c["question_id"] == "mat.home.photo-1")
    assert card["card"] == "Nan's house" and card["own_photo"] is True and card["point"] == "like"
    assert "base64" not in json.dumps(document)
    pdf = iro.get(f"/statements/{tablet.statement_id}/export.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_retention_removes_the_photos_with_the_childs_record_and_subject_access_gives_them_back(app, hand_over, db):
    tablet = hand_over(version="mat", parts="views", extra=_photos("Nan's house", "My dog", mat="people"))
    photos = db.exec(select(MatPhoto).order_by(MatPhoto.number)).all()
    access = gather(db, child_id=tablet.child.id, made_by=tablet.iro)
    assert [(p["words"], p["mat"], p["statement_id"]) for p in access.record["own_photos"]] == [
        ("Nan's house", "people", tablet.statement_id), ("My dog", "people", tablet.statement_id)]
    with zipfile.ZipFile(io.BytesIO(export_zip(access))) as archive:
        names = archive.namelist()
        first = access.record["own_photos"][0]["file"]
        assert first in names and archive.read(first) == photos[0].photo
        assert "photos/" in archive.read("README.txt").decode()
    with app.extensions["voice_app_engine"].begin() as connection:
        anonymise_child(connection, child_id=tablet.child.id, now=datetime.now(UTC))
    db.expire_all()
    assert db.exec(select(MatPhoto)).all() == []
    assert gather(db, child_id=tablet.child.id, made_by=None).record["own_photos"] == []


def test_a_photo_card_is_never_compared_with_last_times_photo_of_the_same_number(make, db):
    iro = make.staff(Role.IRO)
    child = make.child(iro, name="Sam")
    earlier_visit = make.visit(make.review(child, days_ahead=-150), iro=iro, status=VisitStatus.DONE, held_on=date.today() - timedelta(days=160))
    earlier = make_statement(db, child=child, visit=earlier_visit, version=FlowVersion.MAT,
                             answers=[AnswerSpec("mat.home.bedroom", ["like"]), AnswerSpec("mat.home.photo-1", ["like"])])
    earlier.started_at -= timedelta(days=160)
    db.add(MatPhoto(statement_id=earlier.id, child_id=child.id, mat_id="home", number=1, label="Old house", photo=_jpeg()))
    db.add(earlier)
    db.commit()
    visit = make.visit(make.review(child, days_ahead=20), iro=iro, status=VisitStatus.DONE, held_on=date.today())
    statement = make_statement(db, child=child, visit=visit, version=FlowVersion.MAT,
                               answers=[AnswerSpec("mat.home.bedroom", ["not_like"]), AnswerSpec("mat.home.photo-1", ["not_like"])])
    db.add(MatPhoto(statement_id=statement.id, child_id=child.id, mat_id="home", number=1, label="My dog", photo=_jpeg()))
    db.commit()
    (mat,) = read_statement(db, load_context(db, statement.id)).mats
    assert [m.text for m in mat.moves] == ["My bedroom: I like it → I don't like it"]
    assert [(c.label, c.point, c.photo_id is not None) for c in mat.cards] == [("My bedroom", "not_like", False), ("My dog", "not_like", True)]


def test_a_photo_cards_words_are_drawn_afresh_and_never_kept_in_the_shared_renders(app, hand_over, db):
    """The shared renders hold what is the same for every child; a photo's words were typed about one child."""
    from voice_app.child.kept import _store, answer_bubble, kept
    from voice_app.child.photos import photo_cards
    from voice_app.models import Statement
    from voice_app.questions.bank import default_bank

    tablet = hand_over(version="mat", parts="views", extra=_photos("Nan's house"))
    card = photo_cards(db, statement_id=tablet.statement_id, bank=default_bank())[0]
    saved = SavedAnswer(card.id, ("like",), None)
    with app.test_request_context("/"):
        from flask import g

        g.statement = db.get(Statement, tablet.statement_id)
        before = len(_store().entries)
        assert "Nan" in kept("question_head", card) and "Nan" in answer_bubble(tablet.statement_id, card, saved)
        assert len(_store().entries) == before
