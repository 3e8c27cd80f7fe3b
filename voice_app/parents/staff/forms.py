"""Staff forms for feedback links and paper questionnaires."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from voice_app.models import ReviewStage
from voice_app.parents.links import DEFAULT_MAX_RESPONSES, MAX_RESPONSES_LIMIT
from voice_app.parents.questions import ANSWERS, COMMENT_MAX, NAME_MAX, questions_for

BLANK = "blank"


class NewLinkForm(FlaskForm):
    max_responses = IntegerField(
        "How many parents can answer",
        default=DEFAULT_MAX_RESPONSES,
        description="Usually one for each parent or carer who came to the conference.",
        validators=[
            InputRequired("Enter how many parents can answer, for example 2."),
            NumberRange(min=1, max=MAX_RESPONSES_LIMIT, message=f"Enter a number from 1 to {MAX_RESPONSES_LIMIT}."),
        ],
    )


class ActionForm(FlaskForm):
    """A button that only needs its CSRF token (revoke)."""


class _PaperBase(FlaskForm):
    submission_key = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])
    comment = TextAreaField(
        "Anything else they wrote",
        description="Copy it exactly as written. Leave it empty if they wrote nothing.",
        validators=[Optional(), Length(max=COMMENT_MAX, message=f"Keep this under {COMMENT_MAX:,} characters.")],
    )
    name = StringField(
        "Their name, if they gave one",
        validators=[Optional(), Length(max=NAME_MAX, message=f"Keep the name under {NAME_MAX} characters.")],
    )


def paper_form_class(stage: ReviewStage) -> type[FlaskForm]:
    """A paper-questionnaire form with this conference's questions (question 5 only after a review conference)."""
    fields = {}
    for number, question in enumerate(questions_for(stage), start=1):
        choices = [(answer, ANSWERS[answer].staff_label) for answer in question.answers] + [(BLANK, "Left blank on the form")]
        fields[question.id] = RadioField(
            f"{number}. {question.text}",
            choices=choices,
            validators=[InputRequired(f"Choose the answer to question {number}, or 'Left blank on the form'.")],
        )
    return type("PaperResponseForm", (_PaperBase,), fields)
