"""The server's access log records requests and their time, never a candidate's link."""

from __future__ import annotations

import re
import time
import urllib.request

import pytest

pytestmark = pytest.mark.e2e


def test_access_log_has_timings_but_no_invitation_token(live_server):
    token = live_server.invitation_url.rsplit("/a/", 1)[1]
    with urllib.request.urlopen(live_server.invitation_url, timeout=10) as response:
        assert response.status == 200
    deadline = time.monotonic() + 5
    while "/a/…" not in live_server.log() and time.monotonic() < deadline:
        time.sleep(0.1)  # gunicorn writes the line after the response
    log = live_server.log()
    assert re.search(r'"GET /a/… HTTP/1\.1" 200 \d+ \d+us', log), log[-2000:]
    assert token not in log
