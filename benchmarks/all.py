"""Run every comparative benchmark several times and summarise the ratios with their ranges.

    .venv/bin/python -m benchmarks.all [--runs 3] [--quick]
    DATABASE_URL=postgresql://postgres@127.0.0.1/bench_pg .venv/bin/python -m benchmarks.all

Each run: benchmarks.saves on SQLite (with the bare endpoint) and, when DATABASE_URL is
set, on PostgreSQL; benchmarks.pdf; benchmarks.views; benchmarks.growth. Every benchmark
writes its own results; this writes results/all-<time>.json and all-latest.md with each
figure as the median [min-max] over the runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from benchmarks import growth, pdf, saves, views
from benchmarks.common import write_result


def _step(figures: dict, name: str, rate: int) -> dict | None:
    return next((s for s in figures["steps"][name] if s["rate"] == rate), None)


def collect(run: dict) -> dict[str, float | None]:
    """The summary figures of one run, flat."""
    out: dict[str, float | None] = {}
    for database in ("sqlite", "postgresql"):
        figures = run.get(f"saves-{database}")
        if not figures:
            continue
        db = "SQLite" if database == "sqlite" else "PostgreSQL"
        capacity = figures["capacity"]
        out[f"{db}: save capacity, app (saves/s)"] = capacity["app"]
        out[f"{db}: save capacity, reference save (saves/s)"] = capacity["reference"]
        out[f"{db}: save capacity, app / reference"] = (
            round(capacity["app"] / capacity["reference"], 2) if capacity["reference"] else None)
        if "bare" in capacity:
            out["bare Flask endpoint: capacity (requests/s)"] = capacity["bare"]
        for rate in (50, 100):
            app, ref = _step(figures, "app", rate), _step(figures, "reference", rate)
            out[f"{db}: p99 at {rate}/s, app (ms)"] = app and app["latency_ms"]["p99"]
            out[f"{db}: p99 at {rate}/s, reference save (ms)"] = ref and ref["latency_ms"]["p99"]
            out[f"{db}: p99 at {rate}/s, app / reference"] = (
                figures["p99_ratio_app_to_reference"][str(rate)])
            if app and ref and app["server_cpu"] and ref["server_cpu"]:
                app_cpu = 1000 * app["server_cpu"] / app["answered_rate"]
                ref_cpu = 1000 * ref["server_cpu"] / ref["answered_rate"]
                out[f"{db}: server CPU per save at {rate}/s, app (ms)"] = round(app_cpu, 2)
                out[f"{db}: server CPU per save at {rate}/s, reference (ms)"] = round(ref_cpu, 2)
                out[f"{db}: server CPU per save at {rate}/s, app / reference"] = round(
                    app_cpu / ref_cpu, 2)
        for burst in ("start", "submit"):
            b = figures[f"{burst}_burst"]
            out[f"{db}: {burst} burst ({figures['candidates']} in 5 s): all done after (s)"] = (
                b["last_answer_s"])
            out[f"{db}: {burst} burst: errors"] = b["errors"]
            out[f"{db}: {burst} burst: p99 (ms)"] = b["latency_ms"]["p99"]
        out[f"{db}: start burst and submit burst, done after together (s)"] = round(
            figures["start_burst"]["last_answer_s"] + figures["submit_burst"]["last_answer_s"], 3)
        out[f"{db}: acknowledged saves not stored"] = (
            figures["acknowledged"] - figures["acknowledged_and_stored"])
        out[f"{db}: app worker RSS after the run, largest (MiB)"] = max(
            figures["worker_rss_mib"])
    if figures := run.get("pdf"):
        out["PDF: profile render, median (ms)"] = figures["profile"]["median_ms"]
        out["PDF: plain document of the same pages, median (ms)"] = (
            figures["same_pages_reference"]["median_ms"])
        out["PDF: profile / same pages"] = figures["ratio_same_pages_median"]
        out["PDF: pages"] = figures["profile_pages"]
    if figures := run.get("views"):
        for language in ("en", "hr"):
            for name in ("view", "pdf"):
                t = figures[language][name]
                label = f"first {'profile view' if name == 'view' else 'PDF download'} ({language})"
                out[f"{label} (ms)"] = t["first_ms"]
                out[f"{label} / repeated"] = t["first_to_again"]
            out[f"worker RSS after the {language} profile, largest (MiB)"] = max(
                figures[language]["worker_rss_mib"])
        out["cached PDF download (en), median (ms)"] = figures["en"]["pdf"]["again_median_ms"]
        out["bare endpoint of the app, median (ms)"] = figures["bare_endpoint_ms"]
        out["background render of 3 profiles after the start (s)"] = figures.get(
            "background_render_s")
        if "job_worker_rss_mib" in figures["hr"]:
            out["the `hiring worker` process's RSS (MiB)"] = figures["hr"]["job_worker_rss_mib"]
        if other := figures.get("thread_mode"):
            label = "JOBS_SERVER_WORKER = True (threads)"
            out[f"{label}: first profile view (en) (ms)"] = other["en"]["view"]["first_ms"]
            out[f"{label}: first PDF download (en) (ms)"] = other["en"]["pdf"]["first_ms"]
            out[f"{label}: server process RSS after en and hr profiles, largest (MiB)"] = max(
                other["hr"]["worker_rss_mib"])
    if run.get("views") and run.get("pdf"):
        out["first PDF download (en) / plain same-pages render"] = round(
            run["views"]["en"]["pdf"]["first_ms"]
            / run["pdf"]["same_pages_reference"]["median_ms"], 2)
    if figures := run.get("growth"):
        for row in figures["item_health"]:
            label = f"item health at {row['responses'] // 1000}k responses"
            out[f"{label}, first (ms)"] = row["first_ms"]
            out[f"{label}, again (ms)"] = row["again_ms"]
            out[f"{label}, again / reference query"] = round(
                row["again_ms"] / max(0.1, row["reference_query_ms"]), 1)
        k = figures["invitations"] // 1000
        out[f"pipeline page at {k}k invitations, first (ms)"] = figures["pipeline"]["first_ms"]
        out[f"pipeline page at {k}k invitations, again (ms)"] = figures["pipeline"]["again_ms"]
        out[f"CSV export at {k}k invitations, first (ms)"] = figures["csv"]["first_ms"]
        out[f"CSV export at {k}k invitations, again (ms)"] = figures["csv"]["again_ms"]
    return out


def summarise(runs: list[dict[str, float | None]]) -> dict[str, dict]:
    names = list(dict.fromkeys(name for run in runs for name in run))
    summary = {}
    for name in names:
        values = [run[name] for run in runs if run.get(name) is not None]
        if not values:
            summary[name] = {"values": [], "median": None, "min": None, "max": None}
            continue
        summary[name] = {"values": values, "median": statistics.median(values),
                         "min": min(values), "max": max(values)}
    return summary


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="saves,pdf,views,growth",
                        help="comma-separated: saves, pdf, views, growth")
    args = parser.parse_args()
    only = set(args.only.split(","))
    quick = ["--quick"] if args.quick else []
    postgres = os.environ.get("DATABASE_URL")
    began = time.monotonic()
    runs, flat = [], []
    for number in range(1, args.runs + 1):
        print(f"== run {number} of {args.runs}", flush=True)
        run: dict = {}
        if "saves" in only:
            os.environ.pop("DATABASE_URL", None)  # SQLite first
            try:
                run["saves-sqlite"] = saves.main(quick)
            finally:
                if postgres:
                    os.environ["DATABASE_URL"] = postgres
            if postgres:
                run["saves-postgresql"] = saves.main([*quick, "--no-bare"],
                                                     database_url=postgres)
        if "pdf" in only:
            run["pdf"] = pdf.main(["--runs", "3" if args.quick else "10"])
        if "views" in only:
            run["views"] = views.main(["--warm", "3" if args.quick else "5"])
        if "growth" in only:
            run["growth"] = growth.main(quick)
        runs.append(run)
        flat.append(collect(run))
    summary = summarise(flat)
    lines = [f"{args.runs} runs{' (quick)' if args.quick else ''}, "
             f"{(time.monotonic() - began) / 60:.0f} minutes. Each figure: median [min-max] "
             "over the runs.", "", "| figure | median | range | runs |", "|---|---:|---:|---|"]
    for name, s in summary.items():
        if s["median"] is None:
            lines.append(f"| {name} | — | | |")
            continue
        lines.append(f"| {name} | {_number(s['median'])} | [{_number(s['min'])}-"
                     f"{_number(s['max'])}] | {', '.join(_number(v) for v in s['values'])} |")
    path = write_result("all", {"runs": args.runs, "quick": args.quick, "summary": summary,
                                "per_run": flat}, lines)
    print("\n".join(lines))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
