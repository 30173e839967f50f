"""`draft import` against composed passages: a letter typed as notes is rendered to Markdown,
edited as a patient would, imported, and each edit must reach its field (fictional people)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from helpers import replace_once, run

import letterkit
from letterkit.diffs.core import letter_data

NOTES = """\
kind: goodbye-letter
status: draft
patient: {name: Idris Vale, preferred_name: Idris}
therapist: {name: Maren Holt, role: Counsellor, service: Fenmoor Talking Therapies}
date: 2026-09-30
session: 13
background: You came when the shop closed and the days lost their shape.
referral: {by: "your GP, Dr Hollis", reason: low mood and not sleeping, date: 2026-05-01}
ipaf:
  self: a spare part, only useful when someone needs fixing
  other: taking what they need and then moving on
  affect: [lonely, shame, {feeling: angry, less_conscious: true}]
  reversal: you can become the one who moves on
  imagery: [the family's scaffolding]
coping_strategies:
  - {strategy: keeping busy for everyone else, cost: no time for yourself}
course_of_therapy: We met for sixteen weeks.
changes:
  - You asked your brother to take a turn.
unfinished_business:
  - Saying no still feels risky.
ending: Ending may feel like being left once more.
transference: At times you expected me to move on too.
closing: All the best,
"""


def data(path: Path) -> dict[str, Any]:
    return letter_data(letterkit.open_letter(path).letter)


@pytest.fixture
def letter(tmp_path: Path) -> Path:
    path = tmp_path / "idris.yaml"
    path.write_text(NOTES, encoding="utf-8")
    assert run("draft", "save", str(path), "--author", "therapist", "--name", "Maren Holt").exit_code == 0
    return path


def import_edit(letter: Path, old: str, new: str) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """Render the letter to Markdown, replace ``old`` (once) with ``new``, import it as the
    patient; the command's result, and the letter's data before and after."""
    before = data(letter)
    md = letter.with_suffix(".md")
    assert run("render", str(letter), "-o", str(md)).exit_code == 0
    md.write_text(replace_once(md.read_text(encoding="utf-8"), old, new), encoding="utf-8")
    result = run(
        "draft", "import", str(md), "--into", str(letter), "--author", "patient", "--name", "Idris Vale"
    )
    assert result.exit_code == 0, result.output
    return result, before, data(letter)


def test_the_letter_is_composed_as_the_tests_expect(letter: Path) -> None:
    md = run("render", str(letter)).stdout
    assert "You often see yourself as a spare part, only useful when someone needs fixing, and" in md
    assert "This leaves you feeling lonely and ashamed. Perhaps, too, some anger." in md
    assert "‘the family's scaffolding’" in md
    assert "Sometimes the pattern turns round, and you can become the one who moves on." in md
    assert "Your GP, Dr Hollis, referred you to us" in md


def test_an_edit_inside_a_framed_phrase_goes_to_its_field(letter: Path) -> None:
    result, before, after = import_edit(letter, "someone needs fixing", "someone needs rescuing")
    expected = copy.deepcopy(before)
    expected["ipaf"]["self"] = "a spare part, only useful when someone needs rescuing"
    assert after == expected
    assert result.stderr == ""  # nothing left over


def test_an_edit_inside_a_framed_clause_goes_to_its_field(letter: Path) -> None:
    _, before, after = import_edit(letter, "the one who moves on.", "the one who leaves first.")
    assert after["ipaf"]["reversal"] == "you can become the one who leaves first"
    assert {k: v for k, v in after.items() if k != "ipaf"} == {k: v for k, v in before.items() if k != "ipaf"}


def test_a_converted_feeling_word_goes_back_to_its_feeling(letter: Path) -> None:
    # "shame" was typed; the sentence needed "ashamed"; the patient writes "embarrassed".
    _, before, after = import_edit(letter, "lonely and ashamed.", "lonely and embarrassed.")
    expected = copy.deepcopy(before)
    expected["ipaf"]["affect"][1] = "embarrassed"
    assert after == expected


def test_a_tentative_feeling_keeps_its_tentativeness(letter: Path) -> None:
    _, _, after = import_edit(letter, "Perhaps, too, some anger.", "Perhaps, too, some rage.")
    assert after["ipaf"]["affect"][2] == {"feeling": "rage", "less_conscious": True}


def test_deleting_a_feeling_takes_it_out(letter: Path) -> None:
    _, _, after = import_edit(letter, "feeling lonely and ashamed.", "feeling lonely.")
    assert after["ipaf"]["affect"] == ["lonely", {"feeling": "angry", "less_conscious": True}]


def test_an_edit_to_a_woven_image_goes_to_the_imagery(letter: Path) -> None:
    result, before, after = import_edit(letter, "‘the family's scaffolding’", "‘the family's glue’")
    expected = copy.deepcopy(before)
    expected["ipaf"]["imagery"] = ["the family's glue"]
    assert after == expected
    assert "changed ipaf.imagery[0]" in result.stdout


def test_an_edit_to_the_referrer_goes_to_referral_by(letter: Path) -> None:
    _, _, after = import_edit(letter, "Your GP, Dr Hollis, referred", "Your doctor, Dr Hollis, referred")
    assert after["referral"]["by"] == "your doctor, Dr Hollis"


@pytest.mark.parametrize(
    ("old", "new", "kept"),
    [
        (
            "Sometimes the pattern turns round, and",
            "Sometimes it goes the other way, and",
            "Sometimes it goes the other way, and you can become the one who moves on.",
        ),
        ("## What is still unfinished", "## What is still not done", "What is still not done"),
        ("You often see yourself as a spare part", "I am a spare part", "I am a spare part"),
    ],
    ids=["lead-in", "heading", "frame"],
)
def test_an_edit_to_letterkits_own_wording_is_kept_as_a_comment(
    letter: Path, old: str, new: str, kept: str
) -> None:
    result, before, after = import_edit(letter, old, new)
    (comment,) = after["patient_comments"]
    assert comment.startswith(kept)
    assert "kept as a comment" in result.stderr and kept in result.stderr
    assert {k: v for k, v in after.items() if k != "patient_comments"} == before  # no field changed


def test_deleting_letterkits_wording_is_reported_not_dropped(letter: Path) -> None:
    # The field takes its own part of the edit ("you" -> "You"); the lead-in's removal cannot
    # be made in a field, so the line as the patient left it is kept and reported.
    result, _, after = import_edit(letter, "Sometimes the pattern turns round, and you", "You")
    assert after["ipaf"]["reversal"] == "You can become the one who moves on"
    assert after["patient_comments"] == ["You can become the one who moves on."]
    assert "kept as a comment" in result.stderr


# --------------------------------------------------------------------------- easy read


@pytest.fixture
def easy(tmp_path: Path) -> Path:
    """The letter in easy read: every sentence on a line of its own in the copy the patient edits."""
    path = tmp_path / "idris.yaml"
    text = NOTES.replace("We met for sixteen weeks.", "We met for sixteen weeks. It was hard at first.")
    path.write_text(text + "accessibility: {format: easy-read}\n", encoding="utf-8")
    assert run("draft", "save", str(path), "--author", "therapist", "--name", "Maren Holt").exit_code == 0
    return path


def test_an_easy_read_copy_keeps_the_fields_spacing(easy: Path) -> None:
    md = run("render", str(easy)).stdout
    assert "We met for sixteen weeks.\n\nIt was hard at first." in md  # split for easy read
    result, before, after = import_edit(easy, "It was hard at first.", "It was very hard at first.")
    assert after["course_of_therapy"] == "We met for sixteen weeks. It was very hard at first."
    assert "patient_comments" not in after  # easy read's own wording is not taken for edits
    assert {k: v for k, v in after.items() if k != "course_of_therapy"} == {
        k: v for k, v in before.items() if k != "course_of_therapy"
    }
    assert result.stderr == ""


def test_an_easy_read_copy_sends_a_feeling_home(easy: Path) -> None:
    md = run("render", str(easy)).stdout
    assert "ashamed" in md
    _, _, after = import_edit(easy, "ashamed", "embarrassed")
    assert after["ipaf"]["affect"][1] == "embarrassed"
    assert "patient_comments" not in after
