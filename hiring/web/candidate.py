"""The candidate's side: welcome, practice items, one item per page, autosave, submit."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext, ngettext
from flask_wtf.csrf import generate_csrf
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from hiring import mailer
from hiring.assessment import engine, integrity, planning, practice, self_id
from hiring.db import (
    commit_if_refused,
    end_writing,
    get_engine,
    get_session,
    read_scope,
    request_writes,
    start_writing,
)
from hiring.items import accommodations, revisions
from hiring.items.types import AnswerError, ItemType, get_type
from hiring.models import Assessment, Attempt, AttemptEnd, AttemptState, Response
from hiring.scoring.integrity import FOCUS_LOSS_SECONDS
from hiring.web.access import candidate, candidate_reading, now

bp = Blueprint("candidate", __name__, url_prefix="/a")
# Set in the WSGI environ by hiring.web.quick_saves on a save it tried and left to this
# view, which then goes straight to the full checks: the same conditional UPDATE would
# only fail again (on SQLite after waiting for the write lock).
QUICK_SAVE_TRIED = "hiring.quick_save_tried"


@bp.context_processor
def _integrity_rule() -> dict:
    """Give the pages the focus-loss threshold: the script waits it, the welcome page says it."""
    return {"focus_loss_seconds": FOCUS_LOSS_SECONDS, "browser_key": browser_key}


# The texts the candidate's script shows, as the page's data-i18n attribute, per language:
# the same on every candidate's page in that language, so built once per process, not
# looked up (sixteen texts) and turned into JSON for every page.
_script_texts: dict[str, Markup] = {}


@bp.app_template_global()  # every page on candidate/base.html: feedback, self-id, errors
def script_texts() -> Markup:
    """The texts candidate.js shows (saving, the time left, a lost connection), in the
    page's language, as JSON escaped for an HTML attribute."""
    language = str(get_locale())
    found = _script_texts.get(language)
    if found is None:
        texts = {
            "saving": gettext("Saving…"), "saved": gettext("Saved"),
            "retrying": gettext("Not saved yet: retrying…"),
            "timeup": gettext("Time is up: submitting your answers…"),
            "left_10": ngettext("%(num)d minute left", "%(num)d minutes left", 10),
            "left_5": ngettext("%(num)d minute left", "%(num)d minutes left", 5),
            "left_1": ngettext("%(num)d minute left", "%(num)d minutes left", 1),
            "words": gettext("{count} words (aim for {min}–{max})"),
            "typing_done": gettext("Time is up for this exercise. Your text is saved."),
            "typing_left": gettext("{seconds} s left"),
            "no_paste": gettext("Pasting is not possible in this exercise."),
            "check_answer": gettext("Check your answer."),
            "held": gettext("Not saved yet: your answer is kept on this device and sent as "
                            "soon as the connection is back."),
            "changed": gettext("This answer was changed in another tab or on another device. "
                               "The saved answer is shown."),
            "changed_at": gettext("Your answer to question {position} was changed in another "
                                  "tab or on another device, and was not saved."),
            "choose_reading": gettext("Choose which number you meant before moving on."),
        }
        found = _script_texts[language] = escape(  # escaped as for forceescape
            str(htmlsafe_json_dumps(texts, dumps=current_app.json.dumps)))
    return found


def browser_key(attempt: Attempt) -> str:
    """Name the attempt in the browser's storage: an opaque id that cannot open it."""
    return hashlib.sha256(f"browser-key:{attempt.token_hash}".encode()).hexdigest()[:24]


def _found(token: str, *, for_update: bool = False, with_assessment: bool = False
           ) -> Attempt:
    """The attempt the token opens, its language the page's; 404 when none.
    with_assessment: its assessment is read in the same statement (engine.find_by_token)."""
    attempt = engine.find_by_token(token, session=get_session(), for_update=for_update,
                                   with_assessment=with_assessment)
    if attempt is None:
        abort(404, gettext("This invitation link is not valid. Check that you copied all of it."))
    g.language = attempt.language
    return attempt


def _attempt(token: str, *, with_assessment: bool = False) -> Attempt:
    session = get_session()
    attempt = _found(token, for_update=request.method == "POST",
                     with_assessment=with_assessment)
    integrity.record_client(attempt, ip=request.remote_addr,
                            user_agent=request.headers.get("User-Agent"))
    if engine.finalize_if_due(attempt, session=session, now=now()):
        # Closing an overdue attempt stands on its own, even if this request is then
        # refused; it is committed with the job that tells the candidate the clock submitted.
        commit_if_refused()
        mailer.after_submit(attempt)
    return attempt


def _page(template_name: str, /, **context) -> str:
    """Build a candidate's page. A GET's writes (the browser recorded, an overdue attempt
    closed, the place in the attempt) are committed first (hiring.db.end_writing), so that
    SQLite's write lock is not held while the page is built. A page that only read goes on
    in its read transaction."""
    if request.method == "GET" and request_writes():
        end_writing()
    return render_template(template_name, **context)


def _closed_redirect(attempt: Attempt, token: str):
    if attempt.state in (AttemptState.SUBMITTED, AttemptState.SCORED, AttemptState.EXPIRED):
        return redirect(url_for("candidate.done", token=token))
    if attempt.state == AttemptState.INVITED:
        return redirect(url_for("candidate.welcome", token=token))
    return None


def _seconds_left(attempt: Attempt) -> int:
    return max(0, int((attempt.deadline_at - now()).total_seconds()))


def _form_answer(fields: tuple[str, ...]) -> dict:
    answer = {}
    for name in fields:
        values = request.form.getlist(name)
        if values:
            answer[name] = values[0] if len(values) == 1 else values
    return answer


@bp.route("/<token>")
@candidate_reading
def welcome(token: str):
    """The invitation's first page. For an open, unused invitation it only reads: the
    attempt begins at Start, so a visit here records no browser. A language chosen here
    is kept for the start."""
    session = get_session()
    attempt = _found(token, with_assessment=True)
    if attempt.state != AttemptState.INVITED or now() > attempt.expires_at:
        # started, closed or past its date: read again as its other pages do (the browser
        # recorded, an overdue attempt closed, an unused invitation expired), in a write
        # transaction
        start_writing(session)
        session.expire_all()
        attempt = _attempt(token)
        if attempt.state == AttemptState.IN_PROGRESS:
            return redirect(url_for("candidate.item", token=token,
                                    position=attempt.current_position or 1))
        if attempt.state != AttemptState.INVITED:
            return redirect(url_for("candidate.done", token=token))
    assessment = session.get(Assessment, attempt.assessment_id)
    languages = planning.languages(assessment, session=session)
    chosen = request.args.get("lang")
    if chosen in languages and chosen != attempt.language:
        start_writing(session)
        if not engine.choose_language(attempt, chosen, session=session):
            return redirect(url_for("candidate.welcome", token=token))  # started meanwhile
        g.language = chosen
    count = sum(int(s.get("count", 0)) for s in assessment.sections)
    return _page("candidate/welcome.html", attempt=attempt, assessment=assessment,
                 title=planning.title(assessment, attempt.language, session=session),
                 token=token,
                 item_count=count, languages=languages,
                 practice_count=len(practice.items(assessment, session=session)),
                 minutes=accommodations.total_minutes(
                     assessment.time_limit_minutes, attempt.time_multiplier,
                     attempt.extra_minutes),
                 multiplier=(accommodations.format_multiplier(
                     attempt.time_multiplier, attempt.language)
                     if accommodations.has_multiplier(attempt.time_multiplier)
                     else None))


@bp.route("/<token>/start", methods=["POST"])
@candidate
def start(token: str):
    attempt = _attempt(token, with_assessment=True)
    if attempt.state == AttemptState.INVITED:
        session = get_session()
        # the browser that starts the attempt is its first; stored with the start, in the
        # same UPDATE (no flush in between)
        with session.no_autoflush:
            integrity.record_client(attempt, ip=request.remote_addr,
                                    user_agent=request.headers.get("User-Agent"),
                                    starting=True)
            try:
                engine.start(attempt, session=session, now=now(),
                             language=request.form.get("language") or None)
            except (engine.AttemptClosed, engine.AssessmentUnavailable) as exc:
                abort(409, exc.translated(gettext, ngettext))
    return redirect(url_for("candidate.welcome", token=token))


@bp.route("/<token>/practice/<int:number>", methods=["GET", "POST"])
@candidate
def practice_item(token: str, number: int):
    """Show a practice item; a post shows the feedback on the answer and stores nothing."""
    attempt = _attempt(token)
    if attempt.state != AttemptState.INVITED:  # the clock runs: practice is over
        return redirect(url_for("candidate.welcome", token=token))
    assessment = get_session().get(Assessment, attempt.assessment_id)
    items = practice.items(assessment, session=get_session())
    if not items:
        return redirect(url_for("candidate.welcome", token=token))
    if not 1 <= number <= len(items):
        abort(404, gettext("There is no such practice question."))
    content = items[number - 1]
    item_type = get_type(content["type"])
    given, confirm, feedback, error = None, None, [], None
    if request.method == "POST":
        try:
            result = practice.answer(content, _form_answer(item_type.answer_fields),
                                     assessment, attempt.language)
        except AnswerError as exc:
            error = exc.translated(gettext, ngettext)
        else:
            given, confirm, feedback = result.answer, result.confirm, result.feedback
    return _page(
        "candidate/practice.html", attempt=attempt, token=token, number=number,
        total=len(items), view=practice.view(content, assessment, attempt.language),
        template=item_type.template, fields=item_type.answer_fields, error=error,
        answer=given if isinstance(given, dict) else {},
        response={"answer": None if isinstance(given, dict) else given},
        confirm=confirm, feedback=feedback), 400 if error else 200


@bp.route("/<token>/q/<int:position>", methods=["GET", "POST"])
@candidate
def item(token: str, position: int):
    attempt = _attempt(token)
    if (closed := _closed_redirect(attempt, token)) is not None:
        return closed
    session = get_session()
    response = engine.response_at(attempt, position, session=session)
    if response is None:
        abort(404, gettext("There is no such question in this assessment."))
    content = revisions.revision_content(response.revision_id, session=session)
    item_type = get_type(content["type"])
    error = None
    conflict = False
    if request.method == "POST":
        # The page's revision of the answer; seq from pages older than revisions.
        seq = request.form.get("seq", type=int) or None
        base = request.form.get("base", type=int) if seq is None else None
        try:
            result = engine.save_answer(
                attempt, position, _form_answer(item_type.answer_fields), session=session,
                now=now(), seq=seq, base=base if base is None or base >= 0 else None,
                time_spent_ms=request.form.get("time_spent_ms", 0, type=int))
        except engine.AttemptClosed:
            return redirect(url_for("candidate.done", token=token))
        except AnswerError as exc:
            error = exc.translated(gettext, ngettext)
        else:
            if result.conflict:  # the page shows the stored answer, which it holds
                conflict = True
                error = gettext("This answer was changed in another tab or on another "
                                "device. The saved answer is shown.")
            elif _unconfirmed(result.confirm) and not _time_is_up(attempt):
                # Stored as typed; the page asks which reading was meant before moving on.
                return _item_page(attempt, token, response, position, content, item_type)
        if error is None:
            target = {"prev": position - 1, "next": position + 1}.get(
                request.form.get("go", "next"), position + 1)
            total = engine.response_count(attempt, session=session)
            if target > total or request.form.get("go") == "review":
                return redirect(url_for("candidate.review", token=token))
            return redirect(url_for("candidate.item", token=token, position=max(1, target)))
    else:
        attempt.current_position = position
        engine.moved_to(get_engine(), attempt.id, None)  # quick saves move it again
    return _item_page(attempt, token, response, position, content, item_type, error, conflict)


def _unconfirmed(confirm: dict | None) -> bool:
    return confirm is not None and confirm.get("chosen") is None


def _time_is_up(attempt: Attempt) -> bool:
    """Tell whether the clock has run out: the page then goes on without asking."""
    return attempt.deadline_at is not None and now() >= attempt.deadline_at


def _item_page(attempt: Attempt, token: str, response: Response, position: int,
               content: dict, item_type: ItemType, error: str | None = None,
               conflict: bool = False):
    total = engine.response_count(attempt, session=get_session())
    view = item_type.view(content, response.params, attempt.language)
    deadline = attempt.deadline_at
    return _page(
        "candidate/item.html", attempt=attempt, token=token, response=response,
        position=position, total=total, view=view, template=item_type.template,
        error=error, answer=response.answer if isinstance(response.answer, dict) else {},
        fields=item_type.answer_fields,
        confirm=item_type.confirmation(content, response.answer, attempt.language),
        seconds_left=max(0, int((deadline - now()).total_seconds())) if deadline else None,
    ), (409 if conflict else 400 if error else 200)


@bp.route("/<token>/save", methods=["POST"])
@candidate
def save(token: str):
    payload = request.get_json(silent=True)
    if isinstance(payload, dict) and not request.environ.get(QUICK_SAVE_TRIED) and (
            reply := quick_save(current_app._get_current_object(), token, payload,
                                ip=request.remote_addr,
                                user_agent=request.headers.get("User-Agent"))) is not None:
        return jsonify(reply)
    # The slow way: every check in turn, and each refusal said. (A quick save that was
    # refused wrote nothing; it was rolled back, and this reads everything anew.)
    attempt = _attempt(token)
    if not isinstance(payload, dict):
        return jsonify(ok=False, error=gettext("The request must be a JSON object.")), 400
    # base: the item's revision the answer was given on (every page of today sends it);
    # seq: the page's own number, from pages older than revisions.
    seq = base = None
    if "base" in payload:
        base = payload["base"]
        if not _whole(base, low=0):
            return jsonify(ok=False, error=gettext(
                "base must be the revision the answer changes: a whole number.")), 400
    else:
        seq = payload.get("seq")
        if not _whole(seq, low=1):
            return jsonify(ok=False, error=gettext("seq must be a positive whole number.")), 400
    spent = payload.get("time_spent_ms", 0)
    if not isinstance(spent, int) or isinstance(spent, bool):
        spent = 0
    try:
        result = engine.save_answer(attempt, payload.get("position"), payload.get("answer"),
                                    session=get_session(), now=now(), seq=seq,
                                    base=base, time_spent_ms=spent)
    except engine.AttemptClosed as exc:
        return jsonify(ok=False, error=exc.translated(gettext, ngettext), closed=True,
                       done=url_for("candidate.done", token=token)), 409
    except AnswerError as exc:
        return jsonify(ok=False, error=exc.translated(gettext, ngettext)), 422
    if result.conflict:
        # Not saved: another tab or device changed the answer; the page shows theirs.
        return jsonify(ok=True, accepted=False, conflict=True, seq=result.seq,
                       answer=result.stored, saved_at=result.saved_at.isoformat())
    return jsonify(ok=True, accepted=result.accepted, seq=result.seq,
                   saved_at=result.saved_at.isoformat(), confirm=result.confirm)


def quick_save(app: Flask, token: str, payload: dict, *, ip: str | None,
               user_agent: str | None) -> dict | None:
    """Save a well-formed answer in one conditional UPDATE (engine.quick_save), with what
    it needs of the attempt read from this process's cache before the write transaction
    starts, and commit at once. The reply to send, or None: the slow way answers (nothing
    was written). Needs the app, not a request: hiring.web.quick_saves calls it before
    Flask sees the request."""
    base, seq = payload.get("base"), payload.get("seq")
    if "base" in payload:
        if not _whole(base, low=0):
            return None
        seq = None
    elif not _whole(seq, low=1):
        return None
    spent = payload.get("time_spent_ms", 0)
    if not isinstance(spent, int) or isinstance(spent, bool):
        spent = 0
    db_engine = get_engine(app)
    found = engine.open_attempt(token, engine=db_engine, read=lambda: read_scope(app))
    if found is None or not integrity.is_recorded(
            found.ip_addresses, found.user_agents, ip=ip, user_agent=user_agent):
        engine.forget_open(db_engine, token)
        return None
    position = payload.get("position")
    result = engine.quick_save(found, position, payload.get("answer"), engine=db_engine,
                               read=lambda: read_scope(app), now=app.config["CLOCK"](),
                               seq=seq, base=base, time_spent_ms=spent)
    if result is None:  # nothing was written
        engine.forget_open(db_engine, token)
        return None
    # committed: the write lock was let go before the reply is built
    engine.moved_to(db_engine, found.id, position, result.touched_at)
    return {"ok": True, "accepted": result.accepted, "seq": result.seq,
            "saved_at": result.saved_at.isoformat(), "confirm": result.confirm}


def _whole(value, *, low: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value < 2**31


@bp.route("/<token>/event", methods=["POST"])
@candidate
def event(token: str):
    attempt = _attempt(token)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or payload.get("type") not in integrity.EVENTS:
        return jsonify(ok=False, error=gettext("Unknown event.")), 400
    chars = payload.get("chars", 0)
    counted = integrity.record_event(
        attempt, payload["type"], session=get_session(), now=now(),
        position=payload.get("position"),
        chars=chars if isinstance(chars, int) and not isinstance(chars, bool) else 0)
    return jsonify(ok=True, counted=counted)


@bp.route("/<token>/csrf")
@candidate
def csrf_token(token: str):
    """Give the page a fresh CSRF token when its session was lost (a long assessment)."""
    _attempt(token)
    return jsonify(ok=True, csrf=generate_csrf())


@bp.route("/<token>/review")
@candidate
def review(token: str):
    attempt = _attempt(token)
    if (closed := _closed_redirect(attempt, token)) is not None:
        return closed
    rows = engine.answered(attempt, session=get_session())
    return _page("candidate/review.html", attempt=attempt, token=token, rows=rows,
                 seconds_left=_seconds_left(attempt))


@bp.route("/<token>/submit", methods=["POST"])
@candidate
def submit(token: str):
    """Submit; with questions unanswered, only once the candidate confirms (confirm=1).

    The page's timer posts timeup=1 when the time runs out: the clock asks nothing, and
    the attempt records that the time ran out."""
    attempt = _attempt(token)
    session = get_session()
    by_timer = request.form.get("timeup") == "1" and engine.time_is_up(attempt, now())
    if (attempt.state == AttemptState.IN_PROGRESS and not by_timer
            and request.form.get("confirm") != "1"):
        unanswered = [response.position for response, answered
                      in engine.answered(attempt, session=session) if not answered]
        if unanswered:
            return render_template("candidate/confirm.html", attempt=attempt, token=token,
                                   unanswered=unanswered, seconds_left=_seconds_left(attempt))
    engine.submit(attempt, session=session, now=now(),
                  ended_by=AttemptEnd.TIMER if by_timer else AttemptEnd.CANDIDATE)
    mailer.after_submit(attempt)  # the confirmation's job, committed with the submit
    return redirect(url_for("candidate.done", token=token))


@bp.route("/<token>/done")
@candidate
def done(token: str):
    attempt = _attempt(token)
    if attempt.state in (AttemptState.INVITED, AttemptState.IN_PROGRESS):
        return redirect(url_for("candidate.welcome", token=token))
    session = get_session()
    asks = self_id.offered(attempt, session.get(Assessment, attempt.assessment_id),
                           session=session)
    return _page("candidate/done.html", attempt=attempt,
                 self_id_url=url_for("self_id.form", token=token) if asks else None)
