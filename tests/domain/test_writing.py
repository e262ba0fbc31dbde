"""Writing indicators: counts, LIX, spelling with hunspell, phrases, the customer's name;
missing diacritics, clipped infinitives and replies in another language."""

from __future__ import annotations

import pytest
import yaml

from hiring.scoring import dictionaries, writing
from hiring.scoring.writing import CATEGORIES, PHRASES_FILE, Flagged, writing_indicators


def test_counts_and_lix_english():
    # Words: I am sorry | I understand your frustration and I will check it today
    # = 3 + 10 = 13 words in 2 sentences; over six letters: understand, frustration = 2.
    # LIX = 13 / 2 + 100 * 2 / 13 = 6.5 + 15.3846 = 21.8846
    result = writing_indicators(
        "I am sorry. I understand your frustration and I will check it today.", "en")
    assert (result.word_count, result.sentence_count, result.long_words) == (13, 2, 2)
    assert result.words_per_sentence == pytest.approx(6.5)
    assert result.lix == pytest.approx(21.8846, abs=1e-4)


def test_counts_and_lix_croatian():
    # Words: Poštovana Marijo ispričavamo se zbog pogreške | Vaš račun ću osobno provjeriti
    # danas = 6 + 6 = 12 words in 2 sentences; over six letters: Poštovana (9),
    # ispričavamo (11), pogreške (8), provjeriti (10) = 4 (Marijo and osobno have six).
    # LIX = 12 / 2 + 100 * 4 / 12 = 6 + 33.3333 = 39.3333
    result = writing_indicators("Poštovana Marijo, ispričavamo se zbog pogreške. "
                                "Vaš račun ću osobno provjeriti danas!", "hr")
    assert (result.word_count, result.sentence_count, result.long_words) == (12, 2, 4)
    assert result.words_per_sentence == pytest.approx(6.0)
    assert result.lix == pytest.approx(39.3333, abs=1e-4)


def test_dots_before_lowercase_do_not_end_sentences_but_blank_lines_do():
    text = "Poštovana Marijo,\n\nuplata stiže do 15. svibnja, npr. u utorak. Hvala!"
    result = writing_indicators(text, "hr")
    assert result.sentence_count == 3
    assert result.word_count == 11


def test_empty_reply_has_zeros():
    result = writing_indicators("", "en")
    assert (result.word_count, result.sentence_count, result.long_words) == (0, 0, 0)
    assert result.words_per_sentence == 0.0 and result.lix == 0.0
    assert result.spelling is not None and result.spelling.misspelled_count == 0
    assert result.spelling_error_rate == 0.0


def test_english_misspellings_are_counted_and_listed_once():
    text = "You will recieve the parcel at your adress. We recieve many parcels."
    result = writing_indicators(text, "en")
    assert result.spelling is not None
    assert result.spelling.dictionary == "en_US"
    assert result.spelling.misspelled_count == 3
    assert result.spelling.misspelled_words == ("recieve", "adress")
    assert result.spelling_error_rate == pytest.approx(3 / 12)


def test_croatian_word_without_diacritic_is_listed_apart_not_as_a_misspelling():
    wrong = writing_indicators("Vaš racun je poslann.", "hr")
    right = writing_indicators("Vaš račun je poslan.", "hr")
    assert wrong.missing_diacritics == Flagged(1, (("racun", "račun"),))
    assert wrong.spelling is not None and wrong.spelling.misspelled_words == ("poslann",)
    assert right.spelling is not None and right.spelling.misspelled_count == 0
    assert right.missing_diacritics == Flagged(0, ())


@pytest.mark.parametrize(("text", "language", "name"), [
    ("Hello Ms Kowalczyk, your SIM card 12345 ships on 3.5.2024 to "
     "ana.kowalczyk@example.com; track it at https://example.com/t/A1b2. Thanks!",
     "en", "Ana Kowalczyk"),
    ("Poštovana gospođo Kovačić, vaša SIM kartica stiže 12. svibnja na "
     "marija.k@example.com ili www.example.hr/SIM-4g. Lijep pozdrav!", "hr", "Marija Kovačić"),
])
def test_clean_text_has_no_false_positives(text, language, name):
    result = writing_indicators(text, language, name)
    assert result.spelling is not None
    assert result.spelling.misspelled_words == ()


def test_sentence_initial_capital_is_also_checked_lowercase(tmp_path):
    # KEEPCASE makes hunspell itself reject "Hello"; at a sentence start we accept it.
    (tmp_path / "en_US.aff").write_text("SET UTF-8\nKEEPCASE K\n", encoding="utf-8")
    (tmp_path / "en_US.dic").write_text("2\nhello/K\nworld\n", encoding="utf-8")
    result = writing_indicators("Hello world. World Hello.", "en", hunspell_dir=tmp_path)
    assert result.spelling is not None
    assert result.spelling.misspelled_words == ("Hello",)
    assert result.spelling.misspelled_count == 1


def test_english_phrases_per_category():
    text = ("I'm so sorry, and I apologise for the delay. I understand how frustrating "
            "this is. I have checked your order and I’ll call you back today; I will "
            "also send you the receipt.")
    phrases = writing_indicators(text, "en").phrases
    assert phrases["apology"].count == 2
    assert phrases["apology"].phrases == ("sorry", "apologise")
    assert phrases["empathy"].phrases == ("i understand", "frustrating")
    # The longest phrase wins: "i'll call you back" is not also counted as "i'll".
    assert phrases["ownership"].phrases == ("i have checked", "i'll call you back", "i will")
    assert phrases["ownership"].count == 3


def test_croatian_phrases_per_category():
    text = ("Iskreno se ispričavamo, žao mi je zbog toga. Razumijem da je to frustrirajuće. "
            "Provjerit ću uplatu, osobno ću se pobrinuti za to i javit ću vam se sutra.")
    phrases = writing_indicators(text, "hr").phrases
    assert set(phrases) == set(CATEGORIES)
    assert phrases["apology"].phrases == ("ispričavamo", "žao mi je")
    assert phrases["empathy"].phrases == ("razumijem", "frustrirajuće")
    assert phrases["ownership"].phrases == ("provjerit ću", "osobno ću", "javit ću vam se")


def test_phrases_match_decomposed_unicode():
    decomposed = "Z\u030cao mi je."  # Ž written as Z + combining caron
    assert writing_indicators(decomposed, "hr").phrases["apology"].count == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("Poštovana Marijo, hvala na poruci.", True),
    ("Javljam Mariji da je uplata stigla.", True),
    ("Molimo Mariju da nazove.", True),
    ("Poštovana gospođo Horvat, hvala.", True),
    ("POŠTOVANA MARIJA, hvala.", True),
    ("Poštovani Marko, hvala.", False),
    ("Poštovani, hvala na poruci.", False),
])
def test_customer_name_with_croatian_case_endings(text, expected):
    assert writing_indicators(text, "hr", "Marija Horvat").uses_customer_name is expected


def test_short_name_does_not_match_other_words():
    assert not writing_indicators("Any update and answer today.", "hr", "Ana").uses_customer_name
    assert writing_indicators("Draga Ana, hvala.", "hr", "Ana").uses_customer_name
    assert not writing_indicators("Dear customer, thanks.", "en", None).uses_customer_name


def test_unknown_language_gives_counts_and_lix_only():
    result = writing_indicators("Vielen Dank. Es tut mir leid, Frau Müller.", "de", "Müller")
    assert (result.word_count, result.sentence_count) == (8, 2)
    assert result.spelling is None and result.spelling_error_rate is None
    assert result.phrases == {}
    assert result.spelling_note is not None and "'de'" in result.spelling_note
    assert result.uses_customer_name


def test_missing_dictionary_gives_a_note_not_an_error(tmp_path, monkeypatch):
    result = writing_indicators("Sorry.", "en", hunspell_dir=tmp_path)
    assert result.spelling is None
    assert result.spelling_note == (f"hunspell dictionary missing: {tmp_path / 'en_US.aff'}, "
                                    f"{tmp_path / 'en_US.dic'}")
    monkeypatch.setenv(writing.HUNSPELL_DIR_ENV, str(tmp_path))
    from_env = writing_indicators("Žao mi je.", "hr")
    assert from_env.spelling is None and "hr_HR.aff" in (from_env.spelling_note or "")
    assert from_env.phrases["apology"].count == 1


def test_dictionary_is_loaded_once_per_language(monkeypatch):
    loads: list[str] = []
    real = dictionaries._load

    def counting_load(base):
        loads.append(base.name)
        return real(base)

    dictionaries.clear_dictionary_cache()
    monkeypatch.setattr(dictionaries, "_load", counting_load)
    writing_indicators("First reply.", "en")
    writing_indicators("Second reply, different words.", "en")
    assert loads == ["en_US"]
    assert [path.rsplit("/", 1)[-1] for path in dictionaries.loaded_dictionaries()] == ["en_US"]


@pytest.mark.parametrize(("language", "dictionary", "text"), [
    ("en", "en_US", "Sorry, I understand, and I will check it today."),
    ("hr", "hr_HR", "Ispričavam se, razumijem vas i provjerit ću to danas."),
    ("sr", "sr_Latn_RS", "Izvinjavam se, razumem vas i proveriću to danas."),
    ("sr-Cyrl", "sr_RS", "Извињавам се, разумем вас и проверићу то данас."),
    ("bg", "bg_BG", "Съжалявам, разбирам ви и ще проверя това днес."),
])
def test_every_language_has_its_dictionary_and_phrases(language, dictionary, text):
    result = writing_indicators(text, language)
    assert result.spelling is not None, result.spelling_note
    assert result.spelling.dictionary == dictionary
    assert result.spelling.misspelled_words == ()
    assert {category: m.count for category, m in result.phrases.items()} == dict.fromkeys(
        CATEGORIES, 1)


def test_phrase_file_has_8_to_15_lowercase_phrases_per_category():
    data = yaml.safe_load(PHRASES_FILE.read_text(encoding="utf-8"))
    assert set(data) == {"en", "hr", "sr", "sr-Cyrl", "bg"}
    for language, categories in data.items():
        assert tuple(categories) == CATEGORIES, language
        for category, phrases in categories.items():
            assert 8 <= len(phrases) <= 15, (language, category)
            assert len(set(phrases)) == len(phrases), (language, category)
            assert all(phrase == phrase.lower() for phrase in phrases), (language, category)


# --- missing diacritics, clipped infinitives ------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    # correct words as typed, whose form with diacritics is the one meant (the curated list)
    ("Zao mi je zbog toga.", [("Zao", "Žao")]),
    ("Nije cak ni stigao, a vec je petak.", [("cak", "čak"), ("vec", "već")]),
    ("Sto se tice racuna, placanje je u redu.",
     [("Sto", "Što"), ("tice", "tiče"), ("racuna", "računa"), ("placanje", "plaćanje")]),
    # not words as typed: a restoration the dictionary knows
    ("Postovana, zelimo vam pomoci.", [("Postovana", "Poštovana"), ("zelimo", "želimo"),
                                        ("pomoci", "pomoći")]),
    ("Poslat cemo vam novu karticu.", [("cemo", "ćemo")]),
    # written with diacritics, or both forms common (vas/vaš): nothing to flag
    ("Žao nam je što je račun kasnio; vaš paket stiže već sutra.", []),
    ("Molimo vas za strpljenje.", []),
])
def test_croatian_missing_diacritics(text, expected):
    result = writing_indicators(text, "hr")
    assert result.missing_diacritics == Flagged(len(expected), tuple(expected))
    assert result.spelling is not None and result.spelling.misspelled_count == 0


def test_serbian_missing_diacritics_include_dj_for_dj():
    result = writing_indicators("Izvinjavamo se, medju nama je doslo do greske.", "sr")
    assert result.missing_diacritics is not None
    assert set(result.missing_diacritics.words) >= {("medju", "među"), ("doslo", "došlo"),
                                                    ("greske", "greške")}


def test_languages_without_diacritics_data_do_not_look_for_them():
    result = writing_indicators("We are sorry, the parcel is late.", "en")
    assert result.missing_diacritics is None and result.colloquial is None


@pytest.mark.parametrize(("text", "expected"), [
    ("Mogu vam vratit novac do petka.", [("vratit", "vratiti")]),
    ("Nažalost, ne mogu otkazat narudžbu.", [("otkazat", "otkazati")]),
    ("Pokušat ću ga vratit. Hvala na strpljenju.", [("vratit", "vratiti")]),
    ("Moramo vidjet što se dogodilo.", [("vidjet", "vidjeti")]),  # -jeti: from the list
    ("Mozemo vam poslat novi.", [("poslat", "poslati")]),
    # the standard future: clipped before ću, ćeš, će, ćemo, ćete (typed plain too)
    ("Vratit ću vam novac i poslat ćemo novi tablet.", []),
    ("Provjerit cemo i javit cu vam se.", []),
    # words that look like clipped infinitives but are not verbs
    ("Vaša dobit je veća; tablet stiže za jedan sat, paket preko kontakt centra.", []),
])
def test_croatian_clipped_infinitives_outside_the_future_are_colloquial(text, expected):
    result = writing_indicators(text, "hr")
    assert result.colloquial == Flagged(len(expected), tuple(expected))


def test_serbian_does_not_look_for_clipped_infinitives():
    assert writing_indicators("Mogu da vam vratim novac.", "sr").colloquial == Flagged(0, ())


# --- a reply in another language -------------------------------------------------------------

ENGLISH_REPLY = ("Dear Marija, I am so sorry that your tablet did not arrive in time for the "
                 "birthday. We will send a new one today by express courier and refund the "
                 "delivery fee.")


def test_english_reply_to_a_croatian_attempt_is_flagged_and_its_spelling_not_counted():
    result = writing_indicators(ENGLISH_REPLY, "hr", "Marija Kovačević")
    assert result.written_in == "en" and result.language == "hr"
    assert result.spelling is None and result.spelling_error_rate is None
    assert result.spelling_note == "written in en, not hr: spelling not checked"
    assert result.missing_diacritics is None and result.colloquial is None
    # What it says is still seen, in the language it is written in.
    assert result.phrases["apology"].phrases == ("sorry",)
    assert result.phrases["ownership"].phrases == ("we will",)


@pytest.mark.parametrize(("text", "language", "written_in"), [
    ("Poštovana Marijo, ispričavamo se zbog kašnjenja. Poslat ćemo vam novi tablet danas.",
     "hr", None),
    # typed without diacritics: still Croatian
    ("Postovana Marijo, ispricavamo se zbog kasnjenja. Poslat cemo vam novi tablet danas.",
     "hr", None),
    # Serbian in a Croatian attempt: close enough that no warning is given
    ("Poštovana, izvinjavamo se zbog kašnjenja. Poslaćemo vam novi tablet danas i vratiti "
     "novac za dostavu.", "hr", None),
    ("Sorry, we fixed it.", "hr", None),  # too short to tell
    ("Уважаема госпожо, съжаляваме за забавянето. Днес ще ви изпратим нов таблет.", "hr",
     "bg"),
    ("Thank you for your message. I have checked your order and it is on its way.", "sr",
     "en"),
    ("Ispričavamo se zbog kašnjenja, poslat ćemo vam novi tablet već danas ujutro.", "en",
     "hr"),
])
def test_reply_language(text, language, written_in):
    assert writing_indicators(text, language).written_in == written_in
