"""The printed letter: pages a clinician is proud of (issue 10), checked through pdfplumber."""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from conftest import SAMPLE_NAMES, SAMPLES

import letterkit.api as api
from letterkit.model.settings import load_settings
from letterkit.workspace import Workspace

LETTERS = Path(__file__).resolve().parent / "letters"
FORMULATIONS = [
    SAMPLES / "peter-formulation.yaml",
    SAMPLES / "aliya-formulation.yaml",
    LETTERS / "notes-short-formulation.yaml",
]
MM = 72 / 25.4


@functools.cache
def pdf(path: Path, style: str = "standard") -> bytes:
    result = Workspace().render(
        api.load(path),
        api.RenderOptions(format="pdf", style=style),
        settings=load_settings(SAMPLES / "letterkit.toml"),
    )
    assert isinstance(result.content, bytes)
    return result.content


def pages(path: Path, style: str = "standard") -> Any:
    return pdfplumber.open(io.BytesIO(pdf(path, style))).pages


def flat(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())


def box_texts(page: Any) -> list[str]:
    """The text inside each drawn box of a page (the diagram's boxes and outlines)."""
    out = []
    for rect in [*page.rects, *page.curves]:  # a rounded box is drawn as a curve
        if rect["x1"] - rect["x0"] < 30 or rect["bottom"] - rect["top"] < 12:
            continue
        bbox = (rect["x0"] - 1, rect["top"] - 1, rect["x1"] + 1, rect["bottom"] + 1)
        out.append(flat(page.within_bbox(bbox).extract_text() or ""))
    return out


@pytest.mark.parametrize("path", FORMULATIONS, ids=lambda p: p.stem)
def test_a_formulation_fits_two_pages_with_the_diagram_on_page_1(path: Path) -> None:
    printed = pages(path)
    assert len(printed) <= 2
    letter = api.load(path)
    first = " ".join(box_texts(printed[0]))
    assert flat(letter.ipaf.self_) in first and flat(letter.ipaf.other) in first


@pytest.mark.parametrize("style", ["standard", "large-print", "easy-read"])
@pytest.mark.parametrize("path", FORMULATIONS, ids=lambda p: p.stem)
def test_every_part_of_the_pattern_is_whole_inside_a_drawn_box(path: Path, style: str) -> None:
    letter = api.load(path)
    boxes = [text for page in pages(path, style) for text in box_texts(page)]
    ipaf = letter.ipaf
    parts = [ipaf.self_, ipaf.other, ipaf.reversal, ipaf.internalised]
    parts += [a if isinstance(a, str) else a.feeling for a in ipaf.affect]
    for part in filter(None, parts):
        assert any(flat(part) in box for box in boxes), part


@pytest.mark.parametrize("style", ["standard", "large-print", "easy-read"])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_no_ellipsis_the_source_does_not_have(name: str, style: str) -> None:
    path = SAMPLES / f"{name}.yaml"
    source = path.read_text(encoding="utf-8")
    text = "".join(page.extract_text() or "" for page in pages(path, style))
    assert text.count("…") <= source.count("…")
    assert "..." not in text


@pytest.mark.parametrize("style", ["standard", "large-print", "easy-read"])
def test_draft_is_said_once_per_page(style: str) -> None:
    for page in pages(SAMPLES / "peter-goodbye.yaml", style):
        assert (page.extract_text() or "").count("DRAFT: for us to work on together") == 1


def _watermark_chars(page: Any) -> list[dict[str, Any]]:
    return [c for c in page.chars if not c["upright"] and c["text"] in "DRAFT"]


@pytest.mark.parametrize("style", ["large-print", "easy-read"])
def test_in_large_print_and_easy_read_the_watermark_sits_in_the_margin(style: str) -> None:
    for page in pages(SAMPLES / "peter-goodbye.yaml", style):
        marks = _watermark_chars(page)
        assert len(marks) == 5
        words = [w for w in page.extract_words() if w["upright"]]
        text_left = min(w["x0"] for w in words)
        assert all(c["x1"] < text_left for c in marks)


def _page_of(printed: Any, text: str) -> int:
    for number, page in enumerate(printed):
        if flat(text)[:40] in flat(page.extract_text() or ""):
            return number
    raise AssertionError(f"not printed: {text[:40]!r}")


@pytest.mark.parametrize("style", ["standard", "large-print", "easy-read"])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_nothing_is_orphaned(name: str, style: str) -> None:
    path = SAMPLES / f"{name}.yaml"
    letter = api.load(path)
    printed = pages(path, style)
    for coping in letter.coping_strategies:
        if coping.cost:
            # The letter frames the strategy in a sentence ("You have coped by putting…"):
            # look for it from its second word.
            strategy = coping.strategy.split(maxsplit=1)[-1]
            assert _page_of(printed, strategy) == _page_of(printed, coping.cost)
    if letter.closing:
        last = re.split(r"(?<=[.!?])\s+", flat(letter.closing))[-1]
        assert _page_of(printed, last) == _page_of(printed, "With warm wishes,")
    words = [w for page in printed for w in page.extract_words(extra_attrs=["size"])]
    heading_size = next(w["size"] for w in words if w["text"] == "brought")  # "What brought you here"
    for page in printed[:-1]:
        lines = [w for w in page.extract_words(extra_attrs=["size"]) if w["bottom"] < page.height - 22 * MM]
        last_line = max(lines, key=lambda w: w["bottom"])
        bottom_words = [w for w in lines if abs(w["bottom"] - last_line["bottom"]) < 2]
        assert not all(abs(w["size"] - heading_size) < 0.5 for w in bottom_words), bottom_words


# --------------------------------------------------------------------------- pages a patient can follow

ALL_LETTERS = sorted(SAMPLES.glob("*.yaml")) + sorted(LETTERS.glob("*.yaml"))
STYLES = ["standard", "large-print", "easy-read"]
DIAGRAM_TITLES = (
    "How you see yourself",
    "How you experience others",
    "Sometimes it turns round",
    "Inside you",
)
RUNNING_HEADER = "DRAFT: for us to work on together"


@functools.cache
def _own_pdf(path: Path, style: str, css: str = "") -> bytes:
    """The letter as its service prints it (the settings beside it), with ``css`` layered over."""
    from letterkit.model.settings import settings_for

    options = api.RenderOptions(format="pdf", style=style, css=(css,) if css else ())
    result = Workspace().render(api.load(path), options, settings=settings_for(path))
    assert isinstance(result.content, bytes)
    return result.content


@dataclass(frozen=True)
class Line:
    top: float
    text: str
    heading: bool


ACCENT = (0.1216, 0.3333, 0.4)
"""letter.css's --accent (#1f5566): headings are bold in it."""


def _is_heading(word: dict[str, Any]) -> bool:
    colour = word["non_stroking_color"] or ()
    return (
        "Bold" in word["fontname"]
        and len(colour) == 3
        and all(abs(a - b) < 0.01 for a, b in zip(colour, ACCENT, strict=True))
    )


def body_lines(page: Any) -> list[Line]:
    """A page's lines of text from top to bottom, without the running header and footer (nor the
    draft watermark, which is turned on its side)."""
    words = [
        w
        for w in page.extract_words(extra_attrs=["size", "fontname", "non_stroking_color"])
        if w["upright"] and w["size"] < 40  # the watermark, behind the text in clear print
    ]
    rows: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if rows and abs(rows[-1][0]["top"] - word["top"]) < 3:
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = [
        Line(
            row[0]["top"],
            " ".join(w["text"] for w in sorted(row, key=lambda w: w["x0"])),
            all(_is_heading(w) for w in row),
        )
        for row in rows
    ]
    footer = next(i for i, line in enumerate(lines) if re.search(r"Page \d+ of \d+$", line.text))
    return [line for line in lines[:footer] if not (line.top < 25 * MM and line.text == RUNNING_HEADER)]


def _lead_ins(path: Path, style: str) -> list[str]:
    """The sentences letterkit writes to lead into the therapist's words ("Perhaps the pattern
    also plays out inside you.")."""
    from letterkit.compose.context import RenderContext, composed_passages
    from letterkit.model.settings import settings_for

    context = RenderContext(api.load(path), settings_for(path), style=style)
    supplied = [text.strip() for passage in composed_passages(context) for text in passage.supplied]
    return [text for text in supplied if len(text.split()) >= 3 and text.endswith((".", ":"))]


def layout_faults(pdf_bytes: bytes, path: Path, style: str) -> list[str]:
    """What a careful clinician would not send: a page that ends with a heading or a lead-in
    whose words are over the page, a page that starts with the sign-off or the signature, and
    the diagram split over two pages."""
    from letterkit.compose.context import closing_signs_off
    from letterkit.model.settings import settings_for

    letter = api.load(path)
    printed = pdfplumber.open(io.BytesIO(pdf_bytes)).pages
    lead_ins = [flat(text) for text in _lead_ins(path, style)]
    sign_off = flat(settings_for(path).sign_off)
    if closing_signs_off(letter.closing):  # "Best wishes," at the end of the closing replaces it
        sign_off = flat(re.split(r"\n", (letter.closing or "").strip())[-1])
    signature = {sign_off, flat(letter.therapist.name)}
    faults = []
    for number, page in enumerate(printed, start=1):
        lines = body_lines(page)
        if not lines:
            faults.append(f"page {number} is empty")
            continue
        last = flat(lines[-1].text)
        if number < len(printed):
            if lines[-1].heading:
                faults.append(f"page {number} ends with a heading: {last!r}")
            if last.endswith(":") or any(last.endswith(lead) for lead in lead_ins):
                faults.append(f"page {number} ends with a lead-in: {last!r}")
        first = flat(lines[0].text)
        if number > 1 and (first in signature or first.startswith(sign_off)):
            faults.append(f"page {number} starts with the sign-off: {first!r}")
    diagram_pages = {
        number
        for number, page in enumerate(printed, start=1)
        for text in box_texts(page)
        if text.startswith(DIAGRAM_TITLES)
    }
    if len(diagram_pages) > 1:
        faults.append(f"the diagram is split over pages {sorted(diagram_pages)}")
    return faults


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("path", ALL_LETTERS, ids=lambda p: p.stem)
def test_no_page_starts_with_a_sign_off_or_ends_on_a_heading_or_lead_in(path: Path, style: str) -> None:
    assert layout_faults(_own_pdf(path, style), path, style) == []


@pytest.mark.parametrize("style", STYLES)
def test_the_whole_diagram_is_on_one_page(style: str) -> None:
    drawn = []
    for path in ALL_LETTERS:
        printed = pdfplumber.open(io.BytesIO(_own_pdf(path, style))).pages
        pages = [n for n, page in enumerate(printed) for t in box_texts(page) if t.startswith(DIAGRAM_TITLES)]
        if pages:
            drawn.append(path.stem)
            assert len(set(pages)) == 1, (path.stem, pages)
    assert len(drawn) >= 4  # the formulations, and a goodbye letter that asks for its diagram


@pytest.mark.parametrize(
    ("name", "style", "css", "fault"),
    [
        (
            "aliya-formulation",
            "standard",
            ".sign-off { break-before: page !important; }",
            "starts with the sign-off",
        ),
        (
            "aliya-formulation",
            "standard",
            ".diagram-rows { break-before: page !important; }",
            "the diagram is split",
        ),
        ("aliya-formulation", "standard", "h2 { break-after: page !important; }", "ends with a heading"),
        (
            "peter-goodbye",
            "standard",
            "h3 { break-after: page !important; }",
            "ends with a heading: 'What helps'",
        ),
        (  # without the rule that keeps a closing's own sign-off with what it closes
            "notes-short-formulation",
            "standard",
            ".signed-in-closing .closing > p:last-child:not(:first-child) { break-before: auto !important; }",
            "page 2 starts with the sign-off: 'Best wishes,'",
        ),
        (
            "aliya-goodbye",
            "easy-read",
            ".sentences > p:first-child { break-after: page !important; }",
            "ends with a lead-in: 'Perhaps the pattern also plays out inside you.'",
        ),
    ],
)
def test_the_layout_check_sees_each_fault(
    tmp_path: Path, name: str, style: str, css: str, fault: str
) -> None:
    """Each fault, forced by a stylesheet, is found: the check above can fail."""
    sheet = tmp_path / "bad.css"
    sheet.write_text(css, encoding="utf-8")
    path = next(p for p in ALL_LETTERS if p.stem == name)
    faults = layout_faults(_own_pdf(path, style, str(sheet)), path, style)
    assert any(fault in f for f in faults), faults
