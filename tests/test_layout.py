"""The printed letter: pages a clinician is proud of (issue 10), checked through pdfplumber."""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from conftest import SAMPLE_NAMES, SAMPLES

import letterkit.api as api
from letterkit.model.settings import load_settings

LETTERS = Path(__file__).resolve().parent / "letters"
FORMULATIONS = [
    SAMPLES / "peter-formulation.yaml",
    SAMPLES / "aliya-formulation.yaml",
    LETTERS / "notes-short-formulation.yaml",
]
MM = 72 / 25.4


@functools.cache
def pdf(path: Path, style: str = "standard") -> bytes:
    result = api.default_workspace().render(
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
            assert _page_of(printed, coping.strategy) == _page_of(printed, coping.cost)
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
