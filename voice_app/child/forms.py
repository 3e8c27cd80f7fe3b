"""Forms: the IRO's hand-over choices, taking the tablet back, and reading a posted answer."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DecimalField, IntegerField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from voice_app.child.flow import Sent
from voice_app.models import FlowVersion
from voice_app.questions.access import KEYS, MODE_LABELS, AccessSettings, settings_from

VERSION_CHOICES = [
    (FlowVersion.YOUNGER.value, "Younger: pictures and read-aloud first, fewer questions, no typing needed"),
    (FlowVersion.OLDER.value, "Older: more questions, and they can add their own words"),
    (FlowVersion.MAT.value, "Sorting mat: they choose a topic, then place picture cards one at a time on a mat (like / not sure / don't like); no words needed"),
]
PARTS_CHOICES = [
    ("views,menu", "Their views, then the Child's Menu"),
    ("views", "Their views only"),
    ("menu", "The Child's Menu only"),
    ("after", "Only how their last meeting went"),
]


LABEL_LIMIT = 200  # a backstop against hostile input: child/photos.py asks kindly for 40 letters or fewer


def _seconds(label, low: float, high: float, default_ms: int, description=None) -> DecimalField:
    return DecimalField(
        label,
        description=description,
        places=1,
        default=default_ms / 1000,
        # Left out of a post (a page from before these settings): the default. Given: within its bounds.
        validators=[NumberRange(low, high, _l("Give a number of seconds from %(min)s to %(max)s."))],
    )


_KEY_CHOICES = list(KEYS.items())
_DEFAULT = AccessSettings()


class AccessFields(FlaskForm):
    """How the child answers: touch, one switch, two switches or dwell, and the timings (in seconds)."""

    access = RadioField(_l("How will they answer?"), choices=list(MODE_LABELS.items()), default="touch")
    scan_s = _seconds(_l("Scan speed: seconds on each picture (one switch)"), 0.5, 5, _DEFAULT.scan_ms)
    dwell_s = _seconds(_l("Dwell time: seconds resting on a picture to choose it"), 0.5, 5, _DEFAULT.dwell_ms)
    accept_s = _seconds(_l("Acceptance time: seconds a press must last to count"), 0, 2, _DEFAULT.accept_ms,
                        _l("For a child with a tremor. 0 counts every press."))
    ignore_s = _seconds(_l("Seconds after a choice when presses are ignored"), 0, 3, _DEFAULT.ignore_ms)
    loops = IntegerField(_l("Rounds of scanning before it pauses (one switch)"), default=_DEFAULT.loops,
                         validators=[NumberRange(1, 10, _l("Give a number of rounds from %(min)s to %(max)s."))])
    speak = BooleanField(_l("Read each picture aloud as it is highlighted"))
    move_key = SelectField(_l("The key the moving switch sends (two switches)"), choices=_KEY_CHOICES, default=_DEFAULT.move_key)
    choose_key = SelectField(_l("The key the choosing switch sends"), choices=_KEY_CHOICES, default=_DEFAULT.choose_key)

    def validate_choose_key(self, field) -> None:
        """Two switches need two different keys."""
        if self.access.data == "step" and field.data == self.move_key.data:
            raise ValidationError(_l("Two switches need two different keys."))

    def fill_access(self, settings: AccessSettings) -> None:
        """Show these settings in the form."""
        self.access.data = settings.mode
        self.scan_s.data = settings.scan_ms / 1000
        self.dwell_s.data = settings.dwell_ms / 1000
        self.accept_s.data = settings.accept_ms / 1000
        self.ignore_s.data = settings.ignore_ms / 1000
        self.loops.data = settings.loops
        self.speak.data = settings.speak
        self.move_key.data = settings.move_key
        self.choose_key.data = settings.choose_key

    def access_settings(self) -> AccessSettings:
        """The settings the form holds (after validation)."""
        return settings_from({
            "mode": self.access.data,
            "scan_ms": round(float(self.scan_s.data) * 1000),
            "dwell_ms": round(float(self.dwell_s.data) * 1000),
            "accept_ms": round(float(self.accept_s.data) * 1000),
            "ignore_ms": round(float(self.ignore_s.data) * 1000),
            "loops": self.loops.data,
            "speak": self.speak.data,
            "move_key": self.move_key.data,
            "choose_key": self.choose_key.data,
        })


class HandoverForm(AccessFields):
    """The IRO sets up the conversation before handing the tablet over (staff wording)."""

    version = RadioField("Which version suits them?", choices=VERSION_CHOICES, validators=[InputRequired("Choose the younger or the older version, or the sorting mat.")])
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
    # The child's own photos as cards on one sorting mat (child/photos.py); the files come as photo_file_1 to 4.
    photo_mat = SelectField(_l("Add the child's own photos to a mat (optional)"), validators=[Optional()])
    photo_label_1 = StringField(_l("Words the child will hear for photo %(number)s", number=1), validators=[Length(max=LABEL_LIMIT)])
    photo_label_2 = StringField(_l("Words the child will hear for photo %(number)s", number=2), validators=[Length(max=LABEL_LIMIT)])
    photo_label_3 = StringField(_l("Words the child will hear for photo %(number)s", number=3), validators=[Length(max=LABEL_LIMIT)])
    photo_label_4 = StringField(_l("Words the child will hear for photo %(number)s", number=4), validators=[Length(max=LABEL_LIMIT)])

    def photo_rows(self) -> list:
        """(number, label field, file input name) for each photo the IRO may add."""
        return [(n, self[f"photo_label_{n}"], f"photo_file_{n}") for n in range(1, 5)]


class GiveBackForm(FlaskForm):
    """The IRO's password or PIN, to leave child mode."""

    secret = PasswordField(
        _l("Password or PIN"),
        validators=[DataRequired(_l("Type your password or PIN.")), Length(max=512)],
    )


class ChildAccessForm(AccessFields):
    """The IRO changes how the child answers without taking the tablet back: their password or PIN first."""

    secret = GiveBackForm.secret


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
# A tablet's clock a little ahead of ours (and our own whole-second timestamps) is still the child's moment.
AHEAD_ALLOWED = timedelta(seconds=5)


def answer_sent(form: MultiDict, *, now: datetime | None = None) -> Sent | None:
    """The tablet's id for a posted answer and when it was given; None when the page sent no id
    (a page from before ids existed: saved as before); ValueError when the id is malformed."""
    client_id = form.get("client_id") or None
    if client_id is None:
        return None
    if not CLIENT_ID.match(client_id):
        raise ValueError("malformed client id")
    moment = now or datetime.now(UTC)
    given_at = None
    raw = form.get("given_at") or ""
    if raw.isdigit() and len(raw) <= 15:
        given = datetime.fromtimestamp(int(raw) / 1000, tz=UTC)
        # A tablet's clock can be wrong: a time well ahead of ours, or long ago, is not believed.
        # A few seconds ahead (drift, or the same second as `utcnow`, which drops milliseconds)
        # is still the child's tap: kept, but never later than now.
        if moment - OLDEST_GIVEN <= given <= moment + AHEAD_ALLOWED:
            given_at = min(given, moment)
    return Sent(client_id, given_at)
