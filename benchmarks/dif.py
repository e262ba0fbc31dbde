"""Differences between language versions: their cost at 100,000 and 1,000,000 responses.

    .venv/bin/python -m benchmarks.dif [--quick] [--responses 100000,1000000]

An instance (SQLite) with 40 simulated, complete attempts of the default assessment, half
in English and half in Croatian, as templates; copies of them are inserted with bulk SQL
(benchmarks.growth) until the responses reach each size. At each size, in this process:
the grouped query that counts responses per item, language, matching level and score
(hiring.scoring.dif_counts), the statistics on its rows (hiring.scoring.dif), everything
the item-health task computes and keeps (hiring.scoring.item_health.health_data), and the
item-health page once those figures are kept (what HR waits for), each the median of
three. --quick: sizes ten times smaller.

The copies make the classes meaningless (40 candidates' answers repeated look like very
precise differences): only the times count.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.common import write_result
from benchmarks.growth import clone_attempts, counts
from benchmarks.server import hiring_command

TEMPLATES = 40
CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def _median_ms(work, repeats: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return round(1000 * statistics.median(times), 1), result


def run(sizes: list[int]) -> list[dict]:
    from hiring.app import create_app
    from hiring.db import session_scope
    from hiring.scoring import aggregates
    from hiring.scoring.dif import dif_report
    from hiring.scoring.dif_counts import count_rows
    from hiring.scoring.item_health import ITEM_HEALTH, health_data

    rows_out = []
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, HIRING_INSTANCE=folder, HIRING_DEVELOPMENT="1")
        env.pop("DATABASE_URL", None)
        subprocess.run([hiring_command(), "demo", "--no-serve"], env=env, check=True,
                       capture_output=True)
        subprocess.run([hiring_command(), "simulate", "--candidates", str(TEMPLATES),
                        "--seed", "9", "--languages", "en,hr"], env=env, check=True,
                       capture_output=True)
        path = Path(folder) / "hiring.sqlite"
        app = create_app({"DATABASE_URL": f"sqlite:///{path}", "WTF_CSRF_ENABLED": False,
                          "PROFILE_PRERENDER": False}, instance_path=folder)
        responses, _attempts, assessment = counts(path)
        per_copy = responses
        for size in sizes:
            if size > responses:
                clone_attempts(path, completed=True, copies=-(-(size - responses) // per_copy))
            responses, attempts, _a = counts(path)
            with app.app_context(), session_scope(app) as session:
                query_ms, (rows, by_language) = _median_ms(
                    lambda session=session: count_rows(assessment, session=session))
                report_ms, report = _median_ms(
                    lambda rows=rows, by_language=by_language: dif_report(rows, by_language))
                task_ms, (stamp, data) = _median_ms(
                    lambda session=session: health_data(assessment, session=session), 1)
                aggregates.keep(assessment, ITEM_HEALTH, data, stamp, session=session)
            client = app.test_client()
            client.post("/login", data={"email": "hr@example.com", "password": "demo-password"})
            page_ms, html = _median_ms(lambda client=client: client.get(
                f"/admin/assessments/{assessment}/items").get_data(as_text=True))
            if "Differences between language versions" not in html:
                raise RuntimeError("the item-health page has no language section")
            rows_out.append({"responses": responses, "attempts": attempts,
                             "languages": by_language, "count_rows": len(rows),
                             "query_ms": query_ms, "statistics_ms": report_ms,
                             "task_ms": task_ms, "page_ms": page_ms,
                             "judged": len(report.judged), "flagged": len(report.flagged)})
    return rows_out


def lines_for(figures: list[dict]) -> list[str]:
    lines = ["| responses | attempts (en / hr) | grouped query | rows | statistics | "
             "item-health task (all of it) | page, figures kept | flagged / judged |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in figures:
        languages = row["languages"]
        lines.append(
            f"| {row['responses']:,} | {row['attempts']:,} ({languages.get('en', 0):,} / "
            f"{languages.get('hr', 0):,}) | {row['query_ms']} ms | {row['count_rows']:,} | "
            f"{row['statistics_ms']} ms | {row['task_ms']} ms | {row['page_ms']} ms | "
            f"{row['flagged']} / {row['judged']} |")
    return lines


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="ten times smaller")
    parser.add_argument("--responses", default="100000,1000000")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    sizes = [int(size) // scale for size in args.responses.split(",")]
    figures = run(sizes)
    lines = lines_for(figures)
    path = write_result("dif", {"sizes": sizes, "rows": figures}, lines)
    print("\n".join(lines))
    print(f"written to {path}")
    return figures


if __name__ == "__main__":
    main()
