"""Forms for the parents' questionnaire; every word a parent reads goes through Babel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from voice_app.parents.questions import COMMENT_MAX, COMMENT_QUESTION, NAME_MAX, ROLE_MAX


class ActionForm(FlaskForm):
    """A form that only carries its CSRF token (start, send)."""


class ChoiceForm(FlaskForm):
    """One agree/disagree answer; the answer buttons send its id, checked against the question."""

    answer = StringField()


class CommentForm(FlaskForm):
    comment = TextAreaField(
        COMMENT_QUESTION,
        description=_l("You do not have to write anything. If you do, please do not include names."),
        validators=[
            Optional(),
            Length(
                max=COMMENT_MAX,
                message=lazy_ngettext(
                    "Please make this a little shorter. It can be up to %(num)d character.",
                    "Please make this a little shorter. It can be up to %(num)d characters.",
                    COMMENT_MAX,
                ),
            ),
        ],
    )


class NameForm(FlaskForm):
    name = StringField(
        _l("Your name (optional)"),
        description=_l("You do not have to give your name. Your answers are counted together with other parents' answers."),
        validators=[
            Optional(),
            Length(
                max=NAME_MAX,
                message=lazy_ngettext(
                    "Please make this a little shorter. It can be up to %(num)d character.",
                    "Please make this a little shorter. It can be up to %(num)d characters.",
                    NAME_MAX,
                ),
            ),
        ],
    )


# The agencies a professional can answer for, in the words they read (models.Agency has the staff's words).
AGENCY_CHOICES = [
    ("social_care", _l("Children's social care")),
    ("health", _l("Health")),
    ("education", _l("School or education")),
    ("police", _l("Police")),
    ("probation", _l("Probation or youth justice")),
    ("housing", _l("Housing")),
    ("voluntary", _l("Voluntary or community organisation")),
    ("other", _l("Another agency")),
]


class AboutForm(FlaskForm):
    """A professional's agency and role, in place of a name: both optional."""

    agency = RadioField(_l("Which agency are you from?"), choices=AGENCY_CHOICES, validators=[Optional()])
    role = StringField(
        _l("Your role (optional)"),
        description=_l("For example, school nurse or youth worker. You do not need to give your name."),
        validators=[
            Optional(),
            Length(
                max=ROLE_MAX,
                message=lazy_ngettext(
                    "Please make this a little shorter. It can be up to %(num)d character.",
                    "Please make this a little shorter. It can be up to %(num)d characters.",
                    ROLE_MAX,
                ),
            ),
        ],
    )
