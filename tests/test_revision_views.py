"""Redline and contributions views a patient reads: sections named as the letter prints them,
items counted from 1, "you" in the patient's copy, removals struck through, every insertion
marked (fictional people only)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from helpers import edit, run

import letterkit.api as api
from letterkit.errors import OptionsError

LETTER = """\
kind: goodbye-letter
status: draft
patient: {name: Zoë Marsh, preferred_name: Zoë}
therapist: {name: Ravi Castell, role: Psychotherapist, service: Brookfield Talking Therapies}
date: 2026-10-02
session: 13
background: You came after your father's stroke, when you had been caring for him for a year.
referral: {by: "your GP, Dr Hollis", reason: low mood and not sleeping, date: 2026-05-01}
ipaf:
  self: a spare part, only useful when someone needs fixing
  other: taking what they need and then moving on
  affect: [lonely, {feeling: angry, less_conscious: true}]
  imagery: [spare part, the family's scaffolding]
coping_strategies:
  - {strategy: keeping busy for everyone else, cost: no time for yourself}
  - {strategy: saying yes to everything, cost: tiredness}
course_of_therapy: We met for sixteen weeks, always on a Thursday.
changes:
  - You asked your brother to take a turn.
  - You went swimming again.
unfinished_business:
  - Saying no still feels risky.
ending: Ending may feel like being left once more.
transference: At times you expected me to move on too.
closing: All the best,
"""

COMMENT = "I want to keep the part about my brother."


@pytest.fixture
def zoe(tmp_path: Path) -> Path:
    """Draft 1 by the therapist; draft 2 by Zoë: she takes out her image 'spare part', adds to
    the second change, takes 'always on a Thursday' out of the sessions, and adds a comment."""
    path = tmp_path / "zoe.yaml"
    path.write_text(LETTER, encoding="utf-8")
    assert run("draft", "save", str(path), "--author", "therapist", "--name", "Ravi Castell").exit_code == 0
    edit(path, "imagery: [spare part, the family's scaffolding]", "imagery: [the family's scaffolding]")
    edit(path, "  - You went swimming again.", "  - You went swimming again, twice a week.")
    edit(path, "sixteen weeks, always on a Thursday.", "sixteen weeks.")
    with path.open("a", encoding="utf-8") as file:
        file.write(f"patient_comments:\n  - {COMMENT}\n")
    assert run("draft", "save", str(path), "--author", "patient", "--name", "Zoë Marsh").exit_code == 0
    return path


def legend_of(html: str) -> list[str]:
    legend = re.search(r'<aside class="legend".*?</aside>', html, re.S)
    assert legend
    return [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", legend.group(), re.S)]


def body_of(html: str) -> str:
    return html[html.index('<main class="letter-body">') :]


# --------------------------------------------------------------------------- redline


def test_redline_names_sections_as_printed_and_counts_from_one(zoe: Path) -> None:
    html = str(api.compare(f"{zoe}@1", f"{zoe}@2", "html", "-").content)
    lines = legend_of(html)
    assert "What has changed, item 2: changed by Zoë Marsh (patient) in draft 2" in lines
    assert "In your own words: added by Zoë Marsh (patient) in draft 2" in lines
    assert any(
        line.startswith("The pattern we have been working on, the image ‘spare part’:") for line in lines
    )
    joined = " ".join(lines)
    for path_like in ("ipaf.", "changes[", "patient_comments", "[0]", "[1]"):
        assert path_like not in joined


def test_redline_strikes_out_a_removed_image_and_marks_an_added_comment(zoe: Path) -> None:
    body = body_of(str(api.compare(f"{zoe}@1", f"{zoe}@2", "html", "-").content))
    assert re.search(r"<del\b[^>]*>spare part</del>", body)
    assert re.search(rf"<ins\b[^>]*>{re.escape(COMMENT)}</ins>", body)
    assert re.search(r"<ins\b[^>]*>, twice a week</ins>", body)
    assert re.search(r"<del\b[^>]*>, always on a Thursday</del>", body)


def test_redline_for_the_patient_says_you(zoe: Path) -> None:
    html = str(api.compare(f"{zoe}@1", f"{zoe}@2", "html", "-", reader="patient").content)
    lines = legend_of(html)
    assert "What has changed, item 2: you changed this (draft 2)" in lines
    assert "In your own words: you added this (draft 2)" in lines
    # Drafts named by number, date and author ("by you" for the patient's own), never file@rev.
    assert re.search(
        r"What changed from draft 1 \(\d+ \w+ \d{4}, by Ravi Castell\) to draft 2 \(\d+ \w+ \d{4}, by you\)",
        html,
    )
    assert "@1" not in html and "@2" not in html
    assert "patient" not in " ".join(lines).lower()


def test_the_therapists_changes_are_named_in_the_patients_copy(zoe: Path) -> None:
    edit(zoe, "Ending may feel like being left once more.", "Ending may feel like being left again.")
    assert run("draft", "save", str(zoe), "--author", "therapist", "--name", "Ravi Castell").exit_code == 0
    html = str(api.compare(f"{zoe}@2", f"{zoe}@3", "html", "-", reader="patient").content)
    assert legend_of(html) == ["Looking ahead to our ending: changed by Ravi Castell (draft 3)"]


def test_text_and_json_views_keep_field_paths(zoe: Path) -> None:
    text = str(api.compare(f"{zoe}@1", f"{zoe}@2", "text").content)
    assert "@@ changes[1]: changed" in text and "@@ ipaf.imagery[0]: removed" in text


def test_an_unknown_reader_is_refused(zoe: Path) -> None:
    with pytest.raises(OptionsError, match="unknown reader 'doctor'"):
        api.compare(f"{zoe}@1", f"{zoe}@2", "html", "-", reader="doctor")


# --------------------------------------------------------------------------- contributions


def test_contributions_show_what_the_patient_took_out(zoe: Path) -> None:
    html = str(api.contributions_report(zoe, "html", "-").content)
    body = body_of(html)
    assert re.search(r"<del\b[^>]*>spare part</del>", body)  # a whole image taken out
    assert re.search(r"<del\b[^>]*>, always on a Thursday</del>", body)  # words inside a text
    assert re.search(rf"<ins\b[^>]*>{re.escape(COMMENT)}</ins>", body)
    assert "<mark" not in body
    lines = legend_of(html)
    assert "The pattern we have been working on: Zoë took out ‘spare part’ (draft 2)" in lines
    assert f"In your own words: Zoë added ‘{COMMENT}’ (draft 2)" in lines
    assert "What happened in our sessions: Zoë took out ‘, always on a Thursday’ (draft 2)" in lines


def test_contributions_for_the_patient_say_your_words(zoe: Path) -> None:
    html = str(api.contributions_report(zoe, "html", "-", reader="patient").content)
    assert "Your words in this letter" in html
    assert "What has changed, item 2: you added ‘, twice a week’ (draft 2)" in legend_of(html)
    visible = re.sub(r"<style.*?</style>", "", html, flags=re.S)
    assert "the patient" not in visible.lower()


def test_words_the_therapist_took_out_are_not_shown_as_the_patients(zoe: Path) -> None:
    edit(zoe, "Saying no still feels risky.", "Saying no still feels risky at times.")
    edit(zoe, "At times you expected me to move on too.", "At times you expected me to move on.")
    assert run("draft", "save", str(zoe), "--author", "therapist", "--name", "Ravi Castell").exit_code == 0
    body = body_of(str(api.contributions_report(zoe, "html", "-").content))
    assert "move on too" not in re.sub(r"<[^>]+>", "", body)
    assert not re.search(r"<ins\b[^>]*>[^<]*at times", body)


def test_cli_for_patient(zoe: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine.html"
    result = run("contributions", str(zoe), "-f", "html", "--for", "patient", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Your words in this letter" in out.read_text(encoding="utf-8")
    result = run("diff", f"{zoe}@1", f"{zoe}@2", "-f", "html", "--for", "patient")
    assert result.exit_code == 1
    assert "you took this out" in result.stdout
    assert run("diff", f"{zoe}@1", f"{zoe}@2", "--for", "nobody").exit_code == 2


# --------------------------------------------------------------------------- pdf and docx


def pdf_text(data: bytes) -> str:
    import pypdf

    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split()).replace(" ,", ",")


def test_pdf_views_name_sections_and_show_the_removed_image(zoe: Path) -> None:
    redline = pdf_text(bytes(api.compare(f"{zoe}@1", f"{zoe}@2", "pdf", "-", reader="patient").content))
    assert "What has changed, item 2: you changed this (draft 2)" in redline
    # the image she took out, still in the pattern section, struck through
    assert "in your own words, too: ‘spare part’ and ‘the family's scaffolding’." in redline
    words = pdf_text(bytes(api.contributions_report(zoe, "pdf", "-", reader="patient").content))
    assert "The pattern we have been working on: you took out ‘spare part’ (draft 2)" in words
    assert COMMENT in words


def test_docx_contributions_are_tracked_changes_by_the_patient(zoe: Path) -> None:
    data = bytes(api.contributions_report(zoe, "docx", "-").content)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    deleted = re.findall(r'<w:del [^>]*w:author="([^"]*)"[^>]*>.*?</w:del>', xml, re.S)
    assert deleted and set(deleted) == {"patient Zoë Marsh"}
    assert re.search(r"<w:del [^>]*>.*?spare part.*?</w:del>", xml, re.S)
    assert re.search(r'<w:ins [^>]*w:author="patient Zoë Marsh"', xml)


def test_places_name_fields_as_printed() -> None:
    from letterkit.diffs.places import Places

    markdown = (
        "## What brought you here\n\nYou came when you were sad.\n\n"
        "## The pattern we have been working on\n\nYou often see yourself as a spare part. "
        "This leaves you feeling sad.\n\n## What has changed\n\n- You sleep.\n- You swim.\n"
    )
    data = {
        "background": "You came when you were sad.",
        "ipaf": {"self": "a spare part", "affect": ["sad"]},
        "changes": ["You sleep.", "You swim."],
    }
    places = Places.of((markdown, data))
    assert places.place(("changes", 1)) == "What has changed, item 2"
    assert places.place(("ipaf", "self")) == "The pattern we have been working on"
    # a feeling is named by its section, not by where else its word happens to appear
    assert places.place(("ipaf", "affect", 0)) == "The pattern we have been working on, the feelings"
    assert places.place(("closing",)) == "The closing words"


def test_a_removed_coping_strategy_is_named_in_plain_words(zoe: Path) -> None:
    edit(zoe, "  - {strategy: saying yes to everything, cost: tiredness}\n", "")
    assert run("draft", "save", str(zoe), "--author", "patient", "--name", "Zoë Marsh").exit_code == 0
    html = str(api.contributions_report(zoe, "html", "-", reader="patient").content)
    assert (
        "How you have coped, and what it has cost you, item 2: you took out "
        "‘saying yes to everything — tiredness’ (draft 3)"
    ) in legend_of(html)
    assert "{" not in " ".join(legend_of(html))
    # and in the body, struck through where it was, in both views
    struck = r"<del\b[^>]*>saying yes to everything — tiredness</del>"
    assert re.search(struck, body_of(html))
    redline = str(api.compare(f"{zoe}@2", f"{zoe}@3", "html", "-").content)
    assert re.search(struck, body_of(redline))
    assert "You have coped by keeping busy for everyone else" in body_of(redline)


def test_the_key_names_the_patients_drafts(zoe: Path) -> None:
    edit(zoe, "Ending may feel like being left once more.", "Ending may feel like being left again.")
    assert run("draft", "save", str(zoe), "--author", "patient", "--name", "Zoë Marsh").exit_code == 0
    html = str(api.contributions_report(zoe, "html", "-", reader="patient").content)
    assert "Words you wrote in drafts 2 and 3 are bold, in a box." in html


def test_the_patients_copy_names_an_unnamed_therapist_by_role(zoe: Path) -> None:
    edit(zoe, "Ending may feel like being left once more.", "Ending may feel like being left again.")
    assert run("draft", "save", str(zoe), "--author", "therapist").exit_code == 0
    html = str(api.compare(f"{zoe}@2", f"{zoe}@3", "html", "-", reader="patient").content)
    assert legend_of(html) == ["Looking ahead to our ending: changed by your therapist (draft 3)"]
