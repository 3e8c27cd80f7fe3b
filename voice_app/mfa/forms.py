"""Forms for the second factor: a code from the app, a recovery code, the service's rule."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length

from voice_app.inputs import stripped
from voice_app.mfa.policy import RULE_LABELS


class CodeForm(FlaskForm):
    """Six digits from the authenticator app."""

    code = StringField(
        _l("Code from your authenticator app"),
        description=_l("The 6-digit code the app shows for this service now."),
        validators=[DataRequired(_l("Enter the 6-digit code from your authenticator app.")), Length(max=20, message=_l("Enter the 6-digit code from your authenticator app."))],
        filters=[stripped],
        render_kw={"inputmode": "numeric", "spellcheck": "false"},
    )


class RecoveryCodeForm(FlaskForm):
    """One of the recovery codes given when the app was set up."""

    code = StringField(
        _l("Recovery code"),
        description=_l("One of the codes you kept when you set up your authenticator app, like abcd-efgh-jkmn-pqrs. Each works once."),
        validators=[DataRequired(_l("Enter one of your recovery codes.")), Length(max=40, message=_l("That is not one of your recovery codes."))],
        filters=[stripped],
        render_kw={"spellcheck": "false", "autocapitalize": "none"},
    )


class PolicyForm(FlaskForm):
    """The service's rule for second factors."""

    rule = RadioField(
        _l("Who must use an authenticator app to sign in with a password"),
        choices=[(rule.value, label) for rule, label in RULE_LABELS.items()],
        validators=[DataRequired(_l("Choose who must use an authenticator app."))],
    )


class ButtonForm(FlaskForm):
    """A button that only needs its CSRF token."""
