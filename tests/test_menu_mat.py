"""The Child's Menu as a sorting mat: the placements are stored as the child made them; the meeting plan and the
service report's menu figures derive the menu from them (voice_app/questions/menu_mat.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jsonschema
import pytest

from tests.statement_factories import AnswerSpec, make_statement
from voice_app.models import DecisionOutcome, FlowVersion, MeetingFormat, Role
from voice_app.questions.bank import HERE, BankError, default_bank, load_bank
from voice_app.questions.menu_mat import menu_from_mat
from voice_app.reports.period import financial_year
from voice_app.reports.report import build_report
from voice_app.statements.access import load_context
from voice_app.statements.exports import Audience, export_schema, statement_document
from voice_app.statements.reading import read_statement
from voice_app.statements.services import record_decision

PERIOD = financial_year(2024)
IN_PERIOD = datetime(2024, 10, 1, 10, 0, tzinfo=UTC).replace(tzinfo=None)


def _placed(*pairs):
    return [AnswerSpec(f"mat.menu.{card}", [] if point is None else [point], skipped=point is None) for card, point in pairs]


def _statement(make, db, answers, *, iro=None, when=None):
    iro = iro or make.staff(Role.IRO, name="Jo Reviewer")
    child = make.child(iro)
    visit = make.visit(make.review(child), iro=iro)
    statement = make_statement(db, child=child, visit=visit, answers=answers, version=FlowVersion.MAT)
    if when is not None:
        statement.started_at, statement.ended_at = when, when + timedelta(minutes=20)
        db.add(statement)
        db.commit()
    return iro, statement


def _plan(db, statement):
    record = read_statement(db, load_context(db, statement.id))
    return record, {item.question_id: item for item in record.menu}


def test_cards_sorted_under_i_want_this_become_the_childs_menu_choices():
    derived = menu_from_mat(default_bank(), {
        "mat.menu.face_to_face": "want", "mat.menu.virtual": "not_sure", "mat.menu.hybrid": "dont_want",
        "mat.menu.dad": "want", "mat.menu.mum": "dont_want", "mat.menu.friend": None,
        "mat.menu.share_iro": "want", "mat.menu.share_write": "want",
    })
    assert derived["menu-format"].choices == (("face_to_face", 0),) and not derived["menu-format"].to_agree
    assert derived["menu-who"].choices == (("dad", 0),)
    assert derived["menu-not-wanted"].choices == (("mum", 1),)  # who I don't want there: its own item, as the menu stores it
    assert derived["menu-share"].choices == (("iro", 0), ("write", 0))
    assert "menu-chair" not in derived  # no chair card placed: nothing said about it


@pytest.mark.parametrize(
    ("formats", "several"),
    [({"face_to_face": "want", "virtual": "want"}, ("face_to_face", "virtual")), ({"face_to_face": "not_sure", "virtual": None}, ())],
)
def test_several_formats_or_none_under_i_want_this_leave_the_format_to_agree_with_the_child(formats, several):
    derived = menu_from_mat(default_bank(), {f"mat.menu.{card}": point for card, point in formats.items()})
    assert derived["menu-format"].to_agree and derived["menu-format"].several == several and derived["menu-format"].choices == ()


def test_the_meeting_plan_reads_a_sorted_menu_and_an_agreed_format_becomes_the_reviews(make, db):
    iro, statement = _statement(make, db, _placed(("face_to_face", "want"), ("virtual", "dont_want"), ("dad", "want"),
                                                  ("mum", "dont_want"), ("chair_me", "want")))
    record, plan = _plan(db, statement)
    assert [c.id for c in plan["menu-format"].wanted] == ["face_to_face"]
    assert plan["menu-format"].from_mat == "Sorted on the mat “How my meeting happens” rather than answered as a question."
    assert [c.id for c in plan["menu-who"].wanted] == ["dad"] and [c.id for c in plan["menu-not-wanted"].not_wanted] == ["mum"]
    assert [c.id for c in plan["menu-chair"].wanted] == ["child"]
    record_decision(db, record=record, item_id="menu-format", outcome=DecisionOutcome.AGREED, reason_for_child="", by=iro)
    assert record.context.review.format_used == MeetingFormat.FACE_TO_FACE
    # What the child did is stored as it is: only the mat's placements, no menu answer written.
    assert {a.question_id for a in make_answers(db, statement)} == {"mat.menu.face_to_face", "mat.menu.virtual", "mat.menu.dad",
                                                                    "mat.menu.mum", "mat.menu.chair_me"}
    document = statement_document(record, audience=Audience.MEETING)
    jsonschema.validate(document, export_schema())
    item = next(i for i in document["meeting_plan"] if i["question_id"] == "menu-format")
    assert item["from_sorting_mat"].startswith("Sorted on the mat")


def make_answers(db, statement):
    from sqlmodel import select

    from voice_app.models import Answer

    return db.exec(select(Answer).where(Answer.statement_id == statement.id)).all()


def test_an_ambiguous_sorted_format_is_shown_to_the_iro_to_agree_and_never_set_on_the_review(make, db):
    iro, statement = _statement(make, db, _placed(("face_to_face", "want"), ("hybrid", "want")))
    record, plan = _plan(db, statement)
    item = plan["menu-format"]
    assert item.choices == [] and item.from_mat == (
        "Sorted on the mat “How my meeting happens”: the child placed Face to face, in a room and Some in the room, "
        "some on a screen under “Yes, I want this”. The plan is to be agreed with the child.")
    record_decision(db, record=record, item_id="menu-format", outcome=DecisionOutcome.AGREED, reason_for_child="", by=iro)
    assert record.context.review.format_used is None


def test_an_answered_menu_question_stands_and_a_skipped_one_is_filled_from_the_mat(make, db):
    _iro, statement = _statement(make, db, [AnswerSpec("menu-format", ["virtual"]), AnswerSpec("menu-share", skipped=True),
                                            *_placed(("face_to_face", "want"), ("share_say", "want"))])
    _record, plan = _plan(db, statement)
    assert [c.id for c in plan["menu-format"].wanted] == ["virtual"] and not plan["menu-format"].from_mat
    assert not plan["menu-share"].skipped and [c.id for c in plan["menu-share"].wanted] == ["say"] and plan["menu-share"].from_mat


def test_the_reports_menu_figures_count_a_child_who_sorted_like_one_who_answered(make, db, app):
    iro = make.staff(Role.IRO)
    _statement(make, db, _placed(("face_to_face", "want"), ("virtual", "not_sure")), iro=iro, when=IN_PERIOD)
    _statement(make, db, [AnswerSpec("menu-format", ["virtual"])], iro=iro, when=IN_PERIOD)
    _statement(make, db, _placed(("face_to_face", "want"), ("virtual", "want")), iro=iro, when=IN_PERIOD)  # to agree: not counted
    _statement(make, db, [AnswerSpec("menu-share", skipped=True), *_placed(("share_iro", "want"))], iro=iro, when=IN_PERIOD)
    _statement(make, db, _placed(("face_to_face", "want")), iro=iro, when=IN_PERIOD - timedelta(days=365))  # the year before
    with app.extensions["voice_app_engine"].connect() as connection:
        report = build_report(connection, PERIOD)
    fmt = {row.key: row for row in report.figure("menu-format").rows}
    assert (fmt["0:face_to_face"].now.count, fmt["0:face_to_face"].before.count) == (1, 1)
    assert fmt["0:virtual"].now.count == 1 and fmt["answered"].now.count == 2
    share = {row.key: row for row in report.figure("menu-share").rows}
    assert (share["0:iro"].now.count, share["answered"].now.count, share["skipped"].now.count) == (1, 1, 0)
    versions = {row.key: row for row in report.figure("statements-version").rows}
    assert (versions["mat"].label, versions["mat"].now.count, versions["mat"].before.count) == ("Sorting mat", 4, 1)
    assert versions["mat"].now.base == 4 and versions["younger"].now.count == 0


def test_a_menu_mat_names_only_menu_choices_that_exist(tmp_path):
    folder = tmp_path / "bank"
    folder.mkdir()
    source = HERE
    for name in ("views", "menu", "after", "explain"):
        (folder / f"{name}.toml").write_text((source / f"{name}.toml").read_text())
    mats = (source / "mats.toml").read_text().replace('menu = "menu-format.hybrid"', 'menu = "menu-format.hologram"')
    (folder / "mats.toml").write_text(mats)
    with pytest.raises(BankError, match="menu-format.hologram"):
        load_bank(folder)


def test_the_chair_cards_are_offered_only_before_a_cared_for_review():
    cards = default_bank().mat("menu").cards
    def offered(meeting):
        return [c.id for c in cards if c.applies_to(version="mat", cared_for=True, on_cp_plan=False, meeting=meeting)]
    assert "mat.menu.chair_me" in offered("cared_for_review")
    assert not [card for card in offered("conference") if ".chair_" in card] and "mat.menu.face_to_face" in offered("conference")
