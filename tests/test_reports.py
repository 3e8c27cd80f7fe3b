"""The service's figures, computed on a small seeded service and compared with hand-worked numbers."""

from __future__ import annotations

from datetime import date

import pytest

from tests.reports_seed import EXPECTED, PERIOD, seed
from voice_app.reports.anonymise import scrub
from voice_app.reports.model import Figure, Row, Value
from voice_app.reports.period import (
    Period,
    PeriodError,
    financial_year,
    local_midnight_utc,
    parse_dates,
    period_from_args,
    quarter,
)
from voice_app.reports.report import build_report

pytestmark = pytest.mark.usefixtures("today")  # "today" is a fixed day (tests/clock.py), never the day the suite runs


@pytest.fixture
def connection(app):
    with app.extensions["voice_app_engine"].connect() as connection:
        yield connection


@pytest.fixture
def report(db, connection):
    seed(db)
    return build_report(connection, PERIOD)


@pytest.mark.parametrize("figure_id", sorted(EXPECTED))
def test_each_figure_matches_the_hand_worked_numbers(report, figure_id):
    figure = report.figure(figure_id)
    assert isinstance(figure, Figure), figure_id
    rows = {row.key: row for row in figure.rows}
    for key, (now, before) in EXPECTED[figure_id].items():
        assert (rows[key].now.count, rows[key].before.count) == (now, before), f"{figure_id} / {key}"


def test_the_periods_are_the_financial_year_and_the_one_before(report):
    assert (report.period.start, report.period.end) == (date(2024, 4, 1), date(2025, 3, 31))
    assert (report.previous.start, report.previous.end) == (date(2023, 4, 1), date(2024, 3, 31))


def test_participation_shares_and_their_change_in_points(report):
    rows = {row.key: row for row in report.figure("participation").rows}
    cared_for = rows["participated_cared_for"]
    assert (cared_for.this.percent, cared_for.previous.percent) == (80.0, 100.0)  # 8 of 10, 1 of 1
    assert cared_for.change_points == -20.0
    assert rows["participated_cp_conference"].this.percent == 50.0  # 1 of 2: the statement on the day counts
    assert rows["participated_cp_conference"].previous.percent is None  # no conferences before: no share


def test_counts_change_as_a_number_and_a_percentage(report):
    held = {row.key: row for row in report.figure("visits").rows}["held"]
    assert (held.change, held.change_percent) == (8, 400.0)
    assert held.change_display == "+8 (+400%)"
    declined = {row.key: row for row in report.figure("visits").rows}["declined"]
    assert declined.this.percent == 9.1  # 1 of the 11 visits held or declined


def test_small_child_level_counts_are_suppressed_with_one_more_in_their_group(report):
    rows = {row.key: row for row in report.figure("statements-version").rows}
    assert rows["older"].this.display == "<5" and rows["older"].this.percent is None
    # With the older count hidden, the younger one (8 of the 11 shown in the total) would give it away.
    assert rows["younger"].this.hidden == "secondary" and rows["younger"].this.display == "hidden"
    assert rows["younger"].change is None and rows["older"].change is None
    language = {row.key: row for row in report.figure("statements-language").rows}
    assert language["pl"].this.display == "<5" and language["en-GB"].this.hidden == "secondary"


def test_two_small_counts_in_a_group_need_no_secondary_suppression(report):
    rows = {row.key: row for row in report.figure("views-feel-today").rows}
    assert rows["0:sad"].this.display == "<5" and rows["0:worried"].this.display == "<5"
    assert rows["0:happy"].this.count == 6 and rows["0:happy"].this.percent == 75.0  # 6 of 8 who answered
    assert rows["0:ok"].this.count == 0  # nobody is not a small number
    assert rows["answered"].this.count == 8 and rows["skipped"].this.count == 1  # totals are never suppressed


def test_service_totals_are_not_suppressed(report):
    rows = {row.key: row for row in report.figure("statements").rows}
    assert rows["stopped"].this.count == 1
    assert {row.key: row for row in report.figure("visits").rows}["video_call"].this.count == 1


def test_menu_figures_show_choices_and_what_happened(report):
    chair = {row.key: row for row in report.figure("menu-chair").rows}
    assert chair["0:me"].label == "Chose: I chair my meeting" and chair["0:me"].this.display == "<5"
    assert chair["review:iro"].this.count == 6 and chair["review:iro"].this.percent == 75.0  # 6 of 8 recorded
    fmt = {row.key: row for row in report.figure("menu-format").rows}
    assert fmt["0:face_to_face"].this.count == 5 and fmt["0:face_to_face"].this.percent == pytest.approx(71.4)


def test_unknown_question_ids_are_shown_by_id(report):
    figure = report.figure("views-old-question")
    assert figure.title == "old-question"
    assert {row.key: row.label for row in figure.rows}["0:happy"] == "happy"


def test_figures_read_the_services_words_never_a_placeholder(report):
    """Issue 28: "Do you understand why you are %(cared_for)s..." was a figure's title; the terms are filled in."""
    figures = [figure for figure in report.figures if isinstance(figure, Figure)]
    assert figures
    for figure in figures:
        assert "%(" not in figure.title, figure.title
        assert not [row.label for row in figure.rows if "%(" in row.label], figure.id
    assert "Do you understand why you are cared for, and what your plan is?" in {figure.title for figure in figures}


def test_you_said_we_did_lists_the_period_without_the_childs_name_or_reference(report):
    quotes = report.figure("you-said-we-did")
    assert (quotes.total_now, quotes.total_before) == (1, 1)
    assert [item.text for item in quotes.items] == [
        "[name], we moved your meeting to school. [name]'s file [reference] is updated; Ellaborate stays."
    ]
    assert quotes.items[0].about == "How do you feel today?"


def test_declined_reasons_are_listed_without_the_child(report):
    reasons = report.figure("declined-reasons")
    assert [(item.text, item.count) for item in reasons.items] == [("[name] said no thanks; see [reference].", 1)]
    assert (reasons.total_now, reasons.total_before) == (1, 0)


def test_parents_agreed_share_and_change(report):
    agreed = {row.key: row for row in report.figure("parents-agreed").rows}["q1"]
    assert (agreed.this.percent, agreed.previous.percent, agreed.change_points) == (100.0, 0.0, 100.0)
    q4 = {row.key: row for row in report.figure("parents-q4").rows}
    assert q4["agreed"].this.percent == 100.0  # not applicable is left out of the share


def test_an_empty_database_gives_zeros_not_errors(connection):
    report = build_report(connection, PERIOD)
    rows = {row.key: row for row in report.figure("participation").rows}
    assert rows["held_cared_for"].this.count == 0 and rows["participated_cared_for"].this.percent is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Al went out. Always Al's choice; AL said so.", "[name] went out. Always [name]'s choice; [name] said so."),
        ("Mary Jane and Mary and Jane, mary-jane", "[name] [name] and [name] and [name], [name]-[name]"),
        ("ref LL-100231, LL 100231, ll100231 and 100231 2024", "ref [reference], [reference], [reference] and [reference] 2024"),
        ("Nothing to take out here", "Nothing to take out here"),
    ],
)
def test_scrub_replaces_whole_words_only(text, expected):
    names = {"Al": "LL-100231", "Mary Jane": "LL-100231"}
    name = "Mary Jane" if "Mary" in text else "Al"
    assert scrub(text, name=name, reference=names[name]) == expected


def test_financial_years_quarters_and_previous_periods():
    assert financial_year(2024) == Period(date(2024, 4, 1), date(2025, 3, 31))
    assert quarter(2024, 4) == Period(date(2025, 1, 1), date(2025, 3, 31))
    assert quarter(2024, 1).previous() == quarter(2023, 4)
    assert financial_year(2024).previous() == financial_year(2023)  # whole months, though 2024 has 29 February
    assert Period(date(2024, 3, 10), date(2024, 3, 19)).previous() == Period(date(2024, 2, 29), date(2024, 3, 9))


def test_local_midnight_follows_british_summer_time():
    assert local_midnight_utc(date(2024, 4, 1)).isoformat() == "2024-03-31T23:00:00+00:00"
    assert local_midnight_utc(date(2024, 1, 1)).isoformat() == "2024-01-01T00:00:00+00:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"from": "2025-04-01", "to": "2025-03-01"}, "on or before the end date"),
        ({"from": "2025-02-30", "to": "2025-03-01"}, "real date"),
        ({"from": "2025-04-01"}, "both a start date and an end date"),
        ({"from": "1999-12-31", "to": "2000-01-31"}, "from 1 January 2000"),
        ({"from": "2001-01-01", "to": "2025-01-01"}, "ten years or less"),
        ({"from": "2024-01-01", "to": "2099-01-01"}, "no later than"),
        ({"period": "fy-nonsense"}, "from the list"),
        ({"period": "q-2024-7"}, "from the list"),
    ],
)
def test_bad_dates_give_clear_messages(args, message):
    with pytest.raises(PeriodError, match=message):
        period_from_args(args, today=date(2025, 6, 1))


def test_the_default_period_is_the_current_financial_year():
    assert period_from_args({}, today=date(2025, 3, 31)) == financial_year(2024)
    assert period_from_args({}, today=date(2025, 4, 1)) == financial_year(2025)
    assert parse_dates("2024-04-01", "2024-04-01", today=date(2025, 1, 1)).days == 1


def test_secondary_suppression_skips_zeros_and_totals():
    rows = [
        Row("a", "A", Value(3), Value(0), group="g"),
        Row("b", "B", Value(0), Value(0), group="g"),
        Row("c", "C", Value(9), Value(0), group="g"),
        Row("d", "D", Value(7), Value(0), group="g"),
        Row("t", "Total", Value(19), Value(0), total=True),
    ]
    published = {row.key: row.this for row in Figure("x", "s", "t", "d", rows, child_level=True).publish().rows}
    assert [published[k].hidden for k in "abcdt"] == ["small", "", "", "secondary", ""]


def test_parents_figures_agree_with_the_parents_results_page(db, report):
    """One way of counting parents' views: the report's figures are the results page's numbers."""
    from voice_app.parents.periods import period_for
    from voice_app.parents.results import feedback_results

    results = feedback_results(db, period=period_for(2024), today=date.today())
    for question in results.overall.questions:
        rows = {row.key: row.now.count for row in report.figure(f"parents-{question.question.id}").rows}
        assert {answer: rows[answer] for answer in question.counts} == question.counts
        assert rows["no_answer"] == question.blank
    returned = {row.key: row.now.count for row in report.figure("parents-responses").rows}
    assert returned["responses"] == results.overall.responses
    everything = next(rate for rate in results.rates if rate.key == "all")
    assert (returned["conferences"], returned["answered_conferences"]) == (everything.conferences, everything.answered_conferences)
