"""Forms for reviews, visits and children."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from voice_app.dates import AHEAD_YEARS_FOR_BOOKINGS, Plausible
from voice_app.models import (
    ChairRole,
    LateReason,
    MeetingFormat,
    Participation,
    ReviewKind,
    ReviewStage,
    VisitMethod,
    VisitPurpose,
)

METHOD_CHOICES = [(method.value, method.label) for method in VisitMethod]
LANGUAGE_CHOICES = [
    ("en-GB", "English"),
    ("cy", "Welsh (Cymraeg)"),
    ("ar", "Arabic (العربية)"),
    ("fa", "Farsi (فارسی)"),
    ("ps", "Pashto (پښتو)"),
    ("ckb", "Kurdish Sorani (کوردی)"),
    ("ti", "Tigrinya (ትግርኛ)"),
    ("pl", "Polish (Polski)"),
    ("ro", "Romanian (Română)"),
    ("uk", "Ukrainian (Українська)"),
]


# Every date field uses one rule (voice_app/dates.py): a window that the message states, and old dates confirmed.
_BIRTH = Plausible()  # up to 25 years back, not in the future
_SINCE = Plausible()
_BOOKED = Plausible(ahead=AHEAD_YEARS_FOR_BOOKINGS, confirm_after_days=2 * 365)
_HELD = Plausible(confirm_after_days=2 * 365)


def _within_a_year(_form, field) -> None:
    if field.data and not date.today() - timedelta(days=366) <= field.data <= date.today() + timedelta(days=366):
        raise ValidationError("An expected date of birth is within a year of today. Check the year.")


class PlanVisitForm(FlaskForm):
    planned_for = DateField("Date of the visit", validators=[DataRequired("Enter the date of the visit, for example 12 3 2027."), _BOOKED])
    date_confirmed = BooleanField("The date is right")  # asked only for a date further back than two years
    method = SelectField("How you plan to meet", choices=[("", "Not decided yet"), *METHOD_CHOICES], validators=[Optional()])
    purpose = SelectField("Which visit", choices=[(p.value, p.label) for p in VisitPurpose if p.by_iro], default=VisitPurpose.PRE_REVIEW.value)


class RecordVisitForm(FlaskForm):
    outcome = RadioField(
        "What happened",
        choices=[("done", "The visit happened"), ("declined", "The child did not want a visit")],
        validators=[InputRequired("Choose what happened.")],
    )
    held_on = DateField("Date of the visit", validators=[Optional(), _HELD])
    date_confirmed = BooleanField("The date is right")  # asked only for a date further back than two years
    method = SelectField("How you met", choices=[("", "Choose how you met"), *METHOD_CHOICES], validators=[Optional()])
    declined_reason = TextAreaField("Why the child did not want a visit", validators=[Optional(), Length(max=1000, message="Keep the reason under 1,000 characters.")])
    seen_alone = RadioField(
        "Did you see the child on their own?",
        choices=[("yes", "Yes"), ("no", "No (for example, the child chose to have someone with them)")],
        validators=[Optional()],
    )

    def validate(self, extra_validators=None) -> bool:
        """A visit that happened needs its date and method; a declined one needs the reason."""
        if not super().validate(extra_validators):
            return False
        ok = True
        if self.outcome.data == "done":
            if not self.held_on.data:
                self.held_on.errors.append("Enter the date the visit happened.")
                ok = False
            elif self.held_on.data > date.today():
                self.held_on.errors.append("The visit date cannot be in the future.")
                ok = False
            if not self.method.data:
                self.method.errors.append("Choose how you met the child.")
                ok = False
        elif self.outcome.data == "declined" and not (self.declined_reason.data or "").strip():
            self.declined_reason.errors.append("Write down why the child did not want a visit.")
            ok = False
        return ok


class RecordReviewForm(FlaskForm):
    """What became of a review or conference: held (when, how, who chaired), cancelled, or not yet."""

    outcome = RadioField(
        "What happened",
        choices=[("held", "It was held"), ("cancelled", "It was cancelled"), ("scheduled", "It has not happened yet")],
        validators=[InputRequired("Choose what happened.")],
    )
    held_on = DateField("Date it was held", validators=[Optional(), _HELD])
    date_confirmed = BooleanField("The date is right")  # asked only for a date further back than two years
    format_used = SelectField(
        "How the meeting was held", choices=[("", "Not recorded"), *((f.value, f.label) for f in MeetingFormat)], validators=[Optional()]
    )
    chaired_by = SelectField("Who chaired it", choices=[("", "Not recorded"), *((c.value, c.label) for c in ChairRole)], validators=[Optional()])
    iro_attended = RadioField(
        "If the child or the social worker chaired it: did the IRO attend?", choices=[("yes", "Yes"), ("no", "No")], validators=[Optional()]
    )
    participation = RadioField("How the child took part", choices=[(p.value, p.label) for p in Participation], validators=[Optional()])
    late_reason = SelectField(
        "Why it was held after its due date", choices=[("", "Choose a reason"), *((r.value, r.label) for r in LateReason)], validators=[Optional()]
    )
    late_reason_other = TextAreaField("The other reason, in a few words", validators=[Optional(), Length(max=500, message="Keep the reason under 500 characters.")])

    def setup(self, *, kind: ReviewKind, due_on: Callable[[date], date | None], age_on: Callable[[date], int | None]) -> None:
        """Fit the form to the meeting: codes for a cared-for review, the same words for a conference, and only an independent chair for a conference."""
        self.kind, self.due_on, self.age_on = kind, due_on, age_on
        if kind == ReviewKind.CP_CONFERENCE:
            self.participation.label.text = "Whether the child came, and how their views were brought"
            self.participation.choices = [(p.value, p.words) for p in Participation]
            # Working Together: a conference is chaired by someone independent of the case.
            self.chaired_by.choices = [("", "Not recorded"), (ChairRole.IRO.value, "The conference chair (IRO)")]

    def validate(self, extra_validators=None) -> bool:
        """A meeting that was held needs its day (not in the future), how the child took part, and why it was late if it was."""
        if not super().validate(extra_validators):
            return False
        if self.outcome.data != "held":
            return True
        if not self.held_on.data:
            self.held_on.errors.append("Enter the date the meeting was held.")
            return False
        if self.held_on.data > date.today():
            self.held_on.errors.append("The date it was held cannot be in the future.")
            return False
        return self._participation_ok() & self._lateness_ok() & self._iro_attendance_ok()

    def _iro_attendance_ok(self) -> bool:
        """The IRO stays responsible for a review someone else chairs: say whether they were there."""
        if self.kind != ReviewKind.CARED_FOR or self.chaired_by.data not in (ChairRole.CHILD.value, ChairRole.SOCIAL_WORKER.value):
            self.iro_attended.data = None
            return True
        if self.iro_attended.data not in ("yes", "no"):
            self.iro_attended.errors.append("Say whether the IRO attended the review someone else chaired.")
            return False
        return True

    def _participation_ok(self) -> bool:
        age = self.age_on(self.held_on.data)
        if age is not None and age < 4:
            self.participation.data = Participation.PN0.value  # set by the law, not chosen
            return True
        if self.participation.data == Participation.PN0.value and age is not None:
            self.participation.errors.append(f"The child was {age} on that day: PN0 is only for a child under 4.")
            return False
        if not self.participation.data and self.kind == ReviewKind.CARED_FOR:
            self.participation.errors.append("Choose how the child took part in the review.")
            return False
        return True

    def _lateness_ok(self) -> bool:
        due = self.due_on(self.held_on.data)
        if due is None or self.held_on.data <= due:
            self.late_reason.data = ""
            return True
        if not self.late_reason.data:
            self.late_reason.errors.append(f"It was due by {due:%-d %B %Y}: choose why it was held later.")
            return False
        if self.late_reason.data == LateReason.OTHER.value and not (self.late_reason_other.data or "").strip():
            self.late_reason_other.errors.append("Write the other reason in a few words.")
            return False
        return True


class ScheduleReviewForm(FlaskForm):
    kind = SelectField("Type", choices=[(kind.value, kind.label) for kind in ReviewKind], validators=[InputRequired()])
    stage = SelectField("Which review", choices=[(stage.value, stage.label) for stage in ReviewStage], validators=[InputRequired()])
    scheduled_for = DateField("Date of the review", validators=[DataRequired("Enter the date of the review."), _BOOKED])
    date_confirmed = BooleanField("The date is right")  # asked only for a date further back than two years
    strategy_discussion_on = DateField(
        "Date of the strategy discussion (initial conferences)", validators=[Optional(), _SINCE],
        description="The initial conference is due 15 working days after it.",
    )
    transfer_notified_on = DateField(
        "Date you were told of the transfer (transfer-in conferences)", validators=[Optional(), _SINCE],
        description="The transfer-in conference is due 15 working days after it.",
    )

    def validate_stage(self, field) -> None:
        from voice_app.models import STAGES_FOR_KIND

        kind = ReviewKind(self.kind.data) if self.kind.data in {k.value for k in ReviewKind} else None
        if kind and ReviewStage(field.data) not in STAGES_FOR_KIND[kind]:
            raise ValidationError(f"“{ReviewStage(field.data).label}” is not a stage of a {kind.label.lower()}.")


class ChildForm(FlaskForm):
    preferred_name = StringField("Name the child likes to be called", validators=[DataRequired("Enter the child's preferred name."), Length(max=80)])
    case_reference = StringField("Case record reference", validators=[DataRequired("Enter the case record reference."), Length(max=40)])
    date_of_birth = DateField("Date of birth", validators=[Optional(), _BIRTH])
    expected_date_of_birth = DateField(
        "Expected date of birth, for an unborn child (pre-birth conference)", validators=[Optional(), _within_a_year]
    )
    age_years = IntegerField("Age in years, if the date of birth is not known", validators=[Optional(), NumberRange(min=0, max=25, message="Enter an age from 0 to 25.")])
    preferred_language = SelectField("Language the child prefers", choices=LANGUAGE_CHOICES)
    communication_needs = TextAreaField("Communication needs", validators=[Optional(), Length(max=1000)])
    passport_yes_no = TextAreaField("Communication passport: how I say yes and no", validators=[Optional(), Length(max=500)])
    passport_helps = TextAreaField("What helps me", validators=[Optional(), Length(max=500)])
    passport_upsets = TextAreaField("What upsets me", validators=[Optional(), Length(max=500)])
    passport_choosing = TextAreaField("My best way to choose", validators=[Optional(), Length(max=500)])
    passport_access = SelectField(
        "How they answer on the tablet (chosen for them at hand-over)",
        choices=[("", "Not known: by touch"), ("touch", "By touch"), ("auto", "One switch (automatic scanning)"),
                 ("step", "Two switches (step scanning)"), ("dwell", "Dwell (eye-gaze or a head pointer)")],
        default="",  # left out of a post (a form from before the passport): not known
        validate_choice=True,
    )
    iro_id = SelectField("Allocated IRO", coerce=int, validate_choice=True)
    cared_for = BooleanField("The child is cared for")
    cared_for_since = DateField("Cared for since", validators=[Optional(), _SINCE])
    on_cp_plan = BooleanField("The child is on a child protection plan")
    cp_plan_since = DateField("On a plan since", validators=[Optional(), _SINCE])
    cp_conference_pending = BooleanField("An initial child protection conference is being arranged (no plan yet)")
    short_breaks = BooleanField("Cared for through a series of short breaks (reviews follow the short-break timescale)")
    young_peoples_pathway = BooleanField("On the young people’s pathway (harm outside the home): may have a young person’s conference")

    def validate(self, extra_validators=None) -> bool:
        """A child needs a date of birth or an age, and at least one reason to be here."""
        if not super().validate(extra_validators):
            return False
        ok = True
        if not self.date_of_birth.data and self.age_years.data is None and not self.expected_date_of_birth.data:
            self.date_of_birth.errors.append("Enter a date of birth, or an age if it is not known (for an unborn child, the expected date of birth).")
            ok = False
        if not (self.cared_for.data or self.on_cp_plan.data or self.cp_conference_pending.data):
            self.cared_for.errors.append("Tick whether the child is cared for, on a child protection plan, or having an initial conference arranged.")
            ok = False
        return ok
