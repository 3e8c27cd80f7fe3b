"""Forms: the IRO's hand-over choices, taking the tablet back, and reading a posted answer."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, PasswordField, RadioField, SelectField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from voice_app.child.flow import Sent
from voice_app.models import FlowVersion, utcnow

VERSION_CHOICES = [
    (FlowVersion.YOUNGER.value, "Younger: pictures and read-aloud first, fewer questions, no typing needed"),
    (FlowVersion.OLDER.value, "Older: more questions, and they can add their own words"),
]
PARTS_CHOICES = [
    ("views,menu", "Their views, then the Child's Menu"),
    ("views", "Their views only"),
    ("menu", "The Child's Menu only"),
    ("after", "Only how their last meeting went"),
]


class HandoverForm(FlaskForm):
    """The IRO sets up the conversation before handing the tablet over (staff wording)."""

    version = RadioField("Which version suits them?", choices=VERSION_CHOICES, validators=[InputRequired("Choose the younger or the older version.")])
    language = SelectField("Language", validators=[InputRequired()])
    parts = RadioField("What to ask", choices=PARTS_CHOICES, validators=[InputRequired("Choose what to ask.")])
    ask_after = BooleanField("First ask how their last meeting went")
    explain = BooleanField("Add “What happens at my meeting”: a few picture steps about the review, and whether they would like an advocate")
    scribing = BooleanField("I will type what the child says, in their words (scribing)")
    pin = PasswordField(
        "Hand-back PIN (optional)",
        description="4 to 8 numbers. You can use it instead of your password to take the tablet back.",
        validators=[Optional(), Regexp(r"^[0-9]{4,8}$", message="A PIN is 4 to 8 numbers, with nothing else.")],
    )
    forget_pin = BooleanField("Stop using my PIN: only my password takes the tablet back")


class GiveBackForm(FlaskForm):
    """The IRO's password or PIN, to leave child mode."""

    secret = PasswordField(
        _l("Password or PIN"),
        validators=[DataRequired(_l("Type your password or PIN.")), Length(max=512)],
    )


def answer_fields(form: MultiDict) -> dict:
    """The parts of a posted answer, ready for flow.parse_answer."""
    return {
        "choices": [value for value in form.getlist("choice") if value][:50],
        "special": form.get("special") or None,
        "scale": form.get("scale"),
        "text": form.get("text"),
        "skip": bool(form.get("skip")),
    }


CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
OLDEST_GIVEN = timedelta(days=31)  # a queue older than this is the tablet's clock, not the child


def answer_sent(form: MultiDict, *, now: datetime | None = None) -> Sent | None:
    """The tablet's id for a posted answer and when it was given; None when the page sent no id
    (a page from before ids existed: saved as before); ValueError when the id is malformed."""
    client_id = form.get("client_id") or None
    if client_id is None:
        return None
    if not CLIENT_ID.match(client_id):
        raise ValueError("malformed client id")
    moment = now or utcnow()
    given_at = None
    raw = form.get("given_at") or ""
    if raw.isdigit() and len(raw) <= 15:
        given = datetime.fromtimestamp(int(raw) / 1000, tz=UTC)
        # A tablet's clock can be wrong: a time ahead of ours, or long ago, is not believed.
        if moment - OLDEST_GIVEN <= given <= moment:
            given_at = given
    return Sent(client_id, given_at)
