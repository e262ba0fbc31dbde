"""The load generator is open-loop: requests leave on their timetable however slow the
server is, and latency counts from the moment a request was due."""

from __future__ import annotations

import http.server
import threading
import time

from benchmarks.loadgen import run_step, single


class _Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the standard library's name
        time.sleep(0.2)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


class _Serial(http.server.HTTPServer):
    request_queue_size = 64  # every connection waits in the queue, none is refused


def test_latency_counts_the_queue_behind_a_slow_server():
    # One request at a time, 200 ms each: 5 a second, offered 20 a second for 1 s.
    server = _Serial(("127.0.0.1", 0), _Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        step = run_step(f"http://127.0.0.1:{server.server_address[1]}", 20, 1.0,
                        single("GET", "/"), drain=10)
    finally:
        server.shutdown()
        server.server_close()
    assert step.scheduled == 20 and step.errors == 0
    # Sent on the timetable, not after the previous answer ...
    assert step.send_lag_ms["max"] < 150
    assert step.sent_rate > 15
    # ... so the later requests wait behind the earlier ones, and that wait is counted:
    # the n-th answer comes about 0.2 * n s after the start although it was due at n / 20.
    first, last = step.latencies_s[0], step.latencies_s[-1]
    assert first < 0.6
    assert last > 2.5
    assert all(b > a - 0.1 for a, b in zip(step.latencies_s, step.latencies_s[1:], strict=False))
    # A closed-loop client timing from its own send would see about 0.2 s for each.
    # The step is answered when its last request is: 20 served one after the other.
    assert 0.2 * 20 - 0.3 < step.last_answer_s < 0.2 * 20 + 1.5
    assert abs(step.last_answer_s - max(due + latency for due, latency
                                        in zip(step.due_s, step.latencies_s, strict=True))) < 1e-3
