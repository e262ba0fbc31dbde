"""Forms rated against a rubric: one 1-5 choice per criterion, added per item."""

from __future__ import annotations

from flask_babel import lazy_gettext
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from hiring.assessment.calibration import MAX_EXPLANATION
from hiring.items.types.written import LEVELS, MAX_CHARS
from hiring.web.forms import FlaskForm, RatingForm

SCORE_PREFIX = "score_"


class RubricForm(FlaskForm):
    """A rating of every criterion; `rubric_form` adds the criteria of one item."""

    def scores(self) -> dict[str, int]:
        """Return criterion id -> the level chosen."""
        return {name.removeprefix(SCORE_PREFIX): field.data for name, field in
                self._fields.items() if name.startswith(SCORE_PREFIX)}


class CandidateRatingForm(RubricForm, RatingForm):
    """An interviewer's rating of a candidate's written answer, with a comment."""


class CalibrationRatingForm(RubricForm):
    """A rater's rating of a calibration answer: the scores only."""


class CalibrationAnswerForm(RubricForm):
    """HR's calibration answer: the text, the agreed ratings and why."""

    language = SelectField(lazy_gettext("Language of the answer"),
                           validators=[InputRequired()])
    text = TextAreaField(lazy_gettext("Answer"),
                         validators=[InputRequired(), Length(max=MAX_CHARS)],
                         description=lazy_gettext("Remove anything that names the candidate: "
                                                  "raters must not know whose answer it is."))
    explanation = TextAreaField(
        lazy_gettext("Why these ratings"),
        validators=[InputRequired(), Length(max=MAX_EXPLANATION)],
        description=lazy_gettext("Shown to each rater after they rate: what earns each "
                                 "level here."))


def rubric_form(criteria: list[tuple[str, str]], base: type[FlaskForm] = RubricForm
                ) -> type[FlaskForm]:
    """Return a form class with a required 1-5 choice for each (id, name) criterion."""

    class Form(base):  # type: ignore[misc, valid-type]
        pass

    for cid, name in criteria:
        setattr(Form, SCORE_PREFIX + cid, RadioField(
            name, choices=[SelectChoice(level, str(level)) for level in LEVELS], coerce=int,
            validators=[InputRequired()]))
    return Form
