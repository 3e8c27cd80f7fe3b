"""Forms: inviting a practitioner, choosing a password through the link, withdrawing, and the practitioner's hand-over."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional

from voice_app.child.forms import PARTS_CHOICES, HandoverForm
from voice_app.inputs import stripped
from voice_app.models import Profession
from voice_app.passwords import MIN_PASSWORD_LENGTH


class InviteForm(FlaskForm):
    name = StringField("Their name", validators=[DataRequired("Enter the practitioner's name."), Length(max=120)], filters=[stripped])
    email = EmailField(
        "Their work email address",
        description="The link to choose a password goes here. It works once, for a week at most, and not after the conference.",
        validators=[DataRequired("Enter their email address."), Length(max=254), Email("Enter an email address like name@example.org.")],
        filters=[stripped],
    )
    profession = RadioField(
        "Who they are", choices=[(p.value, p.label) for p in Profession], validators=[InputRequired("Choose who they are.")]
    )
    organisation = StringField("Their team, school or service (optional)", validators=[Optional(), Length(max=120)], filters=[stripped])


class JoinForm(FlaskForm):
    new = PasswordField(
        "Choose a password",
        description=f"At least {MIN_PASSWORD_LENGTH} characters. You also use it to take your device back from the child.",
        validators=[DataRequired("Choose a password."), Length(min=MIN_PASSWORD_LENGTH, max=512, message=f"Use at least {MIN_PASSWORD_LENGTH} characters.")],
    )
    confirm = PasswordField("Type the password again", validators=[EqualTo("new", "The two passwords are not the same.")])


class WithdrawForm(FlaskForm):
    """A button that only needs its CSRF token."""


class PractitionerHandoverForm(HandoverForm):
    """The IRO's hand-over form, without asking about a past meeting: a practitioner knows nothing of those. Nor does it
    take the child's own photos for a mat: those are the IRO's, kept with the statement of their visit."""

    parts = RadioField("What to ask", choices=[c for c in PARTS_CHOICES if c[0] != "after"], validators=[InputRequired("Choose what to ask.")])
    ask_after = None
    photo_mat = photo_label_1 = photo_label_2 = photo_label_3 = photo_label_4 = None

    def photo_rows(self) -> list:
        return []
