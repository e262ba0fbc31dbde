"""HR: the question editor: create, edit, preview, retire and restore items; revision
history and diffs between revisions."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

from babel import Locale, UnknownLocaleError
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale, gettext
from markupsafe import Markup

from hiring.banks import editing, item_diff, item_form, item_yaml
from hiring.banks.item_form.shapes import TEXT
from hiring.db import get_session
from hiring.items.messages import N_, Message, shown
from hiring.items.types import ITEM_TYPES, get_type, type_labels
from hiring.items.types.base import translate
from hiring.models import Bank, Item, ItemRevision
from hiring.web.access import hr_only, now
from hiring.web.forms import ConfirmForm
from hiring.web.lookup import get_or_404

bp = Blueprint("items", __name__, url_prefix="/admin/banks")

RETIRE_NOTE = N_("Retired items are no longer drawn for new attempts; attempts that already "
                 "have it keep it.")
RESTORE_NOTE = N_("Restored items are drawn again for new attempts.")


def _language() -> str:
    """The page's language, as bank texts are keyed: hr for hr_HR."""
    return str(get_locale() or "en").split("_")[0]


# ---- lookups -------------------------------------------------------------------------


def _bank(bank_id: int) -> Bank:
    return get_or_404(Bank, bank_id, gettext("No such bank."))


def _item(bank: Bank, key: str) -> Item:
    item = editing.find_item(bank, key, session=get_session())
    if item is None:
        abort(404, gettext("The bank %(bank)s has no item %(key)s.", bank=bank.slug, key=repr(key)))
    return item


def _revision(item: Item, arg: str, default: int) -> ItemRevision:
    """Return the revision a query argument names, or 404 with the numbers there are."""
    text = request.args.get(arg)
    number = default if text in (None, "") else (int(text) if text.isdecimal() else None)
    revision = (editing.get_revision(item, number, session=get_session())
                if number and number < 2**31 else None)
    if revision is None:
        abort(404, gettext("Item %(item)s has no revision %(text)s: its revisions are 1 to "
                           "%(last)s.", item=item.key, text=repr(text),
                           last=item.current_revision))
    return revision


def _dimensions(bank: Bank) -> dict[str, str]:
    language = _language()
    return {key: translate(dimension.get("name"), language) or key
            for key, dimension in bank.dimensions.items()}


# ---- rendering helpers ---------------------------------------------------------------


def _candidate_html(content: dict, language: str) -> Markup:
    """Render the item with the candidate's own template, read-only, in the language."""
    template, view = editing.preview(content, language)
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        locale = Locale("en")  # a bank language babel does not know: English chrome
    with force_locale(locale):  # the chrome around the item is in that language too
        html = render_template(
            "admin/items/_candidate_item.html", template=template, view=view,
            language=language, answer={}, response=SimpleNamespace(answer=None),
            attempt=SimpleNamespace(language=language))
    # Our own autoescaped template rendered it: every value in it is escaped already.
    return Markup(html)  # noqa: S704  # nosec B704


def _in_language(nodes: list[item_form.Node]) -> list[item_form.Node]:
    """Give the form's labels, hints and choices in the page's language; a text's
    translations keep their language codes as labels."""
    for node in nodes:
        if node.kind != TEXT:
            node.label = shown(node.label, gettext)
            node.hint = shown(node.hint, gettext) if node.hint else node.hint
            node.choices = [(value, label.translated(gettext) if isinstance(label, Message)
                             else label) for value, label in node.choices]
        _in_language(node.children)
    return nodes


def _problems_in_language(nodes: list[item_form.Node]) -> None:
    """Show the problems put on the form's fields in the page's language (those the
    catalogue has; the rest as the validation said them)."""
    for node in nodes:
        node.errors = [shown(error, gettext) for error in node.errors]
        _problems_in_language(node.children)


def _editor(bank: Bank, item: Item | None, item_type: str, raw: dict,
            problems: list[tuple[tuple, str]], *, base: int | None = None, status: int = 200,
            preview_of: dict | None = None, conflict: int | None = None):
    nodes = _in_language(item_form.build_form(item_type, raw, languages=bank.languages,
                                              dimensions=_dimensions(bank), new=item is None))
    summary = item_form.attach(nodes, [(item_form.field_name(item_type, raw, path), message)
                                       for path, message in problems])
    _problems_in_language(nodes)
    summary = [(shown(where, gettext), shown(message, gettext), anchor)
               for where, message, anchor in summary]
    previews = ([(lang, _candidate_html(preview_of, lang)) for lang in bank.languages]
                if preview_of else [])
    current = (editing.get_revision(item, item.current_revision, session=get_session())
               if item else None)
    return render_template("admin/items/edit.html", bank=bank, item=item, item_type=item_type,
                           type_labels=type_labels(),
                           runs=item_form.runs(nodes), summary=summary, base=base,
                           previews=previews, conflict=conflict,
                           keying=current.content.get("keying") if current else None), status


def _yaml_editor(bank: Bank, item: Item, text: str, problems: list, *, base: int | None,
                 status: int = 200, previews: list | None = None, conflict: int | None = None):
    problems = [replace(p, message=shown(p.message, gettext)) if hasattr(p, "message") else p
                for p in problems]
    return render_template("admin/items/yaml.html", bank=bank, item=item, text=text,
                           problems=problems, base=base, previews=previews or [],
                           conflict=conflict), status


def _save(bank: Bank, item: Item, content: dict, base: int | None, *, from_form: bool):
    """Store an edit; return a redirect, or None when someone saved in between."""
    session = get_session()
    content, note = editing.carry_over(item, content, session=session, from_form=from_form)
    try:
        revision = editing.save_revision(item, content, session=session,
                                         author=g.user.email, base=base, now=now())
    except editing.EditConflict:
        return None
    flash(gettext("No changes: nothing was saved.") if revision is None
          else gettext("Saved as revision %(number)s.", number=revision.number))
    if revision is not None and note:
        flash(gettext(note))
    return redirect(url_for("items.item", bank_id=bank.id, key=item.key))


# ---- views ---------------------------------------------------------------------------


@bp.route("/<int:bank_id>/items/<key>")
@hr_only
def item(bank_id: int, key: str):
    bank = _bank(bank_id)
    item = _item(bank, key)
    revisions = editing.revisions(item, session=get_session())
    current = next(r for r in revisions if r.number == item.current_revision)
    history = [(revision, item_diff.sentence(
                   [shown(phrase, gettext) for phrase in item_diff.summary_parts(
                       previous.content if previous else None, revision.content)]))
               for previous, revision in zip([None, *revisions], revisions, strict=False)]
    nodes = _in_language(item_form.build_form(item.type, current.content,
                                              languages=bank.languages,
                                              dimensions=_dimensions(bank)))
    return render_template("admin/items/item.html", bank=bank, item=item, current=current,
                           type_labels=type_labels(), dimension_names=_dimensions(bank),
                           history=list(reversed(history)), nodes=nodes,
                           key_source=get_type(item.type).key_source(current.content,
                                                                     _language()))


@bp.route("/<int:bank_id>/items/<key>/edit", methods=["GET", "POST"])
@hr_only
def edit(bank_id: int, key: str):
    bank = _bank(bank_id)
    item = _item(bank, key)
    if request.method == "GET":
        current = editing.get_revision(item, item.current_revision, session=get_session())
        return _editor(bank, item, item.type, current.content, [], base=item.current_revision)
    raw, problems = item_form.read_form(item.type, request.form)
    raw.update(id=item.key, type=item.type)  # shown read-only: never taken from the form
    content, found = editing.validate(raw, bank=bank)
    problems += found
    base = request.form.get("base", type=int)
    if problems:
        return _editor(bank, item, item.type, raw, problems, base=base, status=400)
    if request.form.get("action") == "preview":
        return _editor(bank, item, item.type, raw, [], base=base, preview_of=content)
    return _save(bank, item, content, base, from_form=True) or _editor(
        bank, item, item.type, raw, [], base=item.current_revision, status=409,
        conflict=base)


@bp.route("/<int:bank_id>/items/<key>/yaml", methods=["GET", "POST"])
@hr_only
def edit_yaml(bank_id: int, key: str):
    bank = _bank(bank_id)
    item = _item(bank, key)
    if request.method == "GET":
        current = editing.get_revision(item, item.current_revision, session=get_session())
        return _yaml_editor(bank, item, item_yaml.to_yaml(current.content), [],
                            base=item.current_revision)
    text = request.form.get("yaml", "")
    base = request.form.get("base", type=int)
    content, problems = item_yaml.from_yaml(text, bank=bank, item_type=item.type, key=item.key)
    if problems:
        return _yaml_editor(bank, item, text, problems, base=base, status=400)
    if request.form.get("action") == "preview":
        previews = [(lang, _candidate_html(content, lang)) for lang in bank.languages]
        return _yaml_editor(bank, item, text, [], base=base, previews=previews)
    return _save(bank, item, content, base, from_form=False) or _yaml_editor(
        bank, item, text, [], base=item.current_revision, status=409, conflict=base)


@bp.route("/<int:bank_id>/new-item", methods=["GET", "POST"])
@hr_only
def new_item(bank_id: int):
    bank = _bank(bank_id)
    item_type = request.args.get("type")
    if item_type not in ITEM_TYPES:
        error = (gettext("Unknown item type %(type)s.", type=repr(item_type)) if item_type
                 else None)
        status = 400 if error or request.method == "POST" else 200
        return render_template("admin/items/new.html", bank=bank,
                               types=list(ITEM_TYPES.values()), error=error), status
    if request.method == "GET":
        return _editor(bank, None, item_type, item_form.skeleton(item_type, bank.languages), [])
    session = get_session()
    raw, problems = item_form.read_form(item_type, request.form)
    raw["type"] = item_type
    if isinstance(raw.get("id"), str) and editing.find_item(bank, raw["id"], session=session):
        problems.append((("id",), gettext("The bank already has an item with the id %(id)s; "
                                          "choose another.", id=repr(raw["id"]))))
    content, found = editing.validate(raw, bank=bank)
    problems += found
    if problems:
        return _editor(bank, None, item_type, raw, problems, status=400)
    if request.form.get("action") == "preview":
        return _editor(bank, None, item_type, raw, [], preview_of=content)
    try:
        created = editing.create_item(bank, content, session=session, author=g.user.email,
                                      now=now())
    except editing.KeyTaken as exc:  # created by someone else a moment ago
        return _editor(bank, None, item_type, raw, [(("id",), str(exc))], status=400)
    flash(gettext("Item %(item)s created.", item=created.key))
    return redirect(url_for("items.item", bank_id=bank.id, key=created.key))


@bp.route("/<int:bank_id>/items/<key>/preview")
@hr_only
def preview(bank_id: int, key: str):
    bank = _bank(bank_id)
    item = _item(bank, key)
    revision = _revision(item, "revision", item.current_revision)
    language = request.args.get("lang") or bank.languages[0]
    if language not in bank.languages:
        abort(404, gettext("The bank has no language %(language)s; it has %(languages)s.",
                           language=repr(language), languages=", ".join(bank.languages)))
    return render_template("admin/items/preview.html", bank=bank, item=item, revision=revision,
                           language=language,
                           candidate_html=_candidate_html(revision.content, language))


@bp.route("/<int:bank_id>/items/<key>/diff")
@hr_only
def diff(bank_id: int, key: str):
    bank = _bank(bank_id)
    item = _item(bank, key)
    new = _revision(item, "b", item.current_revision)
    old = _revision(item, "a", max(1, new.number - 1))
    return render_template("admin/items/diff.html", bank=bank, item=item, old=old, new=new,
                           changes=item_diff.diff(old.content, new.content))


@bp.route("/<int:bank_id>/items/<key>/retire", methods=["GET", "POST"])
@hr_only
def retire(bank_id: int, key: str):
    return _change_state(bank_id, key, retire=True)


@bp.route("/<int:bank_id>/items/<key>/restore", methods=["GET", "POST"])
@hr_only
def restore(bank_id: int, key: str):
    return _change_state(bank_id, key, retire=False)


def _change_state(bank_id: int, key: str, *, retire: bool):
    """Confirm, then retire or restore the item (a POST with the confirm box ticked)."""
    session = get_session()
    bank = _bank(bank_id)
    item = _item(bank, key)
    back = redirect(url_for("items.item", bank_id=bank.id, key=item.key))
    if item.retired == retire:
        flash(gettext("Item %(item)s is already retired.", item=item.key) if retire else
              gettext("Item %(item)s is already active.", item=item.key))
        return back
    shortages = editing.shortages_if_retired(item, session=session) if retire else []
    form = ConfirmForm()
    error, status = None, 200
    if request.method == "POST":
        if shortages:
            status = 409
        elif not form.validate_on_submit():
            error, status = gettext("Tick the box to confirm."), 400
        else:
            (editing.retire if retire else editing.restore)(item, session=session)
            flash(gettext("Item %(item)s retired.", item=item.key) if retire else
                  gettext("Item %(item)s restored.", item=item.key))
            return back
    return render_template("admin/items/confirm.html", bank=bank, item=item, retire=retire,
                           note=gettext(RETIRE_NOTE if retire else RESTORE_NOTE),
                           shortages=shortages,
                           error=error), status
