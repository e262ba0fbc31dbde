"""Panels on paper (CSV out and in) and simulated experts."""

from __future__ import annotations

import csv
import io

import pytest

from hiring.keying import experts, paper, results, rounds, simulate


@pytest.fixture
def round_id(db, bank, clock):
    with db() as session:
        return rounds.open_round(session.merge(bank), name="Paper panel",
                                 item_keys=["sjt-1", "sjt-2"], session=session, actor="hr",
                                 now=clock()).id


def get_round(session, round_id):
    from hiring.models import KeyingRound

    return session.get(KeyingRound, round_id)


def csv_rows(text):
    return list(csv.reader(io.StringIO(text)))


def test_the_blank_template_lists_every_option_of_every_item(db, round_id):
    with db() as session:
        rows = csv_rows(paper.template_csv(get_round(session, round_id), session=session))
    assert rows[0] == ["expert", "item", "option", "rating", "option_text"]
    assert [r[1:3] for r in rows[1:]] == [["sjt-1", o] for o in "abcd"] + [
        ["sjt-2", o] for o in "abcd"]
    assert rows[1] == ["", "sjt-1", "a", "", "Option a of 1"]


def test_every_problem_is_listed_and_nothing_is_stored(db, round_id, clock):
    with db() as session:
        round_ = get_round(session, round_id)
        experts.invite(round_, name="Lina Link", email="lina@example.com", language="en",
                       session=session, actor="hr", now=clock())
        data = (b"expert,item,option,rating\n"
                b"Petra Paper,sjt-1,a,5\n"
                b",sjt-1,b,4\n"
                b"Petra Paper,sjt-9,a,3\n"
                b"Petra Paper,sjt-1,z,3\n"
                b"Petra Paper,sjt-1,c,6\n"
                b"Petra Paper,sjt-1,d,two\n"
                b"petra  paper,sjt-1,a,4\n"
                b"Lina Link,sjt-1,a,5\n"
                b"Petra Paper,sjt-2,a,\n")
        imported = paper.read_csv(data, round_, session=session)
        problems = {row.line: row.problems for row in imported.rows}
        assert problems == {
            2: [],
            3: ["the expert is missing"],
            4: ["unknown item 'sjt-9': not in this round"],
            5: ["item sjt-1 has no option 'z' (it has a, b, c, d)"],
            6: ["the rating '6' is not a whole number from 1 to 5"],
            7: ["the rating 'two' is not a whole number from 1 to 5"],
            8: ["the same expert, item and option as line 2"],
            9: ["Lina Link rates through their link; paper ratings need another name"],
        }
        assert imported.skipped == 1 and imported.new_experts == ["Petra Paper"]
        with pytest.raises(paper.PaperInvalid, match="nothing was stored"):
            paper.store(imported, round_, session=session, actor="hr", now=clock())
        assert len(experts.experts_of(round_, session=session)) == 1


@pytest.mark.parametrize(("data", "message"), [
    (b"name,item\nx,y\n", "missing: expert, option, rating"),
    (b"expert,item,option,rating\n,sjt-1,a,\n", "The file has no ratings"),
    ("expert;item;option;rating\n".encode("utf-16"), "not UTF-8"),
])
def test_a_file_that_cannot_be_read_is_refused_whole(db, round_id, data, message):
    with db() as session, pytest.raises(paper.PaperInvalid, match=message):
        paper.read_csv(data, get_round(session, round_id), session=session)


def test_a_clean_file_creates_paper_experts_and_round_trips(db, round_id, clock):
    lines = ["expert;item;option;rating"]  # a spreadsheet's semicolons are fine too
    for name, ratings in (("Petra Paper", "5432"), ("=Marko", "4321")):
        lines += [f"{name};sjt-1;{o};{r}" for o, r in zip("abcd", ratings, strict=True)]
    with db() as session:
        round_ = get_round(session, round_id)
        imported = paper.read_csv("\n".join(lines).encode(), round_, session=session)
        assert imported.bad == [] and imported.new_experts == ["Petra Paper", "=Marko"]
        assert paper.store(imported, round_, session=session, actor="hr",
                           now=clock()) == (2, 8)
        made = experts.experts_of(round_, session=session)
        assert [(e.name, e.kind, e.token_hash) for e in made] == [
            ("Petra Paper", "paper", None), ("=Marko", "paper", None)]
        exported = paper.export_csv(round_, session=session)
        # A name a spreadsheet would run as a formula is quoted in the export...
        assert "'=Marko,sjt-1,a,4" in exported.splitlines()
        # ...and read back as the same expert, whose ratings the import then updates.
        again = paper.read_csv(exported.replace("'=Marko,sjt-1,a,4", "'=Marko,sjt-1,a,5")
                               .encode(), round_, session=session)
        assert again.bad == [] and again.new_experts == []
        assert paper.store(again, round_, session=session, actor="hr", now=clock()) == (0, 8)
        stats = results.results(round_, session=session)[0].stats
        assert [o.mean for o in stats.options] == [5, 3.5, 2.5, 1.5]


def test_a_closed_round_takes_no_import(db, round_id, clock):
    with db() as session:
        round_ = get_round(session, round_id)
        rounds.close_round(round_, session=session, actor="hr", now=clock())
        with pytest.raises(rounds.RoundClosed):
            paper.read_csv(b"expert,item,option,rating\nA,sjt-1,a,5\n", round_,
                           session=session)


def test_simulated_experts_rate_every_option_near_its_key(db, round_id, clock):
    with db() as session:
        round_ = get_round(session, round_id)
        made = simulate.simulate(round_, experts=6, noise=0, seed=1, session=session,
                                 actor="cli", now=clock())
        assert [e.name for e in made][:2] == ["Simulated expert 1", "Simulated expert 2"]
        assert all(e.kind == "simulated" and e.finished_at == clock() for e in made)
        found = results.results(round_, session=session)
        # Without noise every expert gives the key: the panel agrees perfectly.
        assert all(r.stats.experts == 6 and r.stats.rwg == 1 for r in found)
        assert [o.panel_key for o in found[0].stats.options] == [5, 3, 2, 1]
        noisy = simulate.simulate(round_, experts=3, noise=0.8, seed=7, session=session,
                                  actor="cli", now=clock())
        assert [e.name for e in noisy] == [f"Simulated expert {n}" for n in (7, 8, 9)]
        ratings = experts.ratings_of(noisy[0], session=session)
        assert all(1 <= r <= 5 for by_option in ratings.values() for r in by_option.values())
        with pytest.raises(rounds.KeyingError, match="1 to 200"):
            simulate.simulate(round_, experts=0, noise=1, seed=None, session=session,
                              actor="cli", now=clock())


def test_simulation_is_repeatable_with_a_seed():
    import random

    draws = [[simulate.simulated_rating(3, 0.8, random.Random(5)) for _ in range(3)]
             for _ in range(2)]
    assert draws[0] == draws[1]
    assert simulate.simulated_rating(5, 0, random.Random(0)) == 5
    assert simulate.simulated_rating(1, 0, random.Random(0)) == 1
