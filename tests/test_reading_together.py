"""Reading the letter together, through the workspace: the letter as it prints, paragraph by
paragraph; the patient's changes back in their fields; typing kept, never in the history."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES

from letterkit import Workspace
from letterkit.drafts import paragraphs
from letterkit.errors import UnsavedChangesError


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    shutil.copy(SAMPLES / "peter-goodbye.yaml", tmp_path / "peter.yaml")
    workspace = Workspace(tmp_path)
    workspace.save_draft("peter.yaml", "therapist", "Helen Marsh")
    return workspace


def number_of(ws: Workspace, words: str) -> int:
    return next(p.number for p in ws.reading("peter.yaml").passages if words in p.text)


def test_a_paragraph_the_file_wrapped_reads_as_one_line() -> None:
    markdown = "Dear Peter,\n\nYou came to see me because\nyou had felt low.\n\n- one\n- two\n"
    found = paragraphs.blocks(markdown)
    assert [b.text for b in found] == [
        "Dear Peter,",
        "You came to see me because you had felt low.",
        "one",
        "two",
    ]
    assert (
        paragraphs.flat(markdown)
        == "Dear Peter,\n\nYou came to see me because you had felt low.\n\n- one\n- two\n\n"
    )
    assert paragraphs.rebuild(markdown, {3: "three"}) == paragraphs.flat(markdown).replace("- two", "- three")


def test_an_edit_keeps_the_fields_own_line_breaks(ws: Workspace) -> None:
    n = number_of(ws, "Last autumn your mother")
    text = next(p.text for p in ws.reading("peter.yaml").passages if p.number == n)
    ws.save_reading(
        "peter.yaml", {f"p{n}": text.replace("You felt trapped", "You felt trapped and alone")}, 1
    )
    data = ws.read_work("peter.yaml").data
    assert "You felt trapped and alone, and you\ntold me" in data["background"]  # the other breaks stay
    saved = ws.history("peter.yaml")[-1]
    assert (saved.number, saved.role) == (2, "patient")


def test_typing_is_kept_beside_the_letter_and_carried_to_a_newer_draft(ws: Workspace) -> None:
    n = number_of(ws, "Your mother’s illness will get worse.")
    typed = "Your mother’s illness will get worse, and I am afraid of that."
    assert (
        ws.keep_typed("peter.yaml", "read", {f"p{n}": typed, "p0": "not a paragraph", "own": ""}) is not None
    )
    kept = ws.typed("peter.yaml", "read")
    assert kept is not None and kept.fields == {f"p{n}": typed} and kept.over == "1"
    assert len(ws.history("peter.yaml")) == 1  # never in the history
    # The therapist saves a newer draft that adds a paragraph before it: the typing follows its paragraph.
    work = ws.read_work("peter.yaml")
    data = dict(work.data)
    data["changes"] = [*data["changes"], "You kept Saturday mornings for yourself."]
    ws.save_work("peter.yaml", data, work.version, draft_as=("therapist", "Helen Marsh", ""))
    reading = ws.reading("peter.yaml")
    assert reading.draft == 2 and reading.kept == kept.time
    assert [p.typed for p in reading.passages if p.typed] == [typed]
    assert next(p for p in reading.passages if p.typed).text.startswith("Your mother’s illness")
    # Nothing different from the letter: nothing is kept.
    assert ws.keep_typed("peter.yaml", "read", {"own": "  "}) is None
    assert ws.typed("peter.yaml", "read") is None


def test_the_patient_is_told_before_typing_and_nothing_unsaved_is_overwritten(ws: Workspace) -> None:
    path = Path(ws.store.path("peter.yaml"))  # type: ignore[attr-defined]
    path.write_text(
        path.read_text(encoding="utf-8").replace("You came to see me", "You first came to see me"),
        encoding="utf-8",
    )
    reading = ws.reading("peter.yaml")
    assert "ask them to save the letter before you change anything" in reading.blocked
    with pytest.raises(UnsavedChangesError):
        ws.save_reading("peter.yaml", {"own": "My words."}, 1)
