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

