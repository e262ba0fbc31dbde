"""First views on a fresh server: does any request wait for a cold cache or a dictionary?

    .venv/bin/python -m benchmarks.views [--warm 5]

A fresh server (`hiring serve`, SQLite) with three simulated, complete attempts, whose
profiles are queued for rendering in the background as a submit queues them. The
benchmark waits until the background render is done (the time it took is reported),
then, on one keep-alive connection (gunicorn's threaded workers keep a connection in one
worker, so every request below meets the same worker): the first view of a profile page,
then the same page again (warm, the median of --warm views); the first download of its
PDF, then the same download again; the same in Croatian. The resident memory of every
worker is read after the English profile and after the Croatian one, and a bare
endpoint's time on the same server (/healthz) is the floor.

This is done twice: with the default setting (`hiring serve` starts a `hiring worker`
process beside its server processes, which renders every PDF), and with
JOBS_SERVER_WORKER = True (each server process runs a worker thread and renders a PDF
itself, the former default): the server processes' memory is the figure to compare.
"""

from __future__ import annotations

import argparse
import http.client
import re
import sqlite3
import statistics
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

from benchmarks.common import write_result
from benchmarks.server import hiring_command, running_server

CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
EMAIL, PASSWORD = "hr@example.com", "demo-password"  # hiring demo's HR user


class Browser:
    """One keep-alive connection with a cookie."""

    def __init__(self, base_url: str):
        url = urllib.parse.urlsplit(base_url)
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None
                ) -> tuple[int, bytes, float]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - started
        if cookie := response.getheader("Set-Cookie"):
            self.cookie = cookie.split(";", 1)[0]
        return response.status, data, elapsed


def prepare(env: dict, *, server_worker: bool = False) -> None:
    subprocess.run([hiring_command(), "demo", "--no-serve"], env=env, check=True,
                   capture_output=True)
    subprocess.run([hiring_command(), "simulate", "--candidates", "3", "--seed", "3"],
                   env=env, check=True, capture_output=True)
    if server_worker:
        with open(Path(env["HIRING_INSTANCE"]) / "config.py", "a", encoding="utf-8") as out:
            out.write("\nJOBS_SERVER_WORKER = True\n")


def wait_for_jobs(database: Path, limit: float = 120) -> float:
    """Wait until no job is queued or running; return the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        with sqlite3.connect(database) as connection:
            (pending,) = connection.execute(
                "SELECT count(*) FROM job WHERE lower(state) IN ('queued', 'running')"
                " AND kind = 'profile_prerender'").fetchone()
        if not pending:
            return time.perf_counter() - started
        time.sleep(0.2)
    raise RuntimeError("the background render did not finish")


def run(warm: int, *, server_worker: bool = False) -> dict:
    environment: dict = {}

    def prepared(env: dict) -> None:
        environment.update(env)
        prepare(env, server_worker=server_worker)

    with tempfile.TemporaryDirectory() as folder, running_server(
            Path(folder), prepare=prepared) as server:
        return measure(server, warm, Path(folder) / "hiring.sqlite")


def measure(server, warm: int, database: Path) -> dict:
    """Wait for the background render, then time the views on one connection."""
    waited = wait_for_jobs(database)
    browser = Browser(server.base_url)
    _s, page, _t = browser.request("GET", "/login")
    status, _d, _t = browser.request("POST", "/login", {
        "csrf_token": CSRF.search(page.decode())[1], "email": EMAIL, "password": PASSWORD})
    if status != 302:
        raise RuntimeError(f"login answered {status}")
    _s, listing, _t = browser.request("GET", "/attempts/")
    attempt = int(re.search(r'href="/attempts/(\d+)"', listing.decode())[1])
    floor = statistics.median(browser.request("GET", "/healthz")[2] for _ in range(warm))
    figures: dict = {"attempt": attempt, "warm_views": warm,
                     "bare_endpoint_ms": round(1000 * floor, 1),
                     "background_render_s": round(waited, 1),
                     "worker_process": bool(server.job_worker_pids())}
    for language in ("en", "hr"):
        query = f"?lang={language}"
        timings = {}
        for name, path in (("view", f"/attempts/{attempt}{query}"),
                           ("pdf", f"/attempts/{attempt}/profile.pdf{query}")):
            status, data, first = browser.request("GET", path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            again = [browser.request("GET", path)[2] for _ in range(warm)]
            timings[name] = {"first_ms": round(1000 * first, 1),
                             "again_median_ms": round(1000 * statistics.median(again), 1),
                             "first_to_again": round(first / statistics.median(again), 1),
                             "bytes": len(data)}
        timings["worker_rss_mib"] = server.worker_rss_mib()
        if figures["worker_process"]:
            timings["job_worker_rss_mib"] = max(server.job_worker_rss_mib())
        figures[language] = timings
    return figures


def lines_for(figures: dict) -> list[str]:
    lines = []
    for mode, title in ((figures, "A `hiring worker` process beside the server's (the default)"),
                        (figures.get("thread_mode"),
                         "JOBS_SERVER_WORKER = True: a worker thread in each server process")):
        if not mode:
            continue
        lines += [f"### {title}", "",
                  f"A fresh server; the background render of the three profiles took "
                  f"{mode['background_render_s']} s after it started, and the views below "
                  f"came after it. One keep-alive connection (one worker). Floor: a bare "
                  f"endpoint of the app (/healthz), median {mode['bare_endpoint_ms']} ms.", "",
                  "| request | first | again (median of "
                  f"{mode['warm_views']}) | first / again |", "|---|---:|---:|---:|"]
        for language, label in (("en", "English"), ("hr", "Croatian")):
            for name, what in (("view", "profile page"), ("pdf", "profile PDF download")):
                t = mode[language][name]
                lines.append(f"| {label} {what} | {t['first_ms']} ms | "
                             f"{t['again_median_ms']} ms | {t['first_to_again']}x |")
        lines += ["", "Server processes' resident memory after the English profile: "
                  + ", ".join(f"{m} MiB" for m in mode["en"]["worker_rss_mib"])
                  + "; after the Croatian one: "
                  + ", ".join(f"{m} MiB" for m in mode["hr"]["worker_rss_mib"]) + "."]
        if "job_worker_rss_mib" in mode["hr"]:
            lines.append(f"The `hiring worker` process (which rendered the PDFs): "
                         f"{mode['hr']['job_worker_rss_mib']} MiB.")
        lines.append("")
    return lines


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warm", type=int, default=5)
    args = parser.parse_args(argv)
    figures = run(args.warm)
    figures["thread_mode"] = run(args.warm, server_worker=True)
    lines = lines_for(figures)
    path = write_result("views", figures, lines)
    print("\n".join(lines))
    print(f"written to {path}")
    return figures


if __name__ == "__main__":
    main()
