"""The item-health page's reliability section and its CSV."""

from __future__ import annotations

import csv
import io
import random
import re

from sqlmodel import update

from hiring import jobs
from hiring.assessment.simulate import invite_and_complete
from hiring.models import Attempt
from hiring.scoring import aggregates, item_health
from hiring.scoring.reliability import CSV_COLUMNS


def simulate(db, assessment, clock, n: int) -> None:
    rng = random.Random(5)
    with db() as session:
        for _ in range(n):
            invite_and_complete(session.merge(assessment), session=session, now=clock(),
                                rng=rng)


def test_simulated_attempts_do_not_count(client, auth, db, assessment, clock):
    simulate(db, assessment, clock, 3)
    auth.login("hr")
    html = client.get(f"/admin/assessments/{assessment.id}/items").get_data(as_text=True)
    assert "No completed attempts count yet (simulated ones never do)" in html


def test_reliability_from_real_attempts_on_the_page_and_in_the_csv(client, auth, db,
                                                                    assessment, clock):
    simulate(db, assessment, clock, 55)
    with db() as session:  # as if real candidates had answered so
        session.execute(update(Attempt).values(simulated=False))
    auth.login("hr")
    page = client.get(f"/admin/assessments/{assessment.id}/items")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for name in ("ICC(1)", "Spearman-Brown", "SEM", "bootstrap", "PRMSE",
                 "Haberman's criterion"):
        assert name in html, name
    assert "<td>data</td>" in html  # judgement: four situations an attempt
    assert "one item per attempt: no pairs of items to estimate ICC(1) from" in html
    assert "indication only" in html
    link = f"/admin/assessments/{assessment.id}/reliability.csv"
    assert f'href="{link}"' in html

    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == CSV_COLUMNS
    table = {(row[0], row[1]): dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]}
    judgement = table["scale", "judgement"]
    assert (judgement["source"], judgement["attempts"], judgement["items"]) == ("data", "55", "4")
    assert judgement["why"] == "estimated from 55 attempts with two or more items"
    assert 0 < float(judgement["reliability"]) < 1
    assert float(judgement["reliability_low_95"]) <= float(judgement["reliability"])
    assert table["scale", "numeracy"]["source"] == "prior"
    composure = table["subscore", "composure"]
    assert (composure["source"], composure["verdict"]) == ("prior", "indication only")


def test_interviewers_may_not_download_the_reliability_csv(client, auth, assessment):
    auth.login("interviewer")
    assert client.get(f"/admin/assessments/{assessment.id}/reliability.csv"
                      ).status_code == 403
    assert client.get(f"/admin/assessments/{assessment.id}/items").status_code == 403


def test_the_page_says_when_its_item_statistics_were_computed(client, auth, db, assessment,
                                                              clock, monkeypatch):
    monkeypatch.setattr(item_health, "INLINE_LIMIT", 0)  # as if there were a million
    auth.login("hr")
    simulate(db, assessment, clock, 3)
    url = f"/admin/assessments/{assessment.id}/items"
    waiting = client.get(url).get_data(as_text=True)
    assert "are being computed" in waiting and "<h2>Care" not in waiting
    # The request started the task that keeps them (inline in tests): now they are read.
    with db() as session:
        kept = aggregates.read(assessment.id, item_health.ITEM_HEALTH, session=session)
        assert kept.fingerprint.n_attempts == 3
    html = client.get(url).get_data(as_text=True)
    assert "figures-age" not in html and "3 completed attempts" in html
    simulate(db, assessment, clock, 1)
    monkeypatch.setattr(jobs, "keep_aggregates", lambda app, stale: None)  # not yet done
    html = client.get(url).get_data(as_text=True)
    assert "4 completed attempts" in html
    assert re.search(r"computed at \w{3} \d+, \d{4}, \d+:\d\d\s[AP]M UTC from 3 completed attempts "
                     r"\(now 4\): attempts completed or scored again since then are not", html)
