"""The letter form and the caseload as NHS services make them, in a real browser (Debian's
chromium, driven by Playwright): JavaScript on and off, 1280 and 390 px wide, keyboard only.

A new letter starts empty, the kind's examples only as hints, no example date; a save that
cannot be recorded opens with the error summary ("There is a problem") focused, each of its
links going to a box on the page; the list buttons leave the focus on the item they moved; no
page shows a field path; axe-core (tests/axe/axe.min.js) finds nothing serious or critical on
any page, in any state, at either width. With LETTERKIT_SCREENSHOTS=FOLDER, each page is kept
there as page-NAME-WIDTH.png (scripts/screenshots.sh makes docs/screenshots/ this way).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARGS, CHROMIUM, ROOT, Server, axe
from helpers import edit
from test_patient_copy import FIELD_PATH, LETTER

from letterkit import Workspace

if CHROMIUM is None:
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)
playwright_sync = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

WIDTHS = (1280, 390)
SHOTS = os.environ.get("LETTERKIT_SCREENSHOTS")
DOTTED = re.compile(
    r"\b(patient|therapist|referral|ipaf|keeping_well|accessibility|easy_read|coping_strategies"
    r"|changes|goals|help)(\.[a-z_]|\.\d|\[)"
)
"""A field path as a letter file writes it (``ipaf.affect[1].feeling``, ``patient.name``)."""
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
"""A field's name as a letter file writes it (``keeping_well``, ``what_helps``)."""
NOT_FOR_PAGES = ("scaffold", "letterkit.toml", "{feeling", "less_conscious", "YYYY-MM-DD")
EXAMPLE_DATES = ("2026-01-01", "1 January 2026")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Nora's goodbye letter (draft 1 by Dr Sam Lee, draft 2 by Nora suggesting a change) and
    Aliya's formulation."""
    folder = tmp_path_factory.mktemp("forms")
    path = folder / "nora.yaml"
    path.write_text(LETTER, encoding="utf-8")
    ws = Workspace(folder)
    ws.save_draft("nora.yaml", "therapist", "Dr Sam Lee")
    edit(
        path,
        "  - You asked for help at work.",
        "  - You asked for help at work, and said no to extra shifts.",
    )
    ws.save_draft("nora.yaml", "patient", "Nora")
    (folder / "aliya-formulation.yaml").write_bytes(
        (ROOT / "samples" / "aliya-formulation.yaml").read_bytes()
    )
    running = Server(folder)
    yield running
    if running.process.poll() is None:
        running.stop()


def open_page(browser: Any, server: Server, width: int, javascript: bool = True) -> Any:
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(server.link)
    return page


def focused(page: Any) -> dict[str, str]:
    """The focused element's tag, id and name (read through a locator: the CSP forbids eval)."""
    element = page.locator(":focus")
    if element.count() == 0:
        return {"tag": "", "id": "", "name": "", "text": "", "value": ""}
    return {
        "tag": element.evaluate("e => e.tagName.toLowerCase()"),
        "id": element.get_attribute("id") or "",
        "name": element.get_attribute("name") or "",
        "text": " ".join(element.inner_text().split()),
        "value": element.get_attribute("value") or "",
    }


def tab_to(page: Any, test: Any, limit: int = 200) -> int:
    """Press Tab until ``test(focused)`` holds; returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if test(focused(page)):
            return presses
    raise AssertionError("never reached with Tab")


def at_the_item(page: Any, anchor: str) -> None:
    """Wait until the browser has gone to the page's anchor: it scrolls there in a rendering frame
    after "load" (and sets where Tab starts from then), late on a busy machine."""
    item = page.locator(f"[id='{anchor}']")
    for _ in range(100):
        if abs(item.evaluate("e => e.getBoundingClientRect().top")) < 5:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"the page never went to #{anchor}")


def enter_and_load(page: Any) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def shoot(page: Any, name: str, width: int, *, whole: bool = False) -> None:
    """The window as it is now, as SHOTS/page-NAME-WIDTH.png, in 256 colours (small files)."""
    if not SHOTS:
        return
    from PIL import Image

    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    path = Path(SHOTS) / f"page-{name}-{width}.png"
    page.screenshot(path=str(path), full_page=whole)
    with Image.open(path) as shot:
        small = shot.convert("RGB").quantize(256)
    small.save(path, optimize=True)


def no_paths(page: Any) -> None:
    text = " ".join(page.inner_text("body").split())
    for pattern in (FIELD_PATH, DOTTED, SNAKE):
        found = pattern.search(text)
        assert not found, (page.url, text[max(0, found.start() - 80) : found.end() + 80])
    for words in NOT_FOR_PAGES:
        assert words not in text, (page.url, words)


def start_letter(page: Any, patient: str) -> None:
    """On the caseload: a goodbye letter for ``patient``, by the keyboard alone."""
    tab_to(page, lambda f: f["id"] == "new-kind")
    page.keyboard.press("Home")  # the first kind: the goodbye letter
    tab_to(page, lambda f: f["id"] == "new-patient")
    page.keyboard.type(patient)
    enter_and_load(page)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_a_new_letter_starts_empty_and_the_error_summary_takes_focus(
    browser: Any, server: Server, javascript: bool, width: int
) -> None:
    page = open_page(browser, server, width, javascript)
    patient = {(1280, True): "Ruth Abbot", (1280, False): "Owen Price", (390, True): "Maya Lund"}.get(
        (width, javascript), "Tom Reyes"
    )
    start_letter(page, patient)
    assert page.url.endswith("-goodbye-letter.yaml"), page.url

    # Empty: the patient's name and the status only; the examples are hints, never values.
    form = page.locator("#letter-form")
    values = {
        name: value
        for name, value in form.evaluate(
            "f => Array.from(f.elements).filter(e => e.name && !e.name.startsWith('_') && e.type !== 'hidden'"
            " && e.type !== 'submit' && e.type !== 'checkbox').map(e => [e.name, e.value])"
        )
        if value
    }
    assert values == {"status": "draft", "patient.name": patient}, values
    for part in ("day", "month", "year"):
        assert page.input_value(f"[name='date.{part}']") == ""
    text = page.locator("#letter-form").text_content() or ""  # folded sections too
    assert "For example: You came to see me because" in text and "For example: hopelessness" in text
    assert page.locator("#letter-form details.section[open]").count() == 1  # it opens short
    for date in EXAMPLE_DATES:
        assert date not in text and date not in page.content()
    assert page.locator(".nhsuk-error-summary").count() == 0  # nothing is wrong before a save
    no_paths(page)
    assert not axe(page) if javascript else True, axe(page)
    if javascript:
        shoot(page, "letter-new", width, whole=True)

    # "What is still missing" links into a folded section: the section opens at the link.
    tab_to(page, lambda f: f["text"].startswith("What is still missing"))
    page.keyboard.press("Enter")
    tab_to(page, lambda f: f["text"] == "What brought you here", limit=12)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*#f-background$"))
    assert page.locator("#f-background").is_visible()
    page.goto(page.url.split("#")[0])

    # Save a draft by the keyboard: the way to Save is the second stop after the header.
    presses = tab_to(page, lambda f: f["text"] == "Go to Save")
    assert presses <= 8, presses
    page.keyboard.press("Enter")
    tab_to(page, lambda f: f["name"] == "action" and f["text"] == "Save draft", limit=6)
    enter_and_load(page)
    summary = page.locator(".nhsuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert focused(page)["id"] == "error-summary"
    links = summary.locator("a")
    assert links.count() >= 5
    for i in range(links.count()):
        target = (links.nth(i).get_attribute("href") or "").removeprefix("#")
        box = page.locator(f"[id='{target}']")
        assert box.count() == 1, target
        assert box.evaluate("e => e.tagName.toLowerCase()") in ("input", "textarea", "select", "button"), (
            target
        )
    no_paths(page)
    if javascript:
        assert not axe(page), axe(page)
        shoot(page, "letter-errors", width)
    # The first link goes to its box: with JavaScript the box takes focus, without it the page
    # moves there (the link's address).
    first = (links.nth(0).get_attribute("href") or "").removeprefix("#")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == " ".join(links.nth(0).inner_text().split())
    page.keyboard.press("Enter")
    if javascript:
        page.wait_for_function(f"() => document.activeElement && document.activeElement.id === '{first}'")
    else:
        page.wait_for_url(re.compile(f".*#{first}$"))
    page.context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_moving_an_item_keeps_the_focus_on_it(browser: Any, server: Server, javascript: bool) -> None:
    page = open_page(browser, server, 1280, javascript)
    page.goto(f"{server.base}/letters/aliya-formulation.yaml")
    first = page.input_value("[name='goals.0']")
    tab_to(page, lambda f: f["value"] == "down:goals.0", limit=300)
    enter_and_load(page)
    assert page.url.endswith("#f-goals-1-item")  # the page opens at the item
    if not javascript:  # a page opened at an anchor: Tab starts from there (no autofocus)
        at_the_item(page, "f-goals-1-item")
        page.keyboard.press("Tab")
    assert focused(page)["name"] == "goals.1"
    assert page.input_value("[name='goals.1']") == first
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_passes_axe_and_shows_no_field_path(browser: Any, server: Server, width: int) -> None:
    page = open_page(browser, server, width)
    pages = {
        "caseload": "/",
        "letter": "/letters/nora.yaml",
        "read": "/letters/nora.yaml/read",
        "suggestions": "/letters/nora.yaml/suggestions",
        "history": "/letters/nora.yaml/history",
        "compare": "/letters/nora.yaml/history?a=1&b=2",
        "compare-patient": "/letters/nora.yaml/history?a=1&b=2&reader=patient",
        "contributions": "/letters/nora.yaml/history?view=contributions",
    }
    for name, address in pages.items():
        page.goto(server.base + address)
        page.wait_for_load_state()
        no_paths(page)
        assert not axe(page), (name, axe(page))
        shoot(page, name, width)
    # The letter's preview, followed as the therapist types.
    page.goto(server.base + "/letters/nora.yaml")
    page.fill("[name='closing']", "I will remember our work together, and our Tuesdays.")
    page.locator("#preview", has_text="our Tuesdays").wait_for()
    page.locator("#preview-heading").scroll_into_view_if_needed()
    no_paths(page)
    assert not axe(page), axe(page)
    shoot(page, "preview", width)
    # A letter put away: out of the list, under "Archived", with its history; and back again.
    page.goto(server.base + "/")
    with page.expect_navigation():
        page.locator("tr", has_text="nora.yaml").locator("button", has_text="Archive").click()
    listed = page.locator("table.caseload").first.inner_text()
    assert "nora.yaml" not in listed
    page.click("#archived summary")
    assert "nora.yaml" in page.inner_text("#archived") and "Draft 2" in page.inner_text("#archived")
    no_paths(page)
    assert not axe(page), axe(page)
    page.locator("#archived").scroll_into_view_if_needed()
    shoot(page, "caseload-archived", width)
    with page.expect_navigation():
        page.locator("#archived tr", has_text="nora.yaml").locator("button", has_text="Bring back").click()
    assert "nora.yaml" in page.locator("table.caseload").first.inner_text()
    # A second letter for the same patient: asked first.
    page.goto(server.base + "/")
    page.fill("#new-patient", "Nora Vale")
    page.select_option("#new-kind", "goodbye-letter")
    with page.expect_navigation():
        page.click("text=Start the letter")
    assert "There is already a goodbye letter for Nora Vale. Start another?" in page.inner_text("main")
    no_paths(page)
    assert not axe(page), axe(page)
    shoot(page, "caseload-asked", width)
    page.context.close()


def test_no_page_shows_a_field_path_without_javascript(browser: Any, server: Server) -> None:
    page = open_page(browser, server, 390, javascript=False)
    for address in (
        "/",
        "/letters/nora.yaml",
        "/letters/nora.yaml/read",
        "/letters/nora.yaml/suggestions",
        "/letters/nora.yaml/history",
        "/letters/nora.yaml/history?a=1&b=2",
        "/letters/nora.yaml/history?view=contributions&reader=patient",
    ):
        page.goto(server.base + address)
        no_paths(page)
    page.context.close()
