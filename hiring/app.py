"""The app factory: the Flask app with its database, languages and web layer."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

# The modules that own kinds of jobs and tasks register them when imported
# (hiring.background), so every process that builds the app can run them: mail and its
# confirmations, pre-rendered profiles, the profiles' ZIP, the writing indicators, the kept
# figures, webhook deliveries (the periodic commands register themselves in hiring.cli).
from hiring import api, config, db, i18n, mailer, prerender, webhook_jobs  # noqa: F401
from hiring.assessment import writing  # noqa: F401
from hiring.logs import RedactTokens
from hiring.reports import bundle  # noqa: F401
from hiring.scoring import keeping  # noqa: F401
from hiring.web import init_app as init_web

TEMPLATES = config.REPO_ROOT / "templates"


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Create and configure the app."""
    instance_path = instance_path or os.environ.get("HIRING_INSTANCE")
    app = Flask(
        "hiring",  # the package: its static folder, and the name of the app's logger
        template_folder=str(TEMPLATES),
        instance_relative_config=True,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
    )
    config.load(app, test_config)
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    app.logger.addFilter(RedactTokens())  # no candidate link in an error's log line

    db.init_app(app)
    i18n.init_app(app)
    init_web(app)
    api.init_app(app)  # after the web layer: its CSRF protection exempts the API
    return app
