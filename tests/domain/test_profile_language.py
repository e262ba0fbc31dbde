"""A profile in the candidate's language carries no English: its PDF, read back as text."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from datetime import timedelta
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from sqlmodel import select

from hiring.assessment import engine, integrity, ratings, writing
from hiring.catalogues import TRANSLATIONS_DIR, translations
from hiring.items import revisions
from hiring.items.messages import catalogue
from hiring.items.types import get_type
from hiring.models import Assessment, Attempt
from hiring.reports import pdf
from hiring.reports.build import build_profile
from hiring.scoring.rules import Rules
from hiring.scoring.simulation import TrueProfile, answer_item
from tests.factories import make_attempt, make_bank, make_user

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "question_banks" / "csr_core.yaml"
# Where the profile's fixed texts come from: its templates and the code that words notes,
# rules, answers and key sources for it.
PROFILE_SOURCES = [
    *sorted((ROOT / "templates" / "reports").glob("*.html")),
    *sorted((ROOT / "hiring" / "reports").glob("*.py")),
    ROOT / "hiring" / "scoring" / "rules.py",
    *sorted((ROOT / "hiring" / "items" / "types").glob("*.py")),
]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "N_plural": (1, 2)}
# Written by the candidate, the raters or the bank: never a label of ours.
REPLY = ("Poštovana gospođo Kovačević, iskreno se ispričavam zbog neugodnosti. Provjerio sam "
         "Vaš račun i povrat je odobren; javit ću Vam se sutra do podne s potvrdom.")
COMMENTS = ("Ton je topao, ali nedostaje rok.", "Jasan odgovor, ispričao se.")
UNANSWERED = 3


def _placeholders_out(text: str) -> list[str]:
    """Split a message at its placeholders and markup: the fixed pieces a reader sees."""
    text = re.sub(r"<[^>]+>", "|", text.replace("%%", "%"))
    return [piece.strip(" .,:;()%–—-“”\"'") for piece in
            re.split(r"%\([a-z_]+\)[.0-9]*[sdf]|\{[a-z_]+\}|\|", text)]


@cache
def english_labels(language: str) -> tuple[str, ...]:
    """The English fixed texts of the profile that the language translates differently."""
    with (TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        po = read_po(f)
    translated = " ".join(str(part) for message in po if message.id for part in (
        [message.string] if isinstance(message.string, str) else message.string)
        ).replace("%%", "%")
    labels = set()
    for path in PROFILE_SOURCES:
        method = "jinja2" if path.suffix == ".html" else "python"
        for _line, message, _comments, _context in extract_from_file(
                method, str(path), keywords=KEYWORDS):
            for form in [message] if isinstance(message, str) else message:
                for piece in _placeholders_out(form):
                    words = re.findall(r"[A-Za-z]+", piece)
                    # One short word ("of", "no", "page") may be a word of the language too.
                    if len(words) >= 2 or (words and len(words[0]) >= 5):
                        if piece not in translated:  # the same in both (SEM, ICC(1,1), …)
                            labels.add(piece)
    return tuple(sorted(labels))


def flat(text: str) -> str:
    return " ".join(text.split())


def english_in(text: str, language: str) -> list[str]:
    """The English labels that appear in a text, as whole words."""
    text = flat(text)
    return [label for label in english_labels(language)
            if re.search(r"(?<![A-Za-z])" + re.escape(flat(label)) + r"(?![A-Za-z])", text)]


@pytest.fixture(scope="module")
def pdftotext() -> str:
    path = shutil.which("pdftotext")
    if path is None:
        pytest.fail("pdftotext (poppler-utils) is not installed: ./dev test installs it")
    return path


def pdf_text(pdftotext: str, tmp_path: Path, document: bytes) -> str:
    target = tmp_path / "profile.pdf"
    target.write_bytes(document)
    result = subprocess.run([pdftotext, "-enc", "UTF-8", str(target), "-"],
                            capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def demo_attempt(db, clock, language: str) -> int:
    """Take the shipped CSR assessment as `hiring demo` sets it up, in a language: answers
    drawn from a simulated candidate except a few left out, a written reply rated by two
    raters who disagree, pastes, focus losses and the browser seen; return its id."""
    rng = random.Random(7)
    with db() as session:
        bank = make_bank(session, BANK)
        assessment = session.exec(select(Assessment).where(
            Assessment.bank_id == bank.id, Assessment.key == "csr")).one()
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True,
                                  language=language, name="Đurđa Šimić",
                                  email="durda@example.com")
        given = [(response, revisions.revision_content(response.revision_id, session=session))
                 for response in engine.responses(attempt, session=session)]
        truth = TrueProfile.draw(sorted({c["dimension"] for _, c in given
                                         if c["type"] == "sjt"}), rng)
        skipped = {r.position for r, c in given if c["type"] == "sjt"}
        skipped = set(sorted(skipped)[:UNANSWERED])
        moment = clock()
        for response, content in given:
            moment += timedelta(seconds=40)
            if response.position in skipped:
                continue
            if get_type(content["type"]).needs_rating:
                answer = {"text": REPLY}
                integrity.record_event(attempt, "paste", session=session, now=moment,
                                       position=response.position, chars=42)
            else:
                answer, _ = answer_item(content, response.params, truth, rng)
            engine.save_answer(attempt, response.position, answer, session=session,
                               now=moment, seq=1, time_spent_ms=30_000)
        for minutes in (1, 5):
            integrity.record_event(attempt, "focus_lost", session=session,
                                   now=moment + timedelta(minutes=minutes))
        integrity.record_client(attempt, ip="203.0.113.7",
                                user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
        engine.submit(attempt, session=session, now=moment + timedelta(minutes=6))
        attempt_id = attempt.id
    with db() as session:
        for answer in writing.pending_answers(session=session, attempt_ids=[attempt_id]):
            writing.store(answer.response_id, writing.measure(answer), session=session)
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        raters = [make_user(session, email="ivana@example.com", name="Ivana Kovač"),
                  make_user(session, email="marko@example.com", name="Marko Babić")]
        for response in engine.responses(attempt, session=session):
            content = revisions.revision_content(response.revision_id, session=session)
            item_type = get_type(content["type"])
            if not item_type.needs_rating or not item_type.is_answered(response.answer):
                continue
            criteria = [key for key, _ in item_type.criteria(content, "en")]
            for rater, level, comment in zip(raters, (1, 4), COMMENTS, strict=True):
                scores = {key: 3 for key in criteria} | {criteria[0]: level}
                ratings.rate(response, session=session, rater_id=rater.id, scores=scores,
                             comment=comment)
    return attempt_id


@pytest.mark.parametrize("language", ["hr"])
def test_a_profile_in_the_candidates_language_has_no_english(db, clock, tmp_path, pdftotext,
                                                              language):
    attempt_id = demo_attempt(db, clock, language)
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        profile = build_profile(attempt, session=session, blind_for=None)
        english = build_profile(attempt, session=session, blind_for=None, language="en")
    text = pdf_text(pdftotext, tmp_path, pdf.render_profile_pdf(profile))

    # The profile really has what is worded: unanswered items, ratings that disagree,
    # raters' notes, writing indicators, integrity facts, rules, the assessment's name.
    assert profile.n_unanswered == UNANSWERED and not profile.incomplete
    assert profile.written and profile.written[0].disagreements
    assert profile.written[0].indicators is not None
    assert profile.integrity.pastes == 1 and profile.integrity.focus_losses == 2
    assert COMMENTS[0] in text and "Predstavnik korisničke službe" in flat(text)
    assert english.assessment_name == "Customer Service Representative"
    assert "2,5" in text.split()  # the raters' mean of 1 and 4, with a decimal comma

    assert english_in(text, language) == []
    # The check can fail: the same attempt's English profile is full of the labels.
    english_text = pdf_text(pdftotext, tmp_path, pdf.render_profile_pdf(english))
    assert len(english_in(english_text, language)) >= 100


def test_croatian_counts_take_their_three_plural_forms() -> None:
    ngettext = translations("hr").ngettext

    def counted(one: str, many: str, n: int, **values) -> str:
        return ngettext(one, many, n) % {"num": n, **values}

    items = ("based on %(answered)s of %(num)d item", "based on %(answered)s of %(num)d items")
    assert [counted(*items, n, answered=n) for n in (1, 2, 5)] == [
        "na temelju 1 od 1 stavke", "na temelju 2 od 2 stavke", "na temelju 5 od 5 stavki"]
    words = ("%(num)d word", "%(num)d words")
    assert [counted(*words, n) for n in (1, 2, 5, 21, 22, 25)] == [
        "1 riječ", "2 riječi", "5 riječi", "21 riječ", "22 riječi", "25 riječi"]
    # Counts worded in the domain: the rules, a typing result.
    assert [Rules(min_items=n).describe(translations("hr").gettext, ngettext)[2].split(";")[1]
            for n in (1, 2, 5)] == [" ili manje od 1 odgovorene stavke",
                                    " ili manje od 2 odgovorene stavke",
                                    " ili manje od 5 odgovorenih stavki"]
    errors = ("%(num)d error in %(chars)d characters", "%(num)d errors in %(chars)d characters")
    assert [catalogue("hr").ngettext(*errors, n) % {"num": n, "chars": 200}
            for n in (1, 2, 5)] == ["1 pogreška (upisano znakova: 200)",
                                    "2 pogreške (upisano znakova: 200)",
                                    "5 pogrešaka (upisano znakova: 200)"]


def test_every_catalogue_has_its_languages_plural_forms() -> None:
    expected = {"hr": 3, "sr": 3, "bg": 2}
    for folder in sorted(TRANSLATIONS_DIR.glob("*/LC_MESSAGES")):
        language = folder.parent.name
        with (folder / "messages.po").open("rb") as f:
            po = read_po(f)
        if language in expected:
            assert po.num_plurals == expected[language], language
        for message in po:
            if message.id and message.pluralizable:
                assert len(message.string) == po.num_plurals, (language, message.id)
                assert all(message.string), (language, message.id)
