"""A server process compiles its templates before its first request (hiring.serve.warm)."""

from __future__ import annotations

from hiring import serve
from hiring.models import Attempt
from hiring.reports import pdf
from tests.web.test_profile import complete_attempt


def test_warm_compiles_the_pages_and_the_profile_of_every_language(app):
    pdf._environment.cache_clear()
    app.jinja_env.cache.clear()
    serve.warm(app)
    compiled = {name for _loader, name in app.jinja_env.cache.keys()}
    assert {"interviewer/attempt.html", "error.html", "base.html"} <= compiled
    assert not any(name.startswith("reports/") for name in compiled)
    for language in app.config["LANGUAGES"]:
        environment = pdf._environment(language)
        assert any(name == pdf.TEMPLATE for _loader, name in environment.cache.keys())


def test_warm_builds_the_latest_closed_profile_without_writing(app, db, assessment, clock,
                                                               caplog):
    attempt_id, _response_id = complete_attempt(db, assessment, clock)
    with db() as session:
        before = session.get(Attempt, attempt_id).model_dump()
    serve._build_a_profile(app)  # raises if it cannot
    serve.warm(app)
    assert "could not build a profile" not in caplog.text
    with db() as session:
        assert session.get(Attempt, attempt_id).model_dump() == before
