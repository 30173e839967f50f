"""Suggestions in a real browser (Debian's chromium, driven by Playwright), keyboard only.

The therapist rejects one of the patient's changes and accepts another, with JavaScript on and
off, at 1280 and 390 px wide; the history then records both decisions, with who made them.
The compare page's download is reached by the keyboard and gives a PDF by default. No field
path shows, and axe-core finds no serious or critical problem. With JavaScript on, each page
is kept as a screenshot in docs/screenshots/ (suggestions-*.png, history-*.png, compare-*.png).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import edit
from test_patient_copy import FIELD_PATH, LETTER
from test_web_browser import ARGS, CHROMIUM, Server, axe, playwright_sync

from letterkit import Workspace

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """Draft 1 by Dr Sam Lee; draft 2 by Nora, suggesting two changes."""
    path = tmp_path / "nora.yaml"
    path.write_text(LETTER, encoding="utf-8")
    ws = Workspace(tmp_path)
    ws.save_draft("nora.yaml", "therapist", "Dr Sam Lee")
    edit(
        path,
        "  - You asked for help at work.",
        "  - You asked for help at work, and I said no to extra shifts.",
    )
    edit(path, "sixteen sessions, always on a Tuesday.", "sixteen sessions.")
    ws.save_draft("nora.yaml", "patient", "Nora")
    running = Server(tmp_path)
    yield running
    if running.process.poll() is None:
        running.stop()


def tab_to(page: Any, selector: str, text: str | None = None, limit: int = 150) -> None:
    """Press Tab until the focused element matches ``selector`` (and has ``text``); fail if never.
    Read through the page's selectors, which work with JavaScript off too."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.locator(f"{selector}:focus")
        if focused.count() and focused.is_visible():
            if text is None or " ".join(focused.inner_text().split()) == text:
                return
        seen.append(page.locator(":focus").first.inner_text()[:30] if page.locator(":focus").count() else "")
    raise AssertionError(f"never reached by Tab; focus went through {seen}")


def checked(page: Any, javascript: bool) -> list[str]:
    """axe-core's serious and critical findings (axe runs in the page: only with JavaScript on;
    the markup is the same with it off)."""
    return axe(page) if javascript else []


def press_enter_and_load(page: Any) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def visible(page: Any) -> str:
    return " ".join(page.inner_text("main").split())


def shoot(page: Any, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_the_therapist_rejects_one_change_and_accepts_another(
    browser: Any, server: Server, javascript: bool, width: int
) -> None:
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(server.link)
    page.goto(f"{server.base}/letters/nora.yaml")

    # From the letter to its suggestions, by the keyboard.
    tab_to(page, "a", "Suggestions")
    press_enter_and_load(page)
    assert page.url.endswith("/letters/nora.yaml/suggestions")
    text = visible(page)
    assert "What has changed, item 1" in text and "What happened in our sessions" in text
    assert re.search(r"Changes suggested in Draft 2, \d+ \w+ \d{4}, by Nora", text)
    assert not FIELD_PATH.search(text), FIELD_PATH.search(text)
    assert not checked(page, javascript), axe(page)
    if javascript:
        shoot(page, "suggestions", width)
    shifts = page.locator("li.suggestion", has_text="extra shifts")
    tuesday = page.locator("li.suggestion", has_text="always on a Tuesday")
    reject = " ".join(shifts.locator("button", has_text="Reject").inner_text().split())
    accept = " ".join(tuesday.locator("button", has_text="Accept").inner_text().split())
    # The deleted words show struck, the added ones marked, each credited to Nora.
    assert tuesday.locator("del").get_attribute("title") == "Taken out by Nora"
    assert shifts.locator("ins").get_attribute("title") == "Added by Nora"

    # Reject the one, accept the other: Tab to each button and press Enter.
    tab_to(page, "button", reject)
    press_enter_and_load(page)
    assert "1 change rejected" in page.inner_text("#message")
    tab_to(page, "button", accept)
    press_enter_and_load(page)
    assert "1 change accepted" in page.inner_text("#message")
    decided = visible(page)
    assert re.search(r"Rejected by Dr Sam Lee on \d+ \w+ \d{4}", decided)
    assert re.search(r"Accepted by Dr Sam Lee on \d+ \w+ \d{4}", decided)
    assert "Every change has been decided" in decided
    assert not checked(page, javascript), axe(page)
    if javascript:
        shoot(page, "suggestions-decided", width)
    letter = (server.folder / "nora.yaml").read_text(encoding="utf-8")
    assert "extra shifts" not in letter and "sixteen sessions." in letter

    # The history records both decisions, with who made them.
    tab_to(page, "a", "History")
    press_enter_and_load(page)
    history = visible(page)
    assert re.search(
        r"Nora suggested adding ‘, and I said no to extra shifts’ \(What has changed, item 1, draft 2\); "
        r"rejected by Dr Sam Lee on \d+ \w+ \d{4}",
        history,
    )
    assert re.search(
        r"Nora suggested taking out ‘, always on a Tuesday’ .*?; accepted by Dr Sam Lee on ", history
    )
    assert re.search(r"Draft 3, \d+ \w+ \d{4}, by Dr Sam Lee", history)
    assert not FIELD_PATH.search(history), FIELD_PATH.search(history)
    assert not checked(page, javascript), axe(page)
    if javascript:
        shoot(page, "history", width)

    # Compare drafts 2 and 3, the patient's copy: reached and downloaded by the keyboard.
    tab_to(page, "input[value=therapist]")
    page.keyboard.press("ArrowDown")  # the radio group: the patient's copy
    tab_to(page, "button", "Compare")
    press_enter_and_load(page)
    compare = visible(page)
    assert re.search(r"From\s*Draft 2, \d+ \w+ \d{4}, by you", compare), compare[:400]
    assert re.search(r"To\s*Draft 3, \d+ \w+ \d{4}, by Dr Sam Lee", compare)
    assert "What has changed, item 1: changed by Dr Sam Lee (draft 3)" in compare
    assert not FIELD_PATH.search(compare), FIELD_PATH.search(compare)
    assert "@" not in compare
    assert not checked(page, javascript), axe(page)
    if javascript:
        shoot(page, "compare", width)
    tab_to(page, "button", "Download", limit=20)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "nora-changes-2-to-3-for-patient.pdf"
    context.close()
