"""First views on a fresh server: does any request wait for a cold cache or a dictionary?

    .venv/bin/python -m benchmarks.views [--warm 5]

A fresh server (`hiring serve`, SQLite) with three simulated, complete attempts. On one
keep-alive connection (gunicorn's threaded workers keep a connection in one worker, so
every request below meets the same worker): the first view of a profile page, then the same
page again (warm, the median of --warm views); the first download of its PDF, then the same
download again (from the PDF cache); the same in Croatian. The resident memory of every
worker is read after the English profile and after the Croatian one, and a bare endpoint's
time on the same server (/healthz) is the floor.
"""

from __future__ import annotations

import argparse
import http.client
import re
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


def prepare(env: dict) -> None:
    subprocess.run([hiring_command(), "demo", "--no-serve"], env=env, check=True,
                   capture_output=True)
    subprocess.run([hiring_command(), "simulate", "--candidates", "3", "--seed", "3"],
                   env=env, check=True, capture_output=True)


def run(warm: int) -> dict:
    with tempfile.TemporaryDirectory() as folder, running_server(
            Path(folder), prepare=prepare) as server:
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
                         "bare_endpoint_ms": round(1000 * floor, 1)}
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
            figures[language] = timings
    return figures


def lines_for(figures: dict) -> list[str]:
    lines = [f"A fresh server, one keep-alive connection (one worker). Floor: a bare endpoint "
             f"of the app (/healthz), median {figures['bare_endpoint_ms']} ms.", "",
             "| request | first | again (median of "
             f"{figures['warm_views']}) | first / again |", "|---|---:|---:|---:|"]
    for language, label in (("en", "English"), ("hr", "Croatian")):
        for name, what in (("view", "profile page"), ("pdf", "profile PDF download")):
            t = figures[language][name]
            lines.append(f"| {label} {what} | {t['first_ms']} ms | {t['again_median_ms']} ms | "
                         f"{t['first_to_again']}x |")
    lines += ["", "Worker resident memory after the English profile: "
              + ", ".join(f"{m} MiB" for m in figures["en"]["worker_rss_mib"])
              + "; after the Croatian one: "
              + ", ".join(f"{m} MiB" for m in figures["hr"]["worker_rss_mib"]) + "."]
    return lines


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warm", type=int, default=5)
    args = parser.parse_args(argv)
    figures = run(args.warm)
    lines = lines_for(figures)
    path = write_result("views", figures, lines)
    print("\n".join(lines))
    print(f"written to {path}")
    return figures


if __name__ == "__main__":
    main()
