"""Configuration: defaults here, then instance/config.py, then the environment."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class Defaults:
    """Settings every deployment starts from."""

    SECRET_KEY = "dev-only-change-me"  # noqa: S105 - replaced by instance config or env
    DATABASE_URL: str | None = None  # None: SQLite file in the instance folder
    SQLITE_BUSY_TIMEOUT_MS = 10_000
    BANKS_DIR = str(REPO_ROOT / "question_banks")
    DEFAULT_BANK = "csr_core.yaml"
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # a bank upload or a form post
    MAX_ANSWER_CHARS = 10_000
    INVITATION_DAYS = 14
    # How long the link to a candidate's feedback report works once HR released it.
    FEEDBACK_LINK_DAYS = 30
    NORM_MIN_GROUP = 30  # completed attempts before percentiles are shown
    # Calibration answers of an item an interviewer rates (and sees the agreed ratings
    # of) before rating candidates' answers to it; fewer when HR made fewer.
    CALIBRATION_ANSWERS = 2
    RETENTION_DAYS: int | None = 365  # days since last activity; None or 0 keeps data forever
    # Plain-http local use, such as `hiring demo`: the session cookie goes without Secure
    # and no HSTS header is sent. Set it in instance/config.py or as HIRING_DEVELOPMENT=1.
    DEVELOPMENT = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # None: Secure unless DEVELOPMENT. A browser sends a Secure cookie over https only, so
    # staff could not log in over plain http; set True or False to decide it yourself.
    SESSION_COOKIE_SECURE: bool | None = None
    WTF_CSRF_TIME_LIMIT = None  # a long assessment must not outlive its CSRF token
    LANGUAGES = ["en", "hr"]
    # Failed logins per client address in any minute; counted in the database, so every
    # server process and app server shares the count. One e-mail from one address also
    # meets a growing delay after 5 failures (hiring.logins); nothing locks an e-mail out.
    LOGIN_RATE_LIMIT = "10 per minute"
    # REST API calls per key in any minute; counted in the database (the audit log of the
    # calls), so every app server shares the count. Further calls get 429.
    API_RATE_LIMIT = 120
    STAFF_SESSION_IDLE_HOURS = 12  # a staff session unused this long ends
    PDF_TIME_LIMIT_SECONDS = 30.0  # a render that takes longer is abandoned with an error
    PDF_MAX_TEXT_CHARS = 12_000  # a longer text is cut in the PDF, with a note saying so
    # Render each closed attempt's profile (page and PDF, every language) in the
    # background when it closes or its ratings change (hiring.prerender).
    PROFILE_PRERENDER = True
    # E-mail to candidates (invitations, reminders, confirmations). Without MAIL_SMTP_HOST
    # every message is written to <instance>/outbox/ as an .eml file and listed on the
    # Outbox page, where HR can copy the links. With it, messages go through that server
    # after the request (STARTTLS on port 587 by default; MAIL_SMTP_SSL for port 465),
    # with MAIL_SMTP_USER and MAIL_SMTP_PASSWORD when it needs a login. MAIL_FROM is the
    # sender ("hiring@example.com" or "Example Ltd <hiring@example.com>"), named after
    # MAIL_ORGANISATION, which is also the {organisation} of the messages. Links in
    # e-mails and on pages start with MAIL_BASE_URL (e.g. "https://hiring.example.com", also
    # from the environment), else with SERVER_NAME. Without either, no link is built outside
    # development and tests (a request's Host header can be forged): an invitation is
    # created without its link and the page says how to set MAIL_BASE_URL, `hiring serve`
    # warns, and `hiring invitations remind` refuses to run. Deadlines in messages are
    # written in MAIL_TIMEZONE (e.g. "Europe/Zagreb").
    MAIL_SMTP_HOST: str | None = None
    MAIL_SMTP_PORT = 587
    MAIL_SMTP_USER: str | None = None
    MAIL_SMTP_PASSWORD: str | None = None
    MAIL_SMTP_STARTTLS = True
    MAIL_SMTP_SSL = False
    MAIL_SMTP_TIMEOUT_SECONDS = 20
    MAIL_FROM = "hiring@localhost"
    MAIL_ORGANISATION = "The recruitment team"
    MAIL_BASE_URL: str | None = None
    MAIL_TIMEZONE = "UTC"
    # Background jobs (hiring.leases, hiring.worker) wait in the database until a worker
    # runs them: each server process runs one in a thread unless JOBS_SERVER_WORKER is
    # False, and `hiring worker` runs one on its own. A worker renews a job's lease while
    # it works; a job whose lease ran out (its worker was killed) is taken again, and a
    # job that failed or was taken JOBS_MAX_ATTEMPTS times is failed with its error.
    # With REDIS_URL, new jobs go to the `hiring worker` processes through Redis; the
    # server's threads take only those that waited JOBS_REDIS_GRACE_SECONDS (Redis down).
    JOBS_SERVER_WORKER: bool | None = None  # None: yes
    JOBS_POLL_SECONDS = 5
    JOBS_LEASE_SECONDS = 60
    JOBS_MAX_ATTEMPTS = 3
    JOBS_REDIS_GRACE_SECONDS = 60
    # Work the workers do on a schedule instead of cron, minutes between runs; 0 or None
    # turns one off. "finalize-expired" is `hiring attempts finalize-expired`, "remind" is
    # `hiring invitations remind` (needs MAIL_BASE_URL), "purge" is `hiring purge`,
    # "writing-indicators" is `hiring writing compute --all-missing`.
    PERIODIC_WORK = {"finalize-expired": 5, "remind": None, "purge": None,
                     "writing-indicators": None}
    # Adopting a keying panel's key for an item takes at least this many experts who rated
    # every option of it. Also HIRING_KEYING_MIN_PANEL in the environment (a test server).
    KEYING_MIN_PANEL = 5


ENV_KEYS = ("DATABASE_URL", "SECRET_KEY", "REDIS_URL", "MAIL_BASE_URL")
TRUE_WORDS = ("1", "true", "yes", "on")


def load(app, test_config: dict | None) -> None:
    """Fill app.config from defaults, the instance file and the environment."""
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for key in ENV_KEYS:
            if os.environ.get(key):
                app.config[key] = os.environ[key]
        if os.environ.get("HIRING_DEVELOPMENT"):
            app.config["DEVELOPMENT"] = os.environ["HIRING_DEVELOPMENT"].lower() in TRUE_WORDS
        if os.environ.get("HIRING_KEYING_MIN_PANEL", "").strip().isdecimal():
            app.config["KEYING_MIN_PANEL"] = int(os.environ["HIRING_KEYING_MIN_PANEL"])
    else:
        app.config.update(test_config)
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = not app.config["DEVELOPMENT"]
    if not app.config.get("DATABASE_URL"):
        path = Path(app.instance_path) / "hiring.sqlite"
        app.config["DATABASE_URL"] = f"sqlite:///{path}"
