"""The start and submit bursts alone, to compare two versions of the code on one machine.

    .venv/bin/python -m benchmarks.bursts [--candidates 500] [--runs 2] [--workers 4]
    DATABASE_URL=postgresql://postgres@127.0.0.1/bench_pg .venv/bin/python -m benchmarks.bursts

benchmarks.saves runs these bursts around its capacity search; here they run by themselves,
so that two checkouts can be measured alternately within minutes of each other (run this
file from each checkout, one after the other, and again). Each run serves a fresh instance
with `hiring serve` (4 workers, as benchmarks.saves), invites the candidates, and then:

1. every candidate starts (opens the invitation and presses Start), due evenly within 5 s;
2. every candidate submits, due evenly within 5 s.

A burst is done when its last request is answered, timed from when its first was due; the
latency of each request from when it was due (benchmarks.loadgen, open loop).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from benchmarks.candidates import invite
from benchmarks.common import write_result
from benchmarks.loadgen import run_step
from benchmarks.saves import Candidate, start_action, submit_action
from benchmarks.server import running_server


def run(*, database_url: str | None, candidates: int, workers: int = 4) -> dict:
    with tempfile.TemporaryDirectory() as folder, running_server(
            Path(folder) / "app", database_url=database_url, workers=workers) as app:
        people = [Candidate(token, acked=[]) for token in
                  invite(app.database_url, app.instance, candidates)]
        time.sleep(1)
        starts = run_step(app.base_url, candidates / 5, 5, start_action(people),
                          server_pid=app.pid, count=candidates, drain=60)
        time.sleep(1)
        submits = run_step(app.base_url, candidates / 5, 5, submit_action(people),
                           server_pid=app.pid, count=candidates, drain=60)
    return {"start_burst": starts.figures(), "submit_burst": submits.figures()}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL") or None
    database = "postgresql" if database_url else "sqlite"
    runs = [run(database_url=database_url, candidates=args.candidates, workers=args.workers)
            for _ in range(args.runs)]
    lines = [f"{database}, {args.candidates} candidates, `hiring serve` with {args.workers} "
             "workers; each burst due evenly within 5 s, open loop.", "",
             "| run | starts done after (s) | start p99 (ms) | submits done after (s) | "
             "submit p99 (ms) | errors | server CPU (cores), starts / submits |",
             "|---:|---:|---:|---:|---:|---:|---|"]
    for number, figures in enumerate(runs, start=1):
        start, submit = figures["start_burst"], figures["submit_burst"]
        lines.append(f"| {number} | {start['last_answer_s']:.3f} | {start['latency_ms']['p99']} "
                     f"| {submit['last_answer_s']:.3f} | {submit['latency_ms']['p99']} | "
                     f"{start['errors'] + submit['errors']} | {start['server_cpu']} / "
                     f"{submit['server_cpu']} |")
    path = write_result(f"bursts-{database}", {"database": database,
                                               "candidates": args.candidates, "runs": runs},
                        lines)
    print("\n".join(lines))
    print(f"written to {path}")
    return {"runs": runs}


if __name__ == "__main__":
    main()
