"""Easy read that is easy read (issue 20): the therapist's own easy-read text for a section,
a picture beside each heading with its licence and text alternative, and a check that counts
what is not yet easy read (fictional people only)."""

from __future__ import annotations

import copy
import io
import json
import re
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import yaml
from conftest import ROOT, SAMPLES

import letterkit.api as api
from letterkit.compose.easy_read import PICTOGRAM_CREDIT, PICTOGRAMS, add_pictograms, sections_needing_text
from letterkit.model import loading
from letterkit.model.fields import EASY_READ_SECTIONS
from letterkit.model.schema import EasyRead
from letterkit.model.settings import load_settings, settings_for
from letterkit.resources import styles_dir
from letterkit.review.check import check_file
from letterkit.review.easy_read import verbs_in
from letterkit.review.findings import Finding
from letterkit.workspace import Workspace

BEA = ROOT / "tests" / "letters" / "easy-read-bea.yaml"
PICTURES = styles_dir() / "pictograms"


def _render(data: dict[str, Any], format: str, style: str) -> Any:
    options = api.RenderOptions(format=format, style=style)
    return (
        Workspace()
        .render(loading.load_data(data), options, settings=load_settings(SAMPLES / "letterkit.toml"))
        .content
    )


def _bea() -> dict[str, Any]:
    data = yaml.safe_load(BEA.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# --------------------------------------------------------------------------- the therapist's own text


def test_a_section_with_an_easy_read_text_uses_it_in_easy_read_only(goodbye_data: dict[str, Any]) -> None:
    data = {**goodbye_data, "easy_read": {"background": "The winter felt long.\nIt was very quiet."}}
    easy = _render(data, "md", "easy-read")
    section = easy[easy.index("## What brought you here") : easy.index("## The pattern")]
    assert section.split("\n\n")[1:3] == ["The winter felt long.", "It was very quiet."]
    assert "endless" not in section and "referred you" not in section  # the standard words are replaced
    standard = _render(data, "md", "standard")
    assert "The winter felt long." not in standard
    assert "You came because the winter felt endless and very quiet." in standard


@pytest.mark.parametrize("section", EASY_READ_SECTIONS)
def test_every_section_takes_an_easy_read_text(section: str) -> None:
    data = _bea()
    marker = f"Zebra line for {section.replace('_', ' ')}."
    data["easy_read"][section] = marker
    if section == "goals":
        data["goals"] = ["To go out once a week."]
    easy = _render(data, "md", "easy-read")
    assert easy.count(marker) == 1, section
    assert marker not in _render(data, "md", "standard")


def test_an_easy_read_text_is_escaped(goodbye_data: dict[str, Any]) -> None:
    data = {**goodbye_data, "easy_read": {"ending": "<b>Three</b> sessions to go.\n# Not a heading"}}
    html = _render(data, "html", "easy-read")
    assert "&lt;b&gt;Three&lt;/b&gt; sessions to go." in html
    assert "<h1>Not a heading" not in html and "# Not a heading" in html


def test_the_schema_has_one_easy_read_text_per_section() -> None:
    assert tuple(EasyRead.model_fields) == EASY_READ_SECTIONS
    schema = json.loads(api.schema("goodbye-letter"))
    assert set(schema["$defs"]["EasyRead"]["properties"]) == set(EASY_READ_SECTIONS)


# --------------------------------------------------------------------------- pictures


def test_each_heading_has_a_picture_with_a_text_alternative() -> None:
    html = _render(_bea(), "html", "easy-read")
    headings = re.findall(r"<h2[^>]*>.*?</h2>", html, flags=re.S)
    assert len(headings) >= 10
    for heading in headings:
        words = re.sub(r"<svg.*?</svg>|<[^>]+>", "", heading, flags=re.S).strip()
        picture = PICTOGRAMS[words]
        assert f'role="img" aria-label="{picture.alt}"' in heading, words
        assert f"<title>{picture.alt}</title>" in heading
    assert html.count(PICTOGRAM_CREDIT) == 1
    assert ' id="' not in "".join(headings)  # many pictures on one page: no ids to clash


def test_no_pictures_outside_easy_read() -> None:
    for style in ("standard", "large-print"):
        html = _render(_bea(), "html", style)
        assert 'class="pictogram"' not in html and PICTOGRAM_CREDIT not in html


def test_a_heading_of_a_services_own_gets_no_picture() -> None:
    html, count = add_pictograms("<h2>Our own heading</h2><h2>What has changed</h2>")
    assert count == 1 and html.startswith("<h2>Our own heading</h2>")


def test_the_pictures_are_vendored_with_their_licence() -> None:
    used = {picture.file for picture in PICTOGRAMS.values()}
    assert used == {path.name for path in PICTURES.glob("*.svg")}  # only the pictures used
    licence = (PICTURES / "LICENSE.txt").read_text(encoding="utf-8")
    assert licence.startswith("Attribution-ShareAlike 4.0 International")
    readme = (PICTURES / "README.md").read_text(encoding="utf-8")
    assert "OpenMoji" in readme and "CC BY-SA 4.0" in readme
    for name in used:
        assert name in readme


def test_the_pdf_draws_a_picture_beside_each_heading() -> None:
    pdf = _render(_bea(), "pdf", "easy-read")
    pages = pdfplumber.open(io.BytesIO(pdf)).pages
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in pages)
    assert PICTOGRAM_CREDIT in text
    beside = 0
    for page in pages:
        lines = page.extract_text_lines()
        for line in lines:
            words = line["text"].strip()
            first_line_of_a_heading = len(words) > 8 and any(h.startswith(words) for h in PICTOGRAMS)
            if not (first_line_of_a_heading and "Bold" in line["chars"][0]["fontname"]):
                continue
            shapes = [
                s
                for s in [*page.curves, *page.rects]
                if s["x1"] <= line["x0"] and s["bottom"] > line["top"] - 20 and s["top"] < line["bottom"] + 20
            ]
            assert shapes, line["text"]
            beside += 1
    assert beside == len(re.findall('class="pictogram"', _render(_bea(), "html", "easy-read")))


def test_word_and_fhir_keep_the_headings_words() -> None:
    import docx

    document = docx.Document(io.BytesIO(_render(_bea(), "docx", "easy-read")))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "What brought you here" in headings
    assert not any(PICTOGRAM_CREDIT in p.text for p in document.paragraphs)  # Word shows no pictures

    bundle = json.loads(_render(_bea(), "fhir", "easy-read"))
    (composition,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Composition"
    ]
    titles = [s.get("title") for s in composition["section"] if s.get("title")]
    assert titles[:2] == ["What brought you here", "The pattern we have been working on"]


# --------------------------------------------------------------------------- check --style easy-read


@pytest.mark.parametrize(
    ("sentence", "verbs"),
    [
        ("It is a draft.", 1),
        ("You felt low.", 1),
        ("You have felt low.", 1),
        ("You did not feel right.", 1),
        ("You came to see me.", 1),
        ("This makes you feel sad.", 1),
        ("Going to the craft group helps.", 1),
        ("You felt low, and you stopped going out.", 2),
        ("You came because you had felt low for years.", 2),
        ("Your mother was ill and your sister was away.", 2),
        ("You felt trapped, and you told me your life was on hold.", 3),
    ],
)
def test_verbs_are_counted(sentence: str, verbs: int) -> None:
    assert verbs_in(sentence) == verbs


def _check(tmp_path: Path, data: dict[str, Any]) -> list[Finding]:
    path = tmp_path / "letter.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return check_file(path, style="easy-read")


def test_the_easy_read_letter_passes_its_check(tmp_path: Path) -> None:
    findings = check_file(BEA)
    assert [f for f in findings if f.code.startswith("easy-read") or f.code == "long-sentence"] == []


def test_check_names_each_sentence_with_two_verbs_and_each_notes_line(tmp_path: Path) -> None:
    data = _bea()
    data["easy_read"]["ending"] = (
        "There are three sessions to go.\nYou felt low, and you stopped going out.\nlow mood, poor sleep"
    )
    findings = _check(tmp_path, data)
    (verbs,) = [f for f in findings if f.code == "easy-read-verbs"]
    (notes,) = [f for f in findings if f.code == "easy-read-notes"]
    assert (verbs.section, verbs.severity) == ("easy_read.ending", "warning")
    assert verbs.message.startswith("2 verbs in one sentence: 'You felt low, and you stopped going out.'")
    assert notes.section == "easy_read.ending" and notes.message.startswith(
        "'low mood, poor sleep' reads as notes"
    )
    (summary,) = [f for f in findings if f.code == "easy-read-content"]
    assert "1 sentence with more than one verb and 1 line typed as notes" in summary.message


def test_check_says_which_sections_still_need_an_easy_read_text(tmp_path: Path) -> None:
    data = _bea()
    del data["easy_read"]["ending"], data["easy_read"]["ipaf"]
    findings = _check(tmp_path, data)
    (missing,) = [f for f in findings if f.code == "easy-read-missing"]
    assert missing.message.startswith("no easy-read text yet for 2 sections: ipaf, ending — ")
    assert sections_needing_text(data) == ["ipaf", "ending"]
    # A long sentence in a section easy read replaces is not measured; one in the rest is.
    data["course_of_therapy"] = " ".join(["We met and we talked about your week"] * 3) + "."
    data["ending"] = data["course_of_therapy"]
    long = [f.section for f in _check(tmp_path, data) if f.code == "long-sentence"]
    assert long == ["ending"]


def test_sentences_over_fifteen_words_are_counted(tmp_path: Path) -> None:
    data = _bea()
    data["easy_read"]["changes"] = (
        "You go to the craft group at the library every Tuesday afternoon with your aunt and Sam."
    )
    findings = _check(tmp_path, data)
    assert [f.section for f in findings if f.code == "long-sentence"] == ["easy_read.changes"]
    (summary,) = [f for f in findings if f.code == "easy-read-content"]
    assert "1 sentence over 15 words" in summary.message


def test_a_letter_without_easy_read_texts_names_them_all(tmp_path: Path) -> None:
    data = copy.deepcopy(_bea())
    del data["easy_read"]
    (missing,) = [f for f in _check(tmp_path, data) if f.code == "easy-read-missing"]
    needed = [s for s in EASY_READ_SECTIONS if s != "goals"]  # Bea's letter has no goals
    assert missing.message.startswith(
        f"no easy-read text yet for {len(needed)} sections: {', '.join(needed)} — "
    )


def test_rendering_easy_read_warns_with_the_same_counts() -> None:
    data = _bea()
    del data["easy_read"]["transference"]
    result = Workspace().render(
        loading.load_data(data), api.RenderOptions(format="md", style="easy-read"), settings=settings_for(BEA)
    )
    (warning,) = [w for w in result.warnings if w.startswith("easy read:")]
    assert "1 section has no easy-read text of its own yet (transference)" in warning
