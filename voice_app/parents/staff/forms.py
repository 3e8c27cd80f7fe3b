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

from voice_app.models import Agency, RespondentKind, ReviewStage
from voice_app.parents.links import DEFAULT_MAX_RESPONSES, MAX_RESPONSES_LIMIT
from voice_app.parents.questions import ANSWERS, COMMENT_MAX, NAME_MAX, ROLE_MAX, question_text, questions_for

BLANK = "blank"


KIND_HINTS = {
    RespondentKind.PARENT: "Parents and family members who came.",
    RespondentKind.CARER: "Foster carers, kinship carers or residential staff who came.",
    RespondentKind.PROFESSIONAL: "Anyone who came for an agency: they give their agency and role, never their name.",
}


class NewLinkForm(FlaskForm):
    respondent_kind = RadioField(
        "Who the link is for",
        choices=[(kind.value, kind.label) for kind in RespondentKind],
        default=RespondentKind.PARENT.value,
        validators=[InputRequired("Choose who the link is for.")],
    )
    max_responses = IntegerField(
        "How many people can answer",
        default=DEFAULT_MAX_RESPONSES,
        description="Usually one for each person of that kind who came to the meeting.",
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


def paper_form_class(
    stage: ReviewStage, kind: RespondentKind = RespondentKind.PARENT, local: list | tuple = ()
) -> type[FlaskForm]:
    """A paper-questionnaire form with the questions this kind of respondent is asked after this meeting; a professional's has agency and role, not a name."""
    fields = {}
    for number, question in enumerate((*questions_for(stage, kind), *local), start=1):
        choices = [(answer, ANSWERS[answer].staff_label) for answer in question.answers] + [(BLANK, "Left blank on the form")]
        fields[question.id] = RadioField(
            f"{number}. {question_text(question, stage)}",
            choices=choices,
            validators=[InputRequired(f"Choose the answer to question {number}, or 'Left blank on the form'.")],
        )
    if kind == RespondentKind.PROFESSIONAL:
        fields["name"] = None  # professionals are never asked their name
        fields["agency"] = RadioField(
            "Their agency",
            choices=[(a.value, a.label) for a in Agency] + [(BLANK, "Not given")],
            default=BLANK,
            validators=[Optional()],
        )
        fields["role"] = StringField(
            "Their role, if they gave one",
            validators=[Optional(), Length(max=ROLE_MAX, message=f"Keep the role under {ROLE_MAX} characters.")],
        )
    return type("PaperResponseForm", (_PaperBase,), fields)


class LocalQuestionForm(FlaskForm):
    """Add one of the service's own questions, or reword one (`question_id` set)."""

    question_id = HiddenField(validators=[Optional(), Length(max=12)])
    text = TextAreaField(
        "The question, in your service's words",
        description="Written as a statement people agree or disagree with, for example: The meeting started on time.",
        validators=[DataRequired("Write the question."), Length(max=300, message="Keep the question under 300 characters.")],
    )
    short = StringField(
        "A short label for the results (optional)",
        validators=[Optional(), Length(max=120, message="Keep the label under 120 characters.")],
    )


class ChangeForm(FlaskForm):
    """One "you said, we did" for families and partners."""

    you_said = TextAreaField(
        "You said",
        description="What parents, carers or professionals told you, in a sentence. For example: Lambton House was not a good place for a meeting.",
        validators=[DataRequired("Write what people said."), Length(max=500, message="Keep this under 500 characters.")],
    )
    we_did = TextAreaField(
        "We did",
        description="What the service changed. For example: We opened a new conference suite with a quiet waiting room.",
        validators=[DataRequired("Write what the service did."), Length(max=500, message="Keep this under 500 characters.")],
    )
