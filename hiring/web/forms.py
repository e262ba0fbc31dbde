"""The forms staff fill in."""

from __future__ import annotations

import flask_babel
from flask import current_app
from flask_wtf import FlaskForm as _FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from hiring.items import accommodations
from hiring.items.messages import N_

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


_l = flask_babel.lazy_gettext  # labels: forms are defined at import, shown per request


class _Translations:
    """WTForms' translation interface, answered from our Flask-Babel catalogues."""

    def gettext(self, message: str) -> str:
        return flask_babel.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Unformatted: WTForms fills in %(max)d and the like itself, and
        # flask_babel.ngettext would format with only `num` and fail on them.
        return flask_babel.get_translations().ungettext(singular, plural, n)


class Required(InputRequired):
    """InputRequired with its own message, marked with _l and translated when shown (a
    form's errors are then plain text, as every other error)."""

    def __call__(self, form, field) -> None:
        try:
            super().__call__(form, field)
        except StopValidation as stop:
            raise StopValidation(str(stop.args[0]) if stop.args else None) from None


class FlaskForm(_FlaskForm):
    class Meta(_FlaskForm.Meta):
        def get_translations(self, form):
            return _Translations()


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])


class LanguageForm(FlaskForm):
    # The choices (the browser's language, then each language offered) are set per request.
    language = RadioField(_l("Language"), default="", validators=[Optional()])


class BankUploadForm(FlaskForm):
    file = FileField(_l("Bank file (YAML)"), validators=[FileRequired()])


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TotpCodeForm(FlaskForm):
    code = StringField(
        _l("Code"), validators=[InputRequired(), Length(max=40)],
        description=_l(
            "The 6 digits your authenticator app shows, or one of your recovery codes."))


class TwoFactorRolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Roles that must use two-factor login"),
                               choices=[], validate_choice=False)

    def validate_roles(self, field) -> None:
        known = {value for value, _label in field.choices}
        if any(value not in known for value in field.data or []):
            raise ValidationError(flask_babel.gettext("Not a valid choice."))


class ScoreField(FloatField):
    """A threshold on the 0-100 score scale, shown without a needless '.0'."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:g}" if self.data is not None else ""


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class SectionForm(Form):
    """One row of an assessment's sections; the title fields are added per bank language."""

    type = SelectField(_l("Type"), default="")  # "": any
    dimension = SelectField(_l("Dimension"), default="")
    count = IntegerField(_l("Items"), validators=[Optional(), NumberRange(1, 500)])
    remove = BooleanField(_l("Remove"))


class AssessmentForm(FlaskForm):
    """An assessment's recipe; `assessment_form` adds the fields that depend on the bank."""

    name = StringField(_l("Name"), filters=[_strip],
                       validators=[DataRequired(), Length(max=200)],
                       description=_l("What staff see in lists and reports."))
    languages = MultiCheckboxField(_l("Languages offered"))
    language = SelectField(_l("Default language"),
                           description=_l("Invitations use it unless the candidate switches."))
    time_limit_minutes = IntegerField(_l("Time limit (minutes)"), default=40,
                                      validators=[InputRequired(), NumberRange(1, 300)])
    grace_seconds = IntegerField(
        _l("Grace period (seconds)"), default=60,
        validators=[InputRequired(), NumberRange(0, 600)],
        description=_l("Answers still in flight when time is up are accepted this long."))
    shuffle = BooleanField(_l("Shuffle the items within each section"), default=True)
    typing_target_wpm = IntegerField(
        _l("Typing target (words per minute)"), default=35,
        validators=[InputRequired(), NumberRange(5, 150)],
        description=_l("A typing item scores full marks at this many words per minute, "
                       "typing errors subtracted; less scores in proportion."))
    strength_score = ScoreField(
        _l("Strength: lower end of the 95% band at least"),
        validators=[InputRequired(), NumberRange(0, 100)],
        description=_l("A score whose whole band lies at or above this is listed as a "
                       "strength."))
    development_score = ScoreField(
        _l("Development area: upper end of the 95% band below"),
        validators=[InputRequired(), NumberRange(0, 100)],
        description=_l("A score whose whole band lies below this is listed as a development "
                       "area, with interview questions to probe it."))
    min_items = IntegerField(
        _l("Fewest answered items per score"),
        validators=[InputRequired(), NumberRange(1, 10)],
        description=_l("With fewer, the profile says the evidence is insufficient and claims "
                       "nothing."))
    max_each = IntegerField(
        _l("Most strengths and development areas listed"),
        validators=[InputRequired(), NumberRange(1, 6)],
        description=_l("Each list shows at most this many, strongest and weakest first."))


def _texts_form(languages: list[str], max_length: int) -> type[Form]:
    """A form with one text field per language, named by its code."""

    class Texts(Form):
        pass

    for code in languages:
        setattr(Texts, code, StringField(code, filters=[_strip],
                                         validators=[Optional(), Length(max=max_length)]))
    return Texts


def assessment_form(languages: list[str], **kwargs: object) -> AssessmentForm:
    """Build the assessment form for a bank's languages: titles, and section rows.

    The select fields' choices depend on the bank; the caller sets them."""

    class Section(SectionForm):
        titles = FormField(_texts_form(languages, 200))

    class BankAssessmentForm(AssessmentForm):
        titles = FormField(_texts_form(languages, 200))
        sections = FieldList(FormField(Section))

    return BankAssessmentForm(**kwargs)


class InvitationForm(FlaskForm):
    name = StringField(_l("Candidate name"), validators=[InputRequired(), Length(max=200)])
    email = EmailField(_l("Candidate email"),
                       validators=[InputRequired(), Email(), Length(max=254)])
    days = IntegerField(_l("Valid for (days)"),
                        default=lambda: current_app.config["INVITATION_DAYS"],
                        validators=[InputRequired(), NumberRange(1, 90)])
    time_multiplier = StringField(
        _l("Time multiplier (an accommodation)"), default="1",
        description=_l("1 for the usual time; 1.25, 1.5, 2 or any number up to 3 for more "
                       "time, on the whole assessment and on timed exercises such as typing."))

    def validate_time_multiplier(self, field) -> None:
        try:
            field.multiplier = accommodations.parse_multiplier(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class TimeMultiplierForm(FlaskForm):
    multiplier = StringField(_l("Time multiplier"), validators=[InputRequired()])


class BulkInvitationForm(FlaskForm):
    """A CSV of invitations: checked first, created once `confirm` comes with the rows."""

    file = FileField(_l("A CSV file"))
    csv_text = TextAreaField(_l("Or the rows as text"))
    confirm = BooleanField(_l("Create the invitations"))
    send_email = BooleanField(_l("Send each candidate the invitation by e-mail"))


class ExtraTimeForm(FlaskForm):
    minutes = IntegerField(_l("Extra minutes"), validators=[InputRequired()])


class ExtendForm(FlaskForm):
    """A later expiry for an invitation: a date, else a number of days."""

    until = DateField(_l("New expiry date (until 23:59 UTC that day)"), validators=[Optional()])
    days = IntegerField(_l("Or add days"), validators=[Optional(), NumberRange(1, 90)])

    def problem(self) -> str | None:
        """Validate the form; return what is wrong in one sentence, or None."""
        if not self.validate():
            if self.until.errors:
                return flask_babel.gettext("Give the date as YYYY-MM-DD.")
            if self.days.errors:
                return flask_babel.gettext("Give a whole number of days from 1 to 90.")
            return " ".join(error for errors in self.errors.values() for error in errors)
        if self.until.data is None and self.days.data is None:
            return flask_babel.gettext("Give a new expiry date or a number of days.")
        return None


class RatingForm(FlaskForm):
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])


# ---- keying rounds ---------------------------------------------------------------------


class KeyingRoundForm(FlaskForm):
    """A new keying round; the item choices are the bank's active SJT items."""

    name = StringField(_l("Name of the round"), filters=[_strip],
                       validators=[InputRequired(), Length(max=200)],
                       description=_l("E.g. “Team leads, spring 2027”: experts see it."))
    items = MultiCheckboxField(_l("Items the experts rate"))


class ExpertForm(FlaskForm):
    name = StringField(_l("Expert's name"), filters=[_strip],
                       validators=[InputRequired(), Length(max=200)])
    email = EmailField(_l("Email"), filters=[_strip],
                       validators=[InputRequired(), Email(), Length(max=254)])
    language = SelectField(_l("Language"))
    send_email = BooleanField(_l("Send the link by e-mail"), default=True)


class ConfirmForm(FlaskForm):
    """A destructive or lasting action, done only once HR ticked the box."""

    confirm = BooleanField(_l("Yes"), validators=[Required(
        _l("Tick the box to confirm; nothing has changed."))])


class AdoptForm(FlaskForm):
    items = MultiCheckboxField(_l("Items"), validators=[Required(
        _l("Choose at least one item whose key to adopt."))])
    confirm = BooleanField(_l("Yes"))


class PaperImportForm(FlaskForm):
    file = FileField(_l("A CSV file"))
    csv_text = TextAreaField(_l("Or the rows as text"), validators=[Length(max=1_000_000)])
    confirm = BooleanField(_l("Store these ratings"))


# The effectiveness scale an expert rates each option on, with its visible labels.
SCALE_LABELS = (
    (1, N_("very ineffective or harmful")),
    (2, N_("ineffective")),
    (3, N_("partly effective")),
    (4, N_("effective")),
    (5, N_("very effective")),
)


class ExpertRatingsForm(FlaskForm):
    """An item's options, each rated on the 1-5 scale; fields are added per option."""


def expert_ratings_form(option_ids: list[str], ratings: dict[str, int],
                        **kwargs: object) -> ExpertRatingsForm:
    """Build the rating form of one item: a radio group `option_<n>` per option, in order.

    Option ids may hold characters a field name cannot, hence the numbered names; the
    view maps them back with `option_fields`."""

    class ItemRatings(ExpertRatingsForm):
        pass

    choices = [SelectChoice(str(value), _l(label))
               for value, label in SCALE_LABELS]
    for index, option_id in enumerate(option_ids, start=1):
        setattr(ItemRatings, f"option_{index}", RadioField(
            option_id, choices=choices, validators=[Optional()],
            default=str(ratings[option_id]) if option_id in ratings else None))
    return ItemRatings(**kwargs)


def option_fields(form: ExpertRatingsForm, option_ids: list[str]) -> list[tuple[str, object]]:
    """Return (option id, its radio field) in the options' order."""
    return [(option_id, form[f"option_{index}"])
            for index, option_id in enumerate(option_ids, start=1)]
