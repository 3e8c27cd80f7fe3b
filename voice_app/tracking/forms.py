"""Forms for the work between reviews."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from voice_app.dates import Plausible

_sensible_day = Plausible()  # the one rule for typed dates (voice_app/dates.py): not in the future, nor a slip of the year


class PermanenceForm(FlaskForm):
    kind = RadioField(
        "Does the child have a plan of permanence?", validators=[InputRequired('Choose the plan of permanence, or "not yet".')]
    )
    not_yet_why = TextAreaField("If not yet: why not?", validators=[Optional(), Length(max=4000)])


class DiscussionForm(FlaskForm):
    held_on = DateField("When was it?", validators=[InputRequired("Enter the day of the discussion."), _sensible_day])
    with_whom = StringField(
        "Who was it with?",
        description='Their role is enough, for example "Social worker".',
        validators=[DataRequired("Say who it was with."), Length(max=120)],
    )
    checked = TextAreaField(
        "What was checked?",
        description="How the child's plan is moving since the review.",
        validators=[DataRequired("Say what was checked."), Length(max=4000)],
    )
    actions = TextAreaField("Actions agreed", validators=[Optional(), Length(max=4000)])


class LongPlanForm(FlaskForm):
    considered_on = DateField("When did you consider it?", validators=[InputRequired("Enter the day."), _sensible_day])
    reasons = TextAreaField(
        "Why has the plan lasted 12 months or more?",
        description="The reasons you asked for on the child's behalf, and what else could reduce the risk to them.",
        validators=[DataRequired("Write the reasons."), Length(max=4000)],
    )
