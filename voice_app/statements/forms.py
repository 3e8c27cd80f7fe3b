"""Forms on the statement page: responses, decisions, notes, the review record and the release."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from voice_app.models import ChairRole, MeetingFormat


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
