"""Forms rated against a rubric: one 1-5 choice per criterion, added per item."""

from __future__ import annotations

from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from hiring.assessment.types.written import LEVELS
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
