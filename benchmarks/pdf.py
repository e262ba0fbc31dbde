"""PDF benchmark: the profile of a full attempt rendered 50 times, against a one-page
reference document with the same fonts in the same process.

    .venv/bin/python -m benchmarks.pdf [--runs 50]
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

from benchmarks.common import summary_ms, write_result

REFERENCE = """<!doctype html><html><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm } body { font-family: "Noto Sans", "DejaVu Sans"; }
</style></head><body><h1>Reference page</h1><p>Čćđšž — Љиљана Петровић — България.</p>
</body></html>"""


def full_profile(folder: Path):
    """Make a database with one complete, rated attempt of the default assessment."""
    from sqlmodel import select

    from hiring import create_app, migrate
    from hiring.accounts import create_user
    from hiring.assessment import engine
    from hiring.assessment.ratings import rate
    from hiring.assessment.simulate import invite_and_complete
    from hiring.banks.importer import import_bank
    from hiring.banks.loader import load_path
    from hiring.config import Defaults
    from hiring.db import session_scope
    from hiring.models import Assessment, utcnow
    from hiring.reports.build import build_profile
    from hiring.scoring.model import TrueProfile

    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite'}",
                      "SECRET_KEY": "bench", "TESTING": True}, instance_path=str(folder))
    migrate.upgrade(app.extensions["hiring.engine"])
    rng = random.Random(7)
    with session_scope(app) as session:
        bank = import_bank(load_path(Path(Defaults.BANKS_DIR) / Defaults.DEFAULT_BANK),
                           session=session).bank
        assessment = session.exec(select(Assessment).where(Assessment.key == "csr")).one()
        rater = create_user(session=session, email="rater@example.com", name="Rater",
                            role="interviewer", password="benchmark-password")
        levels = TrueProfile.draw(list(bank.dimensions), rng).levels
        attempt = invite_and_complete(assessment, session=session, now=utcnow(), rng=rng,
                                      levels=levels)
        for response in engine.responses(attempt, session=session):
            if response.score is None:
                content = session.get(__import__("hiring.models", fromlist=["ItemRevision"])
                                      .ItemRevision, response.revision_id).content
                scores = {c["id"]: rng.randint(2, 5) for c in content["rubric"]}
                rate(response, session=session, rater_id=rater.id, scores=scores,
                     comment="Clear and warm; offers a concrete next step.")
        profile = build_profile(attempt, session=session)
    app.extensions["hiring.engine"].dispose()
    return profile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    from weasyprint import HTML

    from hiring.reports.pdf import _renderer, render_profile_pdf

    with tempfile.TemporaryDirectory() as folder:
        profile = full_profile(Path(folder))
    renderer = _renderer()

    def reference() -> bytes:
        return HTML(string=REFERENCE, url_fetcher=renderer.url_fetcher).write_pdf(
            font_config=renderer.font_config)

    cold_started = time.perf_counter()
    first = render_profile_pdf(profile)
    cold = time.perf_counter() - cold_started
    reference()
    profile_times, reference_times = [], []
    for _ in range(args.runs):  # interleaved, so that machine noise hits both alike
        started = time.perf_counter()
        render_profile_pdf(profile)
        profile_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        reference()
        reference_times.append(time.perf_counter() - started)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    profile_stats, reference_stats = summary_ms(profile_times), summary_ms(reference_times)
    ratio = round(profile_stats["median_ms"] / reference_stats["median_ms"], 2)
    figures = {"runs": args.runs, "cold_first_render_ms": round(1000 * cold, 1),
               "profile": profile_stats, "reference": reference_stats,
               "ratio_median": ratio, "peak_rss_mib": round(peak_mib, 1),
               "profile_pdf_bytes": len(first)}
    lines = [
        "| | median | p95 | max |", "|---|---:|---:|---:|",
        f"| profile PDF (full attempt) | {profile_stats['median_ms']} ms | "
        f"{profile_stats['p95_ms']} ms | {profile_stats['max_ms']} ms |",
        f"| one-page reference | {reference_stats['median_ms']} ms | "
        f"{reference_stats['p95_ms']} ms | {reference_stats['max_ms']} ms |",
        "", f"Ratio of medians: {ratio}x. First render in a cold process: "
        f"{figures['cold_first_render_ms']} ms. Peak resident memory: {figures['peak_rss_mib']}"
        f" MiB. {args.runs} runs each, interleaved.",
    ]
    path = write_result("pdf", figures, lines)
    print("\n".join(lines))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
