"""PDF benchmark: the profile of a full attempt rendered 50 times, against plain WeasyPrint
documents with the same fonts in the same process: one of the same page count as the
profile (full pages of text and a small table), a single full page, and a heading and a line.

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

# A full A4 page of text and a small table in the same fonts: what one page of real
# content costs. (REFERENCE, a heading and a line, measures little beyond the fixed cost.)
_PARAGRAPH = ("Kupac zove treći put zbog istog računa. Saslušajte ga do kraja, ponovite što "
              "ste razumjeli i recite mu što ćete učiniti i do kada. The customer calls for "
              "the third time about the same bill: listen, sum up, and say what happens "
              "next and by when. Љиљана Петровић, България. ")
_HEAD = """<!doctype html><html><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm } body { font-family: "Noto Sans", "DejaVu Sans";
font-size: 10pt; line-height: 1.4 } td, th { border-bottom: 0.5pt solid #999; padding: 2pt }
section { page-break-after: always } section:last-child { page-break-after: auto }
</style></head><body>"""
_PAGE = ("<section><h1>Reference page</h1>"
         + "".join(f"<h2>Section {n}</h2><p>{_PARAGRAPH * 2}</p>" for n in range(1, 5))
         + "<table><tr><th>Dimension</th><th>Score</th><th>Band</th></tr>"
         + "".join(f"<tr><td>Dimension {n}</td><td>{50 + n}</td><td>{30 + n}–{70 + n}</td>"
                   "</tr>" for n in range(1, 7))
         + "</table></section>")


def pages_of_text(pages: int) -> str:
    """A plain document of `pages` full A4 pages in the profile's fonts."""
    return _HEAD + _PAGE * pages + "</body></html>"


FULL_PAGE = pages_of_text(1)

REFERENCE = """<!doctype html><html><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm } body { font-family: "Noto Sans", "DejaVu Sans"; }
</style></head><body><h1>Reference page</h1><p>Čćđšž — Љиљана Петровић — България.</p>
</body></html>"""


def full_profile(folder: Path):
    """Make a database with one complete, rated attempt of the default assessment."""
    from sqlmodel import select

    from hiring import migrate
    from hiring.accounts import create_user
    from hiring.app import create_app
    from hiring.assessment import engine
    from hiring.assessment.ratings import rate
    from hiring.assessment.simulate import invite_and_complete
    from hiring.assessment.writing import fill_indicators
    from hiring.banks.importer import import_bank
    from hiring.banks.loader import load_path
    from hiring.config import Defaults
    from hiring.db import session_scope
    from hiring.models import Assessment, utcnow
    from hiring.reports.build import build_profile

    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite'}",
                      "SECRET_KEY": "bench", "TESTING": True}, instance_path=str(folder))
    migrate.upgrade(app.extensions["hiring.engine"])
    rng = random.Random(7)
    with session_scope(app) as session:
        import_bank(load_path(Path(Defaults.BANKS_DIR) / Defaults.DEFAULT_BANK),
                    session=session)
        assessment = session.exec(select(Assessment).where(Assessment.key == "csr")).one()
        rater = create_user(session=session, email="rater@example.com", name="Rater",
                            role="interviewer", password="benchmark-password")
        attempt = invite_and_complete(assessment, session=session, now=utcnow(), rng=rng)
        for response in engine.responses(attempt, session=session):
            if response.score is None:
                content = session.get(__import__("hiring.models", fromlist=["ItemRevision"])
                                      .ItemRevision, response.revision_id).content
                scores = {c["id"]: rng.randint(2, 5) for c in content["rubric"]}
                rate(response, session=session, rater_id=rater.id, scores=scores,
                     comment="Clear and warm; offers a concrete next step.")
    # The writing indicators, as the background job stores them after a submit.
    fill_indicators(read=lambda: session_scope(app), write=lambda: session_scope(app),
                    attempt_ids=[attempt.id])
    with session_scope(app) as session:
        profile = build_profile(session.merge(attempt), session=session, blind_for=None)
    app.extensions["hiring.engine"].dispose()
    return profile


def _page_count(pdf: bytes) -> int:
    """Count the pages with poppler's pdfinfo, as the tests read PDFs with poppler."""
    import subprocess

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True,
                              check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines()
                    if line.startswith("Pages:")))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)

    from weasyprint import HTML

    from hiring.reports.pdf import _renderer, render_profile_pdf

    with tempfile.TemporaryDirectory() as folder:
        profile = full_profile(Path(folder))
    renderer = _renderer()

    def reference(source: str = REFERENCE) -> bytes:
        return HTML(string=source, url_fetcher=renderer.url_fetcher).write_pdf(
            font_config=renderer.font_config)


    cold_started = time.perf_counter()
    first = render_profile_pdf(profile)
    cold = time.perf_counter() - cold_started
    profile_pages = _page_count(first)
    full_page_pages = _page_count(reference(FULL_PAGE))
    if full_page_pages != 1:
        raise SystemExit(f"the full-page reference has {full_page_pages} pages; fix it")
    same_pages = pages_of_text(profile_pages)
    if (found := _page_count(reference(same_pages))) != profile_pages:
        raise SystemExit(f"the same-pages reference has {found} pages, not {profile_pages}")
    times: dict[str, list[float]] = {"profile": [], "same_pages": [], "reference": [],
                                     "full_page": []}
    for _ in range(args.runs):  # interleaved, so that machine noise hits all alike
        for name, render in (("profile", lambda: render_profile_pdf(profile)),
                             ("same_pages", lambda: reference(same_pages)),
                             ("reference", reference),
                             ("full_page", lambda: reference(FULL_PAGE))):
            started = time.perf_counter()
            render()
            times[name].append(time.perf_counter() - started)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stats = {name: summary_ms(values) for name, values in times.items()}
    ratio = round(stats["profile"]["median_ms"] / stats["reference"]["median_ms"], 2)
    full_ratio = round(stats["profile"]["median_ms"] / stats["full_page"]["median_ms"], 2)
    same_ratio = round(stats["profile"]["median_ms"] / stats["same_pages"]["median_ms"], 2)
    per_page = round(full_ratio / profile_pages, 2)
    figures = {"runs": args.runs, "cold_first_render_ms": round(1000 * cold, 1),
               "profile": stats["profile"], "reference": stats["reference"],
               "full_page_reference": stats["full_page"], "profile_pages": profile_pages,
               "same_pages_reference": stats["same_pages"],
               "ratio_same_pages_median": same_ratio,
               "ratio_median": ratio, "ratio_full_page_median": full_ratio,
               "ratio_per_page": per_page, "peak_rss_mib": round(peak_mib, 1),
               "profile_pdf_bytes": len(first)}
    label = {"profile": f"profile PDF (full attempt, {profile_pages} pages)",
             "same_pages": f"reference: {profile_pages} full pages of text, the same fonts",
             "reference": "reference: a heading and a line", "full_page": "reference: a full page"}
    lines = ["| | median | p95 | max |", "|---|---:|---:|---:|"] + [
        f"| {label[name]} | {s['median_ms']} ms | {s['p95_ms']} ms | {s['max_ms']} ms |"
        for name, s in stats.items()] + [
        "", f"Ratio of medians: **{same_ratio}x the plain document of the same {profile_pages}"
        f" pages**, {ratio}x the heading-and-a-line reference, {full_ratio}x the "
        f"full page, {per_page}x the full page per page. First render in a cold process: "
        f"{figures['cold_first_render_ms']} ms. Peak resident memory: {figures['peak_rss_mib']}"
        f" MiB. {args.runs} runs each, interleaved.",
    ]
    path = write_result("pdf", figures, lines)
    print("\n".join(lines))
    print(f"written to {path}")
    return figures


if __name__ == "__main__":
    main()
