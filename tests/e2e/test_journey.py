"""A candidate takes the demo assessment; an interviewer rates it and downloads the PDF."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import BrowserContext, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from hiring.banks.schema import DIMENSIONS

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "question_banks" / "csr_core.yaml"
INTERVIEWER = ("interviewer@example.com", "demo-password")
CANDIDATE = "Dana Demo"
NUMBER = "12.5"  # reads one way in every language, as a duration too (12:30)
REPLY = (
    "Thank you for writing to us, and I am truly sorry that your order has not "
    "gone as promised. I understand how disappointing this is. I have checked "
    "what happened and I take responsibility for putting it right today. Here is "
    "what I can offer: I will send the replacement by express courier straight "
    "away and refund the delivery fee, or, if you prefer, cancel the order and "
    "refund the full amount. Just reply to this message with your choice and I "
    "will confirm by phone within the hour. Kind regards, Dana"
)


@dataclass(frozen=True)
class Words:
    """The interface words the candidate-side helpers look for, in one language."""

    language: str
    name: str  # on the welcome page's language switch
    assessment: str  # part of the welcome page's heading
    start: str
    counter: str  # with {position} and {total}
    time_left: str
    next: str
    review: str
    saved: str
    all_answered: str
    submit: str
    thank_you: str  # with {name}


EN = Words(
    language="en", name="English", assessment="Customer Service",
    start="Start the assessment", counter="Question {position} of {total}",
    time_left="Time left:", next="Next", review="Review and submit", saved="Saved",
    all_answered="You have answered every question.", submit="Submit my answers",
    thank_you="Thank you, {name}")
HR = Words(
    language="hr", name="Hrvatski", assessment="korisničke službe",
    start="Započni procjenu", counter="Pitanje {position} od {total}",
    time_left="Preostalo vrijeme:", next="Dalje", review="Pregled i predaja",
    saved="Spremljeno", all_answered="Odgovorili ste na sva pitanja.",
    submit="Predaj odgovore", thank_you="Hvala vam, {name}")
# Interface words of the English pages; candidate text may contain English, so only
# the interface around an item is searched for them.
ENGLISH_INTERFACE = re.compile(
    r"\b(Question|Next|Previous|Review|Submit|Time|Saved|Saving|Best|Worst|Most|Least|"
    r"effective|Response|Choose|Tick|Your|Type|words|seconds)\b")
INTERFACE = (".progressbar, .section-title, .instruction, .bestworst .bw-label, "
             ".field > label, .field > small, #item-form .actions")


def normalised(text: str) -> str:
    return " ".join(text.split())


def dimension_names() -> list[str]:
    """Return the English names of the dimensions every profile reports."""
    bank = yaml.safe_load(BANK.read_text(encoding="utf-8"))
    return [bank["dimensions"][key]["name"]["en"] for key in DIMENSIONS]


def sjt_stems(language: str) -> set[str]:
    """Return the stems of the bank's SJT items in `language`, whitespace normalised."""
    bank = yaml.safe_load(BANK.read_text(encoding="utf-8"))
    return {normalised(item["stem"][language]) for item in bank["items"]
            if item["type"] == "sjt"}


def most_effective_option(stem: str, language: str = "en") -> str:
    """Return the id of the best-keyed option of the SJT item with this stem."""
    bank = yaml.safe_load(BANK.read_text(encoding="utf-8"))
    for item in bank["items"]:
        if item["type"] == "sjt" and normalised(item["stem"][language]) == normalised(stem):
            return max(item["options"], key=lambda option: option["key"])["id"]
    pytest.fail(f"no SJT item in {BANK.name} has the {language} stem {stem!r}")


class BrowserProblems:
    """Collect console errors, uncaught exceptions and CSP violations in a context."""

    def __init__(self, context: BrowserContext) -> None:
        self.found: list[str] = []
        context.on("console", self._console)
        context.on("weberror", lambda error: self.found.append(f"exception: {error.error}"))
        # Chromium also logs violations to the console; the event is the precise signal.
        context.expose_binding("__reportCspViolation",
                               lambda _source, text: self.found.append(f"CSP: {text}"))
        context.add_init_script(
            "document.addEventListener('securitypolicyviolation', function (e) {"
            " window.__reportCspViolation(e.violatedDirective + ' blocked '"
            " + (e.blockedURI || 'inline') + ' in ' + e.documentURI); });")

    def _console(self, message) -> None:
        url = message.location.get("url", "")
        # The app has no favicon; the browser asks for one by itself, not the pages.
        if message.type == "error" and not url.endswith("/favicon.ico"):
            self.found.append(f"console: {message.text} ({url})")


# ---- the candidate's side ------------------------------------------------------------


def item_url(invitation_url: str, position: int) -> re.Pattern:
    return re.compile(re.escape(f"{invitation_url}/q/{position}") + "$")


def counter(words: Words, position: int, total: int | str) -> str:
    return words.counter.format(position=position, total=total)


def wait_until_saved(page: Page, action, answer: dict[str, str], *, words: Words = EN
                     ) -> None:
    """Do `action`, then wait until the server acknowledged an autosave with `answer`."""

    def is_the_save(response) -> bool:
        request = response.request
        if request.method != "POST" or not response.url.endswith("/save"):
            return False
        sent = (request.post_data_json or {}).get("answer") or {}
        return all(sent.get(name) == value for name, value in answer.items())

    try:
        with page.expect_response(is_the_save) as saved:
            action()
    except PlaywrightTimeoutError:
        status = page.locator("#save-status").text_content()
        pytest.fail(f"no autosave of {answer} from {page.url}; the page says {status!r}")
    assert saved.value.ok, saved.value.text()
    expect(page.locator("#save-status")).to_have_text(words.saved)


def type_passage(page: Page, *, words: Words = EN) -> dict[str, str]:
    """Copy the typing passage at a plausible speed (the page clock is moved on)."""
    typing = page.locator("textarea#typing")
    passage = page.locator(".passage").inner_text().strip()
    duration_ms = 1000 * int(typing.get_attribute("data-duration"))
    typing.fill(passage[:-1])  # the first key press starts the exercise's clock
    page.clock.fast_forward(duration_ms * 2 // 3)

    # The exercise ends, and saves, when the whole passage is typed.
    wait_until_saved(page, lambda: typing.fill(passage), {"text": passage}, words=words)
    return {"text": passage}


def pick(options, position: int, shift: int = 0):
    """Choose an option that varies with the position, so that scores vary."""
    return options.nth((position + shift) % options.count())


def answer_item(page: Page, position: int, *, words: Words = EN) -> dict[str, str]:
    """Answer the item on the page whatever its type; return the answer given."""
    # The form shows before candidate.js (at the end of the body) runs; a change made
    # earlier is saved by the form post on Next, but not autosaved.
    page.wait_for_load_state("domcontentloaded")
    best, worst = page.locator("input[name=best]"), page.locator("input[name=worst]")
    choice = page.locator("input[name=choice]")
    if page.locator("textarea#typing").count():
        return type_passage(page, words=words)
    if page.locator("textarea[name=text]").count():
        answer = {"text": REPLY}
        wait_until_saved(page, lambda: page.locator("textarea[name=text]").fill(REPLY),
                         answer, words=words)
    elif page.locator("input[name=value]").count():
        answer = {"value": NUMBER}
        wait_until_saved(page, lambda: page.locator("input[name=value]").fill(NUMBER),
                         answer, words=words)
    elif choice.count():
        option = pick(choice, position)
        value = option.get_attribute("value")
        multiple = option.get_attribute("type") == "checkbox"
        answer = {"choice": [value] if multiple else value}
        wait_until_saved(page, option.check, answer, words=words)
    elif worst.count():
        answer = {"best": pick(best, position).get_attribute("value"),
                  "worst": pick(worst, position, 1).get_attribute("value")}
        pick(best, position).check()  # this save is superseded by the next
        wait_until_saved(page, pick(worst, position, 1).check, answer, words=words)
    elif best.count():
        answer = {"best": pick(best, position).get_attribute("value")}
        wait_until_saved(page, pick(best, position).check, answer, words=words)
    else:
        fields = page.locator("#item-form").get_attribute("data-fields")
        pytest.fail(f"the test cannot answer this item (fields {fields}) at {page.url}")
    return answer


def expect_answer(page: Page, answer: dict[str, str], *, words: Words = EN) -> None:
    """Check that the page shows `answer` as the saved one."""
    for name, value in answer.items():
        if name in ("best", "worst", "choice"):
            for one in value if isinstance(value, list) else [value]:
                expect(page.locator(f"input[name={name}][value='{one}']")).to_be_checked()
        elif name == "value":
            expect(page.locator("input[name=value]")).to_have_value(value)
        else:
            expect(page.locator("textarea[name=text]")).to_have_value(value)
    expect(page.locator("#save-status")).to_have_text(words.saved)


def open_invitation(page: Page, invitation_url: str) -> None:
    """Open the invitation's welcome page, in the language it was sent in."""
    page.clock.install()  # runs in real time until the typing exercise moves it on
    page.goto(invitation_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(EN.assessment)


def start(page: Page, invitation_url: str, *, words: Words = EN) -> int:
    """Start from the welcome page; return the number of items."""
    page.get_by_role("button", name=words.start).click()
    expect(page).to_have_url(item_url(invitation_url, 1))
    first = re.compile("^" + counter(words, 1, r"(\d+)") + "$")
    return int(first.match(page.get_by_text(first).inner_text())[1])


def expect_resumes_at(page: Page, invitation_url: str, position: int, total: int,
                      answer: dict[str, str], *, words: Words = EN) -> None:
    page.goto(invitation_url)
    expect(page).to_have_url(item_url(invitation_url, position))
    expect(page.get_by_text(counter(words, position, total), exact=True)).to_be_visible()
    expect_answer(page, answer, words=words)


def answer_from(page: Page, invitation_url: str, first: int, total: int,
                answers: dict[int, dict[str, str]], on_item=None, *, words: Words = EN
                ) -> None:
    """Answer items `first`..`total` (keeping earlier answers) and reach the review page."""
    time_left = re.compile(re.escape(words.time_left) + r" \d+:\d\d")
    for position in range(first, total + 1):
        expect(page).to_have_url(item_url(invitation_url, position))
        expect(page.get_by_text(counter(words, position, total), exact=True)).to_be_visible()
        expect(page.locator("#timer")).to_contain_text(time_left)
        if position in answers:
            expect_answer(page, answers[position], words=words)
        else:
            answers[position] = answer_item(page, position, words=words)
            if on_item:
                on_item(page, position)
        forward = words.next if position < total else words.review
        page.get_by_role("button", name=forward, exact=True).click()
    expect(page).to_have_url(f"{invitation_url}/review")


def submit(page: Page, *, words: Words = EN) -> None:
    expect(page.get_by_text(words.all_answered)).to_be_visible()
    page.get_by_role("button", name=words.submit).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words.thank_you.format(name=CANDIDATE))


def screenshot_best_sjt(page: Page, invitation_url: str, total: int, path: Path, *,
                        words: Words = EN) -> dict[int, dict[str, str]]:
    """Answer up to the first SJT with one best response, choose that, screenshot it.

    Return the answers given, the screenshotted item's among them.
    """
    answers: dict[int, dict[str, str]] = {}
    for position in range(1, total + 1):
        expect(page.get_by_text(counter(words, position, total), exact=True)).to_be_visible()
        page.wait_for_load_state("domcontentloaded")
        if page.locator("fieldset.options input[name=best]").count():
            # The README should not show a poor answer as the chosen one.
            chosen = most_effective_option(page.locator("p.stem").inner_text(), words.language)
            option = page.locator(f"input[name=best][value='{chosen}']")
            wait_until_saved(page, option.check, {"best": chosen}, words=words)
            page.screenshot(path=path, full_page=True)
            answers[position] = {"best": chosen}
            return answers
        answers[position] = answer_item(page, position, words=words)
        page.get_by_role("button", name=words.next, exact=True).click()
    pytest.fail(f"no SJT item with one best response at {invitation_url}")


# ---- the interviewer's side ----------------------------------------------------------


def log_in(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(INTERVIEWER[0])
    page.get_by_label("Password").fill(INTERVIEWER[1])
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base_url}/attempts/")


def rate_written_answer(page: Page, comment: str) -> None:
    form = page.locator("form.rating")
    criteria = form.locator("fieldset.criterion")
    assert criteria.count() >= 2
    for index in range(criteria.count()):
        criteria.nth(index).locator(f"input[value='{3 + index % 3}']").check()
    form.get_by_label("Comment").fill(comment)
    form.get_by_role("button", name="Save rating").click()
    expect(page.get_by_role("status")).to_have_text("Rating saved.")
    expect(page.locator("body")).to_contain_text(comment)


def open_newest_submitted(page: Page) -> None:
    """Open the attempt page of the newest submitted demo attempt."""
    row = page.get_by_role("row").filter(has_text=CANDIDATE).filter(has_text="submitted")
    row.first.get_by_role("link", name=CANDIDATE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CANDIDATE)


def download_profile(page: Page, path: Path) -> str:
    """Download the attempt's PDF profile to `path`; return its text."""
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF profile").click()
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                            capture_output=True, text=True, check=True, timeout=60)
    return " ".join(result.stdout.split())


# ---- tests ---------------------------------------------------------------------------


def test_candidate_takes_assessment_and_interviewer_gets_profile(
        live_server, page, new_context, tmp_path):
    invitation = live_server.invitation_url
    problems = BrowserProblems(page.context)
    open_invitation(page, invitation)
    total = start(page, invitation)
    assert total >= 7

    answers: dict[int, dict[str, str]] = {}
    for position in range(1, 6):
        expect(page.get_by_text(f"Question {position} of {total}", exact=True)).to_be_visible()
        answers[position] = answer_item(page, position)
        page.get_by_role("button", name="Next", exact=True).click()
    expect(page).to_have_url(item_url(invitation, 6))
    answers[6] = answer_item(page, 6)

    # A reload, the invitation link, and the link in a browser without the session
    # cookie all come back to question 6 with its answer.
    page.reload()
    expect(page).to_have_url(item_url(invitation, 6))
    expect_answer(page, answers[6])
    expect_resumes_at(page, invitation, 6, total, answers[6])
    elsewhere = new_context().new_page()
    elsewhere_problems = BrowserProblems(elsewhere.context)
    expect_resumes_at(elsewhere, invitation, 6, total, answers[6])
    assert elsewhere_problems.found == []
    page.get_by_role("button", name="Previous", exact=True).click()
    expect(page).to_have_url(item_url(invitation, 5))
    expect_answer(page, answers[5])
    for position in range(1, 5):
        page.goto(f"{invitation}/q/{position}")
        expect_answer(page, answers[position])
    # The last question seen is where the invitation link resumes.
    page.goto(invitation)
    expect(page).to_have_url(item_url(invitation, 4))

    answer_from(page, invitation, 4, total, answers)
    submit(page)
    page.goto(invitation)  # the link now only says thank you
    expect(page).to_have_url(f"{invitation}/done")
    assert problems.found == []

    staff = new_context().new_page()
    staff_problems = BrowserProblems(staff.context)
    log_in(staff, live_server.base_url)
    # The startup invitation is the oldest Dana Demo attempt: the last in the list.
    row = staff.get_by_role("row").filter(has_text=CANDIDATE).last
    expect(row).to_contain_text("submitted")
    row.get_by_role("link", name=CANDIDATE).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(CANDIDATE)
    rate_written_answer(staff, "Warm apology, clear choice of remedies.")

    text = download_profile(staff, tmp_path / "profile.pdf")
    assert CANDIDATE in text
    names = dimension_names()
    assert len(names) == 6
    for name in names:
        assert name in text
    assert staff_problems.found == []


def test_candidate_takes_the_assessment_in_croatian(live_server, page, new_context, tmp_path):
    invitation = live_server.invite()
    problems = BrowserProblems(page.context)
    open_invitation(page, invitation)
    page.get_by_role("link", name=HR.name).click()
    expect(page).to_have_url(f"{invitation}?lang=hr")
    expect(page.locator("html")).to_have_attribute("lang", "hr")
    expect(page.get_by_role("heading", level=2, name="Što vas očekuje")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(HR.assessment)
    total = start(page, invitation, words=HR)

    croatian_stems, seen_stems, typed = sjt_stems("hr"), [], []

    def check_croatian(page: Page, position: int) -> None:
        expect(page.locator("html")).to_have_attribute("lang", "hr")
        expect(page).to_have_title(counter(HR, position, total))
        interface = " ".join(page.locator(INTERFACE).all_inner_texts())
        assert counter(HR, position, total) in interface
        assert not ENGLISH_INTERFACE.findall(interface), (page.url, interface)
        if page.locator("input[name=best]").count():
            expect(page.locator(".section-title")).to_have_text("Situacije")
            seen_stems.append(normalised(page.locator("p.stem").inner_text()))
        if page.locator("textarea#typing").count():
            typed.append(position)

    answers: dict[int, dict[str, str]] = {}
    answer_from(page, invitation, 1, total, answers, on_item=check_croatian, words=HR)
    assert typed, "the assessment had no typing exercise"
    assert seen_stems, "the assessment showed no SJT item"
    assert set(seen_stems) <= croatian_stems, set(seen_stems) - croatian_stems
    submit(page, words=HR)
    expect(page.locator("html")).to_have_attribute("lang", "hr")
    assert problems.found == []

    staff = new_context().new_page()
    staff_problems = BrowserProblems(staff.context)
    log_in(staff, live_server.base_url)
    open_newest_submitted(staff)
    typing = staff.locator("article.answer").filter(has_text=re.compile(r"\btyping ·"))
    expect(typing).to_have_count(1)
    # The whole Croatian passage was typed: measured against it, nothing is wrong. The
    # profile of a Croatian attempt describes the answer in Croatian.
    expect(typing).to_contain_text(re.compile(
        r"Answer: \d+ neto riječi u minuti \(\d+ bruto\), točnost 100%, 0 pogrešaka "
        r"\(upisano znakova: \d+\)"))
    # The PDF of a Croatian attempt holds none of the profile's English labels.
    from tests.domain.test_profile_language import english_in

    text = download_profile(staff, tmp_path / "profile-hr.pdf")
    assert "Kako čitati ovaj profil" in text
    # (the candidate's own reply is in English: a label that is a word of it may appear)
    assert [label for label in english_in(text, "hr") if label not in REPLY] == []
    assert staff_problems.found == []


def test_readme_screenshots(live_server, new_context, tmp_path):
    """Write the README's screenshots into $HIRING_SCREENSHOTS (else a temporary folder)."""
    folder = Path(os.environ.get("HIRING_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shots = {name: folder / f"{name}.png"
             for name in ("candidate-sjt-en", "candidate-sjt-hr", "profile-page1")}
    for shot in shots.values():
        shot.unlink(missing_ok=True)

    croatian = live_server.invite()
    page = new_context(viewport={"width": 1100, "height": 800}).new_page()
    open_invitation(page, croatian)
    page.get_by_role("link", name=HR.name).click()
    total = start(page, croatian, words=HR)
    screenshot_best_sjt(page, croatian, total, shots["candidate-sjt-hr"], words=HR)

    invitation = live_server.invite()
    page = new_context(viewport={"width": 1100, "height": 800}).new_page()
    open_invitation(page, invitation)
    total = start(page, invitation)
    answers = screenshot_best_sjt(page, invitation, total, shots["candidate-sjt-en"])
    answer_from(page, invitation, max(answers), total, answers)
    submit(page)

    staff = new_context().new_page()
    log_in(staff, live_server.base_url)
    open_newest_submitted(staff)
    rate_written_answer(staff, "Apologises, owns the problem and offers two remedies.")
    pdf = tmp_path / "profile.pdf"
    assert CANDIDATE in download_profile(staff, pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(shots["profile-page1"].with_suffix(""))],
                   check=True, timeout=60)
    for shot in shots.values():
        assert shot.stat().st_size > 10_000, shot


def test_an_incomplete_attempt_is_shown_as_incomplete_without_flags(
        live_server, page, new_context, tmp_path):
    invitation = live_server.invite()
    problems = BrowserProblems(page.context)
    open_invitation(page, invitation)
    total = start(page, invitation)
    for position in range(1, 4):
        expect(page.get_by_text(counter(EN, position, total), exact=True)).to_be_visible()
        answer_item(page, position)
        page.get_by_role("button", name=EN.next, exact=True).click()
    expect(page).to_have_url(item_url(invitation, 4))
    page.goto(f"{invitation}/review")
    unanswered = total - 3
    expect(page.locator("p.warning")).to_contain_text(
        f"{unanswered} questions still without an answer")
    page.get_by_role("button", name=EN.submit).click()
    expect(page.locator("p.warning")).to_have_text(
        f"{unanswered} questions have no answer. Submit anyway?")
    page.get_by_role("button", name="Submit anyway").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        EN.thank_you.format(name=CANDIDATE))
    assert problems.found == []

    staff = new_context().new_page()
    staff_problems = BrowserProblems(staff.context)
    log_in(staff, live_server.base_url)
    counts = f"incomplete: {unanswered} of {total} unanswered"
    row = staff.get_by_role("row").filter(has_text=CANDIDATE).filter(has_text=counts)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=CANDIDATE).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(CANDIDATE)
    notice = (f"Incomplete: {unanswered} of {total} questions unanswered. Scores rest on the "
              "answered items only")
    expect(staff.locator(".incomplete-notice")).to_contain_text(notice)
    expect(staff.get_by_text("None claimed: the attempt is incomplete")).to_have_count(2)
    expect(staff.locator(".decision-strength, .decision-development")).to_have_count(0)

    text = download_profile(staff, tmp_path / "incomplete.pdf")
    assert notice in text
    assert text.index(notice) < text.index("Strengths")
    assert text.count("None claimed: the attempt is incomplete") == 2
    assert "worth probing" not in text and "development area:" not in text
    assert staff_problems.found == []
