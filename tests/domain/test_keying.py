"""Keying rounds: opening, experts by link, ratings, results and adopting the panel's key."""

from __future__ import annotations

import pytest
from sqlmodel import select

from hiring.assessment import engine
from hiring.assessment.recipes import create_assessment
from hiring.banks import editing
from hiring.items.types import get_type
from hiring.keying import adopt, experts, results, rounds
from hiring.models import AuditEvent, Item, ItemRevision
from tests.factories import make_attempt

# Panel ratings of sjt-1 (keyed a5 b3 c2 d1 in the mini bank): the experts think b best.
PANEL = [{"a": 3, "b": 5, "c": 2, "d": 1},
         {"a": 3, "b": 5, "c": 1, "d": 1},
         {"a": 4, "b": 5, "c": 2, "d": 1},
         {"a": 3, "b": 4, "c": 2, "d": 2},
         {"a": 3, "b": 5, "c": 2, "d": 1}]


def open_round(session, bank, keys=None, clock=None, name="Pilot panel"):
    return rounds.open_round(session.merge(bank), name=name, item_keys=keys, session=session,
                             actor="hr@example.com", now=clock())


def rate(session, round_, ratings, clock, key="sjt-1", prefix="Expert"):
    """Invite one link expert per row of ratings and store their ratings of item `key`."""
    item = next(i for i in rounds.round_items(round_, session=session) if i.key == key)
    made = []
    for number, row in enumerate(ratings, start=1):
        expert, _token = experts.invite(round_, name=f"{prefix} {number}",
                                        email=f"{prefix.lower()}{number}@example.com",
                                        language="en", session=session, actor="hr", now=clock())
        experts.save_ratings(expert, item, experts.check_ratings(item, row), session=session,
                             now=clock())
        made.append(expert)
    return made


def current_content(session, key):
    item = session.exec(select(Item).where(Item.key == key)).one()
    return editing.get_revision(item, item.current_revision, session=session).content


def test_a_round_takes_every_active_sjt_item_at_its_current_revision(db, bank, clock):
    with db() as session:
        round_ = open_round(session, bank, clock=clock)
        items = rounds.round_items(round_, session=session)
        assert [i.key for i in items] == ["sjt-1", "sjt-2", "sjt-3", "sjt-4"]
        assert [i.position for i in items] == [1, 2, 3, 4]
        assert all(i.revision.number == i.item.current_revision for i in items)
        assert round_.state == "open" and round_.created_by == "hr@example.com"
        chosen = open_round(session, bank, ["sjt-3", "sjt-1"], clock, name="Two")
        assert [i.key for i in rounds.round_items(chosen, session=session)] == ["sjt-3", "sjt-1"]
        summaries = rounds.rounds_of(session.merge(bank), session=session)
        assert [(s.round.name, s.items, s.experts) for s in summaries] == [
            ("Two", 2, 0), ("Pilot panel", 4, 0)]
        actions = session.exec(select(AuditEvent.action)).all()
        assert actions == ["keying_opened", "keying_opened"]


@pytest.mark.parametrize(("name", "keys", "message"), [
    ("", None, "Give the round a name."),
    ("R", ["num-1"], "Not an active SJT item of the bank: num-1."),
    ("R", ["sjt-9", "sjt-1"], "Not an active SJT item of the bank: sjt-9."),
    ("R", [], "Choose at least one item."),
])
def test_a_round_needs_a_name_and_sjt_items(db, bank, clock, name, keys, message):
    with db() as session, pytest.raises(rounds.KeyingError, match=message):
        open_round(session, bank, keys, clock, name=name)


def test_an_expert_is_invited_by_a_link_stored_hashed(db, bank, clock):
    with db() as session:
        round_ = open_round(session, bank, clock=clock)
        expert, token = experts.invite(round_, name="  Iva   Lead ", email="Iva@Example.com",
                                       language="hr", session=session, actor="hr", now=clock())
        assert (expert.name, expert.email, expert.kind) == ("Iva Lead", "iva@example.com",
                                                             "link")
        assert token not in expert.token_hash and len(token) >= 32
        assert experts.find_by_token(token, session=session).id == expert.id
        assert experts.find_by_token(token + "x", session=session) is None
        new = experts.new_link(expert)
        assert experts.find_by_token(token, session=session) is None
        assert experts.find_by_token(new, session=session).id == expert.id
        for name, email, language, message in [
            ("Iva lead", "x@example.com", "en", "already has an expert called Iva lead"),
            ("Ana", "not-an-address", "en", "not a valid e-mail address"),
            ("Ana", "ana@example.com", "de", "Choose one of the bank's languages: en, hr"),
        ]:
            with pytest.raises(rounds.KeyingError, match=message):
                experts.invite(round_, name=name, email=email, language=language,
                               session=session, actor="hr", now=clock())


def test_ratings_are_checked_saved_and_counted(db, bank, clock):
    with db() as session:
        round_ = open_round(session, bank, clock=clock)
        items = rounds.round_items(round_, session=session)
        expert, _ = experts.invite(round_, name="Iva", email="iva@example.com", language="en",
                                   session=session, actor="hr", now=clock())
        for raw, message in [({"z": 3}, "has no option 'z'"), ({"a": 6}, "from 1 to 5"),
                             ({"a": True}, "from 1 to 5"), ({"a": 2.5}, "from 1 to 5"),
                             (["a"], "per option")]:
            with pytest.raises(experts.RatingInvalid, match=message):
                experts.check_ratings(items[0], raw)
        checked = experts.check_ratings(items[0], {"a": 5, "b": "4"})
        assert checked == {"a": 5, "b": 4}
        assert experts.save_ratings(expert, items[0], checked, session=session,
                                    now=clock()) == 2
        assert expert.started_at == clock()
        assert experts.save_ratings(expert, items[0], {"a": 5, "b": 3}, session=session,
                                    now=clock()) == 1  # a unchanged
        progress = experts.progress(round_, items, session=session)
        assert [(p.rated, p.total, p.status) for p in progress] == [(0, 4, "started")]
        experts.save_ratings(expert, items[0], {"c": 2, "d": 1}, session=session, now=clock())
        assert experts.progress(round_, items, session=session)[0].rated == 1
        assert experts.ratings_of(expert, session=session) == {
            items[0].item.id: {"a": 5, "b": 3, "c": 2, "d": 1}}


def test_a_closed_round_refuses_ratings_and_experts(db, bank, clock):
    with db() as session:
        round_ = open_round(session, bank, clock=clock)
        item = rounds.round_items(round_, session=session)[0]
        expert, _ = experts.invite(round_, name="Iva", email="iva@example.com", language="en",
                                   session=session, actor="hr", now=clock())
        rounds.close_round(round_, session=session, actor="hr", now=clock())
        assert round_.state == "closed" and round_.closed_at == clock()
        with pytest.raises(rounds.RoundClosed, match="is closed"):
            experts.save_ratings(expert, item, {"a": 4}, session=session, now=clock())
        with pytest.raises(rounds.RoundClosed):
            experts.invite(round_, name="Ana", email="ana@example.com", language="en",
                           session=session, actor="hr", now=clock())
        with pytest.raises(rounds.RoundClosed):
            experts.remove(expert, session=session, actor="hr", now=clock())
        with pytest.raises(rounds.RoundClosed):
            rounds.close_round(round_, session=session, actor="hr", now=clock())


def test_removing_an_expert_removes_their_ratings(db, bank, clock):
    with db() as session:
        round_ = open_round(session, bank, clock=clock)
        first, second = rate(session, round_, PANEL[:2], clock)
        experts.remove(first, session=session, actor="hr", now=clock())
        found = results.results(round_, session=session)[0]
        assert found.stats.raters == 1 and found.stats.experts == 1
        assert [e.id for e in experts.experts_of(round_, session=session)] == [second.id]


def test_results_compare_the_panel_with_the_current_key(db, bank, clock):
    with db() as session:
        round_ = open_round(session, bank, clock=clock)
        rate(session, round_, PANEL, clock)
        found = {r.key: r for r in results.results(round_, session=session)}
        sjt1 = found["sjt-1"].stats
        assert sjt1.experts == 5
        assert [(o.option_id, o.key, o.panel_key) for o in sjt1.options] == [
            ("a", 5, 3), ("b", 3, 5), ("c", 2, 2), ("d", 1, 1)]
        assert sjt1.panel_best == ["b"] and sjt1.key_best == ["a"] and sjt1.best_differs
        # b - a per expert: 2, 2, 1, 1, 2 -> mean 1.6, variance 0.3, interval 1.6 ± 0.68
        assert sjt1.gap.clearly_apart and sjt1.gap.low == pytest.approx(0.9199, abs=1e-4)
        assert not found["sjt-2"].stats.rated and found["sjt-2"].stats.flags == []
        assert results.agreeing(list(found.values())) == ["sjt-1"]


def test_adopting_makes_a_new_revision_with_the_panels_keys(db, bank, clock):
    with db() as session:
        round_ = open_round(session, bank, clock=clock)
        rate(session, round_, PANEL, clock)
        before = current_content(session, "sjt-1")
        [revision] = adopt.adopt(round_, ["sjt-1"], session=session, actor="hr@example.com",
                                 now=clock(), min_panel=5)
        assert revision.number == 2 and revision.created_by == "hr@example.com"
        after = current_content(session, "sjt-1")
        assert [o["key"] for o in after["options"]] == [3, 5, 2, 1]
        assert after["keying"] == {"method": "panel", "round": round_.id,
                                   "round_name": "Pilot panel", "experts": 5,
                                   "statistic": "r_wg(J)",
                                   "agreement": round(results.results(
                                       round_, session=session)[0].stats.rwg, 3),
                                   "adopted_at": "2026-03-02"}
        # Only the keys (and the record of where they came from) changed.
        strip = lambda c: {k: v for k, v in c.items() if k != "keying"} | {  # noqa: E731
            "options": [{k: v for k, v in o.items() if k != "key"} for o in c["options"]]}
        assert strip(after) == strip(before)
        event = session.exec(select(AuditEvent).where(
            AuditEvent.action == "keying_adopted")).one()
        assert event.detail["item"] == "sjt-1" and event.detail["revision"] == 2


def test_adopting_is_refused_below_the_minimum_panel(db, bank, clock):
    with db() as session:
        round_ = open_round(session, bank, clock=clock)
        rate(session, round_, PANEL[:4], clock)
        with pytest.raises(adopt.AdoptRefused) as refused:
            adopt.adopt(round_, ["sjt-1", "sjt-2"], session=session, actor="hr", now=clock(),
                        min_panel=5)
        assert refused.value.problems == [
            "sjt-1: 4 experts rated every option; adopting a panel's key takes at least 5 "
            "(KEYING_MIN_PANEL).",
            "sjt-2: 0 experts rated every option; adopting a panel's key takes at least 5 "
            "(KEYING_MIN_PANEL)."]
        assert current_content(session, "sjt-1").get("keying") is None
        assert adopt.adopt(round_, ["sjt-1"], session=session, actor="hr", now=clock(),
                           min_panel=4)[0].number == 2


def test_adopting_is_refused_when_the_options_were_edited_since(db, bank, clock):
    with db() as session:
        round_ = open_round(session, bank, clock=clock)
        rate(session, round_, PANEL, clock)
        item = session.exec(select(Item).where(Item.key == "sjt-1")).one()
        content = current_content(session, "sjt-1")
        content["options"][0]["text"]["en"] = "A different first option"
        editing.save_revision(item, content, session=session, author="hr", now=clock())
        found = results.results(round_, session=session)[0]
        assert found.options_changed
        with pytest.raises(adopt.AdoptRefused, match="options were edited after the round"):
            adopt.adopt(round_, ["sjt-1"], session=session, actor="hr", now=clock())


def test_started_attempts_keep_their_key_and_new_ones_get_the_panels(db, bank, clock):
    with db() as session:
        assessment = create_assessment(
            session=session, bank=session.merge(bank), name="SJT only", shuffle=False,
            sections=[{"title": "Situations", "type": "sjt", "count": 4}])
        before, _ = make_attempt(session, assessment, now=clock(), started=True)
        round_ = open_round(session, bank, clock=clock)
        rate(session, round_, PANEL, clock)
        adopt.adopt(round_, ["sjt-1"], session=session, actor="hr", now=clock())
        after, _ = make_attempt(session, assessment, now=clock(), started=True,
                                email="ivo@example.com")
        scores = {}
        for attempt in (before, after):
            position = next(r.position for r in engine.responses(attempt, session=session)
                            if session.get(ItemRevision, r.revision_id).content["id"] == "sjt-1")
            engine.save_answer(attempt, position, {"best": "b"}, session=session, now=clock(),
                               seq=1)
            engine.submit(attempt, session=session, now=clock())
            scores[attempt.id] = engine.response_at(attempt, position, session=session).score
        assert scores[before.id] == 0.5  # b was keyed 3: (3 - 1) / 4
        assert scores[after.id] == 1.0  # the panel keyed b 5


def test_the_form_editor_keeps_the_keying_unless_a_key_changes(db, bank, clock):
    with db() as session:
        round_ = open_round(session, bank, clock=clock)
        rate(session, round_, PANEL, clock)
        adopt.adopt(round_, ["sjt-1"], session=session, actor="hr", now=clock())
        item = session.exec(select(Item).where(Item.key == "sjt-1")).one()
        form_edit = {k: v for k, v in current_content(session, "sjt-1").items()
                     if k != "keying"}  # the form has no keying field
        form_edit["stem"] = {"en": "Situation 1, reworded.", "hr": "Situacija 1, drukčije."}
        kept, note = editing.carry_over(item, form_edit, session=session, from_form=True)
        assert kept["keying"]["round"] == round_.id and note is None
        rekeyed = dict(form_edit, options=[dict(o) for o in form_edit["options"]])
        rekeyed["options"][0]["key"] = 4
        dropped, note = editing.carry_over(item, rekeyed, session=session, from_form=True)
        assert "keying" not in dropped and "no longer records the panel's keying" in note
        # The YAML editor shows the keying: what it says stands, unless a key changed.
        yaml_edit = dict(current_content(session, "sjt-1"), stem=form_edit["stem"])
        assert editing.carry_over(item, yaml_edit, session=session,
                                  from_form=False)[0]["keying"] == kept["keying"]
        yaml_rekeyed = dict(rekeyed, keying=kept["keying"])
        assert "keying" not in editing.carry_over(item, yaml_rekeyed, session=session,
                                                  from_form=False)[0]


def test_where_the_key_came_from_in_english_and_croatian(db, bank, clock):
    sjt = get_type("sjt")
    with db() as session:
        content = current_content(session, "sjt-1")
        assert sjt.key_source(content, "en") == "keyed by the bank's authors"
        assert sjt.key_source(content, "hr") == "ključ su odredili autori banke pitanja"
        keyed = dict(content, keying={"method": "panel", "round": 3, "round_name": "Pilot",
                                      "experts": 6, "statistic": "r_wg(J)",
                                      "agreement": 0.8234, "adopted_at": "2026-12-07"})
        assert sjt.key_source(keyed, "en") == ("keyed by a panel of 6 experts (round Pilot, "
                                               "December 7, 2026), r_wg(J) = 0.82")
        assert sjt.key_source(keyed, "hr") == ("ključ je odredio panel od 6 stručnjaka (krug "
                                               "Pilot, 7. prosinca 2026.), r_wg(J) = 0,82")
        one = dict(keyed, keying=dict(keyed["keying"], experts=1, agreement=None))
        assert sjt.key_source(one, "en") == ("keyed by a panel of 1 expert (round Pilot, "
                                             "December 7, 2026)")
        assert get_type("numeric").key_source({}, "en") is None


def test_the_keying_travels_with_the_bank_file(db, bank, clock):
    from hiring.banks.exporter import export_bank
    from hiring.banks.loader import parse_text

    with db() as session:
        round_ = open_round(session, bank, clock=clock)
        rate(session, round_, PANEL, clock)
        adopt.adopt(round_, ["sjt-1"], session=session, actor="hr", now=clock())
        text = export_bank(session.merge(bank), session=session)
        assert "keying:" in text and "round_name: Pilot panel" in text
        reloaded = parse_text(text, "export.yaml")
        sjt1 = next(i for i in reloaded.items if i["id"] == "sjt-1")
        assert sjt1["keying"] == current_content(session, "sjt-1")["keying"]


def test_item_health_and_the_profile_say_where_the_keys_came_from(db, bank, clock):
    from hiring.reports.build import build_profile
    from hiring.reports.pdf import render_profile_html
    from hiring.scoring.item_stats import key_sources

    with db() as session:
        assessment = create_assessment(
            session=session, bank=session.merge(bank), name="SJT only", shuffle=False,
            sections=[{"title": "Situations", "type": "sjt", "count": 4}])
        before, _ = make_attempt(session, assessment, now=clock(), started=True)
        engine.submit(before, session=session, now=clock())
        round_ = open_round(session, bank, clock=clock)
        rate(session, round_, PANEL, clock)
        adopt.adopt(round_, ["sjt-1"], session=session, actor="hr", now=clock())
        after, _ = make_attempt(session, assessment, now=clock(), started=True,
                                email="ivo@example.com")
        engine.submit(after, session=session, now=clock())
        sources = key_sources(assessment.id, session=session)
        assert sources["sjt-2"] == ["keyed by the bank's authors"]
        assert sources["sjt-1"][0] == "keyed by the bank's authors"
        assert sources["sjt-1"][1].startswith("keyed by a panel of 5 experts (round Pilot "
                                              "panel, March 2, 2026), r_wg(J) = 0.")
        profile = build_profile(after, session=session, blind_for=None, language="hr")
        lines = dict(profile.key_sources())
        assert lines["ključ su odredili autori banke pitanja"] == [2, 3, 4]
        [(panel, positions)] = [(s, p) for s, p in lines.items() if "panel" in s]
        assert positions == [1] and panel.startswith("ključ je odredio panel od 5 stručnjaka")
        html = render_profile_html(profile)
        assert "Odakle potječu ključevi situacija" in html and "stavka 1: " + panel in html
        old = build_profile(before, session=session, blind_for=None, language="en")
        assert [s for s, _ in old.key_sources()] == ["keyed by the bank's authors"]
