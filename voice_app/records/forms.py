"""Forms for the records page: correcting a fact, asking for erasure, and plain confirm buttons."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from voice_app.records.requests import CORRECTABLE


class CorrectionForm(FlaskForm):
    field = SelectField("Which fact", choices=list(CORRECTABLE.items()), validators=[DataRequired("Choose the fact to correct.")])
    value = StringField(
        "The correct value",
        description="Dates as YYYY-MM-DD. The value before is kept in the audit trail (encrypted).",
        validators=[Length(max=1000, message="Keep it under 1,000 characters.")],
    )


class ErasureForm(FlaskForm):
    reason = TextAreaField(
        "Why the law requires erasure",
        description="For example the article of the UK GDPR and the decision it follows. A second manager must confirm.",
        validators=[DataRequired("Say why the records must be erased."), Length(max=2000, message="Keep the reason under 2,000 characters.")],
    )


class ButtonForm(FlaskForm):
    """Only the CSRF token: for buttons that act on something already on the page."""
