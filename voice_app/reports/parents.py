"""Parents' feedback on child protection conferences, counted for the report.

Kept apart on purpose: the parents' feedback area has its own results module, and this function
can be swapped for it (same inputs: a connection and a window; same output: a list of figures).
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from voice_app.models import ParentResponse, Review, ReviewStage
from voice_app.reports.figures import rows_for
from voice_app.reports.model import Figure, Row, Value
from voice_app.reports.queries import Counts, Window

SECTION = "Parents' views"
# The questionnaire's statements, short (the paper form of 2016: the Chair explained, supported, ...).
QUESTIONS = {
    "q1": "The Chair explained before the meeting what was going to happen",
    "q2": "The Chair supported me to share my views in the conference",
    "q3": "The concerns for my children were clearly explained",
    "q4": "I am clear about what needs to change for the plan to end",
    "q5": "The Child Protection Plan helped my family achieve positive change",
}
ANSWERS = (
    ("strongly_agree", "Strongly agree"),
    ("agree", "Agree"),
    ("disagree", "Disagree"),
    ("strongly_disagree", "Strongly disagree"),
)
NOT_APPLICABLE = "not_applicable"
STAGES = (ReviewStage.INITIAL_CONFERENCE, ReviewStage.REVIEW_CONFERENCE, ReviewStage.TRANSFER_IN)


def _gather(connection: Connection, window: Window) -> tuple[Counter, Counter]:
    """One query: responses grouped by period, conference stage and the five answers."""
    response_t, review_t = ParentResponse.__table__, Review.__table__
    answers = [response_t.c[q] for q in QUESTIONS]
    query = (
        sa.select(window.bucket_for_instant(response_t.c.submitted_at), review_t.c.stage, *answers, sa.func.count())
        .select_from(response_t.join(review_t, response_t.c.review_id == review_t.c.id))
        .where(window.span(response_t.c.submitted_at))
        .group_by(sa.literal_column("1"), review_t.c.stage, *answers)
    )
    periods: tuple[Counter, Counter] = (Counter(), Counter())
    for row in connection.execute(query):
        stage = row[1].value if hasattr(row[1], "value") else row[1]
        periods[row[0]][(stage, *row[2:-1])] += row[-1]
    return periods


def parents_section(connection: Connection, window: Window) -> list[Figure]:
    """Responses by kind of conference, then how parents answered each question."""
    now, before = _gather(connection, window)
    wrap = lambda counter: Counts(answers=counter)  # noqa: E731 - reuse rows_for's two-period shape
    c_now, c_before = wrap(now), wrap(before)
    responses = lambda c: sum(c.answers.values())  # noqa: E731
    rows = rows_for(
        [(stage.value, stage.label) for stage in STAGES],
        c_now,
        c_before,
        lambda c, key: sum(v for k, v in c.answers.items() if k[0] == key),
        base=responses,
        group="stage",
        total_row=True,
    )
    rows += rows_for([("responses", "Responses")], c_now, c_before, lambda c, _k: responses(c), total_row=True)
    figures = [
        Figure(
            "parents-responses",
            SECTION,
            "Parents' questionnaires returned",
            "Questionnaires parents sent in the period (online, or copied from paper), by the conference they were about.",
            rows,
            chart=False,
            share_of="of responses",
        )
    ]
    agreed_rows: list[Row] = []
    for index, (qid, wording) in enumerate(QUESTIONS.items(), start=1):
        figures.append(_question_figure(qid, wording, index, c_now, c_before))
        agreed = figures[-1].rows[-1]
        agreed_rows.append(Row(qid, wording, agreed.now, agreed.before, total=True))
    figures.insert(
        1,
        Figure(
            "parents-agreed",
            SECTION,
            "Parents who agreed, question by question",
            "The share of parents who agreed or strongly agreed, of those who gave an answer other than not applicable.",
            agreed_rows,
            share_of="of parents who answered",
        ),
    )
    return figures


def _question_figure(qid: str, wording: str, index: int, now: Counts, before: Counts) -> Figure:
    answered = lambda c: sum(v for k, v in c.answers.items() if k[index] in dict(ANSWERS))  # noqa: E731
    count = lambda c, key: sum(v for k, v in c.answers.items() if k[index] == key)  # noqa: E731
    rows = rows_for(ANSWERS, now, before, count, base=answered, group="answers", total_row=True)
    rows += rows_for([(NOT_APPLICABLE, "Not applicable")], now, before, count, total_row=True)
    rows += rows_for([("no_answer", "No answer")], now, before, lambda c, _k: count(c, None), total_row=True)
    rows.append(
        Row(
            "agreed",
            "Agreed or strongly agreed",
            Value(count(now, "strongly_agree") + count(now, "agree"), answered(now)),
            Value(count(before, "strongly_agree") + count(before, "agree"), answered(before)),
            total=True,
        )
    )
    return Figure(f"parents-{qid}", SECTION, wording, "How parents answered, in the period.", rows, chart=False, share_of="of parents who answered")

