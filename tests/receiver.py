"""A real HTTP server on 127.0.0.1 for webhook tests: it records each request (a POST, or
Greenhouse's callback's PATCH) and answers with the statuses it is given, one per request
(the last one repeats)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    method: str = "POST"


@dataclass
class Receiver:
    url: str
    statuses: list[int]
    received: list[Received] = field(default_factory=list)
    location: str = "http://example.com/elsewhere"


def start_receiver(statuses: list[int] | None = None) -> tuple[Receiver, ThreadingHTTPServer]:
    receiver = Receiver(url="", statuses=list(statuses or [200]))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            receiver.received.append(Received(self.path, dict(self.headers.items()),
                                              self.rfile.read(length), self.command))
            status = (receiver.statuses.pop(0) if len(receiver.statuses) > 1
                      else receiver.statuses[0])
            reply = f"status {status}".encode()
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", receiver.location)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        do_PATCH = do_POST  # noqa: N815 - Greenhouse's callback is a PATCH

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/hiring"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server
