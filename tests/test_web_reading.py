"""Reading the letter together in a real browser (Chromium through Playwright), JavaScript on
and off, at 1280 and 390 px: the letter as it prints, each paragraph changed in place, nothing
typed lost, changes marked inline with the patient's name, plain words for the patient.

Screenshots of each state are saved in docs/screenshots/ (reading-*.png). Fictional people only.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser_support import ARGS, CHROMIUM, ROOT, WIDTHS, Server, axe, screenshot

if CHROMIUM is None:
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)
playwright_sync = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

import letterkit  # noqa: E402
from letterkit.model.fields import FIELDS  # noqa: E402

SHOTS = ROOT / "docs" / "screenshots"
NAME = "nora-vale-goodbye-letter.yaml"
LETTER = """\
kind: goodbye-letter
status: draft
patient: {name: Nora Vale, preferred_name: Nora}
therapist: {name: Sam Okoro, role: Psychological therapist, service: Riverside Talking Therapies}
date: 2026-09-30
session: 13
background: You came when the shop closed and the days lost their shape.
referral: {by: "your GP, Dr Hollis", reason: low mood and not sleeping, date: 2026-05-01}
ipaf:
  self: a spare part, only useful when someone needs fixing
  other: taking what they need and then moving on
  affect: [lonely, shame, {feeling: angry, less_conscious: true}]
  reversal: you can become the one who moves on
  imagery: [the family's safety net]
coping_strategies:
  - {strategy: keeping busy for everyone else, cost: no time for yourself}
course_of_therapy: |-
  We met for sixteen weeks. In the first weeks you told me about the shop
  and the family, and we put a name to the pattern together.
changes:
  - You asked your brother to take a turn.
unfinished_business:
  - Saying no still feels risky.
ending: Ending may feel like being left once more.
transference: At times you expected me to move on too.
closing: All the best,
"""
PATTERN = "You often see yourself as a spare part"
FEELINGS = "This leaves you feeling lonely and ashamed."
FIELD_PATH = re.compile(
    r"\b(" + "|".join(re.escape(f.name) for f in FIELDS if "_" in f.name or f.name == "ipaf") + r")\b"
    r"|\b[a-z_]+\.[a-z_]+\b(?!\.)|\[\d+\]"
)
CLINICIAN = (
    "is empty —",
    "how does the patient",
    "has changes that are not saved",
    "letter page",
    "scaffold",
    "YAML",
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    (tmp_path / NAME).write_text(LETTER, encoding="utf-8")
    letterkit.save_draft(tmp_path / NAME, "therapist", "Sam Okoro")
    running = Server(tmp_path)
    yield running
    if running.process.poll() is None:
        running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def open_page(browser: Any, server: Server, *, width: int = 1280, javascript: bool = True) -> Any:
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(server.link)
    page.goto(f"{server.base}/letters/{NAME}/read")
    return page


def letter_data(server: Server) -> dict[str, Any]:
    return yaml.safe_load((server.folder / NAME).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def paragraph(page: Any, words: str) -> Any:
    """The paragraph, editable in place, that holds ``words`` (found once, then by its id)."""
    found = page.locator(".para-text", has_text=words)
    return page.locator(f"#{found.get_attribute('id')}")


def select_words(page: Any, box: Any, words: str) -> None:
    """Put the caret before ``words`` in the paragraph with the keyboard, and select them."""
    text = box.inner_text()
    at = text.index(words)
    box.click()
    page.keyboard.press("Control+Home")
    for _ in range(at):
        page.keyboard.press("ArrowRight")
    for _ in range(len(words)):
        page.keyboard.press("Shift+ArrowRight")


def kept(page: Any) -> None:
    """Wait until what was typed is kept by the server."""
    page.locator("[data-keep-status]", has_text="kept").wait_for()


def plain_words_only(page: Any) -> None:
    """No field path and no clinician wording anywhere the patient can read."""
    text = page.inner_text("main")
    assert not FIELD_PATH.search(text), FIELD_PATH.search(text)
    for words in CLINICIAN:
        assert words not in text, words


def both_widths(page: Any, name: str) -> None:
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, SHOTS, f"reading-{name}", label)
        assert not axe(page), (name, label, axe(page))
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_reading_page_is_the_letter_as_it_prints(server: Server, browser: Any) -> None:
    page = open_page(browser, server)
    letter = page.locator(".reading-letter")
    for printed in (
        "Riverside Talking Therapies",  # the letterhead
        "Dear Nora,",  # the opening
        "Your GP, Dr Hollis, referred you to us",  # the referral sentence
        FEELINGS,  # the feeling words, composed
        "‘the family's safety net’",  # the image
        "Where to find help",  # the help box
    ):
        assert printed in letter.inner_text(), printed
    # A paragraph the YAML file wrapped reads as one line: no line break mid-phrase.
    assert "about the shop and the family" in paragraph(page, "sixteen weeks").inner_text()
    assert page.locator(".reading-letter aside.help .para-text").count() >= 3
    plain_words_only(page)
    both_widths(page, "letter")
    page.context.close()


def test_a_typed_sentence_survives_leaving_and_coming_back(server: Server, browser: Any) -> None:
    page = open_page(browser, server)
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    box = paragraph(page, "Ending may feel like being left once more.")
    box.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" I am scared of the last session.")
    kept(page)
    page.locator(".para-text ins", has_text="scared of the last session").wait_for()
    page.goto(f"{server.base}/letters/{NAME}")  # away, to the therapist's page
    assert asked == ["beforeunload"]  # "leave page?" while it is not saved as a draft
    assert len(letterkit.history(server.folder / NAME)) == 1  # kept, never in the history
    assert "scared" not in (server.folder / NAME).read_text(encoding="utf-8")

    page.goto(f"{server.base}/letters/{NAME}/read")
    notice = page.locator(".notice.kept")
    assert "We kept what you typed on" in notice.inner_text()
    assert "it is not saved as a draft yet" in notice.inner_text()
    assert "I am scared of the last session." in paragraph(page, "Ending may feel").inner_text()
    both_widths(page, "kept")
    page.click("button:has-text('Save my changes')")
    message = page.locator(".message").inner_text()
    assert message == "Saved as Nora's suggestions, draft 2."
    saved = letterkit.history(server.folder / NAME)[-1]
    assert (saved.number, saved.role, saved.name) == (2, "patient", "Nora")
    assert letter_data(server)["ending"].endswith("I am scared of the last session.")
    assert not (server.folder / f"{NAME}.typed").exists()  # saved: nothing left over
    page.goto(f"{server.base}/letters/{NAME}/read")
    assert page.locator(".notice.kept").count() == 0
    page.context.close()


def test_keyboard_only(server: Server, browser: Any) -> None:
    page = open_page(browser, server, width=390)

    def tab_to(found: Any, limit: int = 200) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if found(page.locator(":focus")):
                return
        raise AssertionError("never reached it with Tab")

    tab_to(lambda el: "me to move on too" in (el.inner_text() or ""))
    page.keyboard.press("Control+End")
    page.keyboard.type(" It felt that way in the last weeks.")
    tab_to(lambda el: el.get_attribute("id") == "own")
    page.keyboard.type("Thank you for listening.")
    tab_to(lambda el: "Save my changes" in (el.inner_text() or ""))
    page.keyboard.press("Enter")
    assert page.locator(".message").inner_text() == "Saved as Nora's suggestions, draft 2."
    data = letter_data(server)
    assert (
        data["transference"] == "At times you expected me to move on too. It felt that way in the last weeks."
    )
    assert data["patient_comments"] == ["Thank you for listening."]
    both_widths(page, "saved")
    page.context.close()


def test_a_deletion_shows_inline_struck_through_with_the_name_before_saving(
    server: Server, browser: Any
) -> None:
    page = open_page(browser, server, width=390)
    box = paragraph(page, FEELINGS)
    select_words(page, box, " and ashamed")
    page.keyboard.press("Backspace")
    struck = box.locator("del")
    struck.wait_for()
    assert struck.inner_text() == " and ashamed" or struck.inner_text().strip() == "and ashamed"
    assert struck.get_attribute("title") == "Removed by Nora"
    assert "line-through" in struck.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "removed by Nora" in box.locator(".who").inner_text()
    # Typing goes on after the struck words; they are not part of what is saved.
    page.keyboard.type(", and very tired")
    box.locator("ins", has_text="very tired").wait_for()
    assert box.locator("ins", has_text="very tired").get_attribute("title") == "Added by Nora"
    kept(page)
    assert page.input_value(f"#{box.get_attribute('id')[:-5]}") == (
        "This leaves you feeling lonely, and very tired. Perhaps, too, some anger."
    )
    plain_words_only(page)
    both_widths(page, "marked")
    page.context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_feeling_word_and_an_image_go_to_their_fields(
    server: Server, browser: Any, javascript: bool
) -> None:
    page = open_page(browser, server, width=1280 if javascript else 390, javascript=javascript)
    if javascript:
        select_words(page, paragraph(page, FEELINGS), "lonely")
        page.keyboard.type("empty")
        select_words(page, paragraph(page, PATTERN), "safety net")
        page.keyboard.type("glue")
        page.fill("#own", "I want to say thank you.")
    else:
        for old, new in (("lonely", "empty"), ("safety net", "glue")):
            area = page.locator(".para textarea", has_text=old)
            area.fill(area.input_value().replace(old, new))
        page.fill("#own", "I want to say thank you.")
        plain_words_only(page)
        for label, width in WIDTHS.items():  # axe needs JavaScript: the JS-on tests run it
            page.set_viewport_size({"width": width, "height": 900})
            screenshot(page, SHOTS, "reading-no-js", label)
    page.click("button:has-text('Save my changes')")
    assert page.locator(".message").inner_text() == "Saved as Nora's suggestions, draft 2."
    data = letter_data(server)
    assert data["ipaf"]["affect"] == ["empty", "shame", {"feeling": "angry", "less_conscious": True}]
    assert data["ipaf"]["imagery"] == ["the family's glue"]
    assert data["patient_comments"] == ["I want to say thank you."]
    assert data["ipaf"]["self"] == "a spare part, only useful when someone needs fixing"  # untouched
    assert letterkit.history(server.folder / NAME)[-1].role == "patient"
    if not javascript:
        screenshot(page, SHOTS, "reading-no-js-saved", "phone")
    page.context.close()


def test_the_patient_is_told_before_typing_when_nothing_could_be_saved(server: Server, browser: Any) -> None:
    path = server.folder / NAME
    path.write_text(LETTER.replace("All the best,", "With warm wishes,"), encoding="utf-8")  # not a draft yet
    page = open_page(browser, server)
    blocked = page.locator("#blocked").inner_text()
    assert "ask them to save the letter before you change anything" in blocked
    assert page.locator(".para-text[contenteditable='true']").count() == 0
    assert page.locator("button:has-text('Save my changes')").count() == 0
    plain_words_only(page)
    both_widths(page, "blocked")
    page.context.close()


def test_a_refused_save_keeps_the_words_and_says_why_in_plain_words(server: Server, browser: Any) -> None:
    page = open_page(browser, server, javascript=False)
    area = page.locator(".para textarea", has_text="You came when the shop closed")
    area.fill("")  # a part of the letter that must have words
    page.fill("#own", "My own words, kept.")
    page.click("button:has-text('Save my changes')")
    error = page.locator(".error").inner_text()
    assert "Nothing was saved yet, but what you typed is kept here." in error
    assert "is now empty (under “What brought you here”)" in error
    assert page.input_value("#own") == "My own words, kept."
    assert len(letterkit.history(server.folder / NAME)) == 1
    plain_words_only(page)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, SHOTS, "reading-refused-no-js", label)
    page.context.close()
    page = open_page(browser, server)  # and it is still there next time
    assert page.input_value("#own") == "My own words, kept."
    both_widths(page, "refused")
    page.context.close()


def test_the_therapists_form_keeps_what_is_typed(server: Server, browser: Any) -> None:
    page = open_page(browser, server)
    page.goto(f"{server.base}/letters/{NAME}")
    page.on("dialog", lambda dialog: dialog.accept())
    field = page.locator("#letter-form textarea").first
    name = field.get_attribute("name")
    field.fill("Typed by the therapist and not saved.")
    page.wait_for_function("() => true")  # let the form's input handlers run
    page.wait_for_timeout(1500)
    page.goto(f"{server.base}/")
    page.goto(f"{server.base}/letters/{NAME}")
    page.locator(".notice.kept").wait_for()
    assert page.input_value(f"#letter-form [name='{name}']") == "Typed by the therapist and not saved."
    assert len(letterkit.history(server.folder / NAME)) == 1
    page.context.close()


def test_the_reading_page_has_the_words_of_the_printed_copy(server: Server) -> None:
    """The web's patient view and the command line's copy for the patient give the same words."""
    out = subprocess.run(
        [sys.executable, "-m", "letterkit", "render", f"{NAME}@latest", "-f", "md"],
        capture_output=True,
        text=True,
        cwd=server.folder,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    printed = re.sub(r"(?m)^(#+ |- |\s+)|\*\*", " ", out.stdout)
    reading = letterkit.Workspace(server.folder).reading(NAME)
    shown = " ".join(p.text for p in reading.passages)
    assert shown.split() == printed.replace("\\", "").split()
