"""A server process compiles its templates before its first request (hiring.serve.warm)."""

from __future__ import annotations

from hiring import serve
from hiring.reports import pdf


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



def _fresh_engine(app):
    """As in a new process: an engine whose statement cache is empty, nothing remembered."""
    from hiring.scoring import aggregates

    engine = app.extensions["hiring.engine"]
    engine.clear_compiled_cache()
    aggregates.MEMO._by_engine.pop(engine, None)
    return engine


def test_warming_compiles_the_statements_of_a_profile_page(app, client, auth, db, assessment,
                                                           clock):
    from tests.web.test_profile import complete_attempt

    attempt_id, _response_id = complete_attempt(db, assessment, clock)
    auth.login("hr")
    assert client.get(f"/attempts/{attempt_id}").status_code == 200  # figures kept
    from hiring import jobs
    from hiring.scoring import keeping  # noqa: F401 - the task that keeps them

    jobs.wait_for_tasks()
    engine = _fresh_engine(app)
    assert serve.warm_statements(app)
    warmed = len(engine._compiled_cache)
    assert warmed >= 10
    assert client.get(f"/attempts/{attempt_id}").status_code == 200
    # the page compiled only the statements it has beyond the profile (the audit entry,
    # the rating form's), not the profile's
    assert len(engine._compiled_cache) - warmed <= 5


def test_warming_never_computes_a_figure_over_the_attempts(app, client, auth, db,
                                                           assessment, clock, monkeypatch):
    """A kept figure out of date stops the warm-up: a server process never computes norms
    or precision over every attempt before it serves."""
    from hiring.scoring import evidence, norms
    from tests.web.test_profile import complete_attempt

    complete_attempt(db, assessment, clock)  # no figure kept: none is current
    _fresh_engine(app)
    computed = []
    monkeypatch.setattr(norms, "norm_groups", lambda *a, **k: computed.append("norms"))
    monkeypatch.setattr(evidence, "scale_evidence",
                        lambda *a, **k: computed.append("precision"))
    assert serve.warm_statements(app) is False
    assert computed == []


def test_warming_an_empty_database_does_nothing(app):
    assert serve.warm_statements(app) is False
