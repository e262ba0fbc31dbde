"""Access rules: every view declares who may use it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps

from flask import abort, current_app, g, redirect, request, url_for

from hiring.models import Role


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
                abort(403, "Your account may not open this page.")
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
