"""Forms on the statement page: responses, decisions, notes, the review record and the release."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from voice_app.models import ChairRole, MeetingFormat
from voice_app.questions.observed import CERTAINTY, HELPERS, NAMES_MAX, PLACE_MAX, WHAT_MAX


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ResponseForm(FlaskForm):
    we_did = TextAreaField(
        "What was done or agreed",
        description="Write it for the child: short words, no jargon. They see this at their next visit.",
        validators=[DataRequired("Write what was done or agreed, in words for the child."), Length(max=4000, message="Keep it under 4,000 characters.")],
    )


class AttentionForm(FlaskForm):
    action = TextAreaField(
        "What you did about it",
        description="For the case record and your manager. The child is not shown this.",
        validators=[DataRequired("Write what you did about this answer."), Length(max=4000, message="Keep it under 4,000 characters.")],
    )


class DecisionForm(FlaskForm):
    outcome = RadioField(
        "Can this happen?",
        choices=[("agreed", "Agreed"), ("not_possible", "Not possible")],
        validators=[InputRequired("Choose Agreed or Not possible.")],
    )
    reason_for_child = TextAreaField(
        "Reason, written for the child",
        description="Needed when it is not possible. The child reads this at their next visit.",
        validators=[Optional(), Length(max=4000, message="Keep the reason under 4,000 characters.")],
    )


class NotesForm(FlaskForm):
    iro_notes = TextAreaField("Your notes", validators=[Length(max=20000, message="Keep the notes under 20,000 characters.")])


class ReviewRecordForm(FlaskForm):
    format_used = SelectField("How the review was held", choices=[("", "Not recorded yet"), *[(f.value, f.label) for f in MeetingFormat]], validators=[Optional()])
    chaired_by = SelectField("Who chaired it", choices=[("", "Not recorded yet"), *[(c.value, c.label) for c in ChairRole]], validators=[Optional()])


class ReleaseForm(FlaskForm):
    confirm = BooleanField(
        "I have talked with the child and confirm this statement can be shared with the review meeting",
        validators=[DataRequired("Tick the box to confirm, or go back.")],
    )


class ActionForm(FlaskForm):
    """A button-only form (mark reviewed, withdraw a release): just the CSRF token."""


class ObservationForm(FlaskForm):
    """What the IRO saw a child say without words, against one topic of the conversation, and who helped interpret."""

    topic = SelectField("What it was about", validators=[InputRequired("Choose what it was about.")])
    what = TextAreaField(
        "What the child did",
        description="What you saw or heard, as plainly as you can: for example “pushed the photo of school away and turned to the window”.",
        validators=[DataRequired("Write what the child did."), Length(max=WHAT_MAX, message=f"Keep it under {WHAT_MAX:,} characters.")],
        filters=[_strip],
    )
    place = StringField("Where (optional)", validators=[Optional(), Length(max=PLACE_MAX, message=f"Keep it under {PLACE_MAX} characters.")], filters=[_strip])
    with_whom = StringField("Who they were with (optional)", validators=[Optional(), Length(max=PLACE_MAX, message=f"Keep it under {PLACE_MAX} characters.")], filters=[_strip])
    certainty = RadioField(
        "How sure are you of what it meant?", choices=list(CERTAINTY.items()), validators=[InputRequired("Choose how sure you are of what it meant.")]
    )
    helpers = SelectMultipleField(
        "Who helped you understand it (optional)",
        choices=list(HELPERS.items()),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[Optional()],
    )
    helper_names = StringField(
        "Their names or roles (optional)",
        description="For example “Mum” or “Ms Khan, class teacher”.",
        validators=[Optional(), Length(max=NAMES_MAX, message=f"Keep it under {NAMES_MAX} characters.")],
        filters=[_strip],
    )
