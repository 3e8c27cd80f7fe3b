"""The admin's form for the council's provider, and the approval buttons."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, RadioField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from voice_app.inputs import stripped
from voice_app.models import Role

_LOOPBACK_NAMES = {"localhost"}


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def https_issuer(_form, field) -> None:
    """An issuer is an https URL (plain http only on this machine's loopback, for trying things out)."""
    parts = urlsplit(field.data or "")
    if parts.query or parts.fragment or not parts.hostname:
        raise ValidationError("Enter the issuer URL, like https://login.microsoftonline.com/<tenant id>/v2.0.")
    if parts.scheme != "https" and not (parts.scheme == "http" and _is_loopback(parts.hostname)):
        raise ValidationError("The issuer URL must start with https://.")


class ProviderForm(FlaskForm):
    """Every setting of the council's provider; one "which claim values give this role" box per role."""

    enabled = BooleanField("Staff can sign in with the council's account")
    display_name = StringField(
        "Council's name, as on the sign-in button",
        description='The button reads "Sign in with" and this name.',
        validators=[DataRequired("Enter the council's name."), Length(max=80)],
        filters=[stripped],
    )
    issuer = URLField(
        "Issuer URL",
        description="From the provider: for Entra ID, https://login.microsoftonline.com/<tenant id>/v2.0; for Google, https://accounts.google.com.",
        validators=[DataRequired("Enter the issuer URL."), Length(max=255), https_issuer],
        filters=[stripped],
    )
    client_id = StringField("Client ID", validators=[DataRequired("Enter the client ID."), Length(max=255)], filters=[stripped])
    client_secret = PasswordField(
        "Client secret",
        description="Kept encrypted. Leave this empty to keep the secret already saved.",
        validators=[Length(max=1000)],
    )
    scopes = StringField(
        "Scopes",
        description="openid email profile offline_access suits Entra ID; for Google leave out offline_access.",
        validators=[DataRequired("Enter the scopes."), Length(max=255)],
        filters=[stripped],
    )
    allowed_domains = TextAreaField(
        "Allowed email domains",
        description="One a line, like sunderland.gov.uk. Nobody else can sign in, whatever the provider says.",
        validators=[DataRequired("Enter at least one email domain."), Length(max=1000)],
    )
    role_claim = StringField(
        "Claim that holds groups or app roles",
        description="roles for Entra ID app roles, groups for group IDs.",
        validators=[DataRequired("Enter the claim's name."), Length(max=64)],
        filters=[stripped],
    )
    unknown_staff = RadioField(
        "When someone allowed signs in for the first time",
        choices=[
            ("approve", "Wait for an admin to approve them"),
            ("create", "Create their account at once, with the role their groups give"),
        ],
        validators=[DataRequired("Choose what happens at a first sign-in.")],
    )
    check_minutes = IntegerField(
        "Check with the provider every (minutes)",
        description="A leaver or someone taken out of the group is signed out at the next check.",
        validators=[DataRequired("Enter a number of minutes."), NumberRange(min=1, max=240, message="Enter a number from 1 to 240.")],
    )

    def validate_client_secret(self, field) -> None:
        if self.enabled.data and not field.data and not getattr(self, "secret_saved", False):
            raise ValidationError("Enter the client secret.")


def role_field_name(role: Role) -> str:
    return f"role_{role.value}"


def provider_form_class() -> type[ProviderForm]:
    """The form with one box per role of the Role enum, so a role added later appears here by itself."""

    class _Form(ProviderForm):
        pass

    for role in Role:
        setattr(
            _Form,
            role_field_name(role),
            TextAreaField(
                f"{role.label}: group IDs or app role values",
                description="One a line. Leave empty if the provider gives nobody this role.",
                validators=[Length(max=2000)],
            ),
        )
    return _Form


class DecisionForm(FlaskForm):
    """Approve or refuse one person waiting; only the CSRF token and the button pressed."""
