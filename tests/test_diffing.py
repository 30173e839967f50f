"""Word diffs, letter diffs and their views, and ``letterkit diff`` (exit codes as diff(1)).

The word diff must be exact: applying it to the old text gives the new text byte for byte,
for any text at all (checked with Hypothesis). Letter diffs are by field path; list items that
move are one "moved" change. The CLI is driven through Click's CliRunner, and once as a real
process through the installed console script.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers import CONSOLE_SCRIPT, edit, run, run_process
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import letterkit
from letterkit.diffs.core import (
    apply_words,
    diff_data,
    letter_data,
    tokens,
    word_diff,
)
from letterkit.diffs.views import to_json, to_markdown, to_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
ANSI = "\x1b["


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    shutil.copy(SAMPLES / "letterkit.toml", tmp_path / "letterkit.toml")
    return Path(shutil.copy(SAMPLES / "peter-goodbye.yaml", tmp_path / "peter.yaml"))


@pytest.fixture
def history(sample: Path) -> Path:
    """peter.yaml with two drafts: the therapist's, then the patient's (two edits)."""
    letterkit.save_draft(sample, "therapist", "Helen Marsh", "For session 13")
    edit(sample, "You felt trapped, and you", "You felt stuck and angry, and you")
    edit(sample, "    than you were.\n", "    than you were.\n  - I started drawing again.\n")
    letterkit.save_draft(sample, "patient", "Peter Hale", "Peter's changes")
    return sample


@pytest.fixture
def peter() -> dict[str, Any]:
    return letter_data(letterkit.load(SAMPLES / "peter-goodbye.yaml"))


# --------------------------------------------------------------------------- word diff: properties

# Pieces that stress the tokenizer: repeated words, runs of whitespace, newlines, combining
# marks, non-Latin scripts, characters whose case mapping changes length, and the markers the
# text view itself uses.
WORDS = st.sampled_from(
    [
        "the",
        "the",
        "cat",
        "a",
        "sat",
        "mat",
        "Zoë",
        "naïve",
        "日本語",
        "Straße",
        "İ",
        "ﬁ",
        "x1",
        "_",
        "café",
        "cafe\u0301",
        "🙂",
        "don",
        "t",
    ]
)
SPACES = st.sampled_from([" ", "  ", "\n", "\n\n", "\t", " \n ", "\r\n", "\u00a0", "\u2003", "\u2028"])
PUNCT = st.sampled_from([".", ",", "’", "—", "!", "*", "[-", "-]", "{+", "+}", "'", "\\"])
PIECES = st.one_of(WORDS, SPACES, PUNCT, st.text(max_size=4))
TOKEN_TEXTS = st.lists(PIECES, max_size=60).map("".join)


@st.composite
def word_edits(draw: Any) -> tuple[str, str]:
    """A text A, and B made from A by word-level inserts, deletes, replacements and moves."""
    parts = draw(st.lists(st.one_of(WORDS, WORDS, SPACES, PUNCT), max_size=80))
    b = list(parts)
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "move", "double"]))
        if kind == "insert" or not b:
            b.insert(draw(st.integers(0, len(b))), draw(st.one_of(WORDS, SPACES, PUNCT)))
        elif kind == "delete":
            del b[draw(st.integers(0, len(b) - 1))]
        elif kind == "replace":
            b[draw(st.integers(0, len(b) - 1))] = draw(st.one_of(WORDS, SPACES))
        elif kind == "move":
            item = b.pop(draw(st.integers(0, len(b) - 1)))
            b.insert(draw(st.integers(0, len(b))), item)
        else:  # repeat a word, as people do by accident
            at = draw(st.integers(0, len(b) - 1))
            b.insert(at, b[at])
    return "".join(parts), "".join(b)


def check_word_diff(a: str, b: str) -> None:
    segments = word_diff(a, b)
    assert apply_words(a, segments) == b
    assert "".join(text for op, text in segments if op in "=-") == a
    assert "".join(text for op, text in segments if op in "=+") == b
    assert all(op in ("=", "-", "+") and text for op, text in segments)
    for (op1, _), (op2, _) in zip(segments, segments[1:], strict=False):
        assert op1 != op2, segments  # neighbours of one kind are merged
        assert (op1, op2) != ("+", "-"), segments  # a changed run: its deletions, then its insertions
    if a == b:
        assert segments == ([("=", a)] if a else [])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(), st.text())
def test_word_diff_applies_exactly_to_arbitrary_text(a: str, b: str) -> None:
    check_word_diff(a, b)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TOKEN_TEXTS, TOKEN_TEXTS)
def test_word_diff_applies_exactly_to_wordy_text(a: str, b: str) -> None:
    check_word_diff(a, b)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(word_edits())
def test_word_diff_applies_exactly_after_word_edits(pair: tuple[str, str]) -> None:
    a, b = pair
    check_word_diff(a, b)
    check_word_diff(b, a)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(word_edits())
def test_line_first_word_diff_applies_exactly(pair: tuple[str, str]) -> None:
    """Long texts are compared line by line first; force that path on small ones."""
    import letterkit.diffs.core as diffing

    a, b = pair
    saved = diffing.LINE_FIRST
    diffing.LINE_FIRST = 0
    try:
        check_word_diff(a, b)
        check_word_diff(b + "\n" + a, a + "\n\n" + b)
    finally:
        diffing.LINE_FIRST = saved


@given(TOKEN_TEXTS)
def test_tokens_join_back_to_the_text(text: str) -> None:
    assert "".join(tokens(text)) == text


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("", ""),
        ("", "new words"),
        ("old words", ""),
        ("same", "same"),
        ("a  b", "a b"),
        ("x\n", "x"),
        ("the the the", "the the"),
        ("\n\n\n", "\n"),
        ("  ", "\t"),
    ],
)
def test_word_diff_edge_cases(a: str, b: str) -> None:
    check_word_diff(a, b)


def test_apply_words_refuses_a_diff_that_does_not_fit() -> None:
    segments = word_diff("the cat sat", "the dog sat")
    with pytest.raises(ValueError):
        apply_words("a cat sat", segments)
    with pytest.raises(ValueError):
        apply_words("the cat sat down", segments)  # does not cover the whole text


# --------------------------------------------------------------------------- word diff: grouping


def test_word_diff_groups_a_changed_phrase_into_one_run() -> None:
    assert word_diff("the big cat sat on the mat", "the small dog sat on the mat") == [
        ("=", "the "),
        ("-", "big cat"),
        ("+", "small dog"),
        ("=", " sat on the mat"),
    ]


def test_word_diff_keeps_separate_changes_apart() -> None:
    assert word_diff("one two three four five", "one TWO three FOUR five") == [
        ("=", "one "),
        ("-", "two"),
        ("+", "TWO"),
        ("=", " three "),
        ("-", "four"),
        ("+", "FOUR"),
        ("=", " five"),
    ]


def test_word_diff_is_by_whole_words_not_characters() -> None:
    assert word_diff("You felt trapped.", "You felt trampled.") == [
        ("=", "You felt "),
        ("-", "trapped"),
        ("+", "trampled"),
        ("=", "."),
    ]


def test_word_diff_pure_insertion_and_deletion() -> None:
    assert word_diff("You came to see me", "You first came to see me") == [
        ("=", "You "),
        ("+", "first "),
        ("=", "came to see me"),
    ]
    assert word_diff("", "all new") == [("+", "all new")]
    assert word_diff("all gone", "") == [("-", "all gone")]
    assert word_diff("", "") == []


# --------------------------------------------------------------------------- letter diffs as data


def test_identical_letters_give_an_empty_falsy_diff(peter: dict[str, Any]) -> None:
    result = diff_data(peter, copy.deepcopy(peter))
    assert not result
    assert result.changes == ()
    assert result.to_json()["changes"] == []
    letter = letterkit.load(SAMPLES / "peter-goodbye.yaml")
    assert not letterkit.diff(letter, letterkit.load(SAMPLES / "peter-goodbye.yaml"))


def test_changes_are_reported_at_their_field_paths(peter: dict[str, Any]) -> None:
    b = copy.deepcopy(peter)
    b["ipaf"]["self"] = b["ipaf"]["self"].replace("comes last", "always comes last")
    b["changes"][2] = b["changes"][2].replace("alone", "and you alone")
    b["coping_strategies"][0]["cost"] = "Nobody saw what you needed."
    b["session"] = 14
    result = diff_data(peter, b, "old", "new")
    assert result
    by_path = {c.path: c for c in result.changes}
    assert set(by_path) == {"ipaf.self", "changes[2]", "coping_strategies[0].cost", "session"}
    assert all(c.op == "changed" for c in result.changes)
    self_change = by_path["ipaf.self"]
    assert self_change.old == peter["ipaf"]["self"] and self_change.new == b["ipaf"]["self"]
    assert [s for s in self_change.words if s[0] != "="] == [("+", "always ")]
    assert apply_words(self_change.old, self_change.words) == self_change.new
    assert by_path["session"].old == 13 and by_path["session"].new == 14
    assert by_path["session"].words == ()
    assert (result.a, result.b) == ("old", "new")


def test_fields_added_and_removed(peter: dict[str, Any]) -> None:
    b = copy.deepcopy(peter)
    del b["closing"]
    b["ipaf"]["reversal"] = "Sometimes you brush others aside."
    result = diff_data(peter, b)
    assert [(c.path, c.op) for c in result.changes] == [("ipaf.reversal", "added"), ("closing", "removed")]
    assert result.changes[1].old == peter["closing"]
    assert result.changes[0].new == "Sometimes you brush others aside."


def test_list_item_added_and_removed(peter: dict[str, Any]) -> None:
    b = copy.deepcopy(peter)
    b["changes"].append("You sleep better.")
    del b["unfinished_business"][1]
    result = diff_data(peter, b)
    assert [(c.path, c.op) for c in result.changes] == [
        ("changes[4]", "added"),
        ("unfinished_business[1]", "removed"),
    ]
    assert result.changes[0].new == "You sleep better."
    assert result.changes[1].old == peter["unfinished_business"][1]


@pytest.mark.parametrize(("source", "target"), [(0, 3), (3, 0), (1, 2), (2, 0), (0, 1)])
def test_a_moved_list_item_is_one_moved_change(peter: dict[str, Any], source: int, target: int) -> None:
    b = copy.deepcopy(peter)
    item = b["changes"].pop(source)
    b["changes"].insert(target, item)
    result = diff_data(peter, b)
    assert len(result.changes) == 1, result.changes
    (change,) = result.changes
    assert change.op == "moved"
    assert change.path.startswith("changes[")
    moved = peter["changes"][change.moved_from]
    assert change.old == change.new == moved
    assert b["changes"][int(change.path[len("changes[") : -1])] == moved


def test_a_moved_coping_strategy_is_one_moved_change(peter: dict[str, Any]) -> None:
    b = copy.deepcopy(peter)
    b["coping_strategies"].append(b["coping_strategies"].pop(0))
    result = diff_data(peter, b)
    assert [(c.path, c.op, c.moved_from) for c in result.changes] == [("coping_strategies[3]", "moved", 0)]


def test_a_move_and_an_edit_in_one_list(peter: dict[str, Any]) -> None:
    b = copy.deepcopy(peter)
    b["changes"].insert(0, b["changes"].pop())
    b["changes"][2] = b["changes"][2].replace("on Saturdays", "on Sundays")
    result = diff_data(peter, b)
    ops = sorted((c.path, c.op) for c in result.changes)
    assert ops == [("changes[0]", "moved"), ("changes[2]", "changed")]
    edited = next(c for c in result.changes if c.op == "changed")
    assert [s for s in edited.words if s[0] != "="] == [("-", "Saturdays"), ("+", "Sundays")]


# --------------------------------------------------------------------------- views


def test_json_view_has_the_documented_structure(peter: dict[str, Any]) -> None:
    b = copy.deepcopy(peter)
    b["ending"] = b["ending"].replace("three sessions", "two sessions")
    b["changes"].append("You sleep better.")
    b["changes"].insert(0, b["changes"].pop(1))
    data = json.loads(to_json(diff_data(peter, b, "A.yaml", "B.yaml")))
    assert set(data) == {"format", "version", "a", "b", "changes"}
    assert (data["format"], data["version"], data["a"], data["b"]) == (
        "letterkit-diff",
        1,
        "A.yaml",
        "B.yaml",
    )
    for change in data["changes"]:
        assert {"path", "op", "old", "new", "author", "draft"} <= set(change)
        assert change["op"] in ("added", "removed", "changed", "moved")
    by_path = {c["path"]: c for c in data["changes"]}
    assert by_path["ending"]["op"] == "changed"
    assert {"op": "-", "text": "three"} in by_path["ending"]["words"]
    assert {"op": "+", "text": "two"} in by_path["ending"]["words"]
    assert by_path["changes[0]"]["op"] == "moved" and by_path["changes[0]"]["moved_from"] == 1
    assert by_path["changes[4]"] == {
        "path": "changes[4]",
        "op": "added",
        "old": None,
        "new": "You sleep better.",
        "author": None,
        "draft": None,
        "words": [],
    }


def test_json_view_every_change_has_the_documented_keys(peter: dict[str, Any]) -> None:
    b = copy.deepcopy(peter)
    b["changes"].append("You sleep better.")
    b["session"] = 14
    data = json.loads(to_json(diff_data(peter, b)))
    assert data["changes"]
    for change in data["changes"]:
        assert {"path", "op", "old", "new", "author", "draft", "words"} <= set(change)


def test_markdown_view_uses_criticmarkup(peter: dict[str, Any]) -> None:
    b = copy.deepcopy(peter)
    b["ending"] = b["ending"].replace("three sessions", "two sessions")
    b["changes"].append("You sleep better.")
    del b["unfinished_business"][0]
    md = to_markdown(diff_data(peter, b))
    assert "We have {--three--}{++two++} sessions left" in md
    assert "{++You sleep better.++}" in md
    assert "{--" + peter["unfinished_business"][0] + "--}" in md
    assert "## ending (changed)" in md
    assert "[-" not in md and "{+" not in md.replace("{++", "")
    assert "No changes." in to_markdown(diff_data(peter, peter))


def test_text_view_marks_words_and_elides_far_lines(peter: dict[str, Any]) -> None:
    b = copy.deepcopy(peter)
    b["ending"] = b["ending"].replace("does\nnot mean", "does\nnever mean")
    b["changes"].append("You sleep better.")
    text = to_text(diff_data(peter, b, "A", "B"))
    assert text.startswith("--- A\n+++ B\n")
    assert "@@ ending: changed" in text
    assert "does\n  [-not-]{+never+} mean that you mattered less." in text
    assert "  …" in text  # the unchanged first lines of the ending are left out
    assert "We have three sessions left" not in text
    assert "@@ changes[4]: added" in text and "{+You sleep better.+}" in text
    assert ANSI not in text
    styled = to_text(diff_data(peter, b), styler=lambda role, text: f"<{role}>{text}</{role}>")
    assert "<removed>[-not-]</removed><added>{+never+}</added>" in styled
    assert "<header>@@ ending: changed</header>" in styled
    assert "  …" in styled  # eliding works on the marks, whatever the styling adds


# --------------------------------------------------------------------------- the diff command


def test_cli_diff_between_drafts_names_author_and_draft(history: Path) -> None:
    result = run("diff", f"{history}@1", f"{history}@latest")
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert f"--- {history}@1\n+++ {history}@2\n" in out
    assert "@@ background: changed  (patient Peter Hale, draft 2)" in out
    assert "You felt [-trapped-]{+stuck and angry+}, and you" in out
    assert "@@ changes[4]: added  (patient Peter Hale, draft 2)" in out
    assert "{+I started drawing again.+}" in out
    assert ANSI not in result.output  # not a terminal: no colour


def test_cli_diff_json_and_md(history: Path) -> None:
    result = run("diff", f"{history}@1", f"{history}@2", "-f", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["format"] == "letterkit-diff" and data["version"] == 1
    assert data["a"] == f"{history}@1" and data["b"] == f"{history}@2"
    assert [(c["path"], c["op"], c["author"], c["draft"]) for c in data["changes"]] == [
        ("background", "changed", "patient Peter Hale", 2),
        ("changes[4]", "added", "patient Peter Hale", 2),
    ]
    md = run("diff", f"{history}@1", f"{history}@2", "-f", "md")
    assert md.exit_code == 1
    assert "You felt {--trapped--}{++stuck and angry++}, and you" in md.stdout
    assert "## background (changed) — patient Peter Hale, draft 2" in md.stdout


def test_cli_diff_colour(history: Path) -> None:
    args = ("diff", f"{history}@1", f"{history}@2")
    assert ANSI not in run(*args).stdout
    on_terminal = run(*args, "--color", color=True)  # CliRunner's color=True stands for a terminal
    assert on_terminal.exit_code == 1
    assert "\x1b[31m[-trapped-]" in on_terminal.stdout and "\x1b[32m{+stuck and angry+}" in on_terminal.stdout
    assert ANSI not in run(*args, "--no-color", color=True).stdout


def test_cli_diff_color_flag_forces_colour_into_a_pipe(history: Path) -> None:
    result = run("diff", f"{history}@1", f"{history}@2", "--color")  # CliRunner output is a pipe
    assert result.exit_code == 1
    assert ANSI in result.stdout


def test_cli_diff_exit_0_when_identical(history: Path) -> None:
    same = run("diff", f"{history}@2", str(history))
    assert same.exit_code == 0, same.output
    assert "@@" not in same.stdout
    assert run("diff", f"{history}@1", f"{history}@1", "-f", "json").exit_code == 0
    assert json.loads(run("diff", f"{history}@1", f"{history}@1", "-f", "json").stdout)["changes"] == []


@pytest.mark.parametrize(
    "b",
    ["missing.yaml", "{letter}@99", "{letter}@0", "{letter}@zzzz", "{other}@1", "{invalid}", "{folder}"],
)
def test_cli_diff_exit_2_on_trouble(history: Path, b: str) -> None:
    folder = history.parent
    invalid = folder / "invalid.yaml"
    invalid.write_text("kind: goodbye-letter\nsession: 99\n", encoding="utf-8")
    other = Path(shutil.copy(history, folder / "other.yaml"))  # a letter with no history
    spec = b.format(letter=history, other=other, invalid=invalid, folder=folder)
    if spec == "missing.yaml":
        spec = str(folder / "missing.yaml")
    result = run("diff", f"{history}@1", spec)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip()
    assert result.stdout == ""
    flipped = run("diff", spec, f"{history}@1")
    assert flipped.exit_code == 2, flipped.output


def test_cli_diff_pdf_without_output_is_written_beside_the_letter(history: Path) -> None:
    result = run("diff", f"{history}@1", f"{history}@2", "-f", "pdf")
    assert result.exit_code == 1, result.output  # differences, as diff(1)
    beside = history.with_suffix(".redline.pdf")
    assert result.stderr.strip() == f"Wrote {beside}"
    assert beside.read_bytes().startswith(b"%PDF-")
    assert not history.with_suffix(".pdf").exists()  # the letter's own PDF name is never taken


def test_cli_diff_as_a_real_process(history: Path, tmp_path: Path) -> None:

    def diff(*args: str) -> subprocess.CompletedProcess[str]:
        return run_process("diff", *args, cwd=tmp_path, command=CONSOLE_SCRIPT, timeout=60)

    assert diff("peter.yaml@1", "peter.yaml@1").returncode == 0
    changed = diff("peter.yaml@1", "peter.yaml@latest")
    assert changed.returncode == 1
    assert "{+stuck and angry+}" in changed.stdout and ANSI not in changed.stdout
    missing = diff("peter.yaml@1", "peter.yaml@7")
    assert missing.returncode == 2
    assert "there is no draft 7" in missing.stderr


def test_cli_diff_pdf_redline(history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pypdf

    monkeypatch.chdir(tmp_path)  # short names, so the legend's lines do not wrap
    out = tmp_path / "changes.pdf"
    result = run("diff", "peter.yaml@1", "peter.yaml@2", "-f", "pdf", "-o", "changes.pdf")
    assert result.exit_code == 1, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    flat = " ".join(text.split())
    assert "stuck and angry" in flat
    assert "I started drawing again." in flat
    assert re.search(
        r"Changes from draft 1 \(\d+ \w+ \d{4}, by [^)]+\) to draft 2 \(\d+ \w+ \d{4}, by Peter Hale\)", flat
    )
    assert "peter.yaml@1" not in flat
    # Named as the letter prints them, items counted from 1: never a field path.
    assert "What brought you here: changed by Peter Hale (patient) in draft 2" in flat
    assert "What has changed, item 5: added by Peter Hale (patient) in draft 2" in flat
    assert "changes[4]" not in flat and "background:" not in flat


def test_redline_html_marks_insertions_and_deletions(history: Path) -> None:
    result = run("diff", f"{history}@1", f"{history}@2", "-f", "html")
    assert result.exit_code == 1
    html = result.stdout
    assert re.search(r"<del\b[^>]*>trapped</del>", html)
    assert re.search(r"<ins\b[^>]*>stuck and angry</ins>", html)
    assert re.search(r"<li><ins\b[^>]*>I started drawing again\.</ins></li>", html)
    assert not re.search(r"<(ins|del)\b[^>]*>[^<]*(Peter, thank you|We have three)", html)  # unchanged text


# --------------------------------------------------------------------------- who made each change


def test_an_added_item_stays_credited_to_its_author_when_indices_shift(history: Path) -> None:
    edit(history, "changes:\n", "changes:\n  - You sleep better than you did.\n")
    letterkit.save_draft(history, "therapist", "Helen Marsh", "One more change")
    result = letterkit.diff(f"{history}@1", f"{history}@3")
    credit = {c.new: (c.author, c.draft) for c in result.changes if c.op == "added"}
    assert credit["You sleep better than you did."] == ("therapist Helen Marsh", 3)
    assert credit["I started drawing again."] == ("patient Peter Hale", 2)


def test_an_unsaved_edit_is_not_credited_to_a_saved_draft(history: Path) -> None:
    edit(history, "Peter, thank you for", "Peter, many thanks for")
    result = letterkit.diff(history, f"{history}@latest")
    (change,) = result.changes
    assert change.path == "closing"
    assert change.author is None and change.draft is None
