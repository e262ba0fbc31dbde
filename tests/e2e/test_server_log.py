"""The server as its clients meet it: the access log records requests and their time,
never a candidate's link; an idle connection is kept longer than the product asks a client
to wait."""

from __future__ import annotations

import http.client
import re
import select
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

from hiring.web.interviewer import PENDING_RELOAD_SECONDS

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


def test_a_client_that_waits_as_asked_finds_its_connection_still_open(live_server):
    """A pending PDF asks the client to come back in PENDING_RELOAD_SECONDS. gunicorn's
    default closed idle connections after 2 s, so a request sent as it closed them was
    lost (closed or reset without an answer); the server keeps them longer than that."""
    address = urlsplit(live_server.base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("GET", "/healthz")
        first = connection.getresponse()
        first.read()
        assert first.status == 200 and first.getheader("Connection", "").lower() != "close"
        sock = connection.sock
        time.sleep(PENDING_RELOAD_SECONDS + 1)
        readable, _, _ = select.select([sock], [], [], 0)
        assert not readable, "the server closed the idle connection"
        connection.request("GET", "/healthz")
        second = connection.getresponse()
        second.read()
        assert second.status == 200 and connection.sock is sock
    finally:
        connection.close()
