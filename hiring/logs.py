"""Log lines never hold a candidate's or a keying expert's link: its token is the key to
their attempt, their feedback report or their ratings."""

from __future__ import annotations

import logging
import re

# candidates' /a/<token>, experts' /k/<token>, and candidates' feedback reports, /f/<token>
_TOKEN_PATH = re.compile(r"/([akf])/[^/?# ]+")


def redact(text: str) -> str:
    """Replace invitation tokens in request paths by "…"."""
    return _TOKEN_PATH.sub(r"/\1/…", text)


class RedactTokens(logging.Filter):
    """Keep candidates' links out of the app's own log lines ("Exception on /a/<token>/save")
    as the access log does."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and any(f"/{kind}/" in record.msg for kind in "akf"):
            record.msg = redact(record.msg)
        if isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v
                           for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True
