"""Growth: how the aggregate pages' times grow with the data behind them.

    .venv/bin/python -m benchmarks.growth [--quick] [--responses 100000,1000000]
        [--invitations 50000]

A separate instance (`hiring serve`, SQLite) with simulated, complete attempts of the
default assessment as templates; copies of them (not simulated any more, with tokens and
e-mail addresses of their own) are inserted with bulk SQL until the responses reach each
size in --responses, and the item-health page is timed at each size; then copies of the
invitation no one has started are added until there are --invitations invitations, and the
pipeline page and the CSV export are timed. --quick: sizes ten times smaller.

The reference at each size: the aggregate the item-health page reports at its simplest (per
item: count and mean score of the completed attempts' responses), one SQL query on the same
file in this process.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.common import write_result
from benchmarks.server import hiring_command, running_server
from benchmarks.views import Browser, wait_for_jobs

CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
EMAIL, PASSWORD = "hr@example.com", "demo-password"
TEMPLATES = 20

REFERENCE_QUERY = """SELECT r.revision_id, count(*), avg(r.score) FROM response r
JOIN attempt a ON a.id = r.attempt_id
WHERE a.assessment_id = ? AND a.state IN ('submitted', 'scored') GROUP BY r.revision_id"""


def prepare(env: dict) -> None:
    subprocess.run([hiring_command(), "demo", "--no-serve"], env=env, check=True,
                   capture_output=True)
    subprocess.run([hiring_command(), "simulate", "--candidates", str(TEMPLATES),
                    "--seed", "9"], env=env, check=True, capture_output=True)


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


def clone_attempts(path: Path, *, completed: bool, copies: int) -> int:
    """Insert `copies` copies of each template attempt (the completed ones with their
    responses, or the one never started); return how many attempts were added."""
    db = sqlite3.connect(path, timeout=60)
    db.execute("PRAGMA busy_timeout=60000")
    state = "IN ('submitted', 'scored')" if completed else "= 'invited'"
    templates = [row[0] for row in db.execute(
        f"SELECT id FROM attempt WHERE state {state} AND candidate_name NOT LIKE 'Copy %' "  # noqa: S608
        "ORDER BY id")]
    base = db.execute("SELECT max(id) FROM attempt").fetchone()[0]
    count = len(templates)
    new_id = f"{base} + (c.n - 1) * {count} + t.idx"
    attempt_columns = _columns(db, "attempt")
    special = {"id": new_id, "token_hash": "lower(hex(randomblob(32)))",
               "candidate_email": f"'copy' || ({new_id}) || '@example.com'",
               "candidate_name": f"'Copy ' || ({new_id})", "simulated": "0"}
    chosen = ", ".join(special.get(name, f"a.{name}") for name in attempt_columns)
    response_columns = [name for name in _columns(db, "response") if name != "id"]
    chosen_responses = ", ".join(new_id if name == "attempt_id" else f"r.{name}"
                                 for name in response_columns)
    with db:
        db.execute("CREATE TEMP TABLE template (idx INTEGER PRIMARY KEY, id INTEGER)")
        db.executemany("INSERT INTO template VALUES (?, ?)",
                       [(n + 1, attempt_id) for n, attempt_id in enumerate(templates)])
        counter = (f"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c "
                   f"WHERE n < {int(copies)})")
        db.execute(f"{counter} INSERT INTO attempt ({', '.join(attempt_columns)}) "  # noqa: S608
                   f"SELECT {chosen} FROM c, template t JOIN attempt a ON a.id = t.id "
                   "ORDER BY c.n, t.idx")
        if completed:
            db.execute(f"{counter} INSERT INTO response ({', '.join(response_columns)}) "  # noqa: S608
                       f"SELECT {chosen_responses} FROM c, template t "
                       "JOIN response r ON r.attempt_id = t.id ORDER BY c.n, t.idx, r.position")
    db.close()
    return copies * count


def counts(path: Path) -> tuple[int, int, int]:
    """(responses of completed attempts, attempts, the default assessment's id)."""
    db = sqlite3.connect(path)
    assessment = db.execute("SELECT assessment_id FROM attempt GROUP BY assessment_id "
                            "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    responses = db.execute("SELECT count(*) FROM response r JOIN attempt a ON "
                           "a.id = r.attempt_id WHERE a.state IN ('submitted', 'scored')"
                           ).fetchone()[0]
    attempts = db.execute("SELECT count(*) FROM attempt").fetchone()[0]
    db.close()
    return responses, attempts, assessment


def reference_ms(path: Path, assessment: int, repeats: int = 3) -> float:
    db = sqlite3.connect(path)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        db.execute(REFERENCE_QUERY, (assessment,)).fetchall()
        times.append(time.perf_counter() - started)
    db.close()
    return round(1000 * statistics.median(times), 1)


def timed(browser: Browser, path: str) -> dict:
    """The first request and a second one, in ms."""
    out = {}
    for name in ("first_ms", "again_ms"):
        status, data, elapsed = browser.request("GET", path)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        out[name] = round(1000 * elapsed, 1)
    out["bytes"] = len(data)
    return out


def run(sizes: list[int], invitations: int) -> dict:
    results: dict = {"item_health": [], "pipeline": None, "csv": None}
    with tempfile.TemporaryDirectory() as folder, running_server(
            Path(folder), prepare=prepare) as server:
        path = Path(folder) / "hiring.sqlite"
        # the templates' profiles, queued as a submit queues them, are rendered first
        results["background_render_s"] = round(wait_for_jobs(path, limit=600), 1)
        browser = Browser(server.base_url)
        browser.connection.timeout = 600
        _s, page, _t = browser.request("GET", "/login")
        status, _d, _t = browser.request("POST", "/login", {
            "csrf_token": CSRF.search(page.decode())[1], "email": EMAIL, "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"login answered {status}")
        responses, _attempts, assessment = counts(path)
        per_copy = responses  # the templates' responses: one copy of each adds this many
        for size in sizes:
            if size > responses:
                started = time.perf_counter()
                clone_attempts(path, completed=True, copies=-(-(size - responses) // per_copy))
                inserted_s = time.perf_counter() - started
            else:
                inserted_s = 0.0
            responses, attempts, _a = counts(path)
            browser.connection.close()  # a new connection after the pause
            results["item_health"].append({
                "responses": responses, "attempts": attempts,
                "insert_s": round(inserted_s, 1),
                **timed(browser, f"/admin/assessments/{assessment}/items"),
                "reference_query_ms": reference_ms(path, assessment)})
        _responses, attempts, _a = counts(path)
        if invitations > attempts:
            clone_attempts(path, completed=False, copies=invitations - attempts)
        responses, attempts, _a = counts(path)
        browser.connection.close()
        results["invitations"] = attempts
        results["responses_then"] = responses
        results["pipeline"] = timed(browser, f"/admin/assessments/{assessment}")
        results["csv"] = timed(browser, f"/exports/assessments/{assessment}.csv")
        results["reference_query_ms_then"] = reference_ms(path, assessment)
    return results


def lines_for(figures: dict) -> list[str]:
    lines = ["| page | data | first | again | reference query |", "|---|---:|---:|---:|---:|"]
    for row in figures["item_health"]:
        lines.append(f"| item health | {row['responses']:,} responses ({row['attempts']:,} "
                     f"attempts) | {row['first_ms']} ms | {row['again_ms']} ms | "
                     f"{row['reference_query_ms']} ms |")
    for name, label in (("pipeline", "pipeline (first page)"), ("csv", "CSV export")):
        row = figures[name]
        lines.append(f"| {label} | {figures['invitations']:,} invitations | {row['first_ms']} "
                     f"ms | {row['again_ms']} ms | |")
    health = figures["item_health"]
    if len(health) >= 2:
        data = health[-1]["responses"] / health[0]["responses"]
        took = health[-1]["again_ms"] / health[0]["again_ms"]
        lines += ["", f"Item health: {data:.1f}x the responses took {took:.1f}x the time "
                  f"(the reference query {health[-1]['reference_query_ms'] / max(0.1, health[0]['reference_query_ms']):.1f}x)."]  # noqa: E501
    return lines


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="ten times smaller")
    parser.add_argument("--responses", default="100000,1000000")
    parser.add_argument("--invitations", type=int, default=50_000)
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    sizes = [int(size) // scale for size in args.responses.split(",")]
    figures = {"sizes": sizes, **run(sizes, args.invitations // scale)}
    lines = lines_for(figures)
    path = write_result("growth", figures, lines)
    print("\n".join(lines))
    print(f"written to {path}")
    return figures


if __name__ == "__main__":
    main()
