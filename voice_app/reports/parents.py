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
from voice_app.reports.queries import Window

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


class Tally:
    """One period's responses: how many per conference stage, and per answer to each question."""

    def __init__(self) -> None:
        self.stages: Counter = Counter()
        self.answers: dict[str, Counter] = {qid: Counter() for qid in QUESTIONS}

    @property
    def responses(self) -> int:
        return sum(self.stages.values())

    def answered(self, qid: str) -> int:
        return sum(n for answer, n in self.answers[qid].items() if answer in dict(ANSWERS))

    def agreed(self, qid: str) -> int:
        return self.answers[qid]["strongly_agree"] + self.answers[qid]["agree"]


def _gather(connection: Connection, window: Window) -> tuple[Tally, Tally]:
    """One query: responses grouped by period, conference stage and the five answers."""
    response_t, review_t = ParentResponse.__table__, Review.__table__
    answers = [response_t.c[q] for q in QUESTIONS]
    query = (
        sa.select(window.bucket_for_instant(response_t.c.submitted_at), review_t.c.stage, *answers, sa.func.count())
        .select_from(response_t.join(review_t, response_t.c.review_id == review_t.c.id))
        .where(window.span(response_t.c.submitted_at))
        .group_by(sa.literal_column("1"), review_t.c.stage, *answers)
    )
    periods = (Tally(), Tally())
    for bucket, stage, *given, count in connection.execute(query):
        tally = periods[bucket]
        tally.stages[stage.value if hasattr(stage, "value") else stage] += count
        for qid, answer in zip(QUESTIONS, given, strict=True):
            tally.answers[qid][answer] += count
    return periods


def parents_section(connection: Connection, window: Window) -> list[Figure]:
    """Responses by kind of conference, then how parents answered each question."""
    now, before = _gather(connection, window)
    rows = rows_for(
        [(stage.value, stage.label) for stage in STAGES],
        now,
        before,
        lambda t, key: t.stages[key],
        base=lambda t: t.responses,
        group="stage",
        total_row=True,
    )
    rows += rows_for([("responses", "Responses")], now, before, lambda t, _k: t.responses, total_row=True)
    questions = [_question_figure(qid, wording, now, before) for qid, wording in QUESTIONS.items()]
    agreed = Figure(
        "parents-agreed",
        SECTION,
        "Parents who agreed, question by question",
        "The share of parents who agreed or strongly agreed, of those who gave an answer other than not applicable.",
        [Row(qid, wording, Value(now.agreed(qid), now.answered(qid)), Value(before.agreed(qid), before.answered(qid)), total=True) for qid, wording in QUESTIONS.items()],
        share_of="of parents who answered",
    )
    responses = Figure(
        "parents-responses",
        SECTION,
        "Parents' questionnaires returned",
        "Questionnaires parents sent in the period (online, or copied from paper), by the conference they were about.",
        rows,
        chart=False,
        share_of="of responses",
    )
    return [responses, agreed, *questions]


def _question_figure(qid: str, wording: str, now: Tally, before: Tally) -> Figure:
    count = lambda t, key: t.answers[qid][key]  # noqa: E731
    rows = rows_for(ANSWERS, now, before, count, base=lambda t: t.answered(qid), group="answers", total_row=True)
    rows += rows_for([(NOT_APPLICABLE, "Not applicable")], now, before, count, total_row=True)
    rows += rows_for([("no_answer", "No answer")], now, before, lambda t, _k: count(t, None), total_row=True)
    rows += rows_for([("agreed", "Agreed or strongly agreed")], now, before, lambda t, _k: t.agreed(qid), base=lambda t: t.answered(qid), total_row=True)
    return Figure(f"parents-{qid}", SECTION, wording, "How parents answered, in the period.", rows, chart=False, share_of="of parents who answered")
