"""The forms staff fill in."""

from __future__ import annotations

import flask_babel
from flask_wtf import FlaskForm as _FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from hiring.assessment.messages import N_

# WTForms ships no Croatian (and only Latin Serbian) messages, so its validators' messages
# are translated from our own catalogues. The ones our forms can show:
WTFORMS_MESSAGES = (
    N_("This field is required."),
    N_("Invalid email address."),
    N_("Not a valid integer value."),
    N_("Not a valid choice."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("The CSRF token is missing."),
    N_("The CSRF token has expired."),
    N_("The CSRF token is invalid."),
)


class _Translations:
    """WTForms' translation interface, answered from our Flask-Babel catalogues."""

    def gettext(self, message: str) -> str:
        return flask_babel.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return flask_babel.ngettext(singular, plural, n)


class FlaskForm(_FlaskForm):
    class Meta(_FlaskForm.Meta):
        def get_translations(self, form):
            return _Translations()


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=200)])


class BankUploadForm(FlaskForm):
    file = FileField("Bank file (YAML)", validators=[FileRequired()])


class AssessmentForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired(), Length(max=200)])
    bank_id = SelectField("Question bank", coerce=int)
    language = SelectField("Language", choices=[SelectChoice("en", "English"),
                                                SelectChoice("hr", "Hrvatski")])
    time_limit_minutes = IntegerField("Time limit (minutes)", default=40,
                                      validators=[InputRequired(), NumberRange(1, 300)])
    grace_seconds = IntegerField("Grace period (seconds)", default=60,
                                 validators=[InputRequired(), NumberRange(0, 600)])
    sections = TextAreaField(
        "Sections", default="Situations: sjt x 12\nMath: numeric x 6\nWriting: written x 1",
        description="One section a line: title: type x count (type: sjt, numeric, "
                    "written, or any).",
        validators=[InputRequired(), Length(max=2000)])


class InvitationForm(FlaskForm):
    name = StringField("Candidate name", validators=[InputRequired(), Length(max=200)])
    email = EmailField("Candidate email", validators=[InputRequired(), Email(), Length(max=254)])
    days = IntegerField("Valid for (days)", default=14,
                        validators=[InputRequired(), NumberRange(1, 90)])


class RatingForm(FlaskForm):
    comment = TextAreaField("Comment", validators=[Optional(), Length(max=5000)])
