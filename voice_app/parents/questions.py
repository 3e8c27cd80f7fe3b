"""The parents' questionnaire as data: questions and answers with stable ids (answers store ids)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from voice_app.models import ReviewStage

STRONGLY_AGREE = "strongly_agree"
AGREE = "agree"
DISAGREE = "disagree"
STRONGLY_DISAGREE = "strongly_disagree"
NOT_APPLICABLE = "not_applicable"
AGREE_SCALE = (STRONGLY_AGREE, AGREE, DISAGREE, STRONGLY_DISAGREE)

COMMENT_MAX = 2000
NAME_MAX = 120


@dataclass(frozen=True)
class AnswerOption:
    """One answer a parent can give, with the face shown beside its words."""

    id: str
    label: object  # a lazy string, translated when shown
    symbol: str  # an id in static/icons/
    staff_label: str  # plain English for results and CSV, never translated


ANSWERS = {
    STRONGLY_AGREE: AnswerOption(STRONGLY_AGREE, _l("Strongly agree"), "strongly-agree", "Strongly agree"),
    AGREE: AnswerOption(AGREE, _l("Agree"), "agree", "Agree"),
    DISAGREE: AnswerOption(DISAGREE, _l("Disagree"), "disagree", "Disagree"),
    STRONGLY_DISAGREE: AnswerOption(STRONGLY_DISAGREE, _l("Strongly disagree"), "strongly-disagree", "Strongly disagree"),
    NOT_APPLICABLE: AnswerOption(NOT_APPLICABLE, _l("Not applicable"), "not-applicable", "Not applicable"),
}


@dataclass(frozen=True)
class Question:
    """One agree/disagree question; `id` is also the ParentResponse column that stores the answer."""

    id: str
    text: object
    short: str  # the staff-facing label in results and CSV
    answers: tuple[str, ...] = AGREE_SCALE
    review_only: bool = False

    @property
    def options(self) -> list[AnswerOption]:
        return [ANSWERS[answer] for answer in self.answers]


# Wording from the service's own parent questionnaire (2016/17 annual report, appendix 1).
QUESTIONS = (
    Question("q1", _l("The chair explained to me before the meeting what was going to happen."), "The chair explained beforehand what would happen"),
    Question("q2", _l("The chair supported me so I was able to share my views within the conference."), "The chair supported me to share my views"),
    Question("q3", _l("The concerns for my children were clearly explained within the conference."), "The concerns were clearly explained"),
    Question(
        "q4",
        _l("I am clear about what needs to change or happen for the conference to be able to consider ending the child protection plan."),
        "I am clear what needs to change to end the plan",
        answers=(*AGREE_SCALE, NOT_APPLICABLE),
    ),
    Question("q5", _l("The child protection plan helped my family achieve positive change."), "The plan helped my family achieve positive change", review_only=True),
)
QUESTIONS_BY_ID = {question.id: question for question in QUESTIONS}

COMMENT_QUESTION = _l(
    "Is there anything else you would like to tell us which might help us improve the experience "
    "for parents attending a child protection conference?"
)


def questions_for(stage: ReviewStage) -> tuple[Question, ...]:
    """The questions for a conference: question 5 only after a review conference, never otherwise."""
    return tuple(q for q in QUESTIONS if not q.review_only or stage == ReviewStage.REVIEW_CONFERENCE)


def valid_answer(question: Question, value: str | None) -> bool:
    """True when the value is one of this question's answer ids."""
    return value in question.answers
