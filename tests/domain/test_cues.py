"""The cue audit: test-wise strategies against random answering, per language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from hiring.banks.cues import STRATEGIES, audit_bank, item_cues, option_cues
from hiring.banks.loader import BankInvalid, load_path, parse_text
from hiring.cli import main

DATA = Path(__file__).parent.parent / "data"
SHIPPED = Path(__file__).parents[2] / "question_banks" / "csr_core.yaml"


def _item(keys_and_texts, format="best"):
    return {"id": "x", "type": "sjt", "format": format,
            "options": [{"id": chr(97 + i), "key": key, "text": {"en": text}}
                        for i, (key, text) in enumerate(keys_and_texts)]}


def test_strategies_and_random_answering_by_hand():
    # keys 5, 3, 2, 1; the key is the longest and the only polite option
    item = _item([(5, "Apologise and check the account now."), (3, "Check the account."),
                  (2, "Ask for a number."), (1, "Transfer her.")])
    cues = item_cues(item, 0, "en")
    # random best: ((5-1) + (3-1) + (2-1) + (1-1)) / 4 options / 4 points = 7/16
    assert cues.random == pytest.approx(7 / 16)
    assert cues.strategies["longest"] == 1.0
    assert cues.strategies["courtesy"] == 1.0  # "apologise" is the only courtesy word
    assert cues.strategies["shortest"] == 0.0
    assert cues.best_is_longest == 1.0
    # best and worst: 12 ordered pairs; best points sum 3*(4+2+1+0)=21, worst 3*(0+2+3+4)=27
    both = item_cues(_item([(5, "aaaa"), (3, "bbb"), (2, "cc"), (1, "d")], "best_worst"),
                     0, "en")
    assert both.random == pytest.approx((21 + 27) / 12 / 8)
    assert both.strategies["longest"] == 1.0  # longest as best (4 points), shortest worst (4)


def test_ties_share_the_expected_score():
    # all options as long as each other: "longest" is random answering
    item = _item([(5, "abcd"), (3, "efgh"), (2, "ijkl"), (1, "mnop")])
    cues = item_cues(item, 0, "en")
    assert cues.strategies["longest"] == pytest.approx(cues.random)
    assert cues.best_is_longest == pytest.approx(1 / 4)


def test_courtesy_words_and_steps_per_language():
    option = {"id": "a", "key": 3, "text": {
        "en": "Apologise, thank her, then check.",
        "hr": "Ispričajte se, zahvalite joj, zatim provjerite."}}
    en, hr = option_cues(option, "en"), option_cues(option, "hr")
    assert (en.courtesy, en.steps) == (2, 4)  # apolog-, thank; 2 commas + "then" + 1
    assert (hr.courtesy, hr.steps) == (2, 4)  # isprič-, zahval-; 2 commas + "zatim" + 1
    unknown = option_cues({"id": "a", "key": 1, "text": {"xx": "Sorry, sorry."}}, "xx")
    assert unknown.courtesy == 0  # no word list for the language


def test_a_cued_bank_fails_validation_naming_the_items():
    with pytest.raises(BankInvalid) as raised:
        load_path(DATA / "cued_bank.yaml")
    messages = [str(p) for p in raised.value.problems]
    for language in ("en", "hr"):
        assert any(f"cue audit ({language}): longest option beats chance by 0.88" in m
                   for m in messages)
        assert any(re.search(rf"items\.0: cued-1: cue audit \({language}\): gives its key "
                             r"away", m) for m in messages)
    assert all("cue audit" in m for m in messages)  # nothing else is wrong with it


def test_a_bank_may_set_its_own_limits():
    data = yaml.safe_load((DATA / "cued_bank.yaml").read_text(encoding="utf-8"))
    data["cue_audit"] = {"max_excess": 0.95, "max_longest_best": 1.0}
    bank = parse_text(yaml.safe_dump(data, allow_unicode=True), "lenient.yaml")
    assert len(bank.items) == 8
    data["cue_audit"] = {"max_excess": 2}
    with pytest.raises(BankInvalid) as raised:
        parse_text(yaml.safe_dump(data, allow_unicode=True), "bad.yaml")
    assert any("cue_audit.max_excess" in str(p) for p in raised.value.problems)


def test_equal_options_pass_and_few_items_are_not_held_to_the_limits():
    load_path(DATA / "mini_bank.yaml")  # 4 situational items, all options alike
    data = yaml.safe_load((DATA / "cued_bank.yaml").read_text(encoding="utf-8"))
    data["items"] = [i for i in data["items"] if i["type"] != "sjt"] + [
        i for i in data["items"] if i["type"] == "sjt"][:4]
    audits = audit_bank(data, data["items"])
    assert all(not a.audited and not a.problems for a in audits)


def test_the_shipped_bank_passes_the_cue_audit_in_every_language():
    bank = load_path(SHIPPED)  # raises on any problem, the audit included
    audits = audit_bank(bank.header, bank.items)
    assert [a.language for a in audits] == bank.header["languages"]
    for audit in audits:
        assert len(audit.items) >= 80
        assert audit.longest_best_share <= 0.35
        for strategy in STRATEGIES:
            assert audit.excess(strategy) <= 0.2, (audit.language, strategy)


def test_bank_stats_prints_the_audit_and_validate_fails(runner):
    stats = runner.invoke(main, ["bank", "stats", str(DATA / "cued_bank.yaml")])
    assert stats.exit_code == 0, stats.output
    assert "cue audit (hr), 6 situational items:" in stats.output
    assert re.search(r"longest option: mean item score 0\.9\d\d, excess over chance "
                     r"\+0\.88\d", stats.output)
    validate = runner.invoke(main, ["bank", "validate", str(DATA / "cued_bank.yaml")])
    assert validate.exit_code == 1
    assert "cued-1: cue audit (en): gives its key away" in validate.output


SEED_QUALITIES = ("use_name", "learning", "idle_initiative", "rapport", "repeated_abuse",
                  "extra_mile", "check_satisfaction", "colleague_favours", "outbound_sales")


def test_the_shipped_bank_covers_each_seed_quality_with_three_situations():
    bank = load_path(SHIPPED, cue_audit=False)
    sjt = [item for item in bank.items if item["type"] == "sjt"]
    for quality in SEED_QUALITIES:
        tagged = [item["id"] for item in sjt if quality in item.get("facets", [])]
        assert len(tagged) >= 3, (quality, tagged)
    for item in sjt:
        keys = sorted((option["key"] for option in item["options"]), reverse=True)
        assert keys[0] > keys[1], f"{item['id']}: the best option must be unique"
        if item.get("format") == "best_worst":
            assert keys[-1] < keys[-2], f"{item['id']}: the worst option must be unique"
