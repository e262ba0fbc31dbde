"""Load benchmark: N candidates start, save an answer every few seconds, and submit,
against the real server (gunicorn) on 127.0.0.1.

    .venv/bin/python -m benchmarks.candidates [--candidates 500] [--interval 5]
        [--duration 60] [--workers 4] [--burst]
    DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m benchmarks.candidates

--burst: every candidate starts within the first 10 s and submits within the last 10 s.
Reports saves per second, save latency percentiles, errors, and checks that every
acknowledged save is stored.

This is a closed-loop scenario: a client thread sends late when the server lags, and
latency is timed from the actual send, so the wait behind a slow response is not counted
(coordinated omission), and "saves per second" is the saves made divided by the nominal
duration. It tells whether a realistic session works; it measures no capacity and no tail
latency. For those, benchmarks.saves (open loop, against references in the same run).

PostgreSQL runs use a database <name>_app beside the one DATABASE_URL names.
"""

from __future__ import annotations

import argparse
import heapq
import http.client
import json
import os
import random
import re
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import summary_ms, write_result
from benchmarks.server import running_server

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
POSITIONS = 10


@dataclass
class Candidate:
    token: str
    cookie: str = ""
    csrf: str = ""
    seq: int = 0
    acked: list[tuple[int, int, str]] = field(default_factory=list)  # (position, seq, best)


def invite(database_url: str, instance: Path, count: int) -> list[str]:
    """Create an SJT assessment and invitations straight in the database."""
    from sqlmodel import select

    from hiring.app import create_app
    from hiring.assessment import engine
    from hiring.assessment.recipes import create_assessment
    from hiring.db import session_scope
    from hiring.models import Bank, utcnow

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench", "TESTING": True},
                     instance_path=str(instance))
    with session_scope(app) as session:
        bank = session.exec(select(Bank)).first()
        assessment = create_assessment(
            session=session, bank=bank, name="Load", time_limit_minutes=120,
            sections=[{"title": "Situations", "type": "sjt", "count": POSITIONS}])
        tokens = [engine.invite(assessment, session=session, name=f"Load {n}",
                                email=f"load{n}@example.com",
                                expires_at=utcnow().replace(year=2099))[1]
                  for n in range(count)]
    app.extensions["hiring.engine"].dispose()
    return tokens


class Client:
    """One keep-alive connection, used by one thread for many candidates."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.connection = http.client.HTTPConnection(host, port, timeout=30)

    def request(self, method: str, path: str, candidate: Candidate, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if candidate.cookie:
            headers["Cookie"] = candidate.cookie
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (OSError, http.client.HTTPException):
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt:
                    raise
        cookie = response.getheader("Set-Cookie")
        if cookie:
            candidate.cookie = cookie.split(";", 1)[0]
        return response.status, data


@dataclass
class Stats:
    save_latencies: list[float] = field(default_factory=list)
    save_started: list[float] = field(default_factory=list)  # monotonic, one per latency
    last_start_done: float = 0.0
    start_latencies: list[float] = field(default_factory=list)
    submit_latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def start(client: Client, candidate: Candidate, stats: Stats) -> None:
    began = time.perf_counter()
    status, page = client.request("GET", f"/a/{candidate.token}", candidate)
    candidate.csrf = CSRF.search(page.decode())[1]
    body = urllib.parse.urlencode({"csrf_token": candidate.csrf}).encode()
    status, _ = client.request("POST", f"/a/{candidate.token}/start", candidate, body,
                               {"Content-Type": "application/x-www-form-urlencoded"})
    with stats.lock:
        stats.start_latencies.append(time.perf_counter() - began)
        stats.last_start_done = max(stats.last_start_done, time.monotonic())
        if status != 302:
            stats.errors.append(f"start {status}")


def save(client: Client, candidate: Candidate, rng: random.Random, stats: Stats) -> None:
    candidate.seq += 1
    position, best = rng.randint(1, POSITIONS), rng.choice("abcd")
    body = json.dumps({"position": position, "seq": candidate.seq,
                       "answer": {"best": best}, "time_spent_ms": 4000}).encode()
    began, began_at = time.perf_counter(), time.monotonic()
    try:
        status, data = client.request("POST", f"/a/{candidate.token}/save", candidate, body, {
            "Content-Type": "application/json", "X-CSRFToken": candidate.csrf})
    except (OSError, http.client.HTTPException) as exc:
        with stats.lock:
            stats.errors.append(f"save {type(exc).__name__}")
        return
    elapsed = time.perf_counter() - began
    reply = json.loads(data) if status == 200 else {}
    with stats.lock:
        stats.save_latencies.append(elapsed)
        stats.save_started.append(began_at)
        if status != 200 or not reply.get("accepted"):
            stats.errors.append(f"save {status}")
    if reply.get("accepted"):
        candidate.acked.append((position, candidate.seq, best))


def submit(client: Client, candidate: Candidate, stats: Stats) -> None:
    # confirm: the candidates leave questions unanswered, and say they mean to.
    body = urllib.parse.urlencode({"csrf_token": candidate.csrf, "confirm": "1"}).encode()
    began = time.perf_counter()
    status, _ = client.request("POST", f"/a/{candidate.token}/submit", candidate, body,
                               {"Content-Type": "application/x-www-form-urlencoded"})
    with stats.lock:
        stats.submit_latencies.append(time.perf_counter() - began)
        if status != 302:
            stats.errors.append(f"submit {status}")


def drive(base_url: str, candidates: list[Candidate], *, interval: float, duration: float,
          burst: bool, threads: int) -> tuple[Stats, float]:
    """Run the scenario; return the statistics and the length of the saving phase."""
    parsed = urllib.parse.urlsplit(base_url)
    stats = Stats()
    window = 10.0 if burst else interval
    began = time.monotonic() + 0.5

    def run(share: list[Candidate], seed: int) -> None:
        rng = random.Random(seed)
        client = Client(parsed.hostname, parsed.port)
        events = []
        for index in range(len(share)):
            start_at = began + rng.uniform(0, window)
            submit_at = began + duration - (rng.uniform(0, 10) if burst else 0)
            heapq.heappush(events, (start_at, index, "start"))
            heapq.heappush(events, (submit_at, index, "submit"))
        while events:
            at, index, action = heapq.heappop(events)
            pause = at - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            candidate = share[index]
            if action == "start":
                start(client, candidate, stats)
                heapq.heappush(events, (at + interval * rng.uniform(0.8, 1.2), index, "save"))
            elif action == "save":
                next_at = at + interval * rng.uniform(0.8, 1.2)
                save(client, candidate, rng, stats)
                if next_at < began + duration - 10:
                    heapq.heappush(events, (next_at, index, "save"))
            else:
                submit(client, candidate, stats)
        client.connection.close()

    shares = [candidates[i::threads] for i in range(threads)]
    workers = [threading.Thread(target=run, args=(share, n)) for n, share in enumerate(shares)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return stats, max(1.0, duration - 10 - window / 2)


def check_stored(database_url: str, instance: Path, candidates: list[Candidate]
                 ) -> tuple[int, int]:
    """Return (acknowledged saves whose newest version is stored, acknowledged saves)."""
    from sqlmodel import select

    from hiring.app import create_app
    from hiring.assessment import engine
    from hiring.db import session_scope
    from hiring.models import Response

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench", "TESTING": True},
                     instance_path=str(instance))
    stored = total = 0
    with session_scope(app) as session:
        for candidate in candidates:
            attempt = engine.find_by_token(candidate.token, session=session)
            rows = {r.position: r for r in session.exec(select(Response).where(
                Response.attempt_id == attempt.id))}
            newest: dict[int, tuple[int, str]] = {}
            for position, seq, best in candidate.acked:
                total += 1
                newest[position] = max(newest.get(position, (0, "")), (seq, best))
            for position, seq, _best in candidate.acked:
                row = rows[position]
                if row.client_seq >= seq and (
                        row.client_seq != newest[position][0] or
                        row.answer == {"best": newest[position][1]}):
                    stored += 1
    app.extensions["hiring.engine"].dispose()
    return stored, total


def server_times(log: Path, suffix: str) -> list[float]:
    """Return the time the server took (gunicorn's access log, in seconds) for requests
    whose path ends with suffix: the part of the latency spent inside the server."""
    pattern = re.compile(r'"POST /a/\S*' + re.escape(suffix) + r' HTTP/[\d.]+" \d+ \S+ (\d+)us')
    return [int(found[1]) / 1e6 for line in log.read_text(errors="replace").splitlines()
            if (found := pattern.search(line))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between saves")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds in all")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=48, help="client threads")
    parser.add_argument("--burst", action="store_true")
    args = parser.parse_args()
    database = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    name = ("burst" if args.burst else "candidates") + f"-{database}"

    with tempfile.TemporaryDirectory() as folder, running_server(
            Path(folder), workers=args.workers,
            database_url=os.environ.get("DATABASE_URL")) as server:
        tokens = invite(server.database_url, server.instance, args.candidates)
        candidates = [Candidate(token) for token in tokens]
        stats, saving_seconds = drive(server.base_url, candidates, interval=args.interval,
                                      duration=args.duration, burst=args.burst,
                                      threads=min(args.threads, args.candidates))
        rss = server.worker_rss_mib()
        server_saves = server_times(Path(folder) / "server.log", "/save")
        stored, acked = check_stored(server.database_url, server.instance, candidates)

    saves = summary_ms(stats.save_latencies) if stats.save_latencies else {}
    inside = summary_ms(server_saves) if server_saves else {}
    # Saves after every candidate has started: the steady state, without the start storm
    # (all candidates start within the first interval).
    steady_latencies = [latency for latency, at in zip(stats.save_latencies,
                                                        stats.save_started, strict=True)
                        if at > stats.last_start_done]
    steady = summary_ms(steady_latencies) if steady_latencies else {}
    figures = {
        "database": database, "candidates": args.candidates, "interval_s": args.interval,
        "duration_s": args.duration, "gunicorn_workers": args.workers, "burst": args.burst,
        "saves": len(stats.save_latencies),
        "saves_per_second": round(len(stats.save_latencies) / saving_seconds, 1),
        "save_latency": saves, "server_save_time": inside,
        "steady_saves": len(steady_latencies),
        "steady_save_latency": steady, "start_latency": summary_ms(stats.start_latencies),
        "submit_latency": summary_ms(stats.submit_latencies), "errors": len(stats.errors),
        "error_kinds": sorted(set(stats.errors))[:10], "acknowledged": acked,
        "acknowledged_and_stored": stored, "worker_rss_mib": rss,
    }
    lines = [
        f"{args.candidates} candidates on {database}, a save every {args.interval:g} s, "
        f"{args.duration:g} s in all, {args.workers} gunicorn workers"
        + (", all starting and submitting within 10 s" if args.burst else "") + ".", "",
        "| figure | value |", "|---|---:|",
        f"| saves per second | {figures['saves_per_second']} |",
        f"| save latency p50 / p95 / p99 | {saves.get('median_ms')} / {saves.get('p95_ms')} / "
        f"{saves.get('p99_ms')} ms |",
        f"| time inside the server (access log) p50 / p95 / p99 | {inside.get('median_ms')} / "
        f"{inside.get('p95_ms')} / {inside.get('p99_ms')} ms |",
        f"| the same after the last start ({len(steady_latencies)} saves) | "
        f"{steady.get('median_ms')} / {steady.get('p95_ms')} / {steady.get('p99_ms')} ms |",
        f"| starts (p99) | {len(stats.start_latencies)} "
        f"({figures['start_latency']['p99_ms']} ms) |",
        f"| submits (p99) | {len(stats.submit_latencies)} "
        f"({figures['submit_latency']['p99_ms']} ms) |",
        f"| errors | {len(stats.errors)} |",
        f"| acknowledged saves stored | {stored} of {acked} |",
        f"| worker resident memory after the run | {', '.join(f'{m} MiB' for m in rss)} |",
    ]
    path = write_result(name, figures, lines)
    print("\n".join(lines))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
