"""Results of parents' feedback against a hand-computed table; periods; chair grouping; CSV files.

Rounding rule: a percentage is of the answers given to that question (blanks left out), rounded half
up to a whole number, so 12.5 -> 13 and a row may add up to 99-102.

The seeded year 2025/26 (1 April 2025 - 31 March 2026), chairs Ann (A), Bob (B) and Cat (C):

  conference                    chair  responses (q1 q2 q3 q4 q5)
  C1 initial     1 Apr 2025     Ann    r1 SA SA A  NA -   r2 A A A A -   r3 D SD A D -
  C2 review     30 Jun 2025     Ann    r4 SA A  SA SA A   r5 A A D NA SD
  C3 review     15 Oct 2025     Bob    r6 SA SA SA A  SA  r7 (paper) A D blank SA A
  C4 transfer   31 Mar 2026     Cat    r8 SD D  D  SD -   (comment "=HYPERLINK(...)")
  C5 review     20 Nov 2025     Ann    no responses
  C6 initial     1 Aug 2025     Ann    cancelled: not a conference held
  outside: C7 review 1 Apr 2026 (2026/27) and C8 initial 31 Mar 2025 (2024/25), one response each

Hand-computed, all 8 responses in 2025/26:
  Q1  SA 3 (37.5 -> 38)  A 3 (38)  D 1 (12.5 -> 13)  SD 1 (13)               answered 8
  Q2  SA 2 (25)  A 3 (38)  D 2 (25)  SD 1 (13)                               answered 8
  Q3  SA 2 (2/7 = 28.6 -> 29)  A 3 (42.9 -> 43)  D 2 (29)  SD 0 (0)          answered 7, blank 1
  Q4  SA 2 (25)  A 2 (25)  D 1 (13)  SD 1 (13)  NA 2 (25)                    answered 8
  Q5  (review conferences only: r4-r7) SA 1 (25)  A 2 (50)  D 0  SD 1 (25)   answered 4
Response rate: 5 conferences held (C1-C5), 8 responses, 1.60 per conference, 4 of 5 (80%) answered.
By chair: Ann has 5 responses (shown); Bob 2 and Cat 1 are "Other chairs" (3 responses).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from tests.feedback_helpers import conference, response
from voice_app.financial_year import financial_year_of, quarter_of
from voice_app.models import ResponseSource, ReviewStage, ReviewStatus, Role
from voice_app.parents.periods import current_period, period_for
from voice_app.parents.results import (
    OTHER_CHAIRS,
    feedback_results,
    per_conference,
    percent,
)
from voice_app.parents.staff.csv_export import (
    answers_csv,
    comments_csv,
    rates_csv,
    safe_cell,
)

TODAY = date(2026, 6, 1)
SA, A, D, SD, NA = "strongly_agree", "agree", "disagree", "strongly_disagree", "not_applicable"


@pytest.fixture
def seeded(db, make):
    ann = make.staff(Role.IRO, name="Ann Chair")
    bob = make.staff(Role.IRO, name="Bob Chair")
    cat = make.staff(Role.IRO, name="Cat Chair")
    child = make.child(ann, on_cp_plan=True)
    initial, review, transfer = ReviewStage.INITIAL_CONFERENCE, ReviewStage.REVIEW_CONFERENCE, ReviewStage.TRANSFER_IN
    c1 = conference(make, child, stage=initial, day=date(2025, 4, 1), chair=ann)
    c2 = conference(make, child, stage=review, day=date(2025, 6, 30), chair=ann)
    c3 = conference(make, child, stage=review, day=date(2025, 10, 15), chair=bob)
    c4 = conference(make, child, stage=transfer, day=date(2026, 3, 31), chair=cat)
    conference(make, child, stage=review, day=date(2025, 11, 20), chair=ann)
    conference(make, child, stage=initial, day=date(2025, 8, 1), chair=ann, status=ReviewStatus.CANCELLED)
    c7 = conference(make, child, stage=review, day=date(2026, 4, 1), chair=ann)
    c8 = conference(make, child, stage=initial, day=date(2025, 3, 31), chair=bob)
    response(db, c1, "SA SA A NA", comment="The chair listened to me.", name="Pat Parent")
    response(db, c1, "A A A A")
    response(db, c1, "D SD A D")
    response(db, c2, "SA A SA SA A")
    response(db, c2, "A A D NA SD")
    response(db, c3, "SA SA SA A SA")
    response(db, c3, "A D - SA A", source=ResponseSource.PAPER)
    response(db, c4, "SD D D SD", comment='=HYPERLINK("http://evil.example","click")')
    response(db, c7, "SD SD SD SD SD", comment="Next year")
    response(db, c8, "SD SD SD SD", comment="Last year")
    return dict(ann=ann, bob=bob, cat=cat)


def _table(group):
    """{question id: {answer: (count, percent)}} plus answered/blank, for comparing with the hand table."""
    return {q.question.id: ({a: (q.counts[a], q.percent(a)) for a in q.question.answers}, q.answered, q.blank) for q in group.questions}


def test_percentages_round_half_up():
    assert [percent(1, 8), percent(3, 8), percent(2, 7), percent(1, 3), percent(0, 5), percent(0, 0)] == [13, 38, 29, 33, 0, None]
    assert str(per_conference(8, 5)) == "1.60" and str(per_conference(4, 3)) == "1.33" and per_conference(1, 0) is None


def test_the_whole_year_matches_the_hand_computed_table(db, seeded):
    results = feedback_results(db, period=period_for(2025), today=TODAY)
    assert results.overall.responses == 8
    assert _table(results.overall) == {
        "q1": ({SA: (3, 38), A: (3, 38), D: (1, 13), SD: (1, 13)}, 8, 0),
        "q2": ({SA: (2, 25), A: (3, 38), D: (2, 25), SD: (1, 13)}, 8, 0),
        "q3": ({SA: (2, 29), A: (3, 43), D: (2, 29), SD: (0, 0)}, 7, 1),
        "q4": ({SA: (2, 25), A: (2, 25), D: (1, 13), SD: (1, 13), NA: (2, 25)}, 8, 0),
        "q5": ({SA: (1, 25), A: (2, 50), D: (0, 0), SD: (1, 25)}, 4, 0),
    }


def test_by_conference_type(db, seeded):
    stages = {group.key: group for group in feedback_results(db, period=period_for(2025), today=TODAY).stages}
    assert [stages[k].responses for k in ("initial_conference", "review_conference", "transfer_in")] == [3, 4, 1]
    assert _table(stages["initial_conference"])["q1"] == ({SA: (1, 33), A: (1, 33), D: (1, 33), SD: (0, 0)}, 3, 0)
    assert _table(stages["initial_conference"])["q5"] == ({SA: (0, None), A: (0, None), D: (0, None), SD: (0, None)}, 0, 0)
    assert _table(stages["review_conference"])["q1"] == ({SA: (2, 50), A: (2, 50), D: (0, 0), SD: (0, 0)}, 4, 0)
    assert _table(stages["transfer_in"])["q4"] == ({SA: (0, 0), A: (0, 0), D: (0, 0), SD: (1, 100), NA: (0, 0)}, 1, 0)


def test_by_quarter(db, seeded):
    quarters = feedback_results(db, period=period_for(2025), today=TODAY).quarters
    assert [(group.key, group.responses) for group in quarters] == [("Q1", 5), ("Q2", 0), ("Q3", 2), ("Q4", 1)]
    assert _table(quarters[0])["q1"] == ({SA: (2, 40), A: (2, 40), D: (1, 20), SD: (0, 0)}, 5, 0)


def test_chairs_with_fewer_than_five_responses_are_grouped(db, seeded):
    chairs = feedback_results(db, period=period_for(2025), today=TODAY).chairs
    assert [(group.label, group.responses) for group in chairs] == [("Ann Chair", 5), (OTHER_CHAIRS, 3)]
    assert OTHER_CHAIRS == "Other chairs (fewer than 5 responses each)"
    assert _table(chairs[1])["q1"] == ({SA: (1, 33), A: (1, 33), D: (0, 0), SD: (1, 33)}, 3, 0)
    names = " ".join(group.label for group in chairs)
    assert "Bob" not in names and "Cat" not in names


def test_response_rate(db, seeded):
    rates = {rate.key: rate for rate in feedback_results(db, period=period_for(2025), today=TODAY).rates}
    expected = {
        "all": (5, 8, "1.60", 4, 80),
        "initial_conference": (1, 3, "3.00", 1, 100),  # the cancelled one is not counted
        "review_conference": (3, 4, "1.33", 2, 67),
        "transfer_in": (1, 1, "1.00", 1, 100),
        "Q1": (2, 5, "2.50", 2, 100),
        "Q2": (0, 0, "None", 0, None),
        "Q3": (2, 2, "1.00", 1, 50),
        "Q4": (1, 1, "1.00", 1, 100),
    }
    got = {key: (r.conferences, r.responses, str(r.per_conference), r.answered_conferences, r.percent_answered) for key, r in rates.items()}
    assert got == expected


def test_a_quarter_on_its_own(db, seeded):
    results = feedback_results(db, period=period_for(2025, 1), today=TODAY)
    assert results.overall.responses == 5
    assert [(g.label, g.responses) for g in results.chairs] == [("Ann Chair", 5)]
    assert [r.key for r in results.rates] == ["all", "initial_conference", "review_conference", "transfer_in"]


def test_31_march_and_1_april_fall_in_different_years(db, seeded):
    later = feedback_results(db, period=period_for(2026), today=date(2026, 6, 1))
    earlier = feedback_results(db, period=period_for(2024), today=TODAY)
    q4 = feedback_results(db, period=period_for(2025, 4), today=TODAY)
    assert later.overall.responses == 1 and [c.text for c in later.comments] == ["Next year"]
    assert earlier.overall.responses == 1 and [c.text for c in earlier.comments] == ["Last year"]
    assert q4.overall.responses == 1 and q4.overall.questions[0].counts[SD] == 1


@pytest.mark.parametrize(
    ("day", "year", "quarter"),
    [(date(2026, 3, 31), 2025, 4), (date(2026, 4, 1), 2026, 1), (date(2025, 6, 30), 2025, 1), (date(2025, 7, 1), 2025, 2), (date(2025, 12, 31), 2025, 3), (date(2026, 1, 1), 2025, 4)],
)
def test_financial_years_and_quarters(day, year, quarter):
    assert (financial_year_of(day), quarter_of(day)) == (year, quarter)
    period = period_for(year, quarter)
    assert period.contains(day) and not period_for(year + 1, quarter).contains(day)


def test_quarter_bounds_and_the_default_period():
    assert [(p.start, p.end) for p in (period_for(2025, q) for q in (1, 2, 3, 4))] == [
        (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 9, 30)),
        (date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 3, 31)),
    ]
    assert current_period(date(2026, 3, 31)) == period_for(2025) and current_period(date(2026, 4, 1)) == period_for(2026)
    assert period_for(2025).label == "financial year 2025/26"
    with pytest.raises(ValueError):
        period_for(2025, 5)


def test_comments_are_there_without_names(db, seeded):
    results = feedback_results(db, period=period_for(2025), today=TODAY)
    assert [c.text for c in results.comments] == ["The chair listened to me.", '=HYPERLINK("http://evil.example","click")']
    assert [c.quarter_label for c in results.comments] == ["Q1 2025/26", "Q4 2025/26"]
    assert "Pat Parent" not in comments_csv(results)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_answers_csv_holds_every_count(db, seeded):
    rows = _rows(answers_csv(feedback_results(db, period=period_for(2025), today=TODAY)))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Period", "Breakdown", "Group", "Responses in group"]
    q3_agree = [r for r in body if r[1] == "All" and r[4] == "Q3" and r[6] == "Agree"]
    assert q3_agree == [["2025/26", "All", "All responses", "8", "Q3", "The concerns were clearly explained", "Agree", "3", "43", "7", "1"]]
    assert {r[2] for r in body if r[1] == "Chair"} == {"Ann Chair", OTHER_CHAIRS}
    assert {r[2] for r in body if r[1] == "Quarter"} == {period_for(2025, q).label for q in (1, 2, 3, 4)}
    # 3 questions x 4 answers + q4 x 5 + q5 x 4 = 21 rows per group; groups: all, 3 types, 4 quarters, 2 chairs,
    # and the eight conference responses again as one kind of meeting, one kind of respondent, one (unrecorded) format
    assert len(body) == 21 * 13
    assert {r[2] for r in body if r[1] == "Who answered"} == {"Parents and family"}


def test_rates_csv(db, seeded):
    rows = _rows(rates_csv(feedback_results(db, period=period_for(2025), today=TODAY)))
    assert rows[1] == ["2025/26", "All conferences", "5", "8", "1.60", "4", "80"]
    assert rows[-3] == ["2025/26", "Q2 2025/26", "0", "0", "", "0", ""]


def test_csv_cells_cannot_run_as_formulas(db, seeded):
    rows = _rows(comments_csv(feedback_results(db, period=period_for(2025), today=TODAY)))
    assert rows[2][3] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert [safe_cell(v) for v in ("+1", "-2", "@x", "\tx", "fine", 5, None)] == ["'+1", "'-2", "'@x", "'\tx", "fine", 5, ""]


def test_csv_downloads(signed_in, make, seeded):
    client = signed_in(make.staff(Role.MANAGER))
    page = client.get("/feedback/results/comments.csv?year=2025")
    assert page.mimetype == "text/csv" and 'filename="parents-feedback-comments-2025-26.csv"' in page.headers["Content-Disposition"]
    text = page.data.decode("utf-8-sig")
    assert "The chair listened to me." in text and "'=HYPERLINK" in text
    assert "Q1 2025/26" in client.get("/feedback/results/answers.csv?year=2025&quarter=1").data.decode("utf-8-sig")


def test_the_results_page_shows_the_counts_charts_and_escaped_comments(signed_in, make, db, seeded):
    response(db, conference(make, make.child(seeded["ann"], on_cp_plan=True), day=date(2025, 5, 5), chair=seeded["ann"]), "A A A A A", comment="<b>bold</b>")
    page = signed_in(make.staff(Role.MANAGER)).get("/feedback/results?year=2025").data.decode()
    assert "9 responses about 6 conferences held" in page
    assert 'role="img" aria-labelledby="chart-answers-title chart-answers-desc"' in page and "<desc id=\"chart-answers-desc\">" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page
    assert "Pat Parent" not in page and "style=" not in page
    assert "Other chairs (fewer than 5 responses each)" in page
