"""The sign-in form."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from voice_app.inputs import stripped


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address."), Length(max=254)],
        filters=[stripped],
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=512)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Your current password", validators=[DataRequired("Enter your current password."), Length(max=512)])
    new = PasswordField(
        "New password",
        description="At least 12 characters. A few unrelated words are easy to remember and hard to guess.",
        validators=[DataRequired("Enter a new password."), Length(min=12, max=512, message="Use at least 12 characters.")],
    )
    confirm = PasswordField("Type the new password again", validators=[EqualTo("new", "The two new passwords are not the same.")])


class EndSessionForm(FlaskForm):
    """A button that only needs its CSRF token (ending a session)."""
