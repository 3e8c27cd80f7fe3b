"""Forms for raising, moving on and closing an escalation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from voice_app.dates import Plausible
from voice_app.escalations.procedure import Procedure
from voice_app.models import PlanKind

_sensible_day = Plausible()  # the one rule for typed dates (voice_app/dates.py): not in the future, nor a slip of the year


class RaiseForm(FlaskForm):
    plan = RadioField("Which plan is it about?", validators=[InputRequired("Choose the plan it is about.")])
    theme = SelectField("Theme", validators=[InputRequired("Choose a theme.")])
    identified_on = DateField(
        "When did you identify the issue?", validators=[InputRequired("Enter the day you identified the issue."), _sensible_day]
    )
    raised_on = DateField("When did you raise it?", validators=[InputRequired("Enter the day you raised it."), _sensible_day])
    with_whom = StringField(
        "Who did you raise it with?",
        description='Their role is enough, for example "Social worker".',
        validators=[DataRequired("Say who you raised it with."), Length(max=120)],
    )
    challenge = TextAreaField(
        "What is the worry?",
        description="What needs to change for the child, and why.",
        validators=[DataRequired("Say what the worry is."), Length(max=4000)],
    )

    def setup(self, *, procedure: Procedure, plans: list[PlanKind]) -> None:
        self.plan.choices = [(p.value, p.label) for p in plans]
        self.theme.choices = [("", "Choose a theme")] + [(t.key, t.label) for t in procedure.themes]
        if len(plans) == 1 and not self.plan.data:
            self.plan.data = plans[0].value


class MoveForm(FlaskForm):
    stage = SelectField("Move it to", validators=[InputRequired("Choose the stage.")])
    started_on = DateField(
        "When did the new stage begin?", validators=[InputRequired("Enter the day the new stage began."), _sensible_day]
    )
    with_whom = StringField(
        "Who is it with now?",
        description='Their role, for example "Service manager".',
        validators=[DataRequired("Say who it is with now."), Length(max=120)],
    )
    response_so_far = TextAreaField(
        "What was the response at the stage it leaves?", validators=[DataRequired("Say what the response was."), Length(max=4000)]
    )


class CloseForm(FlaskForm):
    closed_on = DateField("When was it resolved?", validators=[InputRequired("Enter the day it was resolved."), _sensible_day])
    response = TextAreaField(
        "What was the response at this stage?", validators=[DataRequired("Say what the response was."), Length(max=4000)]
    )
    outcome_for_child = TextAreaField(
        "Outcome for the child",
        description="What changed for the child, written for the child: it may be shown to them.",
        validators=[DataRequired("Write the outcome for the child."), Length(max=4000)],
    )
    tell_child = BooleanField('Tell the child at their next visit, in "you said, we did"')
