"""Parents' feedback on child protection conferences, in the service report.

Counted the same way as the parents' feedback results page (voice_app/parents/results.py): a
response belongs to the period of its conference's date (held, else scheduled), question 5 is
counted only after review conferences, and the answers are tallied by that module's tally_answers.
Only the grouping differs: here SQL has already grouped the responses by stage and answers
(queries.py), so a year of them reaches Python as a few hundred rows, or as kept months.
"""

from __future__ import annotations

from voice_app.models import ReviewStage
from voice_app.parents.questions import ANSWERS, NOT_APPLICABLE, QUESTIONS
from voice_app.parents.results import CONFERENCE_STAGES, Group, QuestionCounts, tally_answers
from voice_app.reports.figures import rows_for
from voice_app.reports.model import Figure, Row, Value
from voice_app.reports.queries import PARENT_ANSWERS, Counts

SECTION = "Parents' views"
AGREEING = ("strongly_agree", "agree")


def _group(counts: Counts) -> Group:
    tallies = ((ReviewStage(stage), dict(zip(PARENT_ANSWERS, answers, strict=True)), n) for (stage, *answers), n in counts.parents.items())
    return tally_answers(tallies, key="all", label="All responses")


def _agreed(question: QuestionCounts) -> Value:
    """Agreed or strongly agreed, of those who agreed or disagreed ("not applicable" is no view either way)."""
    agreed = sum(question.counts[answer] for answer in AGREEING)
    return Value(agreed, question.answered - question.counts.get(NOT_APPLICABLE, 0))


def parents_section(now: Counts, before: Counts) -> list[Figure]:
    """Responses and response rate by kind of conference, then how parents answered each question."""
    groups = (_group(now), _group(before))
    responses = lambda c: sum(c.parents.values())  # noqa: E731
    rows = rows_for(
        [(stage.value, stage.label) for stage in CONFERENCE_STAGES],
        now,
        before,
        lambda c, key: sum(n for (stage, *_answers), n in c.parents.items() if stage == key),
        base=responses,
        group="stage",
        total_row=True,
    )
    rows += rows_for([("responses", "Responses")], now, before, lambda c, _k: responses(c), total_row=True)
    rows += rows_for([("conferences", "Conferences held")], now, before, lambda c, _k: sum(c.conferences.values()), total_row=True)
    rows += rows_for(
        [("answered_conferences", "Conferences with at least one response")],
        now,
        before,
        lambda c, _k: sum(c.answered_conferences.values()),
        base=lambda c: sum(c.conferences.values()),
        total_row=True,
    )
    returned = Figure(
        "parents-responses",
        SECTION,
        "Parents' questionnaires returned",
        "Questionnaires about conferences held in the period (online, or copied from paper), by kind of "
        "conference; and how many conferences held (not cancelled) had at least one.",
        rows,
        chart=False,
        share_of="of responses (conferences: of conferences held)",
    )
    agreed = Figure(
        "parents-agreed",
        SECTION,
        "Parents who agreed, question by question",
        "The share of parents who agreed or strongly agreed, of those who agreed or disagreed (not applicable left out).",
        [
            Row(q.id, q.short, _agreed(groups[0].questions[i]), _agreed(groups[1].questions[i]), total=True)
            for i, q in enumerate(QUESTIONS)
        ],
        share_of="of parents who agreed or disagreed",
    )
    return [returned, agreed, *(_question_figure(i, groups) for i in range(len(QUESTIONS)))]


def _question_figure(index: int, groups: tuple[Group, Group]) -> Figure:
    now, before = (group.questions[index] for group in groups)
    question = now.question
    rows = [
        Row(answer, ANSWERS[answer].staff_label, Value(now.counts[answer], now.answered), Value(before.counts[answer], before.answered), group="answers", total=True)
        for answer in question.answers
    ]
    rows.append(Row("no_answer", "No answer", Value(now.blank), Value(before.blank), total=True))
    rows.append(Row("agreed", "Agreed or strongly agreed", _agreed(now), _agreed(before), total=True))
    about = "Asked after review conferences only. " if question.review_only else ""
    return Figure(
        f"parents-{question.id}",
        SECTION,
        question.short,
        about + "How parents answered, about conferences held in the period.",
        rows,
        chart=False,
        share_of="of parents who answered",
    )
