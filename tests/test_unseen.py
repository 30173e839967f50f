"""Notes never reach a patient unseen (issue 20): validate and render warn about a draft, one
line per field with its file:line, and refuse an agreed or final letter until each field is
written to the patient or listed under reviewed:. Fictional people only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run

from letterkit import Workspace
from letterkit.review.notes_style import looks_like_notes
from letterkit.review.suggest import person_in, suggestion
from letterkit.review.unseen import UnseenNotesError

LETTERS = Path(__file__).resolve().parent / "letters"
FINAL = (LETTERS / "issue20-notes-final.yaml").read_text(encoding="utf-8")
FIELDS = ["background", "unfinished_business[0]", "unfinished_business[1]", "ending", "transference"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "marcus.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_rendering_a_final_letter_with_notes_exits_1_naming_the_fields(tmp_path: Path) -> None:
    path = write(tmp_path, FINAL)
    result = run("render", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"letterkit: {path}: the letter is final, but {', '.join(FIELDS)} read as notes or about the "
        "patient rather than to them — write them as sentences to the patient, or, if they are meant "
        "as written, list them under reviewed: in the letter\n"
    )
    with pytest.raises(UnseenNotesError):
        Workspace(tmp_path).render_file("marcus.yaml")


def test_validate_refuses_a_final_letter_one_line_per_field(tmp_path: Path) -> None:
    path = write(tmp_path, FINAL.replace("status: final", "status: agreed"))
    result = run("validate", str(path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split(": ")[1] for line in lines] == FIELDS
    assert lines[0].startswith(f"{path}:11: background: 'Low mood since redundancy in 2024.")
    assert lines[-1].startswith(f"{path}:32: transference: 'expected me to mark him' reads as notes")
    assert "'him' — if this means Marcus" in lines[-1]


def test_a_draft_is_valid_with_one_warning_per_field(tmp_path: Path) -> None:
    path = write(tmp_path, FINAL.replace("status: final", "status: draft"))
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert result.stdout == "1 letter valid.\n"
    warnings = result.stderr.splitlines()
    assert [w.removeprefix(f"warning: {path}:").split(": ")[1] for w in warnings] == FIELDS
    assert warnings[3] == (
        f"warning: {path}:31: ending: 'may feel dropped, like the redundancy' reads as notes (it starts in "
        "lower case and it never says 'you') and is printed as typed"
    )
    rendered = run("render", str(path))
    assert rendered.exit_code == 0
    assert rendered.stderr.splitlines() == warnings


def test_fields_listed_under_reviewed_are_acknowledged(tmp_path: Path) -> None:
    reviewed = "reviewed: [background, ending, transference]\n"
    path = write(tmp_path, FINAL + reviewed)
    result = run("render", str(path))
    assert result.exit_code == 1
    assert "but unfinished_business[0], unfinished_business[1] read as notes" in result.stderr
    listed = (
        "reviewed: [background, ending, transference, 'unfinished_business[0]', 'unfinished_business[1]']\n"
    )
    path = write(tmp_path, FINAL + listed)
    result = run("render", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert "relationship with father" in result.stdout


def test_the_samples_and_the_framed_fixtures_have_nothing_unseen() -> None:
    samples = Path(__file__).resolve().parent.parent / "samples"
    for folder, names in ((samples, ["peter-formulation.yaml", "aliya-formulation.yaml"]),):
        assert Workspace(folder).validation(names).warnings == ()
        assert Workspace(folder).validation(names).problems == ()
    found = Workspace(LETTERS).validation(["issue20-marcus.yaml", "issue20-zoe-goodbye.yaml"])
    assert found.problems == () and found.warnings == ()


@pytest.mark.parametrize(
    "text",
    [
        "Low mood since redundancy in 2024. Lives with partner Dana and son Kofi (11). Father critical.",
        "Expected me to mark him.",
        "expected me to mark him",
        "I think she avoids conflict; my sense is she fears rejection",
        "poor sleep; irritability; avoids friends",
        "My impression: avoidant, fears rejection.",
        "Went back to work three days a week.",
    ],
)
def test_capitalised_notes_and_notes_in_the_therapists_voice_read_as_notes(text: str) -> None:
    assert looks_like_notes(text)


@pytest.mark.parametrize(
    ("notes", "sentence"),
    [
        ("Lives with partner Dana.", "You live with partner Dana."),
        ("works nights; drinks most evenings", "You work nights. You drink most evenings."),
        ("She feels that nobody listens to her.", "You feel that nobody listens to you."),
        ("Sam asked her brother for help.", "You asked your brother for help."),
        ("The patient lives alone. Works as a nurse.", "You live alone. You work as a nurse."),
        ("Sam's mother died in 2019.", "Your mother died in 2019."),
        ("low mood, poor sleep", None),  # no sentence letterkit can make: left to the therapist
        ("Lives with partner Dana; low mood", None),
        ("You felt low.", None),
    ],
)
def test_a_suggested_sentence_where_letterkit_can_make_one(notes: str, sentence: str | None) -> None:
    sam = person_in({"patient": {"name": "Sam Taylor", "pronouns": "she/her"}})
    assert suggestion(notes, sam) == sentence
