"""Errors in a clinician's words: YAML mistakes at the line they are on, "did you mean",
every problem at once (a field given twice included), and an unfilled scaffold refused.

The broken files are typed the way a therapist filling in a scaffold would type them; each
test asserts the exact line and message. Fictional people only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run, run_process

import letterkit
import letterkit.model.loading as loading
from letterkit.errors import LetterFileError, LetterValidationError
from letterkit.model import placeholders

# A goodbye letter as a therapist fills in the scaffold: comments kept, block texts for the
# long sections. Line 29 is "ipaf:", line 30 "  self: …", line 65 "transference: |".
LETTER = """\
# A goodbye letter for Dynamic Interpersonal Therapy (DIT).
kind: goodbye-letter
status: draft

patient:
  name: Ruth Calloway
  preferred_name: Ruth

therapist:
  name: Owen Pritchard
  role: Psychological therapist
  service: Larkfield Talking Therapies

date: 2026-05-04
session: 13

# What brought them.
background: |
  You came to see me after your father's death last spring. You said the house felt
  too big and too quiet, and that nobody rang.

referral:
  by: your GP, Dr Amos Lee
  reason: Low mood and poor sleep since your father died.
  date: 2026-01-20

# The pattern: how they see themselves, how they experience others, and the feeling
# that links the two.
ipaf:
  self: You often feel like a guest in other people's lives.
  other: You expect people to be kind but busy, with no room left for you.
  affect:
    - loneliness
    - {feeling: anger, less_conscious: true}
  imagery:
    - a guest

coping_strategies:
  - strategy: Making yourself useful, so that nobody minds you being there.
    cost: You rarely asked for anything back.
  - strategy: Staying busy in the evenings.
    cost: You were tired, and still lonely.

# What happened over the therapy.
course_of_therapy: |
  In our first sessions we named the pattern together. In the middle weeks you noticed
  it at your choir and with your neighbour. Near the end you asked your neighbour
  for help with the garden.

changes:
  - You told your daughter you would like her to visit more often.
  - You went back to your choir after a year away.

unfinished_business:
  - Asking for help still feels like imposing.

# The ending ahead.
ending: |
  We have three sessions left. The ending may feel like being shown the door as a guest.
  If that happens, I hope we can talk about it together. Our ending was planned from
  the start.

# How the pattern showed up between us: in plain words, no
# clinical terms.
transference: |
  The pattern showed up between us too. At times you apologised for taking up my time.
  When we talked about it, you could see how quickly you step back.

closing: |
  Thank you, Ruth, for your openness.
"""

LINES = {"ipaf": 29, "self": 30, "other": 31, "transference": 65, "reason": 24, "patient.name": 6}


def line(text: str, number: int) -> str:
    return text.split("\n")[number - 1]


def with_line(text: str, number: int, new: str) -> str:
    lines = text.split("\n")
    lines[number - 1] = new
    return "\n".join(lines)


def write(tmp_path: Path, text: str, name: str = "ruth.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def file_error(path: Path) -> LetterFileError:
    with pytest.raises(LetterFileError) as caught:
        loading.load_file(path)
    return caught.value


def problems(path: Path) -> list[str]:
    with pytest.raises(LetterValidationError) as caught:
        loading.load_file(path)
    return [str(p) for p in caught.value.problems]


def test_the_letter_above_is_valid_and_laid_out_as_the_tests_say(tmp_path: Path) -> None:
    assert loading.load_file(write(tmp_path, LETTER)).patient.name == "Ruth Calloway"
    assert line(LETTER, LINES["ipaf"]) == "ipaf:"
    assert line(LETTER, LINES["self"]).startswith("  self: ")
    assert line(LETTER, LINES["transference"]) == "transference: |"
    assert line(LETTER, LINES["reason"]).startswith("  reason: ")


# ------------------------------------------------------------------ YAML mistakes


def test_a_block_text_line_that_lost_its_indent_is_named_at_its_own_line(tmp_path: Path) -> None:
    # The second line of the transference text typed at the left edge (line 66); the parser
    # only gives up lines later, at "closing:".
    number = LINES["transference"] + 2
    text = with_line(LETTER, number, line(LETTER, number).lstrip())
    path = write(tmp_path, text)
    error = file_error(path)
    assert str(error) == (
        f"{path}:{number}: is not valid YAML: this line belongs to the text of 'transference' "
        f"(the '|' on line {LINES['transference']}) but has lost its indent — indent it by "
        "2 spaces, like the lines above it"
    )
    assert error.problem.line == 67


def test_the_first_line_of_a_block_text_without_indent(tmp_path: Path) -> None:
    number = LINES["transference"] + 1
    text = with_line(LETTER, number, line(LETTER, number).lstrip())
    path = write(tmp_path, text)
    assert str(file_error(path)) == (
        f"{path}:66: is not valid YAML: this line belongs to the text of 'transference' "
        "(the '|' on line 65) but has lost its indent — indent it by 2 spaces, like the lines "
        "above it"
    )


def test_one_extra_space_before_self_is_named_at_the_self_line(tmp_path: Path) -> None:
    # "   self:" with three spaces on line 30: the parser stops at line 31.
    text = with_line(LETTER, 30, " " + line(LETTER, 30))
    path = write(tmp_path, text)
    assert str(file_error(path)) == (
        f"{path}:30: is not valid YAML: this line is indented differently from the lines below "
        "it (3 spaces where they have 2) — line it up with them"
    )


def test_one_extra_space_before_a_later_field_is_named_at_that_line(tmp_path: Path) -> None:
    text = with_line(LETTER, 31, " " + line(LETTER, 31))
    path = write(tmp_path, text)
    assert str(file_error(path)) == (
        f"{path}:31: is not valid YAML: this line is indented differently from the lines above "
        "it (3 spaces where they have 2) — line it up with them"
    )


def test_one_space_too_few_is_named_at_that_line(tmp_path: Path) -> None:
    text = with_line(LETTER, 31, line(LETTER, 31)[1:])
    path = write(tmp_path, text)
    assert str(file_error(path)) == (
        f"{path}:31: is not valid YAML: this line is indented differently from the lines above "
        "it (1 space where they have 2) — line it up with them"
    )


def test_a_field_that_lost_its_indent_inside_a_group(tmp_path: Path) -> None:
    # "role:" at the left edge between the therapist's name and service (line 11).
    text = with_line(LETTER, 11, line(LETTER, 11).lstrip())
    path = write(tmp_path, text)
    assert str(file_error(path)) == (
        f"{path}:11: is not valid YAML: this line is indented differently from the lines around "
        "it (0 spaces where they have 2) — line it up with them"
    )


@pytest.mark.parametrize("number", [6, 30, 34])
def test_a_tab_is_named_as_a_tab(tmp_path: Path, number: int) -> None:
    text = with_line(LETTER, number, "\t" + line(LETTER, number).lstrip())
    path = write(tmp_path, text)
    error = file_error(path)
    assert str(error) == (
        f"{path}:{number}: is not valid YAML: this line is indented with a tab, and letter files "
        "must be indented with spaces — replace the tab with spaces, lined up with the lines above it"
    )


def test_a_colon_inside_a_value_suggests_quotes(tmp_path: Path) -> None:
    text = with_line(LETTER, LINES["reason"], "  reason: Low mood: poor sleep")
    path = write(tmp_path, text)
    assert str(file_error(path)) == (
        f"{path}:24: is not valid YAML: the text after 'reason:' contains ': ', which YAML reads "
        'as the start of another field — put the whole text in quotes: reason: "Low mood: poor sleep"'
    )


def test_a_colon_in_a_value_with_double_quotes_suggests_single_quotes(tmp_path: Path) -> None:
    text = with_line(LETTER, LINES["reason"], '  reason: Low mood: "grey days", you said')
    path = write(tmp_path, text)
    assert str(file_error(path)).endswith(
        """put the whole text in quotes: reason: 'Low mood: "grey days", you said'"""
    )


def test_the_command_line_shows_the_explanation_without_a_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, with_line(LETTER, 30, " " + line(LETTER, 30)))
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:30: is not valid YAML: this line is indented differently")


def test_the_loader_is_libyaml_where_present_and_keeps_the_safety_rules() -> None:
    import yaml

    loader = loading._loader_class()
    if hasattr(yaml, "CSafeLoader"):
        assert issubclass(loader, yaml.CSafeLoader)
    assert issubclass(loader, (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    with pytest.raises(LetterFileError, match="YAML alias"):
        loading.parse("kind: goodbye-letter\na: &x hello\nb: *x\n", "x.yaml")
    with pytest.raises(LetterFileError, match="merge key"):
        loading.parse("kind: goodbye-letter\na: &x {p: 1}\nb:\n  <<: *x\n", "x.yaml")


# ------------------------------------------------------------------ did you mean


@pytest.mark.parametrize(
    ("old", "new", "path", "meant"),
    [
        ("unfinished_business:", "unfinished_busines:", "unfinished_busines", "unfinished_business"),
        (
            "    - {feeling: anger, less_conscious: true}",
            "    - {feeling: anger, less_concious: true}",
            "ipaf.affect[1].less_concious",
            "less_conscious",
        ),
        ("    cost: You rarely", "    price: You rarely", "coping_strategies[0].price", "cost"),
        ("    cost: You rarely", "    costs: You rarely", "coping_strategies[0].costs", "cost"),
        ("  self: You often", "  slef: You often", "ipaf.slef", "self"),
    ],
)
def test_a_misspelt_field_is_one_line_with_did_you_mean(
    tmp_path: Path, old: str, new: str, path: str, meant: str
) -> None:
    assert LETTER.count(old) == 1
    text = LETTER.replace(old, new)
    number = next(i for i, t in enumerate(text.split("\n"), 1) if t.startswith(new))
    file = write(tmp_path, text)
    wrong = path.rsplit(".", 1)[-1]
    # Once, on its own line; the "required" the misspelling causes is folded into it.
    assert problems(file) == [f"{file}:{number}: {path}: unknown field {wrong!r} — did you mean {meant!r}?"]


def test_a_field_close_to_nothing_keeps_the_plain_message(tmp_path: Path) -> None:
    file = write(tmp_path, LETTER.replace("  preferred_name: Ruth", "  favourite_colour: green"))
    assert problems(file) == [
        f"{file}:7: patient.favourite_colour: unknown field — check the spelling (the letter's "
        "schema lists the fields allowed here)"
    ]


def test_did_you_mean_never_suggests_a_field_already_there(tmp_path: Path) -> None:
    file = write(tmp_path, LETTER.replace("closing: |", "closng: Thanks.\nclosing: |"))
    assert problems(file) == [
        f"{file}:69: closng: unknown field — check the spelling (the letter's schema lists the "
        "fields allowed here)"
    ]


# ------------------------------------------------------------------ every problem at once


def test_a_field_given_twice_is_reported_with_every_other_problem(tmp_path: Path) -> None:
    text = LETTER.replace("session: 13", "session: 30") + "ending: A second ending, typed again.\n"
    text = text.replace("unfinished_business:", "unfinished_busines:")
    file = write(tmp_path, text)
    assert problems(file) == [
        f"{file}:15: session: should be a session number from 1 to 16",
        f"{file}:54: unfinished_busines: unknown field 'unfinished_busines' — did you mean "
        "'unfinished_business'?",
        f"{file}:71: ending: is given twice (first on line 58) — the first would be lost; keep one",
    ]


def test_a_field_given_twice_in_an_otherwise_good_letter_is_still_refused(tmp_path: Path) -> None:
    file = write(tmp_path, LETTER.replace("  role: Psychological therapist", "  name: Owen P.\n  role: x"))
    assert problems(file) == [
        f"{file}:11: therapist.name: is given twice (first on line 10) — the first would be lost; keep one"
    ]


def test_check_reports_a_field_given_twice_as_an_error(tmp_path: Path) -> None:
    file = write(tmp_path, LETTER + "closing: Again.\n")
    report = letterkit.check([file])
    twice = [f for f in report.findings if f.code == "duplicate-field"]
    assert [str(f) for f in twice] == [
        f"{file}:71: closing: error: is given twice (first on line 69) — the first would be lost; keep one"
    ]
    assert report.has_errors


def test_a_batch_indents_every_problem_of_a_file_under_its_name(tmp_path: Path) -> None:
    good = write(tmp_path, LETTER, "good.yaml")
    text = LETTER.replace("session: 13", "session: 30").replace("unfinished_business:", "unfinished_busines:")
    bad = write(tmp_path, text, "bad.yaml")
    result = run("render", str(good), str(bad), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-3:] == [
        "1 failed:",
        f"  {bad}:15: session: should be a session number from 1 to 16",
        f"  {bad}:54: unfinished_busines: unknown field 'unfinished_busines' — did you mean "
        "'unfinished_business'?",
    ]
    assert (tmp_path / "out" / "good.md").is_file()
    assert not (tmp_path / "out" / "bad.md").exists()


# ------------------------------------------------------------------ an unfilled scaffold


@pytest.mark.parametrize("kind", ["goodbye-letter", "formulation"])
def test_a_fresh_scaffold_fails_validate_naming_each_field(tmp_path: Path, kind: str) -> None:
    scaffold = tmp_path / "s.yaml"
    assert run_process("new", kind, "-o", str(scaffold)).returncode == 0
    result = run_process("validate", str(scaffold))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert (
        f"{scaffold}:18: patient.name: still holds the scaffold's example [Full name] — write your "
        "own words in its place, or delete it if it is optional" in lines
    )
    fields = [line.split(": ")[1] for line in lines]
    assert len(fields) == len(set(fields)), "one line per field"
    assert {"patient.name", "therapist.name", "ipaf.self", "ipaf.other", "closing"} <= set(fields)


def test_render_and_check_refuse_a_letter_with_one_placeholder_left(tmp_path: Path) -> None:
    text = LETTER.replace(
        "  preferred_name: Ruth",
        "  preferred_name: \"[The name they like to be called: the letter opens 'Dear …']\"",
    )
    file = write(tmp_path, text)
    expected = (
        f"{file}:7: patient.preferred_name: still holds the scaffold's example [The name they like "
        "to be called: the letter …] — write your own words in its place, or delete it if it is optional"
    )
    rendered = run("render", str(file))
    assert rendered.exit_code == 1
    assert rendered.stderr == expected + "\n"
    assert "Dear [" not in rendered.stdout
    checked = run("check", str(file))
    assert checked.exit_code == 1
    assert expected.replace("preferred_name: still", "preferred_name: error: still") in checked.stdout


def test_a_placeholder_uncommented_from_the_scaffold_is_caught(tmp_path: Path) -> None:
    text = LETTER.replace(
        "  imagery:",
        '  reversal: "[Sometimes the pattern turns round: you become the one who …]"\n  imagery:',
    )
    file = write(tmp_path, text)
    assert [p.split(": ")[1] for p in problems(file)] == ["ipaf.reversal"]


@pytest.mark.parametrize(
    "value",
    [
        "[phone number removed]",
        "[Full name] and more words after it",
        "See [the leaflet](https://example.org/leaflet)",
        "[a guest]",
        "You said you felt [as if you were] a guest.",
    ],
)
def test_other_brackets_are_text(tmp_path: Path, value: str) -> None:
    assert not placeholders.is_placeholder(value)
    text = LETTER.replace("  reason: Low mood and poor sleep since your father died.", f'  reason: "{value}"')
    assert loading.load_file(write(tmp_path, text)).referral is not None


def test_placeholders_come_from_the_scaffolds() -> None:
    found = placeholders.scaffold_placeholders()
    assert {"[Full name]", "[Your name]", "[A warm last word.]", "[hopelessness]"} <= found
    # A block text's example, however its lines were wrapped.
    assert placeholders.is_placeholder("[In our first sessions …\n  In the middle weeks … ]")
    assert not placeholders.is_placeholder("[phone number removed]")


def test_work_in_progress_can_be_loaded_on_purpose() -> None:
    source = loading.parse(LETTER.replace("  name: Ruth Calloway", '  name: "[Full name]"'), "wip.yaml")
    with pytest.raises(LetterValidationError):
        loading.load_source(source)
    assert loading.load_source(source, allow_placeholders=True).patient.name == "[Full name]"


def test_the_scaffolds_explain_people() -> None:
    for kind in ("goodbye-letter", "formulation"):
        text = letterkit.scaffold(kind)
        assert "# people:" in text
        assert "letterkit redact" in text


@pytest.mark.parametrize("name", ["aliya-formulation", "aliya-goodbye", "peter-formulation", "peter-goodbye"])
def test_the_samples_hold_no_placeholder(name: str) -> None:
    root = Path(__file__).resolve().parent.parent
    assert loading.load_file(root / "samples" / f"{name}.yaml")


# ------------------------------------------------------------------ commands that say what they do


def test_render_of_a_markdown_copy_points_to_draft_import(tmp_path: Path) -> None:
    letter = write(tmp_path, LETTER)
    copy = tmp_path / "ruth.md"
    assert run("render", str(letter), "-o", str(copy)).exit_code == 0
    result = run("render", str(copy), "-f", "pdf")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{copy}: is a Markdown copy of a letter, not a letter file — letterkit reads the letter's "
        "YAML file; an edited copy goes back into that file as its next draft (to bring an edited "
        "copy back in, run `letterkit draft import EDITED.md --into LETTER.yaml --author ROLE`)\n"
    )
    assert not (tmp_path / "ruth.pdf").exists()


def test_the_library_error_for_a_markdown_copy_names_no_command(tmp_path: Path) -> None:
    copy = tmp_path / "edited.md"
    copy.write_text("# Goodbye letter\n\nDear Ruth,\n", encoding="utf-8")
    with pytest.raises(letterkit.MarkdownCopyError) as caught:
        letterkit.render_file(copy)
    assert isinstance(caught.value, LetterFileError)
    assert "letterkit draft" not in str(caught.value)


@pytest.mark.parametrize(
    ("fmt", "out", "named"),
    [
        ("pdf", "x.docx", "docx"),
        ("html", "x.json", "fhir"),
        ("fhir", "x.pdf", "pdf"),
        ("md", "x.html", "html"),
    ],
)
def test_an_output_named_for_another_format_is_a_usage_error_and_writes_nothing(
    tmp_path: Path, fmt: str, out: str, named: str
) -> None:
    letter = write(tmp_path, LETTER)
    result = run("render", str(letter), "-f", fmt, "-o", str(tmp_path / out))
    assert result.exit_code == 2
    assert f"is named like a {named} file, but the format asked for is {fmt}" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ruth.yaml"]


def test_every_format_has_a_known_suffix() -> None:
    from letterkit import writers

    suffixes = {name: writers.get(name).suffix for name in writers.FORMATS}
    assert suffixes == {"md": ".md", "html": ".html", "pdf": ".pdf", "docx": ".docx", "fhir": ".json"}


def test_work_in_progress_is_kept_in_the_history_but_not_rendered(tmp_path: Path) -> None:
    letter = write(tmp_path, LETTER.replace("  preferred_name: Ruth", '  preferred_name: "[Full name]"'))
    saved = run("draft", "save", str(letter), "--author", "therapist", "--note", "half way")
    assert saved.exit_code == 0, saved.stderr
    assert run("draft", "show", str(letter), "1").stdout == letter.read_text(encoding="utf-8")
    letter.write_text(LETTER, encoding="utf-8")
    assert run("draft", "save", str(letter), "--author", "therapist").exit_code == 0
    changed = run("diff", f"{letter}@1", f"{letter}@2")
    assert changed.exit_code == 1  # differences, as diff(1)
    assert "patient.preferred_name" in changed.stdout
    refused = run("render", f"{letter}@1")
    assert refused.exit_code == 1
    assert "patient.preferred_name: still holds the scaffold's example [Full name]" in refused.stderr
    assert run("render", f"{letter}@2").exit_code == 0


def test_a_huge_malformed_file_gets_the_parsers_words_beyond_the_analysed_lines(tmp_path: Path) -> None:
    from letterkit.model.yaml_errors import MAX_LINES

    text = "kind: goodbye-letter\nchanges:\n" + "  - a change\n" * (MAX_LINES + 10) + " closing: x\n"
    path = write(tmp_path, text)
    message = str(file_error(path))
    assert message.startswith(f"{path}:{MAX_LINES + 13}: is not valid YAML: ")
    assert message.endswith(
        "— check the indentation, and put text containing ': ' or starting with a symbol in quotes"
    )
    # Within the analysed lines, the same mistake is explained.
    short = write(
        tmp_path, "kind: goodbye-letter\nchanges:\n  - a change\n  - another\n closing: x\n", "short.yaml"
    )
    assert str(file_error(short)) == (
        f"{short}:5: is not valid YAML: this line is indented differently from the lines above it "
        "(1 space where they have 2) — line it up with them"
    )
