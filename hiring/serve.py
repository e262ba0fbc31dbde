"""Run the app under gunicorn."""

from __future__ import annotations

import os

from babel.numbers import format_decimal
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from hiring import worker
from hiring.app import create_app
from hiring.logs import redact
from hiring.reports import cache, pdf

# The client, the request, the status, the bytes sent and the time taken in microseconds.
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus'


class RedactingLogger(Logger):
    """gunicorn's logger, with invitation tokens in request paths replaced by "…"."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms


class _Server(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        app = create_app()
        warm(app)  # before this process takes its first request
        if worker.runs_in_server(app):  # in each server process: they share the job table
            worker.start_thread(app)
        return app


def warm(app) -> None:
    """Compile every page's template and the profile's, hash what renders a profile and
    load the locale data, so that no first view in a new server process waits for them
    (about half a second of work a process). It reads no data: on a large database a
    profile built here would compute norms in every process before it serves."""
    for name in app.jinja_env.list_templates(filter_func=_page_template):
        app.jinja_env.get_template(name)
    pdf.warm(app.config["LANGUAGES"])
    cache.renderer_version()
    for language in app.config["LANGUAGES"]:  # the locale data numbers are shown with
        format_decimal(1234.5, locale=language)


def _page_template(name: str) -> bool:
    # the profile's templates need the filters of hiring.reports.pdf's environment
    return name.endswith(".html") and not name.startswith("reports/")


def run(*, host: str, port: int, workers: int | None = None) -> None:
    """Serve until interrupted."""
    workers = workers or min(8, 2 * (os.cpu_count() or 1))
    _Server({"bind": f"{host}:{port}", "workers": workers, "threads": 4,
             "worker_class": "gthread", "accesslog": "-", "errorlog": "-",
             "access_log_format": ACCESS_LOG_FORMAT, "logger_class": RedactingLogger,
             "timeout": 60, "graceful_timeout": 20,
             # gunicorn's control socket lives in the home folder by default, shared by
             # every server of the user: two servers would delete each other's.
             "control_socket_disable": True}).run()
