"""The parents' questionnaire as data: questions and answers with stable ids (answers store ids)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from voice_app.models import STAGES_FOR_KIND, RespondentKind, ReviewKind, ReviewStage

STRONGLY_AGREE = "strongly_agree"
AGREE = "agree"
DISAGREE = "disagree"
STRONGLY_DISAGREE = "strongly_disagree"
NOT_APPLICABLE = "not_applicable"
AGREE_SCALE = (STRONGLY_AGREE, AGREE, DISAGREE, STRONGLY_DISAGREE)

COMMENT_MAX = 2000
NAME_MAX = 120
ROLE_MAX = 80


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
    # Who is asked: parents and family are asked every question; carers and professionals only these.
    everyone: bool = False
    # Asked after cared-for reviews too (with `review_text`, which says "meeting", not "conference").
    cared_for: bool = False
    review_text: object = None

    @property
    def options(self) -> list[AnswerOption]:
        return [ANSWERS[answer] for answer in self.answers]


# Wording from the service's own parent questionnaire (2016/17 annual report, appendix 1).
QUESTIONS = (
    Question(
        "q1",
        _l("The chair explained to me before the meeting what was going to happen."),
        "The chair explained beforehand what would happen",
        everyone=True,
        cared_for=True,
    ),
    Question(
        "q2",
        _l("The chair supported me so I was able to share my views within the conference."),
        "The chair supported me to share my views",
        everyone=True,
        cared_for=True,
        review_text=_l("The chair supported me so I was able to share my views in the meeting."),
    ),
    Question(
        "q3",
        _l("The concerns for my children were clearly explained within the conference."),
        "The concerns were clearly explained",
    ),
    Question(
        "q4",
        _l(
            "I am clear about what needs to change or happen for the conference to be able to consider ending the child protection plan."
        ),
        "I am clear what needs to change to end the plan",
        answers=(*AGREE_SCALE, NOT_APPLICABLE),
        everyone=True,
    ),
    Question(
        "q5",
        _l("The child protection plan helped my family achieve positive change."),
        "The plan helped my family achieve positive change",
        review_only=True,
    ),
)
QUESTIONS_BY_ID = {question.id: question for question in QUESTIONS}

COMMENT_QUESTION = _l(
    "Is there anything else you would like to tell us which might help us improve the experience "
    "for parents attending a child protection conference?"
)


# The same question for carers and professionals, and for anyone after a cared-for review.
MEETING_COMMENT_QUESTION = _l("Is there anything else you would like to tell us which might help us improve these meetings?")

CARED_FOR_STAGES = frozenset(STAGES_FOR_KIND[ReviewKind.CARED_FOR])


def is_asked(question: Question, stage: ReviewStage, kind: RespondentKind = RespondentKind.PARENT) -> bool:
    """Whether this question is put to this kind of respondent after a meeting of this stage."""
    if stage in CARED_FOR_STAGES:
        return question.cared_for
    if question.review_only and stage != ReviewStage.REVIEW_CONFERENCE:
        return False
    return kind == RespondentKind.PARENT or question.everyone


def questions_for(stage: ReviewStage, kind: RespondentKind = RespondentKind.PARENT) -> tuple[Question, ...]:
    """The questions for a meeting and a kind of respondent.

    Parents and family at a conference: all five (question 5 only after a review conference).
    Carers and professionals at a conference: questions 1, 2 and 4. Anyone after a cared-for
    review: questions 1 and 2, which fit any meeting.
    """
    return tuple(q for q in QUESTIONS if is_asked(q, stage, kind))


def question_text(question: Question, stage: ReviewStage):
    """The words of a question for this meeting (a cared-for review is a meeting, not a conference)."""
    if stage in CARED_FOR_STAGES and question.review_text is not None:
        return question.review_text
    return question.text


def comment_question(stage: ReviewStage, kind: RespondentKind = RespondentKind.PARENT):
    """The free-text question: the parents' own words at a conference, a general one otherwise."""
    if kind == RespondentKind.PARENT and stage not in CARED_FOR_STAGES:
        return COMMENT_QUESTION
    return MEETING_COMMENT_QUESTION


def valid_answer(question: Question, value: str | None) -> bool:
    """True when the value is one of this question's answer ids."""
    return value in question.answers
