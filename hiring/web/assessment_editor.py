"""HR: the assessment editor — sections, limits, languages, thresholds; versions; a sample draw."""

from __future__ import annotations

import random

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from hiring.assessment import editor, planning
from hiring.assessment import preview as sampling
from hiring.assessment.editor import Outcome, Recipe
from hiring.assessment.recipes import estimate_minutes, item_classes
from hiring.db import get_session
from hiring.items.types.base import translate
from hiring.models import Assessment, Bank
from hiring.web import recipe_form
from hiring.web.access import hr_only
from hiring.web.lookup import get_or_404

bp = Blueprint("assessment_editor", __name__, url_prefix="/admin/assessments")

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
                if name == "sections":
                    section_errors.extend(messages)
                else:
                    getattr(form, name).errors.extend(messages)
            for index, messages in problems.sections.items():
                parsed.infos[parsed.rows[index]].errors.extend(messages)
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
            flash(f"{exc} Your changes were not saved.")
            return redirect(url_for(".edit", assessment_id=assessment.id))
    if saved.outcome == Outcome.CREATED:
        flash(f"Assessment “{saved.assessment.name}” created.")
    elif saved.outcome == Outcome.UPDATED:
        flash("Changes saved.")
    elif saved.outcome == Outcome.UNCHANGED:
        flash("No changes.")
    else:
        flash(f"Candidates already took version {saved.previous.version}; your changes are "
              f"saved as version {saved.assessment.version}. Existing attempts and their "
              "reports are unchanged.")
    return redirect(url_for("admin.assessment", assessment_id=saved.assessment.id))


def _assessment(assessment_id: int) -> Assessment:
    return get_or_404(Assessment, assessment_id, "No such assessment.")


@bp.route("/<int:assessment_id>/edit", methods=["GET", "POST"])
@hr_only
def edit(assessment_id: int):
    session = get_session()
    assessment = _assessment(assessment_id)
    newest = editor.current(assessment, session=session)
    if newest.id != assessment.id:
        flash(f"Version {assessment.version} was replaced by version {newest.version}; "
              + ("your changes were not saved: make them again here."
                 if request.method == "POST" else "you are editing the current version."))
        return redirect(url_for(".edit", assessment_id=newest.id))
    return editor_page(session.get(Bank, assessment.bank_id), assessment)


@bp.route("/<int:assessment_id>/versions")
@hr_only
def versions(assessment_id: int):
    session = get_session()
    assessment = _assessment(assessment_id)
    rows = list(reversed(editor.versions(assessment, session=session)))
    return render_template("admin/assessment_versions.html", assessment=assessment,
                           current=rows[0], rows=rows,
                           attempts=editor.attempt_counts(rows, session=session))


@bp.route("/<int:assessment_id>/preview")
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
        abort(400, f"The seed must be a whole number from 0 to {MAX_SEED - 1}.")
    bank = session.get(Bank, assessment.bank_id)
    drawn = sampling.sample(assessment, seed, language, session=session)
    return render_template(
        "admin/assessment_preview.html", assessment=assessment, bank=bank, sample=drawn,
        languages=languages, item_path=f"{request.script_root}/admin/banks/{bank.id}/items/",
        another=random.SystemRandom().randrange(MAX_SEED),
        dimension_names={key: translate(d.get("name"), "en") or key
                         for key, d in bank.dimensions.items()})

