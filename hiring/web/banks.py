"""HR: question banks — upload one, list them, see one's items, download it as YAML."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, flash, g, redirect, render_template, url_for
from flask_babel import gettext

from hiring.banks import listing
from hiring.banks.exporter import export_bank
from hiring.banks.importer import ImportSummary, import_bank
from hiring.banks.loader import BankInvalid, load_bytes
from hiring.db import get_session
from hiring.items.messages import shown
from hiring.items.types import type_labels
from hiring.models import Bank
from hiring.web.access import hr_only
from hiring.web.assessments import dimension_names
from hiring.web.forms import BankUploadForm
from hiring.web.lookup import get_or_404

bp = Blueprint("banks", __name__, url_prefix="/admin/banks")


@bp.route("", methods=["GET", "POST"])
@hr_only
def index():
    session = get_session()
    form = BankUploadForm()
    problems = []
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        name = upload.filename or "upload.yaml"
        try:
            bank_file = load_bytes(upload.read(), name)
        except BankInvalid as exc:
            problems = [replace(p, message=shown(p.message, gettext)) for p in exc.problems]
            status = 400
        else:
            summary = import_bank(bank_file, session=session, author=g.user.email)
            flash(imported_text(summary))
            return redirect(url_for("banks.bank", bank_id=summary.bank.id))
    elif form.errors:
        status = 400
    rows = listing.banks_with_item_counts(session=session)
    return render_template("admin/banks.html", form=form, rows=rows, problems=problems), status


def imported_text(summary: ImportSummary) -> str:
    """Say what an import did, in the reader's language."""
    text = gettext("Imported %(bank)s v%(version)s: %(added)s added, %(revised)s revised, "
                   "%(unchanged)s unchanged, %(retired)s retired.", bank=summary.bank.slug,
                   version=summary.bank.version, added=summary.added, revised=summary.revised,
                   unchanged=summary.unchanged, retired=summary.retired)
    if summary.assessments:
        text += " " + gettext("Assessments: %(names)s.",
                              names=", ".join(a.name for a in summary.assessments))
    return text


@bp.route("/<int:bank_id>")
@hr_only
def bank(bank_id: int):
    bank = get_or_404(Bank, bank_id, "No such bank.")
    rows = listing.current_items(bank_id, session=get_session())
    return render_template("admin/bank.html", bank=bank, rows=rows, type_labels=type_labels(),
                           dimension_names=dimension_names(bank))


@bp.route("/<int:bank_id>.yaml")
@hr_only
def bank_yaml(bank_id: int):
    session = get_session()
    bank = get_or_404(Bank, bank_id, "No such bank.")
    return Response(export_bank(bank, session=session), mimetype="application/yaml",
                    headers={"Content-Disposition":
                             f'attachment; filename="{bank.slug}.yaml"'})
