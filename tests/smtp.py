"""A tiny SMTP server for tests: enough of RFC 5321 for smtplib, in a thread."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered with 550


class _Handler(socketserver.StreamRequestHandler):
    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        mailbox: Mailbox = self.server.mailbox
        self._reply("220 test.invalid ESMTP ready")
        sender, recipients, lines, in_data = "", [], [], False
        while line := self.rfile.readline(65536):
            if in_data:
                if line in (b".\r\n", b".\n"):
                    in_data = False
                    mailbox.messages.append(Received(sender, recipients, b"".join(lines)))
                    sender, recipients, lines = "", [], []
                    self._reply("250 queued")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self._reply("250-test.invalid")
                self._reply("250 8BITMIME")
            elif verb == "HELO":
                self._reply("250 test.invalid")
            elif verb == "MAIL":
                sender = command.partition(":")[2].strip().strip("<>")
                self._reply("250 ok")
            elif verb == "RCPT":
                recipient = command.partition(":")[2].strip().strip("<>")
                if recipient in mailbox.refuse:
                    self._reply("550 no such user here")
                else:
                    recipients.append(recipient)
                    self._reply("250 ok")
            elif verb == "DATA":
                in_data = True
                self._reply("354 end with <CRLF>.<CRLF>")
            elif verb in ("RSET", "NOOP"):
                self._reply("250 ok")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("502 not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    """Serve SMTP on a free local port while the block runs; collect what arrives."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.mailbox = Mailbox(*server.server_address[:2])
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server.mailbox
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port() -> int:
    """Return a local port nothing listens on (connections to it are refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
