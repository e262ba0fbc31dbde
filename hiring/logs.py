"""Log lines never hold a candidate's or a keying expert's link: its token is the key to
their attempt or their ratings."""

from __future__ import annotations

import logging
import re

_TOKEN_PATH = re.compile(r"/([ak])/[^/?# ]+")  # candidates' /a/<token>, experts' /k/<token>


def redact(text: str) -> str:
    """Replace invitation tokens in request paths by "…"."""
    return _TOKEN_PATH.sub(r"/\1/…", text)


class RedactTokens(logging.Filter):
    """Keep candidates' links out of the app's own log lines ("Exception on /a/<token>/save")
    as the access log does."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and ("/a/" in record.msg or "/k/" in record.msg):
            record.msg = redact(record.msg)
        if isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v
                           for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True
