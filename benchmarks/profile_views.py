"""Profile page and PDF download, served from the pre-rendered store against a miss.

A full attempt of the default assessment, rated by one interviewer, is submitted; the
background job renders its profiles; then HR and the interviewer (a blind rater, who has
rated) open the page and download the PDF. A miss is measured by removing the stored
renderings before each request, so that the request renders as it would without them.

    .venv/bin/python -m benchmarks.profile_views [--runs 50] [--misses 10]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from benchmarks.common import summary_ms, write_result

PASSWORD = "benchmark-password"  # noqa: S105 - a throwaway database's users


def setup(folder: Path):
    """Return the app, the attempt's id and a client per viewer (HR, the rater)."""
    from sqlmodel import select

    from hiring import migrate
    from hiring.accounts import create_user
    from hiring.app import create_app
    from hiring.assessment import engine
    from hiring.assessment.ratings import rate
    from hiring.assessment.simulate import invite_and_complete
    from hiring.banks.importer import import_bank
    from hiring.banks.loader import load_path
    from hiring.config import Defaults
    from hiring.db import session_scope
    from hiring.models import Assessment, ItemRevision, utcnow
    from hiring.rights import assign

    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite'}",
                      "SECRET_KEY": "bench", "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "PROFILE_PRERENDER": True, "JOBS_SERVER_WORKER": False},
                     instance_path=str(folder))
    migrate.upgrade(app.extensions["hiring.engine"])
    rng = random.Random(7)
    with session_scope(app) as session:
        import_bank(load_path(Path(Defaults.BANKS_DIR) / Defaults.DEFAULT_BANK),
                    session=session)
        assessment = session.exec(select(Assessment).where(Assessment.key == "csr")).one()
        rater = create_user(session=session, email="rater@example.com", name="Rater",
                            role="interviewer", password=PASSWORD)
        assign(rater, {assessment.id}, session=session)  # an interviewer sees only these
        create_user(session=session, email="hr@example.com", name="HR", role="hr",
                    password=PASSWORD)
        attempt = invite_and_complete(assessment, session=session, now=utcnow(), rng=rng)
        for response in engine.responses(attempt, session=session):
            if response.score is None:
                content = session.get(ItemRevision, response.revision_id).content
                scores = {c["id"]: rng.randint(2, 5) for c in content["rubric"]}
                rate(response, session=session, rater_id=rater.id, scores=scores,
                     comment="Clear and warm; offers a concrete next step.")
    clients = {}
    for viewer, email in (("HR", "hr@example.com"), ("rater", "rater@example.com")):
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, f"{viewer} could not log in"
        clients[viewer] = client
    return app, attempt, clients


def timed(client, url: str, expect: tuple[int, ...] = (200,)) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code in expect, (url, response.status_code)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--misses", type=int, default=10)
    args = parser.parse_args()

    from hiring import jobs
    from hiring.reports import pdf

    with tempfile.TemporaryDirectory() as folder:
        app, attempt, clients = setup(Path(folder))
        exports = jobs.exports_dir(app)
        urls = {"page": f"/attempts/{attempt.id}", "PDF": f"/attempts/{attempt.id}/profile.pdf"}

        def forget() -> None:
            for path in exports.glob(f"profile-{attempt.id}-*"):
                path.unlink()

        times: dict[str, list[float]] = {}
        for _ in range(args.misses):  # nothing stored: rendered during the request
            for what, url in urls.items():
                forget()
                # A PDF no one rendered yet is left to the job worker: the download
                # answers 202 at once with a page that waits for it.
                times.setdefault(f"{what}, miss (HR)", []).append(
                    timed(clients["HR"], url, (200, 202) if what == "PDF" else (200,)))
        forget()
        jobs.wait_for_tasks()
        started = time.perf_counter()
        jobs.compute_writing_indicators(app, [attempt])  # as a submit does
        jobs.wait_for_tasks()
        jobs.run_due(app)
        background = time.perf_counter() - started
        stored = len(list(exports.glob(f"profile-{attempt.id}-*")))
        renders = pdf.renders
        for _ in range(args.runs):  # interleaved, so that machine noise hits all alike
            for viewer, client in clients.items():
                for what, url in urls.items():
                    times.setdefault(f"{what}, stored ({viewer})", []).append(
                        timed(client, url))
        assert pdf.renders == renders, "a stored profile was rendered again"
        app.extensions["hiring.engine"].dispose()

    stats = {name: summary_ms(values) for name, values in times.items()}
    figures = {"runs": args.runs, "misses": args.misses, "background_render_ms":
               round(1000 * background, 1), "stored_renderings": stored, **stats}
    lines = ["| request | median | p95 | max | n |", "|---|---:|---:|---:|---:|"] + [
        f"| {name} | {s['median_ms']} ms | {s['p95_ms']} ms | {s['max_ms']} ms | {s['n']} |"
        for name, s in stats.items()] + [
        "", f"The background job rendered {stored} files (page fragment and PDF, every "
        f"language, HR's view and the rater's) in {figures['background_render_ms']} ms. "
        "Test client in one process, SQLite; a miss removed the stored renderings first "
        "(a PDF miss is answered 202, a page that waits for the job worker to render it)."]
    path = write_result("profile-views", figures, lines)
    print("\n".join(lines))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
