"""Forms for the parents' questionnaire; every word a parent reads goes through Babel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from voice_app.parents.questions import COMMENT_MAX, COMMENT_QUESTION, NAME_MAX


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
