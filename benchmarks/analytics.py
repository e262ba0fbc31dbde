"""Analytics benchmark: scale scoring, norms and item statistics over 100,000
responses (5,000 attempts x 20 items) generated in memory.

    .venv/bin/python -m benchmarks.analytics [--attempts 5000] [--items 20] [--runs 5]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time

from benchmarks.common import write_result
from hiring.scoring.item_stats import item_statistics
from hiring.scoring.norms import percentile
from hiring.scoring.scales import ItemResult, attempt_scores

DIMENSIONS = ["customer_focus", "listening_problem_solving", "composure", "communication",
              "ownership", "numeracy"]
TARGET_S = 2.0


def generate(n_attempts: int, n_items: int, rng: random.Random) -> list[tuple]:
    """Return response rows from a one-parameter logistic model of ability and difficulty."""
    items = [(f"item-{i:02d}", DIMENSIONS[i % len(DIMENSIONS)],
              "sjt" if i % 2 == 0 else "numeric", rng.gauss(0, 1)) for i in range(n_items)]
    rows = []
    for attempt_id in range(1, n_attempts + 1):
        ability = rng.gauss(0, 1)
        for key, dimension, item_type, difficulty in items:
            p = 1 / (1 + math.exp(difficulty - ability))
            if item_type == "sjt":
                score = round(min(1.0, max(0.0, rng.gauss(p, 0.15))), 2)
                best = rng.choice("abcd")
                answer = {"best": best, "worst": rng.choice([o for o in "abcd" if o != best])}
            else:
                score = 1.0 if rng.random() < p else 0.0
                answer = {"value": round(rng.uniform(0, 100), 2)}
            rows.append((attempt_id, key, dimension, item_type, score, answer,
                         rng.randint(5_000, 90_000)))
    return rows


SCALES = {"sjt": "judgement", "numeric": "numeracy"}


def score_attempts(rows: list[tuple]) -> dict[int, dict[str, float | None]]:
    """Score each attempt's scales and subscores the way the scorer does (weight 1)."""
    by_attempt: dict[int, list[ItemResult]] = {}
    for attempt_id, _key, dimension, item_type, score, _answer, _ms in rows:
        by_attempt.setdefault(attempt_id, []).append(
            ItemResult(SCALES[item_type], dimension, 1.0, True, score))
    scored = {}
    for attempt_id, items in by_attempt.items():
        scores = attempt_scores(items)
        scored[attempt_id] = {**{k: v.score for k, v in scores.scales.items()},
                              **{f"sub:{k}": v.score for k, v in scores.subscores.items()}}
    return scored


def norm_all(scored: dict[int, dict[str, float | None]]) -> int:
    """Place every attempt's scores in their groups; return how many were placed."""
    groups: dict[str, list[float]] = {}
    for results in scored.values():
        for key, value in results.items():
            if value is not None:
                groups.setdefault(key, []).append(value)
    for group in groups.values():
        group.sort()  # as norms.norm_groups does: sorted once, ranked against many times
    placed = 0
    for results in scored.values():
        for key, value in results.items():
            if value is not None:
                percentile(value, groups[key], presorted=True)
                placed += 1
    return placed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attempts", type=int, default=5_000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    rows = generate(args.attempts, args.items, random.Random(11))
    runs: dict[str, list[float]] = {"scoring": [], "norms": [], "item_statistics": [],
                                    "total": []}
    for _ in range(args.runs):
        started = time.perf_counter()
        scored = score_attempts(rows)
        after_scoring = time.perf_counter()
        norm_all(scored)
        after_norms = time.perf_counter()
        report = item_statistics(rows)
        finished = time.perf_counter()
        scoring, norms = after_scoring - started, after_norms - after_scoring
        statistics_ = finished - after_norms
        runs["scoring"].append(scoring)
        runs["norms"].append(norms)
        runs["item_statistics"].append(statistics_)
        runs["total"].append(scoring + norms + statistics_)
    medians = {name: round(1000 * statistics.median(times), 1) for name, times in runs.items()}
    worst = {name: round(1000 * max(times), 1) for name, times in runs.items()}
    passed = max(runs["total"]) < TARGET_S
    figures = {"responses": len(rows), "attempts": args.attempts, "items": args.items,
               "runs": args.runs, "median_ms": medians, "max_ms": worst,
               "target_ms": 1000 * TARGET_S, "passed": passed,
               "items_reported": len(report.items)}
    lines = ["| step | median | max |", "|---|---:|---:|"]
    lines += [f"| {name.replace('_', ' ')} | {medians[name]} ms | {worst[name]} ms |"
              for name in runs]
    lines += ["", f"{len(rows):,} responses ({args.attempts:,} attempts x {args.items} items), "
              f"{args.runs} runs. Target: total under {TARGET_S:.0f} s — "
              f"{'met' if passed else 'MISSED'}. Item statistics for "
              f"{figures['items_reported']} items."]
    path = write_result("analytics", figures, lines)
    print("\n".join(lines))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
