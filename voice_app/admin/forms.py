"""Forms for staff accounts: a new account, and a temporary password for an existing one."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from voice_app.models import Role
from voice_app.passwords import MIN_PASSWORD_LENGTH


class TemporaryPasswordForm(FlaskForm):
    """A password the admin chooses and gives to the person, who must replace it at first sign-in."""

    password = PasswordField(
        "Temporary password",
        description=f"At least {MIN_PASSWORD_LENGTH} characters. Give it to the person in a safe way: they choose their own when they sign in.",
        validators=[DataRequired("Enter a temporary password."), Length(min=MIN_PASSWORD_LENGTH, max=512, message=f"Use at least {MIN_PASSWORD_LENGTH} characters.")],
    )
    confirm = PasswordField("Type the password again", validators=[EqualTo("password", "The two passwords are not the same.")])


class NewStaffForm(TemporaryPasswordForm):
    display_name = StringField("Full name", validators=[DataRequired("Enter the person's name."), Length(max=120)])
    email = EmailField("Email address", validators=[DataRequired("Enter an email address."), Email("Enter an email address like name@example.org."), Length(max=254)], filters=[lambda value: value.strip() if isinstance(value, str) else value])
    role = RadioField(
        "Role",
        choices=[
            (Role.IRO.value, "IRO: sees and works with their own children"),
            (Role.MANAGER.value, "Manager: sees every IRO's children and the service's figures"),
            (Role.ADMIN.value, "Admin: manages staff accounts"),
        ],
        validators=[DataRequired("Choose a role.")],
    )
