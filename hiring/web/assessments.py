"""HR: assessments — the dashboard, the list, the editor (sections, limits, languages,
thresholds; versions; a sample draw) and the health of their items and scales."""

from __future__ import annotations

import random

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext

from hiring.assessment import editor, pipeline, planning
from hiring.assessment import preview as sampling
from hiring.assessment.editor import Outcome, Recipe
from hiring.assessment.recipes import estimate_minutes, item_classes
from hiring.banks import listing
from hiring.db import get_session
from hiring.items.messages import shown
from hiring.items.types import type_labels
from hiring.items.types.base import translate
from hiring.models import Assessment, Bank
from hiring.reports.dif_table import dif_csv
from hiring.reports.scores import SCALE_TEXTS
from hiring.scoring.aggregates import fingerprint
from hiring.scoring.agreement import (
    MIN_RESPONSES,
    agreement_csv,
    load_rating_rows,
    rater_agreement,
)
from hiring.scoring.dif import MIN_GROUP, MIN_SCALE_ITEMS
from hiring.scoring.dif_counts import language_dif
from hiring.scoring.evidence import kept_precision, precision_for
from hiring.scoring.item_health import INLINE_LIMIT, ItemHealth
from hiring.scoring.item_health import item_health as health_of_items
from hiring.scoring.item_stats import MIN_ATTEMPTS
from hiring.scoring.precision import MIN_ATTEMPTS as MIN_PRECISION_ATTEMPTS
from hiring.scoring.precision import MIN_SUBSCORE_RELIABILITY
from hiring.scoring.reliability import reliability_csv, reliability_rows
from hiring.web import recipe_form
from hiring.web.access import hr_only, now
from hiring.web.lookup import get_or_404

bp = Blueprint("assessments", __name__, url_prefix="/admin")


def _assessment(assessment_id: int) -> Assessment:
    return get_or_404(Assessment, assessment_id, "No such assessment.")


@bp.route("/")
@hr_only
def dashboard():
    session = get_session()
    pipelines = pipeline.counts_by_assessment(session=session, now=now())
    return render_template("admin/dashboard.html",
                           counts=pipeline.counts_by_state(session=session),
                           banks=listing.count_banks(session=session),
                           assessments=pipeline.shown_assessments(pipelines, session=session),
                           pipelines=pipelines,
                           stages=pipeline.STAGES, stage_labels=pipeline.STAGE_LABELS)


@bp.route("/assessments")
@hr_only
def index():
    """List the current version of every assessment."""
    rows = editor.current_versions(session=get_session())
    return render_template("admin/assessments.html", rows=rows)


@bp.route("/assessments/new", methods=["GET", "POST"])
@hr_only
def new():
    banks = listing.all_banks(session=get_session())
    if not banks:
        flash(gettext("Upload a question bank first."))
        return redirect(url_for("banks.index"))
    chosen = request.values.get("bank_id", type=int)
    bank = next((b for b in banks if b.id == chosen), None)
    if bank is None and request.method == "POST":
        abort(400, gettext("Choose a question bank."))
    return editor_page(bank or banks[0], None, banks=banks)


# ---- the editor ---------------------------------------------------------------------

MAX_SEED = 2**31


def editor_page(bank: Bank, assessment: Assessment | None, *, banks: list[Bank] | None = None):
    """Show the editor's form and save it: a new assessment when there is none yet."""
    session = get_session()
    base = Recipe.of(assessment) if assessment is not None else recipe_form.new_recipe(bank)
    classes = item_classes(bank.id, session=session)
    section_errors: list[str] = []  # about the sections as a whole
    status, checked = 200, False
    if request.method == "GET":
        form = recipe_form.build_form(bank, recipe_form.form_data(base, bank))
        recipe_form.set_choices(form, bank)
        parsed = recipe_form.parse(form, bank, base, valid=False, classes=classes)
    else:
        # save; check: validate, save nothing; add_rows: offer more rows, validate nothing
        action = request.form.get("action", "save")
        form = recipe_form.build_form(bank)
        if action == "add_rows":
            recipe_form.add_rows(form)
        recipe_form.set_choices(form, bank)
        valid = action != "add_rows" and recipe_form.fields_valid(form)
        parsed = recipe_form.parse(form, bank, base, valid=valid, classes=classes)
        if parsed.recipe is not None:
            problems = editor.check(parsed.recipe, bank, session=session)
            for name, messages in problems.fields.items():
                texts = [shown(message, gettext) for message in messages]
                if name == "sections":
                    section_errors.extend(texts)
                else:
                    getattr(form, name).errors.extend(texts)
            for index, messages in problems.sections.items():
                parsed.infos[parsed.rows[index]].errors.extend(
                    shown(message, gettext) for message in messages)
            if not problems and action == "save":
                return _saved(bank, assessment, parsed.recipe)
            checked = not problems
        if action == "save":
            status = 400
    complete = recipe_form.complete_sections(form, parsed)
    context = {
        "form": form, "bank": bank, "banks": banks or [], "assessment": assessment,
        "rows": list(zip(form.sections, parsed.infos, strict=True)),
        "section_errors": section_errors, "checked": checked,
        "total": sum(section["count"] for section in complete),
        "minutes": round(estimate_minutes(complete, classes)),
        "attempts": editor.attempt_count(assessment, session=session) if assessment else 0,
        "versions": len(editor.versions(assessment, session=session)) if assessment else 0,
    }
    template = "admin/assessment_edit.html" if assessment else "admin/assessment_new.html"
    return render_template(template, **context), status


def _saved(bank: Bank, assessment: Assessment | None, recipe: Recipe):
    """Save a checked recipe, say what happened, and go to the assessment's page."""
    session = get_session()
    if assessment is None:
        saved = editor.create(bank, recipe, session=session, author=g.user.email)
    else:
        try:
            saved = editor.save(assessment, recipe, session=session, author=g.user.email)
        except editor.NotCurrent as exc:  # someone saved a new version meanwhile
            flash(gettext("%(problem)s Your changes were not saved.",
                          problem=shown(exc.args[0], gettext)))
            return redirect(url_for(".edit", assessment_id=assessment.id))
    if saved.outcome == Outcome.CREATED:
        flash(gettext("Assessment “%(name)s” created.", name=saved.assessment.name))
    elif saved.outcome == Outcome.UPDATED:
        flash(gettext("Changes saved."))
    elif saved.outcome == Outcome.UNCHANGED:
        flash(gettext("No changes."))
    else:
        flash(gettext("Candidates already took version %(previous)s; your changes are saved "
                      "as version %(version)s. Existing attempts and their reports are "
                      "unchanged.", previous=saved.previous.version,
                      version=saved.assessment.version))
    return redirect(url_for("invitations.pipeline", assessment_id=saved.assessment.id))


@bp.route("/assessments/<int:assessment_id>/edit", methods=["GET", "POST"])
@hr_only
def edit(assessment_id: int):
    session = get_session()
    assessment = _assessment(assessment_id)
    newest = editor.current(assessment, session=session)
    if newest.id != assessment.id:
        flash(gettext("Version %(version)s was replaced by version %(newest)s; your changes "
                      "were not saved: make them again here.", version=assessment.version,
                      newest=newest.version) if request.method == "POST" else
              gettext("Version %(version)s was replaced by version %(newest)s; you are "
                      "editing the current version.", version=assessment.version,
                      newest=newest.version))
        return redirect(url_for(".edit", assessment_id=newest.id))
    return editor_page(session.get(Bank, assessment.bank_id), assessment)


@bp.route("/assessments/<int:assessment_id>/versions")
@hr_only
def versions(assessment_id: int):
    session = get_session()
    assessment = _assessment(assessment_id)
    rows = list(reversed(editor.versions(assessment, session=session)))
    return render_template("admin/assessment_versions.html", assessment=assessment,
                           current=rows[0], rows=rows,
                           attempts=editor.attempt_counts(rows, session=session))


@bp.route("/assessments/<int:assessment_id>/preview")
@hr_only
def preview(assessment_id: int):
    """Draw a sample attempt: which items, in which order; nothing is stored."""
    session = get_session()
    assessment = _assessment(assessment_id)
    languages = planning.languages(assessment, session=session)
    language = request.args.get("lang")
    if language not in languages:
        language = assessment.language if assessment.language in languages else languages[0]
    if not request.args.get("seed"):
        return redirect(url_for(".preview", assessment_id=assessment.id, lang=language,
                                seed=random.SystemRandom().randrange(MAX_SEED)))
    seed = request.args.get("seed", type=int)
    if seed is None or not 0 <= seed < MAX_SEED:
        abort(400, gettext("The seed must be a whole number from 0 to %(max)s.", max=MAX_SEED - 1))
    bank = session.get(Bank, assessment.bank_id)
    drawn = sampling.sample(assessment, seed, language, session=session)
    return render_template(
        "admin/assessment_preview.html", assessment=assessment, bank=bank, sample=drawn,
        type_labels=type_labels(),
        languages=languages, item_path=f"{request.script_root}/admin/banks/{bank.id}/items/",
        another=random.SystemRandom().randrange(MAX_SEED),
        dimension_names=dimension_names(bank))


def _language() -> str:
    """The page's language, as bank texts and kept figures are keyed: hr for hr_HR."""
    return str(get_locale() or "en").split("_")[0]


def dimension_names(bank: Bank) -> dict[str, str]:
    """The bank's behavioural dimensions' names in the page's language (else English)."""
    return {key: translate(dimension.get("name"), _language()) or key
            for key, dimension in bank.dimensions.items()}


# ---- the health of the items and scales ---------------------------------------------


@bp.route("/assessments/<int:assessment_id>/items")
@hr_only
def item_health(assessment_id: int):
    session = get_session()
    assessment = _assessment(assessment_id)
    health = health_of_items(assessment_id, session=session)
    precision, precision_at = kept_precision(assessment, session=session,
                                             inline_limit=INLINE_LIMIT)
    reliability = reliability_rows(precision) if precision else None
    return render_template("admin/item_health.html", assessment=assessment, health=health,
                           type_labels=type_labels(),
                           dimension_names=dimension_names(session.get(Bank, assessment.bank_id)),
                           report=health.report if health else None,
                           dif=health.dif if health else None, dif_min_group=MIN_GROUP,
                           dif_min_scale_items=MIN_SCALE_ITEMS,
                           n_attempts=_n_attempts(health, assessment_id),
                           option_texts=health.option_texts if health else {},
                           key_sources=health.key_sources_in(_language()) if health else {},
                           reliability=reliability, reliability_computed_at=precision_at,
                           min_attempts=MIN_ATTEMPTS,
                           min_precision_attempts=MIN_PRECISION_ATTEMPTS,
                           min_subscore_reliability=MIN_SUBSCORE_RELIABILITY,
                           agreement=rater_agreement(load_rating_rows(assessment_id,
                                                                      session=session)),
                           min_responses=MIN_RESPONSES,
                           scale_names={key: texts[0] for key, texts in SCALE_TEXTS.items()})


def _n_attempts(health: ItemHealth | None, assessment_id: int) -> int:
    if health is None:
        return fingerprint(assessment_id, session=get_session(), real_only=False).n_attempts
    return health.report.n_attempts if health.current else health.n_attempts_now


@bp.route("/assessments/<int:assessment_id>/reliability.csv")
@hr_only
def reliability_download(assessment_id: int):
    assessment = _assessment(assessment_id)
    rows = reliability_rows(precision_for(assessment, session=get_session()))
    return Response(reliability_csv(rows), mimetype="text/csv", headers={
        "Content-Disposition":
            f'attachment; filename="assessment-{assessment_id}-reliability.csv"'})


@bp.route("/assessments/<int:assessment_id>/rater-agreement.csv")
@hr_only
def rater_agreement_csv(assessment_id: int):
    session = get_session()
    get_or_404(Assessment, assessment_id, "No such assessment.")
    report = rater_agreement(load_rating_rows(assessment_id, session=session))
    return Response(agreement_csv(report), mimetype="text/csv", headers={
        "Content-Disposition":
            f'attachment; filename="rater-agreement-{assessment_id}.csv"'})


@bp.route("/assessments/<int:assessment_id>/language-differences.csv")
@hr_only
def dif_download(assessment_id: int):
    """The differences between language versions the page shows; computed now while the
    page's figures are being computed."""
    _assessment(assessment_id)
    session = get_session()
    health = health_of_items(assessment_id, session=session)
    report = (health.dif if health is not None and health.dif is not None
              else language_dif(assessment_id, session=session))
    return Response(dif_csv(report), mimetype="text/csv", headers={
        "Content-Disposition":
            f'attachment; filename="assessment-{assessment_id}-language-differences.csv"'})
