"""Access rules: every view declares who may use it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps

from flask import abort, current_app, g, redirect, request, url_for
from flask_babel import gettext

from hiring import rights
from hiring.db import get_session
from hiring.models import Attempt, Role


def now() -> datetime:
    """Return the app clock's time (tests inject another clock)."""
    return current_app.config["CLOCK"]()


def public(view: Callable) -> Callable:
    """Mark a view as open to anyone."""
    view.access = "public"
    return view


def candidate(view: Callable) -> Callable:
    """Mark a view as reached with an invitation token; the view checks the token."""
    view.access = "candidate"
    view.writes = True
    return view


def candidate_reading(view: Callable) -> Callable:
    """Mark a candidate's page that reads, unless it says otherwise (hiring.db.start_writing):
    it takes no write lock up front, so that the pages of many candidates are built at once."""
    candidate(view)
    view.writes = False
    return view


def expert(view: Callable) -> Callable:
    """Mark a view as reached with a keying expert's link; the view checks the token."""
    view.access = "expert"
    view.writes = True
    return view


def roles(*allowed: Role) -> Callable:
    """Require a logged-in user with one of the roles."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if g.user is None:
                return redirect(url_for("auth.login", next=request.full_path))
            if g.user.role not in allowed:
                abort(403, gettext("Your account may not open this page."))
            return view(*args, **kwargs)

        wrapped.access = tuple(str(role) for role in allowed)
        return wrapped

    return decorate


def records(view: Callable) -> Callable:
    """Mark a GET view that writes (an audit entry), so it takes the write lock up front."""
    view.writes = True
    return view


staff = roles(Role.HR, Role.INTERVIEWER)
hr_only = roles(Role.HR)


# ---- rights per assessment (hiring.rights): every interviewer's view asks here ----------


def visible_assessment_ids() -> set[int] | None:
    """Return the ids of the assessments the logged-in user may see; None: every one."""
    return rights.visible_assessment_ids(g.user, session=get_session())


def check_assessment(assessment_id: int) -> None:
    """End the request with a 404 page when the user may not see the assessment: an
    assessment not assigned to an interviewer does not exist for them."""
    if not rights.may_see_assessment(g.user, assessment_id, session=get_session()):
        abort(404, gettext("No such assessment."))


def check_attempt(attempt: Attempt) -> Attempt:
    """Return the attempt, or end the request with a 404 page when the user may not see it."""
    if not rights.may_see_assessment(g.user, attempt.assessment_id, session=get_session()):
        abort(404, gettext("No such attempt."))
    return attempt


def visible_attempt_ids(attempt_ids: list[int]) -> list[int]:
    """Return those of the attempts the user may see, in the order given."""
    return rights.visible_attempt_ids(g.user, attempt_ids, session=get_session())
