"""Apology, empathy and ownership phrases in every person and number, and their syntax."""

from __future__ import annotations

import re

import pytest
import yaml

from hiring.scoring.phrases import PHRASES_FILE, count_phrases, phrase_regex

# (language, text, category, the phrase found as written)
PERSONS = [
    # English: I, we, and impersonal
    ("en", "I will send it today.", "ownership", "i will"),
    ("en", "We will send it today.", "ownership", "we will"),
    ("en", "I'll check it now.", "ownership", "i'll"),
    ("en", "We’ll call you back tomorrow.", "ownership", "we'll call you back"),
    ("en", "Let me look into it.", "ownership", "let me"),
    ("en", "Let us put this right.", "ownership", "let us"),
    ("en", "We have arranged a new delivery.", "ownership", "we have arranged"),
    ("en", "Your refund will be processed today.", "ownership", "will be processed"),
    ("en", "The parcel has been dispatched.", "ownership", "has been dispatched"),
    ("en", "You will receive a new tablet on Monday.", "ownership", "you will receive"),
    ("en", "We take full responsibility.", "ownership", "we take full responsibility"),
    ("en", "We apologise for the delay.", "apology", "apologise"),
    ("en", "Our apologies.", "apology", "apologies"),
    ("en", "This should not have happened.", "apology", "this should not have happened"),
    ("en", "We understand how annoying this is.", "empathy", "we understand"),
    ("en", "I completely understand.", "empathy", "i completely understand"),
    ("en", "We can imagine how you felt.", "empathy", "we can imagine"),
    ("en", "We appreciate your patience.", "empathy", "we appreciate your patience"),
    # Croatian: ja, mi, and impersonal; the future in both word orders
    ("hr", "Poslat ću vam novi tablet.", "ownership", "poslat ću"),
    ("hr", "Poslat ćemo vam novi tablet.", "ownership", "poslat ćemo"),
    ("hr", "Predlažemo da vam pošaljemo novi tablet.", "ownership", "pošaljemo"),
    ("hr", "Provjerit ćemo to još danas.", "ownership", "provjerit ćemo"),
    ("hr", "Sve ćemo vam provjeriti.", "ownership", "ćemo vam provjeriti"),
    ("hr", "Javit ćemo se sutra.", "ownership", "javit ćemo se"),
    ("hr", "Javit ćemo vam se sutra.", "ownership", "javit ćemo vam se"),
    ("hr", "Provjerili smo narudžbu.", "ownership", "provjerili smo"),
    ("hr", "Već smo vam poslali novi.", "ownership", "smo vam poslali"),
    ("hr", "Odmah ćemo to riješiti.", "ownership", "odmah ćemo"),
    ("hr", "Novac će vam biti vraćen do petka.", "ownership", "će vam biti vraćen"),
    ("hr", "Novi paket je već poslan.", "ownership", "je već poslan"),
    ("hr", "Bit ćete obaviješteni porukom.", "ownership", "bit ćete obaviješteni"),
    ("hr", "Preuzimamo odgovornost za to.", "ownership", "preuzimamo odgovornost"),
    ("hr", "Ispričavamo se zbog kašnjenja.", "apology", "ispričavamo"),
    ("hr", "Žao nam je zbog toga.", "apology", "žao nam je"),
    ("hr", "Pogriješili smo.", "apology", "pogriješili smo"),
    ("hr", "Iskrene isprike.", "apology", "isprike"),
    ("hr", "Razumijemo vašu ljutnju.", "empathy", "razumijemo"),
    ("hr", "U potpunosti razumijem.", "empathy", "u potpunosti razumijem"),
    ("hr", "Jasno nam je koliko vam je stalo.", "empathy", "jasno nam je"),
    # typed without diacritics, the phrase still counts, as written
    ("hr", "zao nam je, posaljemo vam novi", "apology", "zao nam je"),
    ("hr", "zao nam je, posaljemo vam novi", "ownership", "posaljemo"),
    # Serbian: the future is one word
    ("sr", "Poslaćemo vam novi telefon.", "ownership", "poslaćemo"),
    ("sr", "Proveriću to odmah.", "ownership", "proveriću"),
    ("sr", "Javićemo vam se sutra.", "ownership", "javićemo vam se"),
    ("sr", "Biće vam vraćen novac.", "ownership", "biće vam vraćen"),
    ("sr", "Izvinjavamo se.", "apology", "izvinjavamo"),
    ("sr", "Razumemo vas.", "empathy", "razumemo"),
    ("sr-Cyrl", "Послаћемо вам нови телефон.", "ownership", "послаћемо"),
    ("sr-Cyrl", "Извињавамо се.", "apology", "извињавамо"),
    # Bulgarian
    ("bg", "Ще ви изпратим нов таблет.", "ownership", "ще ви изпратим"),
    ("bg", "Ще се погрижим за това.", "ownership", "ще се погрижим"),
    ("bg", "Проверихме поръчката.", "ownership", "проверихме"),
    ("bg", "Съжаляваме за забавянето.", "apology", "съжаляваме"),
    ("bg", "Разбираме ви.", "empathy", "разбираме"),
]


@pytest.mark.parametrize(("language", "text", "category", "phrase"), PERSONS)
def test_phrases_in_every_person_and_number(language, text, category, phrase):
    found = count_phrases(text, language)[category]
    assert phrase in found.phrases, found
    assert found.count == 1


def test_a_sentence_in_the_third_person_about_the_customer_is_not_ownership():
    found = count_phrases("Možete nam poslati račun i vratiti uređaj.", "hr")
    assert found["ownership"].count == 0


def test_overlapping_phrases_count_once_longest_first():
    found = count_phrases("We will call you back, and we will refund it.", "en")["ownership"]
    assert found.phrases == ("we will call you back", "we will")
    assert found.count == 2


@pytest.mark.parametrize(("phrase", "matches", "misses"), [
    ("{i|we} will", ["i will", "we  will"], ["you will", "iwill"]),
    ("ćemo {vam|} poslati", ["ćemo poslati", "ćemo vam poslati", "cemo vam poslati"],
     ["ćemo im poslati"]),
    ("provjeri{ću|ćemo}", ["provjeriću", "provjerićemo"], ["provjeri"]),
    ("ispričava*", ["ispričavam", "ispričavamo", "ispricavamo"], ["isprika"]),
    ("{i|we} can {see how|imagine}", ["we can see how", "i can imagine"], ["we can see"]),
    ("žao {mi|nam} je", ["žao nam je", "zao mi je"], ["žao je"]),
])
def test_phrase_syntax(phrase, matches, misses):
    pattern = re.compile(rf"(?<!\w){phrase_regex(phrase)}(?!\w)")
    for text in matches:
        assert pattern.fullmatch(text), (phrase, text)
    for text in misses:
        assert not pattern.fullmatch(text), (phrase, text)


@pytest.mark.parametrize("phrase", ["{we|i will", "we} will", "{a|{b}}", "{|we} will", ""])
def test_malformed_phrases_are_refused(phrase):
    with pytest.raises(ValueError):
        phrase_regex(phrase)


def _cyrillic(text: str) -> str:
    digraphs = {"lj": "љ", "nj": "њ", "dž": "џ"}
    letters = dict(zip("abcčćdđefghijklmnoprsštuvzž", "абцчћдђефгхијклмнопрсштувзж",
                       strict=True))
    text = re.sub("lj|nj|dž", lambda match: digraphs[match.group()], text)
    return "".join(letters.get(letter, letter) for letter in text)


def test_serbian_cyrillic_phrases_are_the_latin_ones_transliterated():
    data = yaml.safe_load(PHRASES_FILE.read_text(encoding="utf-8"))
    assert data["sr-Cyrl"] == {category: [_cyrillic(phrase) for phrase in phrases]
                               for category, phrases in data["sr"].items()}
