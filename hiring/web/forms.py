"""The forms staff fill in."""

from __future__ import annotations

from flask_wtf import FlaskForm
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
