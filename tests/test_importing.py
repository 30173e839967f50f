"""`letterkit draft import`: a patient's edited Markdown copy mapped back onto the letter's fields.

Each test renders the letter to Markdown with `letterkit render X -o X.md`, edits the Markdown as
a patient would, and imports it with `letterkit draft import X.md --into X --author patient`.
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import edit, replace_once, run

import letterkit
import letterkit.model.loading as loading
from letterkit.diffs.core import letter_data

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

COMMENT = "I would like to add that the Tuesday sessions helped me most, and I will miss them."
NEW_ITEM = "I have started drawing again."


def data(path: Path | str) -> dict[str, Any]:
    return letter_data(letterkit.open_letter(path).letter)


@pytest.fixture
def letter(tmp_path: Path) -> Path:
    """peter.yaml, saved once by the therapist."""
    shutil.copy(SAMPLES / "letterkit.toml", tmp_path / "letterkit.toml")
    path = Path(shutil.copy(SAMPLES / "peter-goodbye.yaml", tmp_path / "peter.yaml"))
    result = run("draft", "save", str(path), "--author", "therapist", "--name", "Helen Marsh")
    assert result.exit_code == 0, result.output
    return path


def render_md(letter: Path) -> Path:
    out = letter.with_suffix(".md")
    result = run("render", str(letter), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def import_md(md: Path, letter: Path, *options: str) -> Any:
    return run(
        "draft",
        "import",
        str(md),
        "--into",
        str(letter),
        "--author",
        "patient",
        "--name",
        "Peter Hale",
        *options,
    )


# --------------------------------------------------------------------------- the main round trip


def test_a_patients_edits_go_back_to_their_fields(letter: Path) -> None:
    before = data(letter)
    md = render_md(letter)
    text = md.read_text(encoding="utf-8")
    text = replace_once(
        text, "You felt trapped, and you\ntold me", "You felt stuck and angry, and you\ntold me"
    )
    text = replace_once(text, "They now cover two days each week.", "They now cover three days each week.")
    text = replace_once(text, "than you were.\n", f"than you were.\n- {NEW_ITEM}\n")  # the last item
    text = replace_once(text, "With warm wishes,\n", f"With warm wishes,\n\n{COMMENT}\n")
    md.write_text(text, encoding="utf-8")

    result = import_md(md, letter)
    assert result.exit_code == 0, result.output
    assert "changed background" in result.stdout
    assert "changed changes[0]" in result.stdout
    assert "changed changes[+]" in result.stdout
    assert f"kept as a comment (it fits no section): {COMMENT}" in result.stderr
    assert re.search(r"Draft 2 \([0-9a-f]{8}\) saved\.", result.stdout)

    after = data(letter)
    expected = copy.deepcopy(before)
    expected["background"] = replace_once(
        before["background"], "You felt trapped", "You felt stuck and angry"
    )
    expected["changes"][0] = replace_once(before["changes"][0], "two days", "three days")
    expected["changes"].append(NEW_ITEM)
    expected["patient_comments"] = [COMMENT]
    # The final newline of the block-scalar background is dropped on import (see the xfail below).
    assert after["background"].rstrip("\n") == expected["background"].rstrip("\n")
    after["background"] = expected["background"]
    assert after == expected  # every other field exactly as it was

    history = letterkit.history(letter)
    assert len(history) == 2
    assert (history[1].role, history[1].name, history[1].note) == (
        "patient",
        "Peter Hale",
        "Imported from peter.md",
    )
    assert letterkit.open_letter(f"{letter}@2").content == letter.read_bytes()
    assert run("draft", "verify", str(letter)).exit_code == 0

    assert run("validate", str(letter)).exit_code == 0
    rendered = run("render", str(letter))
    assert rendered.exit_code == 0
    out = rendered.stdout
    assert "## In your own words" in out and COMMENT in out
    assert f"- {NEW_ITEM}" in out and "They now cover three days each week." in out
    html = run("render", str(letter), "-f", "html")
    assert html.exit_code == 0 and COMMENT in html.stdout and NEW_ITEM in html.stdout

    diff = run("diff", f"{letter}@1", f"{letter}@2", "-f", "json")
    assert diff.exit_code == 1
    assert "(patient Peter Hale, draft 2)" in run("diff", f"{letter}@1", f"{letter}@2").stdout


def test_an_edit_in_a_coping_strategy_and_in_the_pattern(letter: Path) -> None:
    before = data(letter)
    md = render_md(letter)
    text = md.read_text(encoding="utf-8")
    text = replace_once(
        text, "you often gave up before you started.", "you often gave up before you even started."
    )
    text = replace_once(text, "You often see yourself as", "You often see yourself, sadly, as")
    md.write_text(text, encoding="utf-8")
    result = import_md(md, letter)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # everything was placed
    expected = copy.deepcopy(before)
    expected["coping_strategies"][2]["cost"] = replace_once(
        before["coping_strategies"][2]["cost"], "before you started", "before you even started"
    )
    expected["ipaf"]["self"] = replace_once(before["ipaf"]["self"], "yourself as", "yourself, sadly, as")
    after = data(letter)
    assert after == expected  # exactly these two edits, nothing else


def test_a_new_section_is_kept_word_for_word(letter: Path) -> None:
    md = render_md(letter)
    own = "I want to say thank you (really) for listening, every week."
    md.write_text(
        replace_once(
            md.read_text(encoding="utf-8"),
            "## What is still unfinished\n",
            f"## My own section\n\n{own}\n\n## What is still unfinished\n",
        ),
        encoding="utf-8",
    )
    result = import_md(md, letter)
    assert result.exit_code == 0, result.output
    (comment,) = data(letter)["patient_comments"]
    assert own in comment  # the patient's sentence, word for word
    assert "kept as a comment" in result.stderr and own in result.stderr
    assert letterkit.history(letter)[-1].role == "patient"
    assert run("validate", str(letter)).exit_code == 0


# --------------------------------------------------------------------------- refusals and no-ops


def test_import_with_unsaved_changes_is_refused_and_changes_nothing(letter: Path) -> None:
    md = render_md(letter)
    md.write_text(
        replace_once(md.read_text(encoding="utf-8"), "You felt trapped", "You felt stuck"), encoding="utf-8"
    )
    edit(letter, "We have three sessions left", "We have two sessions left")  # not saved
    unsaved = letter.read_bytes()
    result = import_md(md, letter)
    assert result.exit_code == 1
    assert "not saved as a draft" in result.stderr
    assert letter.read_bytes() == unsaved
    assert len(letterkit.history(letter)) == 1


def test_import_into_a_letter_without_history_is_refused(tmp_path: Path) -> None:
    path = Path(shutil.copy(SAMPLES / "peter-goodbye.yaml", tmp_path / "peter.yaml"))
    md = render_md(path)
    original = path.read_bytes()
    result = import_md(md, path)
    assert result.exit_code == 1
    assert path.read_bytes() == original
    assert letterkit.history(path) == []


def test_import_of_an_unedited_copy_saves_nothing(letter: Path) -> None:
    md = render_md(letter)
    original = letter.read_bytes()
    result = import_md(md, letter)
    assert result.exit_code == 0, result.output
    assert "No changes found; nothing saved." in result.stdout
    assert result.stderr == ""
    assert letter.read_bytes() == original
    assert len(letterkit.history(letter)) == 1


def test_emptying_a_required_section_is_refused(letter: Path) -> None:
    md = render_md(letter)
    text = md.read_text(encoding="utf-8")
    start = text.index("In our first sessions")
    end = text.index("not at some later time.") + len("not at some later time.")
    md.write_text(text[:start] + text[end:], encoding="utf-8")
    original = letter.read_bytes()
    result = import_md(md, letter)
    assert letter.read_bytes() == original and len(letterkit.history(letter)) == 1
    assert result.exit_code == 1
    assert "course_of_therapy" in result.stderr


# --------------------------------------------------------------------------- bugs


def test_import_keeps_whitespace_the_patient_did_not_touch(letter: Path) -> None:
    before = data(letter)
    md = render_md(letter)
    md.write_text(
        replace_once(md.read_text(encoding="utf-8"), "You felt trapped", "You felt stuck"), encoding="utf-8"
    )
    assert import_md(md, letter).exit_code == 0
    assert data(letter)["background"] == before["background"].replace("You felt trapped", "You felt stuck")


def test_import_reports_only_what_changed(letter: Path) -> None:
    md = render_md(letter)
    md.write_text(
        replace_once(md.read_text(encoding="utf-8"), "than you were.\n", f"than you were.\n- {NEW_ITEM}\n"),
        encoding="utf-8",
    )
    result = import_md(md, letter)
    assert result.exit_code == 0
    assert [line for line in result.stdout.splitlines() if line.startswith("changed ")] == [
        "changed changes[+]"
    ]


def test_a_new_item_typed_between_items_stays_where_it_was_typed(letter: Path) -> None:
    before = data(letter)["unfinished_business"]
    md = render_md(letter)
    md.write_text(
        replace_once(
            md.read_text(encoding="utf-8"), "or as going quiet.\n", f"or as going quiet.\n- {NEW_ITEM}\n"
        ),
        encoding="utf-8",
    )
    assert import_md(md, letter).exit_code == 0
    assert data(letter)["unfinished_business"] == [before[0], NEW_ITEM, *before[1:]]


def test_deleting_a_whole_list_item(letter: Path) -> None:
    before = data(letter)
    md = render_md(letter)
    item = "- You no longer take it for granted that your mother’s care rests on you alone.\n"
    md.write_text(replace_once(md.read_text(encoding="utf-8"), item, ""), encoding="utf-8")
    result = import_md(md, letter)
    assert result.exit_code == 0
    assert data(letter)["changes"] == before["changes"][:2] + before["changes"][3:]


def test_deleting_a_whole_paragraph(letter: Path) -> None:
    md = render_md(letter)
    text = md.read_text(encoding="utf-8")
    start = text.index("\n\nYou are the youngest")
    end = text.index("came back.\n", start) + len("came back.")
    md.write_text(text[:start] + text[end:], encoding="utf-8")
    result = import_md(md, letter)
    assert result.exit_code == 0
    background = data(letter)["background"]
    assert "youngest" not in background and "You felt trapped" in background


def test_a_copy_of_an_older_draft_does_not_undo_later_drafts(letter: Path) -> None:
    md = render_md(letter)  # carries "Ref: <draft 1>"
    edit(letter, "We have three sessions left", "We have two sessions left")
    assert run("draft", "save", str(letter), "--author", "therapist", "--name", "Helen Marsh").exit_code == 0
    md.write_text(
        replace_once(md.read_text(encoding="utf-8"), "They now cover two days", "They now cover three days"),
        encoding="utf-8",
    )
    result = import_md(md, letter)
    assert result.exit_code == 0
    after = data(letter)
    assert "They now cover three days" in after["changes"][0]  # the patient's edit
    assert "We have two sessions left" in after["ending"]  # the therapist's draft 2, kept
    assert "patient_comments" not in after


def test_an_unedited_copy_with_an_old_reference_saves_nothing(letter: Path) -> None:
    edit(letter, "We have three sessions left", "We have two sessions left")
    md = render_md(letter)
    assert "changed since" in md.read_text(encoding="utf-8")
    assert run("draft", "save", str(letter), "--author", "therapist").exit_code == 0
    refused = import_md(md, letter)  # printed from unsaved changes: which draft is not known
    assert refused.exit_code == 1 and "changed since" in refused.stderr
    result = import_md(md, letter, "--base", "2")
    assert result.exit_code == 0
    assert len(letterkit.history(letter)) == 2
    assert "patient_comments" not in data(letter)


def test_a_comment_of_two_paragraphs_prints_as_paragraphs(letter: Path) -> None:
    md = render_md(letter)
    own = "I want to say thank you for listening, every week."
    md.write_text(
        replace_once(
            md.read_text(encoding="utf-8"),
            "## What is still unfinished\n",
            f"## My own section\n\n{own}\n\n## What is still unfinished\n",
        ),
        encoding="utf-8",
    )
    assert import_md(md, letter).exit_code == 0
    html = run("render", str(letter), "-f", "html").stdout
    section = html.split("In your own words</h2>")[1].split("</section>")[0]
    assert "<code>" not in section and f"<p>{own}</p>" in section


def test_a_json_letter_stays_json_after_an_import(tmp_path: Path) -> None:
    import json

    sample = ROOT / "samples" / "peter-goodbye.yaml"
    source = loading.parse(sample.read_text(encoding="utf-8"), str(sample)).data  # dates stay text
    letter = tmp_path / "peter.json"
    letter.write_text(json.dumps(source, indent=2, ensure_ascii=False), encoding="utf-8")
    assert run("draft", "save", str(letter), "--author", "therapist").exit_code == 0
    md = tmp_path / "peter.md"
    assert run("render", str(letter), "-o", str(md)).exit_code == 0
    md.write_text(
        md.read_text(encoding="utf-8").replace("You felt trapped", "You felt stuck"), encoding="utf-8"
    )
    assert import_md(md, letter).exit_code == 0
    saved = json.loads(letter.read_text(encoding="utf-8"))
    assert "You felt stuck" in saved["background"]


# --------------------------------------------------------------------------- which draft the copy came from


def copy_of_draft_1_then_a_therapists_draft_2(letter: Path) -> Path:
    """The patient's copy is printed from draft 1 and edited; meanwhile the therapist saves
    draft 2, which changes another section."""
    md = render_md(letter)
    edit(letter, "We have three sessions left", "We have two sessions left")
    assert run("draft", "save", str(letter), "--author", "therapist", "--name", "Helen Marsh").exit_code == 0
    md.write_text(
        replace_once(md.read_text(encoding="utf-8"), "They now cover two days", "They now cover three days"),
        encoding="utf-8",
    )
    return md


def without_ref(md: Path) -> None:
    text = md.read_text(encoding="utf-8")
    md.write_text(re.sub(r"(?m)^Ref: .*\n", "", text, count=1), encoding="utf-8")
    assert "Ref:" not in md.read_text(encoding="utf-8")


def test_a_copy_without_its_ref_line_is_refused_not_compared_with_the_latest(letter: Path) -> None:
    """Before: compared with the latest draft, the copy silently undid the therapist's draft 2
    and credited the undoing to the patient."""
    md = copy_of_draft_1_then_a_therapists_draft_2(letter)
    without_ref(md)
    before = letter.read_bytes()
    result = import_md(md, letter)
    assert result.exit_code == 1
    assert result.stderr == (
        f'letterkit: {md}: has no "Ref:" line, so letterkit cannot tell which draft it was made from '
        "and will not guess (comparing it with the latest draft could undo later changes); name the "
        "draft the copy was made from as its base (drafts 1 to 2 are saved) (add --base N, the number "
        "of the draft the copy was printed from; `letterkit draft log FILE` lists the drafts)\n"
    )
    assert letter.read_bytes() == before and len(letterkit.history(letter)) == 2

    result = import_md(md, letter, "--base", "1")
    assert result.exit_code == 0, result.output
    after = data(letter)
    assert "They now cover three days" in after["changes"][0]  # the patient's edit
    assert "We have two sessions left" in after["ending"]  # the therapist's draft 2, kept
    assert len(letterkit.history(letter)) == 3


def test_a_copy_whose_ref_names_no_draft_is_refused(letter: Path) -> None:
    md = copy_of_draft_1_then_a_therapists_draft_2(letter)
    text = md.read_text(encoding="utf-8")
    md.write_text(re.sub(r"(?m)^Ref: [0-9a-f]{8}", "Ref: 0badc0de", text), encoding="utf-8")
    result = import_md(md, letter)
    assert result.exit_code == 1
    assert f'{md}: its "Ref: 0badc0de" names no saved draft of {letter}' in result.stderr
    assert "--base N" in result.stderr
    assert len(letterkit.history(letter)) == 2


def test_base_names_a_draft_by_number_hash_or_latest(letter: Path) -> None:
    md = copy_of_draft_1_then_a_therapists_draft_2(letter)
    without_ref(md)
    first = letterkit.history(letter)[0]
    with pytest.raises(letterkit.UnknownBaseError):
        letterkit.import_edits(md, letter, "patient")
    missing = import_md(md, letter, "--base", "9")
    assert missing.exit_code == 1 and "there is no draft 9; drafts run from 1 to 2" in missing.stderr
    imported = letterkit.import_edits(md, letter, "patient", "Peter Hale", base=first.short)
    assert imported.saved is not None and imported.changed == ("changes[0]",)
    assert "We have two sessions left" in data(letter)["ending"]


def test_base_latest_is_what_the_old_guess_did_when_asked_for(letter: Path) -> None:
    """Naming the latest draft on purpose compares with it (and undoes what the copy lacks)."""
    md = copy_of_draft_1_then_a_therapists_draft_2(letter)
    without_ref(md)
    result = import_md(md, letter, "--base", "latest")
    assert result.exit_code == 0
    assert "We have three sessions left" in data(letter)["ending"]
