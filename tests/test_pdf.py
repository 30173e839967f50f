"""PDF output, read back with pypdf: the words, the marks on every page, metadata, determinism.

Each sample is rendered once per module (a PDF takes a fraction of a second to lay out).
PDF text wraps, so comparisons normalise whitespace, quotes and dashes and look for a
distinctive run of words from the start of each field.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import GOODBYE_DATA, SAMPLE_NAMES, SAMPLES
from pypdf import PdfReader

import letterkit.api as api
from letterkit.api import RenderOptions
from letterkit.model.loading import load_data
from letterkit.model.settings import load_settings

SNIPPET_WORDS = 7


@dataclass(frozen=True)
class Rendered:
    letter: Any
    pdf: bytes
    warnings: list[str]
    pages: list[str]
    reader: PdfReader

    @property
    def body(self) -> str:
        """All pages' text, without the running header and footer, normalised."""
        name = self.letter.patient.name
        parts = []
        for number, text in enumerate(self.pages, 1):
            text = text.replace(f"{name} Page {number} of {len(self.pages)}", " ")
            text = text.replace("DRAFT: for us to work on together", " ")
            text = re.sub(r"\bDRAFT\b", " ", text)
            parts.append(text.replace("•", " "))
        return norm(" ".join(parts))


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for fancy, plain in {
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "\u2010": "-",
        "\u2011": "-",
    }.items():
        text = text.replace(fancy, plain)
    text = text.replace("\u00ad", "")
    text = " ".join(text.split())
    return re.sub(r"-\s+", "-", text)  # a line may break after a hyphen


def snippet(text: str) -> str:
    return norm(" ".join(text.split()[:SNIPPET_WORDS]))


def render_pdf(letter: Any, **options: Any) -> Rendered:
    result = api.default_workspace().render(
        letter, RenderOptions(format="pdf", **options), settings=load_settings(SAMPLES / "letterkit.toml")
    )
    assert isinstance(result.content, bytes)
    reader = PdfReader(io.BytesIO(result.content))
    return Rendered(letter, result.content, result.warnings, [p.extract_text() for p in reader.pages], reader)


@pytest.fixture(scope="module")
def pdfs() -> dict[str, Rendered]:
    return {name: render_pdf(api.load(SAMPLES / f"{name}.yaml")) for name in SAMPLE_NAMES}


def field_texts(letter: Any) -> dict[str, str]:
    """Every printed text field of a letter, by a readable name."""
    out: dict[str, str] = {
        "ipaf.self": letter.ipaf.self_,
        "ipaf.other": letter.ipaf.other,
    }
    for name in ("background", "course_of_therapy", "ending", "transference", "closing"):
        if getattr(letter, name):
            out[name] = getattr(letter, name)
    for name in ("reversal", "internalised"):
        if getattr(letter.ipaf, name):
            out[f"ipaf.{name}"] = getattr(letter.ipaf, name)
    if letter.referral and letter.referral.reason:
        out["referral.reason"] = letter.referral.reason
    for name in ("goals", "changes", "unfinished_business"):
        for i, item in enumerate(getattr(letter, name)):
            out[f"{name}[{i}]"] = item
    for i, coping in enumerate(letter.coping_strategies):
        out[f"coping_strategies[{i}].strategy"] = coping.strategy
        if coping.cost:
            out[f"coping_strategies[{i}].cost"] = coping.cost
    for i, phrase in enumerate(letter.ipaf.imagery):
        out[f"ipaf.imagery[{i}]"] = phrase  # quoted where the letter uses it
    return out


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_field_is_in_the_pdf(pdfs, name):
    rendered = pdfs[name]
    body = rendered.body
    missing = {
        field: snippet(text)
        for field, text in field_texts(rendered.letter).items()
        # a phrase is framed in letterkit's sentence, so its first word may lose its capital
        if snippet(text) not in body and snippet(text[:1].lower() + text[1:]) not in body
    }
    assert not missing


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_patient_name_and_greeting(pdfs, name):
    rendered = pdfs[name]
    letter = rendered.letter
    assert f"Dear {letter.patient.preferred_name}," in rendered.body
    assert all(letter.patient.name in page for page in rendered.pages)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_headings_and_help_are_in_the_pdf(pdfs, name):
    body = pdfs[name].body
    for words in (
        "What brought you here",
        "How you have coped, and what it has cost you",
        "Where to find help",
        "Samaritans are there to listen, day or night.",
        "Riverside Health Centre",
        "01632 960 123",
        "With warm wishes, Helen Marsh Psychological therapist",
    ):
        assert words in body


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_record_only_fields_are_not_in_the_pdf(pdfs, name):
    rendered = pdfs[name]
    assert snippet(rendered.letter.ipaf.defensive_function) not in rendered.body
    assert rendered.letter.attachment_style not in rendered.body


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_page_footers(pdfs, name):
    pages = pdfs[name].pages
    assert len(pages) >= 2
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in text


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_draft_marking_on_every_page_or_none(pdfs, name):
    rendered = pdfs[name]
    if rendered.letter.status == "draft":
        for text in rendered.pages:
            assert "DRAFT" in text
            assert "DRAFT: for us to work on together" in text
    else:
        assert not any("DRAFT" in text for text in rendered.pages)


def test_samples_cover_both_draft_and_agreed(pdfs):
    assert {r.letter.status for r in pdfs.values()} >= {"draft", "agreed"}


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_metadata(pdfs, name):
    rendered = pdfs[name]
    letter = rendered.letter
    meta = rendered.reader.metadata
    assert meta is not None
    title = "Goodbye letter" if letter.kind == "goodbye-letter" else "Our shared understanding"
    assert meta.title == f"{title}: {letter.patient.name}"
    assert meta.author == letter.therapist.name
    assert meta["/CreationDate"] == "D:" + letter.date.strftime("%Y%m%d")
    assert rendered.reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_same_letter_gives_the_same_bytes(pdfs):
    again = render_pdf(api.load(SAMPLES / "peter-formulation.yaml"))
    assert again.pdf == pdfs["peter-formulation"].pdf


def test_letter_without_a_date_is_still_deterministic():
    data = dict(GOODBYE_DATA, date=None, status="agreed")
    first = render_pdf(load_data(data))
    second = render_pdf(load_data(data))
    assert first.pdf == second.pdf
    assert "/CreationDate" not in (first.reader.metadata or {})


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_no_warnings_for_the_samples(pdfs, name):
    assert pdfs[name].warnings == []


def test_fetching_a_local_file_is_refused_and_reported(tmp_path):
    css = tmp_path / "evil.css"
    css.write_text('body { background-image: url("file:///etc/passwd"); }\n', encoding="utf-8")
    rendered = render_pdf(load_data(GOODBYE_DATA), css=(str(css),))
    assert any("refused to fetch 'file:///etc/passwd'" in w for w in rendered.warnings)
    assert rendered.pages  # the letter is still made
