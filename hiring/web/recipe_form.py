"""The assessment editor's form: filled from a recipe, read back into one.

Section rows are a list of sub-forms; a row whose title, type, dimension and count are all
empty is ignored, as is one ticked for removal. Each row notes how many active items of
the bank fit it and, given the rows above, how many are sure to be left for it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from flask_babel import get_locale, gettext

from hiring.assessment import editor
from hiring.assessment.editor import Recipe
from hiring.assessment.recipes import matching, supply
from hiring.i18n import language_in_page
from hiring.items.types import ITEM_TYPES
from hiring.items.types.base import translate
from hiring.models import Bank
from hiring.scoring.rules import Rules
from hiring.web.forms import AssessmentForm, assessment_form

BLANK_ROWS = 3  # empty section rows offered for new sections


@dataclass
class RowInfo:
    """What the editor shows beside a section row."""

    matching: int | None = None  # active items of the bank that fit the row
    left: int | None = None  # of those, sure to be left after the rows above
    errors: list[str] = field(default_factory=list)


@dataclass
class Parsed:
    """A submitted form as a recipe, and where each of its sections came from."""

    recipe: Recipe | None  # None: some field did not parse
    rows: list[int]  # the form row of each recipe section
    infos: list[RowInfo]  # per form row


def form_data(recipe: Recipe, bank: Bank) -> dict:
    """The form's initial values for a recipe."""
    return {
        "name": recipe.name, "language": recipe.language,
        "titles": {code: (recipe.titles or {}).get(code, "") for code in bank.languages},
        "languages": bank.languages if recipe.languages is None else recipe.languages,
        "time_limit_minutes": recipe.time_limit_minutes,
        "grace_seconds": recipe.grace_seconds, "shuffle": recipe.shuffle,
        "typing_target_wpm": recipe.typing_target_wpm(), **asdict(recipe.rules()),
        "sections": [{"titles": {code: translate(s.get("title"), code)
                                 for code in bank.languages},
                      "type": s.get("type") or "", "dimension": s.get("dimension") or "",
                      "count": s.get("count")} for s in recipe.sections],
    }


def build_form(bank: Bank, data: dict | None = None) -> AssessmentForm:
    """Make the form for the bank, from the request or from data, with blank rows."""
    if data is None:
        form = assessment_form(bank.languages)
    else:
        form = assessment_form(bank.languages, formdata=None, data=data)
        add_rows(form)
    return form


def add_rows(form: AssessmentForm) -> None:
    """Offer BLANK_ROWS more empty section rows (set_choices must follow)."""
    for _ in range(BLANK_ROWS):
        form.sections.append_entry()


def set_choices(form: AssessmentForm, bank: Bank) -> None:
    """Fill the select fields from the bank, keeping values the bank no longer has."""
    names = [(code, f"{language_in_page(code)} ({code})") for code in bank.languages]
    form.languages.choices = names
    form.language.choices = list(names)
    if form.language.data and form.language.data not in bank.languages:
        form.language.choices.append((form.language.data, form.language.data))
    dimensions = list(bank.dimensions)
    language = str(get_locale() or "en").split("_")[0]
    for entry in form.sections:
        row = entry.form
        row.type.choices = [("", gettext("any type"))] + [
            (name, f"{gettext(ITEM_TYPES[name].label)} ({name})") for name in sorted(ITEM_TYPES)]
        row.dimension.choices = [("", gettext("any dimension"))] + [
            (key, translate(bank.dimensions[key].get("name"), language) or key)
            for key in dimensions]
        for select, known in ((row.type, ITEM_TYPES), (row.dimension, dimensions)):
            if select.data and select.data not in known:
                select.choices.append((select.data, gettext("%(value)s (not in the bank)",
                                                             value=select.data)))


def _is_blank(row) -> bool:
    count_given = row.count.data is not None or bool(row.count.raw_data
                                                     and row.count.raw_data[0].strip())
    return not (count_given or row.type.data or row.dimension.data
                or any(text.data for text in row.titles.form))


def section_of(row) -> dict:
    return {"type": row.type.data or None, "dimension": row.dimension.data or None}


def parse(form: AssessmentForm, bank: Bank, base: Recipe, *, valid: bool,
           classes: Counter) -> Parsed:
    """Turn the form into a recipe; note per row what fits and what is missing."""
    sections, rows, infos = [], [], []
    for index, entry in enumerate(form.sections):
        row, info = entry.form, RowInfo()
        infos.append(info)
        if row.remove.data or _is_blank(row):
            continue
        info.matching = matching(section_of(row), classes)
        texts = {code: row.titles.form[code].data for code in bank.languages
                 if row.titles.form[code].data}
        if not texts:
            info.errors.append(gettext("Give the section a title."))
        if row.count.data is None and not row.count.errors:
            info.errors.append(gettext("Say how many items to draw."))
        if info.errors or entry.errors:
            continue
        title = (next(iter(texts.values())) if len(set(texts.values())) == 1
                 and len(texts) == len(bank.languages) else texts)
        sections.append({"title": title, **{k: v for k, v in section_of(row).items() if v},
                         "count": row.count.data})
        rows.append(index)
    for index, found in zip(rows, supply(sections, classes), strict=True):
        infos[index].left = found.left
    if not valid or any(info.errors for info in infos):
        return Parsed(None, rows, infos)
    rules = Rules(strength_score=form.strength_score.data,
                  development_score=form.development_score.data,
                  min_items=form.min_items.data, max_each=form.max_each.data)
    chosen = list(form.languages.data or [])
    recipe = Recipe(
        name=form.name.data, language=form.language.data,
        titles={code: form.titles.form[code].data for code in bank.languages
                if form.titles.form[code].data} or None,
        languages=None if set(chosen) == set(bank.languages) else
        [code for code in bank.languages if code in chosen],
        time_limit_minutes=form.time_limit_minutes.data,
        grace_seconds=form.grace_seconds.data, shuffle=form.shuffle.data,
        settings=editor.with_settings(base.settings,
                                      typing_target_wpm=form.typing_target_wpm.data,
                                      rules=rules),
        sections=sections)
    return Parsed(recipe, rows, infos)


def fields_valid(form: AssessmentForm) -> bool:
    """Validate the form; a row ticked for removal may hold anything."""
    form.validate()
    return (all(not f.errors for f in form if f.name != "sections")
            and all(not entry.errors for entry in form.sections if not entry.form.remove.data))


def new_recipe(bank: Bank) -> Recipe:
    return Recipe(name="", titles=None, language=bank.languages[0], languages=None,
                  time_limit_minutes=40, grace_seconds=60, shuffle=True, settings={},
                  sections=[])


def complete_sections(form: AssessmentForm, parsed: Parsed) -> list[dict]:
    """The rows that make sections: type, dimension and count, for totals and estimates."""
    return [{**section_of(form.sections[i].form), "count": form.sections[i].form.count.data}
            for i in parsed.rows]
