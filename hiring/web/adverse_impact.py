"""HR: adverse impact of an assessment, by self-identified group, as a page, CSV and PDF.

"Selected" is reaching a decision stage (one stage, or each stage in turn: one table per
stage) or a score at or above a cut score on one scale. The figures come from
hiring.assessment.adverse_impact; this module words them and lays them out.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import format_decimal, get_locale, gettext, ngettext
from wtforms import DateField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from hiring.assessment import decisions, editor, pipeline, self_id
from hiring.assessment.adverse_impact import (
    NO_ANSWERS,
    NOBODY_SELECTED,
    ONE_GROUP,
    SCORE,
    SMALL_GROUPS,
    STAGE,
    SUPPRESSED,
    AdverseImpactReport,
    QuestionImpact,
    Selection,
    SelectionError,
    build_report,
)
from hiring.csv_cells import safe_cell
from hiring.db import get_session
from hiring.i18n import language_name
from hiring.items.messages import N_
from hiring.models import Assessment
from hiring.reports.adverse_impact_pdf import render_adverse_impact_pdf
from hiring.reports.scores import SCALE_TEXTS
from hiring.scoring.fairness import FOUR_FIFTHS, MIN_CELL, MIN_GROUP, GroupImpact
from hiring.scoring.scales import SCALES
from hiring.web.access import hr_only, now
from hiring.web.decisions import stage_name
from hiring.web.forms import FlaskForm, ScoreField
from hiring.web.lookup import get_or_404

bp = Blueprint("adverse_impact", __name__, url_prefix="/admin")
EVERY_STAGE = ""
MAX_MIN_CELL = 100


class FilterForm(FlaskForm):
    """The report's filters, read from the query string (a GET: nothing changes)."""

    selection = SelectField(N_("Selected means"), default=STAGE)
    stage = SelectField(N_("Stage"), default=EVERY_STAGE)
    scale = SelectField(N_("Scale"), default=SCALES[0])
    cut = ScoreField(N_("Cut score (0–100)"), default=50,
                     validators=[Optional(), NumberRange(0, 100)])
    since = DateField(N_("Submitted from"), validators=[Optional()])
    until = DateField(N_("Submitted until"), validators=[Optional()])
    language = SelectField(N_("Language"), default="")
    min_cell = IntegerField(N_("Minimum group size"), default=MIN_CELL,
                            validators=[Optional(), NumberRange(MIN_CELL, MAX_MIN_CELL)])


@dataclass(frozen=True)
class Row:
    """One line of a question's table, worded."""

    name: str
    n: int | None  # None: hidden
    selected: int | None
    rate: float | None
    ratio: float | None
    flagged: bool
    fisher_p: float | None
    z: float | None
    z_p: float | None
    reference: bool
    excluded: bool  # prefer not to say, not answered: counted, in no ratio
    sentence: str


@dataclass(frozen=True)
class Table:
    question: str
    rows: list[Row]
    warnings: list[str]


@dataclass(frozen=True)
class Section:
    """One selection's report, worded: a stage's, or the cut score's."""

    title: str
    report: AdverseImpactReport
    tables: list[Table]


def _assessment(assessment_id: int) -> Assessment:
    return get_or_404(Assessment, assessment_id, gettext("No such assessment."))


def _form(assessment: Assessment, stages: list[decisions.Stage]) -> FilterForm:
    form = FilterForm(formdata=request.args, meta={"csrf": False})
    form.selection.choices = [SelectChoice(STAGE, gettext("Reaching a decision stage")),
                              SelectChoice(SCORE, gettext("A score at or above a cut score"))]
    form.stage.choices = [SelectChoice(EVERY_STAGE, gettext("Each stage, one table each"))] + [
        SelectChoice(s.key, stage_name(s)) for s in stages]
    form.scale.choices = [SelectChoice(k, gettext(SCALE_TEXTS[k][0])) for k in SCALES]
    languages = pipeline.languages_taken(assessment.id, session=get_session())
    form.language.choices = [SelectChoice("", gettext("Every language"))] + [
        SelectChoice(code, language_name(code), render_kw={"lang": code}) for code in languages]
    return form


def _group_name(question: str, group: str) -> str:
    text = self_id.OPTION_TEXTS.get(question, {}).get(group)
    return gettext(text) if text else group


def _two(value: float) -> str:
    """Two decimals with the page's decimal separator: 0.75, 0,75."""
    return format_decimal(value, "0.00")


def format_p(value: float | None) -> str:
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _sentence(question: str, group: GroupImpact, reference: GroupImpact | None,
              min_cell: int) -> str:
    name = _group_name(question, group.group)
    if group.suppressed:
        return gettext("Fewer than %(num)s: not shown.", num=min_cell)
    if group.reference:
        if group.impact_ratio is None:
            return gettext("Nobody was selected.")
        return gettext("The highest selection rate: the others are compared with it.")
    if group.impact_ratio is None or reference is None:
        return gettext("Nobody was selected: no ratio.")
    values = {"group": name, "ratio": _two(group.impact_ratio),
              "reference": _group_name(question, reference.group)}
    if group.flagged:
        text = gettext("%(group)s’s selection rate is %(ratio)s of %(reference)s’s: below "
                       "four-fifths.", **values)
    else:
        text = gettext("%(group)s’s selection rate is %(ratio)s of %(reference)s’s: not below "
                       "four-fifths.", **values)
    if group.small:
        text += " " + gettext("Too few to judge.")
    return text


WARNINGS = {
    NO_ANSWERS: N_("Nobody in these candidates answered this question with one of its options."),
    ONE_GROUP: N_("Fewer than two groups are large enough to compare."),
    NOBODY_SELECTED: N_("Nobody in these groups was selected: there is no ratio."),
    SMALL_GROUPS: N_("Some groups are small (under %(small)s, or an expected count under 5): "
                  "one person more or less moves their rate a lot. Too few to judge."),
    SUPPRESSED: N_("Groups under %(min_cell)s are not shown: no rate, ratio or test."),
}


def _table(question: QuestionImpact, min_cell: int) -> Table:
    reference = question.reference
    rows = []
    for group in question.groups:
        shown = not group.suppressed
        rows.append(Row(
            _group_name(question.question, group.group),
            group.n if shown else None, group.selected if shown else None,
            group.rate, group.impact_ratio, group.flagged, group.fisher_p,
            group.z.z if group.z else None, group.z.p if group.z else None,
            group.reference, False, _sentence(question.question, group, reference, min_cell)))
    for name, count in ((self_id.PREFER_NOT_TEXT, question.prefer_not),
                        (self_id.NOT_ANSWERED_TEXT, question.not_answered)):
        rows.append(Row(gettext(name), count, None, None, None, False, None, None, None,
                        False, True, gettext("Counted, in no ratio.") if count is not None
                        else gettext("Fewer than %(num)s: not shown.", num=min_cell)))
    warnings = [gettext(WARNINGS[w], small=MIN_GROUP, min_cell=min_cell)
                for w in question.warnings]
    text = self_id.QUESTION_TEXTS.get(question.question)
    return Table(gettext(text) if text else question.question, rows, warnings)


def _sections(assessment: Assessment, form: FilterForm, stages: list[decisions.Stage]
              ) -> list[Section]:
    session = get_session()
    filters = {"since": form.since.data, "until": form.until.data,
               "language": form.language.data or None,
               "min_cell": form.min_cell.data or MIN_CELL, "now": now()}
    if form.selection.data == SCORE:
        cut = form.cut.data if form.cut.data is not None else 50
        selections = [(Selection.passing(form.scale.data, cut),
                       gettext("Selected: %(scale)s at or above %(cut)s",
                               scale=gettext(SCALE_TEXTS[form.scale.data][0]),
                               cut=f"{cut:g}"))]
    else:
        chosen = [s for s in stages if form.stage.data in (EVERY_STAGE, s.key)]
        selections = [(Selection.reached(s.key),
                       gettext("Selected: reached “%(stage)s”", stage=stage_name(s)))
                      for s in chosen]
    sections = []
    for selection, title in selections:
        report = build_report(assessment.id, session=session, selection=selection, **filters)
        sections.append(Section(title, report, [_table(q, report.min_cell)
                                                for q in report.questions]))
    return sections


def _prepare(assessment_id: int):
    """Return the assessment, the form, its error and the sections (none where it failed)."""
    assessment = _assessment(assessment_id)
    stages = decisions.stages(assessment, session=get_session())
    form = _form(assessment, stages)
    if request.args and not form.validate():
        return assessment, form, gettext("Check the filters: %(errors)s", errors="; ".join(
            f"{form[name].label.text}: {gettext(errors[0])}"
            for name, errors in form.errors.items())), []
    if not request.args:  # the defaults: every stage, every date and language
        form.selection.data, form.stage.data, form.min_cell.data = STAGE, EVERY_STAGE, MIN_CELL
        form.scale.data, form.cut.data, form.language.data = SCALES[0], 50, ""
    try:
        return assessment, form, None, _sections(assessment, form, stages)
    except SelectionError as exc:
        return assessment, form, gettext(str(exc)), []


def _filters_text(form: FilterForm) -> list[str]:
    lines = [gettext("Submitted from %(since)s until %(until)s",
                     since=form.since.data.isoformat() if form.since.data else "–",
                     until=form.until.data.isoformat() if form.until.data else "–"),
             gettext("Language: %(language)s",
                     language=form.language.data or gettext("every language")),
             gettext("Minimum group size: %(num)s", num=form.min_cell.data or MIN_CELL)]
    return lines


def _context(assessment_id: int) -> dict:
    assessment, form, error, sections = _prepare(assessment_id)
    session = get_session()
    return {"assessment": assessment, "form": form, "error": error, "sections": sections,
            "asked": self_id.questions(assessment), "filters": _filters_text(form),
            "versions": len(editor.versions(assessment, session=session)),
            "four_fifths": FOUR_FIFTHS, "min_group": MIN_GROUP, "format_p": format_p,
            "generated_at": now(), "query": request.args.to_dict(),
            "decided": any(key for key in decisions.counts(assessment.id, session=session)
                           if key is not None)}


@bp.route("/assessments/<int:assessment_id>/adverse-impact")
@hr_only
def report(assessment_id: int):
    """Selection rates by self-identified group, their ratios and tests."""
    context = _context(assessment_id)
    return render_template("admin/adverse_impact.html", **context), (
        400 if context["error"] else 200)


@bp.route("/assessments/<int:assessment_id>/adverse-impact.csv")
@hr_only
def report_csv(assessment_id: int):
    """The same figures as a CSV file, with the filters in its first lines."""
    context = _context(assessment_id)
    if context["error"]:
        return Response(context["error"] + "\n", status=400, mimetype="text/plain")
    return Response(adverse_impact_csv(context), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="adverse-impact-{assessment_id}.csv"',
        "Cache-Control": "no-store"})


@bp.route("/assessments/<int:assessment_id>/adverse-impact.pdf")
@hr_only
def report_pdf(assessment_id: int):
    """The same figures as a tagged PDF."""
    context = _context(assessment_id)
    if context["error"]:
        return Response(context["error"] + "\n", status=400, mimetype="text/plain")
    document = render_adverse_impact_pdf(
        str(get_locale() or "en"), context,
        time_limit=current_app.config["PDF_TIME_LIMIT_SECONDS"])
    return Response(document, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="adverse-impact-{assessment_id}.pdf"',
        "Cache-Control": "no-store"})


def _number(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def adverse_impact_csv(context: dict) -> str:
    """Write the report: header lines, then one row per group and selection."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    assessment = context["assessment"]
    sections = context["sections"]
    header = [gettext("Adverse impact: %(name)s, version %(version)s",
                      name=assessment.name, version=assessment.version),
              gettext("Generated %(at)s", at=context["generated_at"].isoformat(
                  timespec="seconds")),
              *context["filters"],
              gettext("Groups under the minimum size are suppressed: their cells are blank."),
              gettext("“Prefer not to say” and “not answered” are counted and in no ratio.")]
    if sections and sections[0].report.simulated_demo:
        header.append(gettext("Every candidate here is simulated (a demonstration)."))
    elif sections and sections[0].report.simulated_left_out:
        header.append(ngettext("%(num)s simulated attempt left out.",
                               "%(num)s simulated attempts left out.",
                               sections[0].report.simulated_left_out))
    for line in header:
        writer.writerow([safe_cell("# " + line)])
    writer.writerow(["selection", "pool_n", "question", "group", "n", "selected", "rate",
                     "impact_ratio", "below_four_fifths", "fisher_p", "z", "z_p", "note"])
    for section in sections:
        for table in section.tables:
            for row in table.rows:
                writer.writerow([safe_cell(v) for v in (
                    section.title, section.report.n, table.question, row.name,
                    "" if row.n is None else row.n,
                    "" if row.selected is None else row.selected,
                    _number(row.rate), _number(row.ratio),
                    "" if row.ratio is None or row.reference else
                    ("yes" if row.flagged else "no"),
                    "" if row.fisher_p is None else f"{row.fisher_p:.4g}",
                    _number(row.z, 2), "" if row.z_p is None else f"{row.z_p:.4g}",
                    row.sentence)])
    return out.getvalue()
