"""Introduction letters: in the child's language and version, only for staff who may see the child; dates given counted."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlmodel import select

from tests.reports_seed import Seeder
from voice_app.models import AuditEvent, IntroLetter, IroProfile, Role, ServiceContact
from voice_app.reports.period import Period
from voice_app.reports.report import build_report

ACCESS_TESTED_ENDPOINTS = {"profiles.letter", "profiles.letter_download", "profiles.letter_given"}


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


@pytest.fixture
def letter_world(make, db):
    iro = make.staff(Role.IRO, name="Jo Reviewer")
    child = make.child(iro, name="Tom", preferred_language="cy")
    db.add(IroProfile(staff_id=iro.id, first_name="Jo", about="I have a cat called Pip.", symbol="sun"))
    db.add(ServiceContact(id=1, phone="0191 000 0000", text="", email="iro@example.org"))
    db.commit()
    return dict(iro=iro, child=child, make=make, base=f"/children/{child.id}/letter")


@pytest.mark.parametrize("suffix", ["", ".pdf"])
def test_letters_are_only_for_staff_who_may_see_the_child(client, signed_in, letter_world, suffix):
    url = letter_world["base"] + suffix
    assert client.get(url).status_code == 302
    assert signed_in(letter_world["make"].staff(Role.IRO)).get(url).status_code == 404
    assert signed_in(letter_world["make"].staff(Role.ADMIN)).get(url).status_code == 403
    assert signed_in(letter_world["iro"]).get(url).status_code == 200
    assert signed_in(letter_world["make"].staff(Role.MANAGER)).get(url).status_code == 200


def test_the_letter_in_the_childs_language_and_in_english(signed_in, letter_world, db):
    client = signed_in(letter_world["iro"])
    page = client.get(letter_world["base"]).get_data(as_text=True)
    assert 'value="cy" selected' in page or 'selected value="cy"' in page  # the child's own language first
    welsh = client.get(letter_world["base"] + ".pdf?lang=cy&version=older")
    assert welsh.mimetype == "application/pdf" and "no-store" in welsh.headers["Cache-Control"]
    text = _pdf_text(welsh.data)
    assert "Helo Tom," in text and "Jo" in text and "Pwy sy'n dod i'ch cyfarfod?" in text and "Ffôn: 0191 000 0000" in text
    assert "I have a cat called Pip." in text  # the IRO's own words, as written
    english = _pdf_text(client.get(letter_world["base"] + ".pdf?lang=en-GB&version=younger").data)
    assert "Hello Tom," in english and "Hi, I'm Jo. I'm your IRO." in english and "You can run your meeting" in english
    assert "Email: iro@example.org" in english and "Text:" not in english  # no texting number set
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "child.intro_letter")).all()
    assert sorted(e.detail for e in events) == ["pdf;cy;older", "pdf;en-gb;younger"]


def test_an_unknown_language_or_version_falls_back_to_the_childs(signed_in, letter_world):
    client = signed_in(letter_world["iro"])
    text = _pdf_text(client.get(letter_world["base"] + ".pdf?lang=xx&version=oldest").data)
    assert "Helo Tom," in text


def test_the_date_given_is_recorded_and_shown(signed_in, letter_world, db):
    client = signed_in(letter_world["iro"])
    future = client.post(letter_world["base"] + "/given", {"given_on": (date.today() + timedelta(days=2)).isoformat()})
    assert future.status_code == 422 and "cannot be in the future" in future.get_data(as_text=True)
    assert client.post(letter_world["base"] + "/given", {"given_on": "not a date"}).status_code == 422
    asked = client.post(letter_world["base"] + "/given", {"given_on": "2025-03-31"})  # over a year back: confirmed first
    assert asked.status_code == 422 and "The date is right" in asked.get_data(as_text=True)
    assert client.post(letter_world["base"] + "/given", {"given_on": "2025-03-31", "date_confirmed": "y"}).status_code == 302
    saved = db.exec(select(IntroLetter)).one()
    assert (saved.given_on, saved.iro_id, saved.child_id) == (date(2025, 3, 31), letter_world["iro"].id, letter_world["child"].id)
    child_page = client.get(f"/children/{letter_world['child'].id}").get_data(as_text=True)
    assert "Introduction letter given on 31 March 2025" in child_page
    other = signed_in(letter_world["make"].staff(Role.IRO))
    assert other.post(letter_world["base"] + "/given", {"given_on": "2025-03-30"}).status_code == 404
    assert len(db.exec(select(IntroLetter)).all()) == 1


def test_children_told_who_their_iro_is_are_counted_per_period(app, db):
    """Hand-worked: 2024/25 has 6 letters (one child twice: both count); 2023/24 has 2; 1 April 2025 is next year."""
    seed = Seeder(db)
    children = [seed.child(f"L{n}", f"LT-{n}") for n in range(7)]
    given = [(0, date(2024, 4, 1)), (1, date(2024, 7, 1)), (2, date(2024, 9, 9)), (3, date(2025, 1, 2)), (4, date(2025, 3, 31)),
             (4, date(2024, 5, 5)), (5, date(2024, 3, 31)), (6, date(2023, 4, 1)), (0, date(2025, 4, 1))]
    for index, day in given:
        seed.add(IntroLetter(child_id=children[index].id, iro_id=seed.iro.id, given_on=day, recorded_by_id=seed.iro.id))
    db.commit()
    with app.extensions["voice_app_engine"].connect() as connection:
        report = build_report(connection, Period(date(2024, 4, 1), date(2025, 3, 31)))
    row = report.figure("told-who-their-iro-is").rows[0]
    assert (row.now.count, row.before.count) == (6, 2)
    assert row.cells[0].count == 6 and row.cells[1].count is None  # 2 letters: suppressed


@pytest.mark.any_database(reason="what the letter's PDF draws in Arabic")
def test_the_letter_in_arabic_reads_right_to_left_in_arabic(signed_in, letter_world):
    text = _pdf_text(signed_in(letter_world["iro"]).get(letter_world["base"] + ".pdf?lang=ar&version=older").data)
    assert "Tom" in text and "0191" in text
    assert "اجتماعك" in text and "Hello" not in text


def test_a_letter_recorded_for_an_ended_month_is_in_the_next_report(app, db):
    seed = Seeder(db)
    child = seed.child("S", "ST-1")
    seed.add(IntroLetter(child_id=child.id, iro_id=seed.iro.id, given_on=date(2024, 5, 5), recorded_by_id=seed.iro.id))
    db.commit()
    with app.extensions["voice_app_engine"].connect() as connection:
        report = build_report(connection, Period(date(2024, 4, 1), date(2025, 3, 31)))
    assert report.figure("told-who-their-iro-is").rows[0].now.count == 1
    db.add(IntroLetter(child_id=child.id, iro_id=seed.iro.id, given_on=date(2024, 6, 15), recorded_by_id=seed.iro.id))
    db.commit()
    with app.extensions["voice_app_engine"].connect() as connection:
        report = build_report(connection, Period(date(2024, 4, 1), date(2025, 3, 31)))
    assert report.figure("told-who-their-iro-is").rows[0].now.count == 2
