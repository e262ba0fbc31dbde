"""Every save the server acknowledged survives a worker killed with SIGKILL mid-load.

Half the candidates number their own saves (seq), half base them on the item's revision
the server gave them (base), as today's pages do."""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import random
import re
import signal
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlmodel import col, select

from hiring.app import create_app
from hiring.assessment import engine
from hiring.assessment.recipes import create_assessment
from hiring.db import session_scope
from hiring.models import Attempt, Bank, Response

pytestmark = pytest.mark.e2e

CANDIDATES = 16
SAVES_PER_CANDIDATE = 40
POSITIONS = 8
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _app(server):
    url = server.env.get("DATABASE_URL") or f"sqlite:///{server.instance_path / 'hiring.sqlite'}"
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "durability", "TESTING": True},
                      instance_path=str(server.instance_path))


def invite(server, count: int) -> list[str]:
    """Create an SJT-only assessment and invitations to it, straight in the database."""
    app = _app(server)
    from hiring.models import utcnow

    with session_scope(app) as session:
        bank = session.exec(select(Bank)).first()
        assessment = create_assessment(
            session=session, bank=bank, name="Durability", time_limit_minutes=60,
            sections=[{"title": "Situations", "type": "sjt", "count": POSITIONS}])
        tokens = [engine.invite(assessment, session=session, name=f"Load {n}",
                                email=f"load{n}@example.com",
                                expires_at=utcnow().replace(year=2099))[1]
                  for n in range(count)]
    app.extensions["hiring.engine"].dispose()
    return tokens


class Candidate:
    """A browser without JavaScript: cookies, the CSRF token, JSON saves."""

    def __init__(self, base_url: str, token: str):
        self.base = f"{base_url}/a/{token}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = ""

    def start(self) -> None:
        with self.opener.open(self.base, timeout=30) as page:
            self.csrf = CSRF.search(page.read().decode())[1]
        body = urllib.parse.urlencode({"csrf_token": self.csrf}).encode()
        with self.opener.open(self.base + "/start", data=body, timeout=30) as page:
            assert "/q/1" in page.url

    def save(self, position: int, seq: int, best: str) -> bool:
        """Post one save; return True only when the server acknowledged storing it."""
        reply = self._post({"position": position, "seq": seq, "answer": {"best": best}})
        return bool(reply.get("ok") and reply.get("accepted"))

    def save_based(self, position: int, revisions: dict[int, int], best: str) -> int | None:
        """Post one save based on the revision known; return the revision the server
        acknowledged storing it as, or None. A refusal tells the stored revision."""
        reply = self._post({"position": position, "base": revisions.get(position, 0),
                            "answer": {"best": best}})
        if reply.get("ok"):
            revisions[position] = reply["seq"]
        return reply["seq"] if reply.get("ok") and reply.get("accepted") else None

    def _post(self, payload: dict) -> dict:
        request = urllib.request.Request(
            self.base + "/save", method="POST", data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf})
        try:
            with self.opener.open(request, timeout=30) as response:
                return json.loads(response.read())
        except (OSError, http.client.HTTPException, json.JSONDecodeError):
            return {}  # a worker killed mid-request: not acknowledged, so not promised


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def test_acknowledged_saves_survive_a_killed_worker(live_server):
    tokens = invite(live_server, CANDIDATES)
    candidates = [Candidate(live_server.base_url, token) for token in tokens]
    for candidate in candidates:
        candidate.start()

    acknowledged: list[tuple[str, int, int, str]] = []
    failed = []
    lock = threading.Lock()
    halfway = threading.Event()

    def run(index: int, candidate: Candidate) -> None:
        rng = random.Random(index)
        revisions: dict[int, int] = {}
        for n in range(1, SAVES_PER_CANDIDATE + 1):
            position, best = rng.randint(1, POSITIONS), rng.choice("abcd")
            if index % 2:
                seq = candidate.save_based(position, revisions, best)
            else:
                seq = n if candidate.save(position, n, best) else None
            with lock:
                (acknowledged if seq else failed).append(
                    (candidate.base.rsplit("/", 1)[1], position, seq or n, best))
            if n == SAVES_PER_CANDIDATE // 3:
                halfway.set()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(candidates)]
    for thread in threads:
        thread.start()
    assert halfway.wait(timeout=120)
    killed = worker_pids(live_server.process.pid)[0]
    os.kill(killed, signal.SIGKILL)
    for thread in threads:
        thread.join(timeout=300)

    total = CANDIDATES * SAVES_PER_CANDIDATE
    assert len(acknowledged) + len(failed) == total
    assert len(acknowledged) > total // 2  # the other worker and the respawned one served
    # The newest acknowledged save of each (attempt, position) is what the database holds.
    newest: dict[tuple[str, int], tuple[int, str]] = {}
    for token, position, seq, best in acknowledged:
        if seq > newest.get((token, position), (0, ""))[0]:
            newest[(token, position)] = (seq, best)
    app = _app(live_server)
    with session_scope(app) as session:
        for (token, position), (seq, best) in newest.items():
            attempt = engine.find_by_token(token, session=session)
            response = session.exec(select(Response).where(
                Response.attempt_id == attempt.id, Response.position == position)).one()
            assert response.client_seq >= seq
            if response.client_seq == seq:
                assert response.answer == {"best": best}
        assert session.exec(select(Attempt).where(
            col(Attempt.candidate_email).like("load%"))).all()
    app.extensions["hiring.engine"].dispose()
    assert killed not in worker_pids(live_server.process.pid)
    print(f"\n{len(acknowledged)} saves acknowledged, {len(failed)} failed around the kill")
