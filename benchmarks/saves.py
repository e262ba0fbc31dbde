"""Answer saves under open-loop load, against references served the same way in the same run.

    .venv/bin/python -m benchmarks.saves [--quick] [--step-seconds 5] [--candidates 500]
    DATABASE_URL=postgresql://postgres@127.0.0.1/bench_pg .venv/bin/python -m benchmarks.saves

One run, on SQLite (or on PostgreSQL with DATABASE_URL; the app gets a database
<name>_app and the reference one <name>_ref beside the one named):

1. a burst: every candidate starts (opens the invitation and presses Start) within 5 s;
2. a capacity search: arrival rates 50, 100, 200, 400, 800, 1200, ... saves per second,
   each for a few seconds, alternating between the app's save endpoint and the reference
   save (benchmarks.reference: the bare one-row conditional UPDATE in the same kind of
   database, served by the same gunicorn settings), and a bare Flask endpoint; each goes up
   until its p99 (timed from when each request was due, benchmarks.loadgen) passes 1 s or
   a request fails. Its capacity is the highest rate that passed.
   The steps at 50 and 100 saves/s give the ratio p99(app) / p99(reference);
3. a burst: every candidate submits within 5 s;
4. the resident memory of each app worker, and that every acknowledged save is stored.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from benchmarks.candidates import POSITIONS, check_stored, invite
from benchmarks.common import write_result
from benchmarks.loadgen import Pool, Step, run_step, single
from benchmarks.server import running_reference, running_server

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
RATES = [50, 100, 200, 400, 800, 1200, 1600, 2000, 2400, 3200]
P99_LIMIT_MS = 1000.0


@dataclass
class Candidate:
    token: str
    cookie: str = ""
    csrf: str = ""
    seq: int = 0
    acked: list | None = None


def _cookie(headers: dict[str, str], current: str) -> str:
    value = headers.get("set-cookie")
    return value.split(";", 1)[0] if value else current


def start_action(candidates: list[Candidate]):
    async def action(index: int, pool: Pool) -> str | None:
        candidate = candidates[index]
        reply = await pool.request("GET", f"/a/{candidate.token}")
        if reply.status != 200:
            return f"start page {reply.status}"
        candidate.cookie = _cookie(reply.headers, candidate.cookie)
        candidate.csrf = CSRF.search(reply.body.decode())[1]
        body = urllib.parse.urlencode({"csrf_token": candidate.csrf}).encode()
        reply = await pool.request("POST", f"/a/{candidate.token}/start", {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": candidate.cookie},
            body)
        candidate.cookie = _cookie(reply.headers, candidate.cookie)
        return None if reply.status == 302 else f"start {reply.status}"
    return action


def submit_action(candidates: list[Candidate]):
    async def action(index: int, pool: Pool) -> str | None:
        candidate = candidates[index]
        body = urllib.parse.urlencode({"csrf_token": candidate.csrf, "confirm": "1"}).encode()
        reply = await pool.request("POST", f"/a/{candidate.token}/submit", {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": candidate.cookie},
            body)
        return None if reply.status == 302 else f"submit {reply.status}"
    return action


class Saves:
    """Save actions for the app and the reference, the same answers in the same order:
    save i goes to candidate i mod n, at a random position, with the candidate's next
    sequence number (numbered when due, so a save overtaken by a later one is refused)."""

    def __init__(self, candidates: list[Candidate], seed: int = 5):
        self.candidates = candidates
        self.rng = random.Random(seed)
        self.refused = 0
        self.counter = 0

    def _next(self) -> tuple[int, Candidate, int, int, str]:
        index = self.counter
        self.counter += 1
        candidate = self.candidates[index % len(self.candidates)]
        candidate.seq += 1
        return (index % len(self.candidates), candidate, self.rng.randint(1, POSITIONS),
                candidate.seq, self.rng.choice("abcd"))

    def _judge(self, status: int, body: bytes) -> tuple[str | None, bool]:
        if status != 200:
            return f"save {status}", False
        accepted = json.loads(body).get("accepted")
        if not accepted:
            self.refused += 1
        return None, bool(accepted)

    def app(self):
        async def action(_index: int, pool: Pool) -> str | None:
            _number, candidate, position, seq, best = self._next()
            body = json.dumps({"position": position, "seq": seq, "answer": {"best": best},
                               "time_spent_ms": 4000}).encode()
            reply = await pool.request("POST", f"/a/{candidate.token}/save", {
                "Content-Type": "application/json", "X-CSRFToken": candidate.csrf,
                "Cookie": candidate.cookie}, body)
            error, accepted = self._judge(reply.status, reply.body)
            if accepted:
                candidate.acked.append((position, seq, best))
            return error
        return action

    def reference(self):
        async def action(_index: int, pool: Pool) -> str | None:
            number, _candidate, position, seq, best = self._next()
            body = json.dumps({"seq": seq, "answer": {"best": best}}).encode()
            reply = await pool.request("POST", f"/save/{number * POSITIONS + position}",
                                       {"Content-Type": "application/json"}, body)
            return self._judge(reply.status, reply.body)[0]
        return action


def _brief(step: Step) -> dict:
    return step.figures()


def run(*, database_url: str | None, candidates: int, step_seconds: float,
        low_step_seconds: float, rates: list[int], with_bare: bool, workers: int = 4) -> dict:
    database = "postgresql" if database_url else "sqlite"
    with tempfile.TemporaryDirectory() as folder, running_server(
            Path(folder) / "app", workers=workers, database_url=database_url) as app, \
            running_reference(Path(folder) / "ref", workers=workers, database_url=database_url,
                              rows=candidates * POSITIONS) as ref:
        tokens = invite(app.database_url, app.instance, candidates)
        people = [Candidate(token, acked=[]) for token in tokens]
        starts = run_step(app.base_url, candidates / 5, 5, start_action(people),
                          server_pid=app.pid, count=candidates, drain=60)
        app_saves = Saves(people)
        ref_saves = Saves([Candidate(str(n)) for n in range(candidates)])
        targets = {"app": (app, app_saves.app), "reference": (ref, ref_saves.reference)}
        if with_bare:
            targets["bare"] = (ref, lambda: single("GET", "/bare"))
        counters = {"app": app_saves, "reference": ref_saves}
        for server, action in targets.values():  # warm up: caches, connections
            run_step(server.base_url, 20, 2, action(), drain=10)
        steps: dict[str, list[dict]] = {name: [] for name in targets}
        active = list(targets)
        for rate in rates:
            for name in list(active):
                server, action = targets[name]
                seconds = low_step_seconds if rate <= 100 else step_seconds
                refused = counters[name].refused if name in counters else 0
                step = run_step(server.base_url, rate, seconds, action(), server_pid=server.pid,
                                drain=10)
                steps[name].append({**_brief(step), "refused_as_overtaken": (
                    counters[name].refused - refused if name in counters else 0)})
                print(f"  {database} {name} {rate}/s: p99 {step.latency_ms['p99']} ms, "
                      f"{step.errors} errors, answered {step.answered_rate}/s, "
                      f"server CPU {step.server_cpu}", flush=True)
                # The steps at 50 and 100 are always run: they give the latency ratios.
                if not step.ok(P99_LIMIT_MS) and rate >= 100:
                    active.remove(name)
            if not active:
                break
        submits = run_step(app.base_url, candidates / 5, 5, submit_action(people),
                           server_pid=app.pid, count=candidates, drain=60)
        rss = app.worker_rss_mib()
        ref_rss = ref.worker_rss_mib()
        stored, acked = check_stored(app.database_url, app.instance, people)

    def capacity(name: str) -> int:
        """The highest rate of the ladder held with every lower rate held too."""
        held = 0
        for s in steps[name]:
            if s["errors"] or s["latency_ms"]["p99"] is None \
                    or s["latency_ms"]["p99"] > P99_LIMIT_MS:
                break
            held = s["rate"]
        return held

    def p99_at(name: str, rate: int) -> float | None:
        return next((s["latency_ms"]["p99"] for s in steps[name] if s["rate"] == rate), None)

    ratios = {}
    for rate in (50, 100):
        app_p99, ref_p99 = p99_at("app", rate), p99_at("reference", rate)
        ratios[str(rate)] = round(app_p99 / ref_p99, 2) if app_p99 and ref_p99 else None
    return {
        "database": database, "candidates": candidates, "workers": workers,
        "step_seconds": step_seconds, "low_step_seconds": low_step_seconds,
        "p99_limit_ms": P99_LIMIT_MS,
        "capacity": {name: capacity(name) for name in steps},
        "p99_ratio_app_to_reference": ratios,
        "steps": steps, "start_burst": starts.figures(), "submit_burst": submits.figures(),
        "refused_as_overtaken": {"app": app_saves.refused, "reference": ref_saves.refused},
        "acknowledged": acked, "acknowledged_and_stored": stored,
        "worker_rss_mib": rss, "reference_worker_rss_mib": ref_rss,
    }


def lines_for(figures: dict) -> list[str]:
    steps = figures["steps"]
    rows = ["| rate (/s) | " + " | ".join(f"{name} p50 / p99 / max (ms), errors, server CPU"
                                         for name in steps) + " |",
            "|---:|" + "---|" * len(steps)]
    rates = sorted({s["rate"] for found in steps.values() for s in found})
    for rate in rates:
        cells = []
        for name in steps:
            step = next((s for s in steps[name] if s["rate"] == rate), None)
            if step is None:
                cells.append("")
                continue
            lat = step["latency_ms"]
            cells.append(f"{lat['p50']} / {lat['p99']} / {lat['max']}, {step['errors']}, "
                         f"{step['server_cpu']}")
        rows.append(f"| {rate} | " + " | ".join(cells) + " |")
    start, submit = figures["start_burst"], figures["submit_burst"]

    def burst(b: dict) -> str:
        return (f"{b['completed']} of {b['scheduled']} done, {b['errors']} errors, all done "
                f"{b['last_answer_s']:.2f} s after the first was due,"
                f" p99 {b['latency_ms']['p99']} ms")

    return [
        f"{figures['database']}, {figures['candidates']} candidates, {figures['workers']} "
        "gunicorn workers for the app and for the reference, open-loop arrivals; latency "
        "from each request's due time.", "",
        f"Capacity (highest rate with p99 ≤ {figures['p99_limit_ms']:.0f} ms and no error): "
        + ", ".join(f"{name} {rate}/s" for name, rate in figures["capacity"].items()), "",
        "p99(app) / p99(reference save): "
        + ", ".join(f"at {rate}/s {ratio}x" for rate, ratio in
                    figures["p99_ratio_app_to_reference"].items()), "",
        *rows, "",
        f"Start burst ({figures['candidates']} in 5 s): {burst(start)}.",
        f"Submit burst ({figures['candidates']} in 5 s): {burst(submit)}.",
        f"Acknowledged saves stored: {figures['acknowledged_and_stored']} of "
        f"{figures['acknowledged']}. Refused as overtaken (a later save was due first): "
        f"app {figures['refused_as_overtaken']['app']}, reference "
        f"{figures['refused_as_overtaken']['reference']}.",
        f"App worker resident memory after the run: "
        f"{', '.join(f'{m} MiB' for m in figures['worker_rss_mib'])} (reference workers "
        f"{', '.join(f'{m} MiB' for m in figures['reference_worker_rss_mib'])}).",
    ]


def main(argv: list[str] | None = None, database_url: str | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="2 s a step and 100 candidates: a smoke run")
    parser.add_argument("--candidates", type=int, default=None)
    parser.add_argument("--step-seconds", type=float, default=None)
    parser.add_argument("--no-bare", action="store_true")
    args = parser.parse_args(argv)
    candidates = args.candidates or (100 if args.quick else 500)
    step = args.step_seconds or (2.0 if args.quick else 5.0)
    figures = run(database_url=database_url or os.environ.get("DATABASE_URL"),
                  candidates=candidates,
                  step_seconds=step, low_step_seconds=step if args.quick else 2 * step,
                  rates=RATES, with_bare=not args.no_bare)
    lines = lines_for(figures)
    path = write_result(f"saves-{figures['database']}", figures, lines)
    print("\n".join(lines))
    print(f"written to {path}")
    return figures


if __name__ == "__main__":
    main()
