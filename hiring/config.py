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
    NORM_MIN_GROUP = 30  # completed attempts before percentiles are shown
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a long assessment must not outlive its CSRF token
    LANGUAGES = ["en", "hr"]


ENV_KEYS = ("DATABASE_URL", "SECRET_KEY", "REDIS_URL")


def load(app, test_config: dict | None) -> None:
    """Fill app.config from defaults, the instance file and the environment."""
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for key in ENV_KEYS:
            if os.environ.get(key):
                app.config[key] = os.environ[key]
    else:
        app.config.update(test_config)
    if not app.config.get("DATABASE_URL"):
        path = Path(app.instance_path) / "hiring.sqlite"
        app.config["DATABASE_URL"] = f"sqlite:///{path}"
