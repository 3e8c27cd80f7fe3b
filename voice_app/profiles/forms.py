"""Forms for an IRO's profile, their photo, and the service's contact details."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from voice_app.dates import Plausible
from voice_app.profiles.services import ABOUT_MAX

_strip = [lambda value: value.strip() if isinstance(value, str) else value]


class ProfileForm(FlaskForm):
    first_name = StringField(
        "Your first name, as children call you",
        validators=[DataRequired("Enter the name children call you."), Length(max=60, message="Keep it under 60 characters.")],
        filters=_strip,
    )
    about = TextAreaField(
        "A few lines about you, in plain words",
        description="For example: “I like walking my dog and I support Sunderland.” Children see these words as you write them.",
        validators=[Length(max=ABOUT_MAX, message=f"Keep it under {ABOUT_MAX} characters.")],
    )
    picture = RadioField("Your picture", validators=[DataRequired("Choose a picture.")])


def translation_field(code: str) -> str:
    """The form field holding the IRO's lines in one language."""
    return "about_" + code.replace("-", "_")


def add_translation_fields(languages) -> None:
    """One optional box per shipped language besides English, for the service to translate the lines."""
    for lang in languages:
        if lang.code != "en-GB":
            setattr(
                ProfileForm,
                translation_field(lang.code),
                TextAreaField(f"{lang.english_name} ({lang.native_name})", validators=[Length(max=ABOUT_MAX, message=f"Keep it under {ABOUT_MAX} characters.")]),
            )


class PhotoForm(FlaskForm):
    photo = FileField(
        "Upload a photo of yourself",
        description="A JPEG, PNG or WebP file under 5 MB. It is made smaller and everything but the picture (such as where it was taken) is removed.",
        validators=[FileRequired("Choose a photo to upload.")],
    )


class ServiceContactForm(FlaskForm):
    phone = StringField("Phone number", validators=[Optional(), Length(max=40)], filters=_strip)
    text = StringField("Number children can text", validators=[Optional(), Length(max=40)], filters=_strip)
    email = EmailField("Email address", validators=[Optional(), Email("Enter an email address like iro.service@example.org."), Length(max=254)], filters=_strip)


class LetterForm(FlaskForm):
    """Which language and version the letter is made in (a GET form: no token needed)."""

    class Meta:
        csrf = False

    lang = SelectField("Language", validators=[Optional()])
    version = RadioField("Version", choices=[("younger", "Younger: a picture beside every line"), ("older", "Older: words")], validators=[Optional()])


class LetterGivenForm(FlaskForm):
    given_on = DateField(
        "Date the letter was given", validators=[DataRequired("Enter the date the letter was given, like 2025-03-31."), Plausible(confirm_after_days=365)]
    )
    date_confirmed = BooleanField("The date is right")  # asked only for a date further back than a year
