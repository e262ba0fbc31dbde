"""Configuration: defaults here, then instance/config.py, then the environment.

Every setting of Defaults (and Flask's own, such as SERVER_NAME) can be given in the
environment with the HIRING_ prefix, as Flask's from_prefixed_env reads them: the value is
read as JSON when it is JSON (HIRING_INVITATION_DAYS=7, HIRING_LANGUAGES='["en"]',
HIRING_RETENTION_DAYS=null), else taken as text; HIRING_PERIODIC_WORK__remind=60 sets one
key of a dictionary. Unlike Flask, a value is checked against the setting's type, so a
mistake stops the start with a message naming the variable. DATABASE_URL, SECRET_KEY,
REDIS_URL and MAIL_BASE_URL are also read without the prefix (the prefixed name wins).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
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
    # Local use, such as `hiring demo`: plain http, the default SECRET_KEY allowed, and
    # links may take the address a request names. Also HIRING_DEVELOPMENT=1.
    DEVELOPMENT = False
    # Whether staff reach the server over https, directly or through a proxy that ends
    # TLS. Then the session cookie is Secure (a browser sends it back over https only) and
    # an HSTS header is sent; else the server runs on plain http (a LAN, a laptop) and
    # neither is, so a login over http sticks. None: https when MAIL_BASE_URL starts with
    # "https://" and DEVELOPMENT is off.
    HTTPS: bool | None = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE: bool | None = None  # None: as HTTPS says
    WTF_CSRF_TIME_LIMIT: int | None = None  # a long assessment must not outlive its CSRF token
    LANGUAGES = ["en", "hr"]
    # Failed logins per client address in any minute; counted in the database, so every
    # server process and app server shares the count. One e-mail from one address also
    # meets a growing delay after 5 failures (hiring.logins); nothing locks an e-mail out.
    LOGIN_RATE_LIMIT = "10 per minute"
    # REST API calls per key in any minute; counted in the database (the audit log of the
    # calls), so every app server shares the count. Further calls get 429.
    API_RATE_LIMIT = 120
    STAFF_SESSION_IDLE_HOURS = 12  # a staff session unused this long ends
    # Single sign-on with OpenID Connect (hiring.sso; the README's "SSO" section): a list
    # of providers, each a dictionary with name, label, issuer, client_id, client_secret
    # and optionally discovery_url, scopes, role_claim, role_map, create_users,
    # default_role, trusted_mfa, email_domains, sync_role. The login page shows a
    # "Sign in with <label>" button for each. Checked when the app starts.
    OIDC_PROVIDERS: list = []
    OIDC_TIMEOUT_SECONDS = 10.0  # each call to a provider (discovery, keys, token)
    # False: staff log in only through OIDC_PROVIDERS (the password form is gone and a
    # password post is refused); the app does not start without a provider. Recovery:
    # start with HIRING_PASSWORD_LOGIN=true and `hiring user password` (README).
    PASSWORD_LOGIN = True
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
    # runs them: `hiring serve` starts a `hiring worker` process beside its server
    # processes (JOBS_SERVER_WORKER None), or each server process runs one in a thread
    # (True), or none does (False); `hiring worker` also runs one on its own. A worker
    # renews a job's lease while it works; a job whose lease ran out (its worker was
    # killed) is taken again, and a job that failed or was taken JOBS_MAX_ATTEMPTS times
    # is failed with its error.
    # With REDIS_URL, new jobs go to the `hiring worker` processes through Redis; the
    # server's threads take only those that waited JOBS_REDIS_GRACE_SECONDS (Redis down).
    REDIS_URL: str | None = None
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
    # Webhooks (hiring.webhooks): each try waits this long for the endpoint's answer. An
    # endpoint on a private, loopback or link-local address is refused unless
    # WEBHOOKS_ALLOW_PRIVATE is True (docs/security.md says why; tests turn it on).
    WEBHOOK_TIMEOUT_SECONDS = 10
    WEBHOOKS_ALLOW_PRIVATE = False


PREFIX = "HIRING_"
# Read without the prefix too, as they were before every setting had one.
PLAIN_ENV_KEYS = ("DATABASE_URL", "SECRET_KEY", "REDIS_URL", "MAIL_BASE_URL")
# HIRING_ variables that are not settings: read where they are used.
NOT_SETTINGS = frozenset({
    "INSTANCE",  # the instance folder (hiring.app)
    "PASSWORD",  # `hiring user create/password`
    "SPELLING_ENGINE",  # hiring.scoring.dictionaries
    # The browser tests' own, and the container test's switch.
    "E2E_DATABASE", "E2E_SCREENSHOTS", "SCREENSHOTS", "AXE_NODES", "TEST_CONTAINERS",
})
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")

log = logging.getLogger(__name__)


class ConfigError(ValueError):
    """A setting in the environment that cannot be used."""


def settings() -> dict[str, object]:
    """Return every setting of Defaults with its default."""
    return {name: getattr(Defaults, name) for name in vars(Defaults)
            if name.isupper() and not name.startswith("_")}


def _kind(name: str) -> str:
    """Return the annotated or implied type of a Defaults setting, as text."""
    annotation = Defaults.__annotations__.get(name)
    if annotation:
        return str(annotation)
    return type(getattr(Defaults, name)).__name__


def _convert(variable: str, raw: str, kind: str) -> object:
    """Turn an environment value into a setting of the given kind, or say why not."""
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    if value is None or (raw.strip() == "" and "None" in kind):
        if "None" in kind:
            return None
        raise ConfigError(f"{variable}: this setting cannot be null")
    if kind.startswith("bool"):
        if isinstance(value, bool):
            return value
        word = raw.strip().lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise ConfigError(f"{variable}: expected true or false (or 1, 0, yes, no), "
                          f"not {raw!r}")
    if kind.startswith("int"):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ConfigError(f"{variable}: expected a whole number, not {raw!r}")
    if kind.startswith("float"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise ConfigError(f"{variable}: expected a number, not {raw!r}")
    if kind.startswith("str"):
        return raw  # a password of digits stays text
    if kind.startswith(("list", "dict")):
        wanted = list if kind.startswith("list") else dict
        if isinstance(value, wanted):
            return value
        example = '["en", "hr"]' if wanted is list else '{"remind": 60}'
        raise ConfigError(f"{variable}: expected JSON such as {example}, not {raw!r}")
    return value  # a setting of Flask's own: JSON when it is JSON, as Flask reads it


def _from_environment(config, environ: Mapping[str, str]) -> None:
    """Apply the HIRING_ variables (and the few plain ones) to config."""
    for key in PLAIN_ENV_KEYS:
        if environ.get(key):
            config[key] = environ[key]
    ours = settings()
    for variable in sorted(environ):
        if not variable.startswith(PREFIX):
            continue
        name = variable[len(PREFIX):]
        raw = environ[variable]
        key, _, inner = name.partition("__")
        if key in NOT_SETTINGS:
            continue
        if key in ours:
            kind = _kind(key)
        elif key in config:  # one of Flask's (SERVER_NAME, SESSION_COOKIE_NAME, ...)
            kind = "flask"
        else:
            log.warning("%s is not a setting of hiring (see the table in the README); "
                        "ignored", variable)
            continue
        if inner:
            if not isinstance(config.get(key), dict):
                raise ConfigError(f"{variable}: {key} is not a dictionary")
            try:
                value = json.loads(raw)
            except ValueError:
                value = raw
            config[key] = {**config[key], inner: value}
        else:
            config[key] = _convert(variable, raw, kind)


def resolve_https(config: Mapping) -> bool:
    """Tell whether the server is reached over https (see Defaults.HTTPS)."""
    if config.get("HTTPS") is not None:
        return bool(config["HTTPS"])
    if config.get("DEVELOPMENT"):
        return False
    return str(config.get("MAIL_BASE_URL") or "").lower().startswith("https://")


def load(app, test_config: dict | None, environ: Mapping[str, str] | None = None) -> None:
    """Fill app.config from defaults, the instance file and the environment."""
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        _from_environment(app.config, os.environ if environ is None else environ)
    else:
        app.config.update(test_config)
    app.config["HTTPS"] = resolve_https(app.config)
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = app.config["HTTPS"]
    if not app.config.get("DATABASE_URL"):
        path = Path(app.instance_path) / "hiring.sqlite"
        app.config["DATABASE_URL"] = f"sqlite:///{path}"


def start_line(config: Mapping, *, host: str, port: int, outbox: str) -> str:
    """Say in one line where and how the server runs: address, mode, cookies, mail."""
    if config.get("HTTPS"):
        mode = "https (TLS ended here or by a proxy in front)"
    else:
        mode = "plain http" + (" for development" if config.get("DEVELOPMENT") else "")
    cookies = ("session cookie Secure" if config.get("SESSION_COOKIE_SECURE")
               else "session cookie not Secure")
    if config.get("SESSION_COOKIE_SECURE") and not config.get("HTTPS"):
        cookies += " (SESSION_COOKIE_SECURE: logins work over https only)"
    cookies += ", HSTS sent" if config.get("HTTPS") else ", no HSTS"
    if config.get("MAIL_SMTP_HOST"):
        mail = f"mail through {config['MAIL_SMTP_HOST']}:{config.get('MAIL_SMTP_PORT')}"
    else:
        mail = f"mail written to {outbox} (no MAIL_SMTP_HOST)"
    return f"serving on http://{host}:{port}; {mode}; {cookies}; {mail}"
