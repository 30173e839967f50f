"""letterkit.loading: letter files to validated letters, and every way a file can be wrong.

Validation messages are asserted exactly, as ``file:line: field.path: message``: they are
what a therapist reads, so a change of wording or line is a change a reviewer should see.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import GOODBYE_LINES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import letterkit
import letterkit.model.loading as loading
from letterkit.errors import (
    LetterFileError,
    LetterkitError,
    LetterNotFoundError,
    LetterValidationError,
    Problem,
)
from letterkit.model.kinds import Formulation, GoodbyeLetter

UNKNOWN = "unknown field — check the spelling (the letter's schema lists the fields allowed here)"
NOT_TEXT = "should be text — put it in quotes if it looks like a number, yes/no or a date"
BAD_DATE = "should be a date written like 2026-03-12 (or a month, 2026-03)"
BAD_SESSION = "should be a session number from 1 to 16"
BAD_KIND = "should say which document this is: 'kind: goodbye-letter' or 'kind: formulation'"
YAML_HINT = "— check the indentation, and put text containing ': ' or starting with a symbol in quotes"


def set_line(text: str, number: int, new: str | None) -> str:
    """``text`` with line ``number`` (1-based) replaced by ``new``, or deleted if None."""
    lines = text.splitlines()
    assert 1 <= number <= len(lines)
    if new is None:
        del lines[number - 1]
    else:
        lines[number - 1] = new
    return "\n".join(lines) + "\n"


def messages(path: Path) -> list[str]:
    """Every problem ``load_file`` reports for ``path``, one string each."""
    with pytest.raises(LetterValidationError) as caught:
        loading.load_file(path)
    error = caught.value
    assert str(error) == "\n".join(str(p) for p in error.problems)
    return [str(p) for p in error.problems]


def file_error(path: Path) -> LetterFileError:
    with pytest.raises(LetterFileError) as caught:
        loading.load_file(path)
    assert isinstance(caught.value, LetterkitError)
    assert "\n" not in str(caught.value), "file errors are one line"
    return caught.value


# ------------------------------------------------------------------ valid letters


def test_the_built_in_letters_are_valid_and_consistent(goodbye_yaml, goodbye_data, write_letter, tmp_path):
    from_file = loading.load_file(write_letter(tmp_path, goodbye_yaml))
    assert isinstance(from_file, GoodbyeLetter)
    assert from_file == loading.load_data(goodbye_data)
    assert from_file.ipaf.self_ == "You often feel like the spare wheel in every room you enter."


def test_formulation_loads_as_a_formulation(formulation_yaml, write_letter, tmp_path):
    letter = loading.load_file(write_letter(tmp_path, formulation_yaml))
    assert isinstance(letter, Formulation)
    assert letter.patient.name == "Zoë Quill"
    assert letter.status == "agreed"


@pytest.mark.parametrize("name", ["aliya-formulation", "aliya-goodbye", "peter-formulation", "peter-goodbye"])
def test_every_sample_is_valid(samples_dir, name):
    letter = letterkit.load(samples_dir / f"{name}.yaml")
    assert letter.kind == ("formulation" if name.endswith("formulation") else "goodbye-letter")
    assert letterkit.validate([samples_dir / f"{name}.yaml"]) == []


def test_dates_stay_dates(goodbye_yaml, write_letter, tmp_path):
    letter = loading.load_file(write_letter(tmp_path, goodbye_yaml))
    assert letter.date == dt.date(2026, 3, 12)
    assert type(letter.date) is dt.date
    assert letter.referral.date == dt.date(2026, 1, 15)


def test_quoted_date_is_a_date_too(goodbye_yaml, write_letter, tmp_path):
    text = set_line(goodbye_yaml, GOODBYE_LINES["date"], "date: '2026-03-12'")
    assert loading.load_file(write_letter(tmp_path, text)).date == dt.date(2026, 3, 12)


def test_month_form_is_accepted_for_pseudonymised_copies(goodbye_yaml, write_letter, tmp_path):
    text = set_line(goodbye_yaml, GOODBYE_LINES["date"], "date: 2026-03")
    text = set_line(text, GOODBYE_LINES["referral.date"], "  date: 2026-01")
    letter = loading.load_file(write_letter(tmp_path, text))
    assert letter.date == "2026-03"
    assert letter.referral.date == "2026-01"


def test_json_input_loads(goodbye_data, write_letter, tmp_path):
    path = write_letter(tmp_path, json.dumps(goodbye_data, default=str, indent=2), "letter.json")
    assert loading.load_file(path) == loading.load_data(goodbye_data)


def test_json_errors_carry_line_numbers(goodbye_data, write_letter, tmp_path):
    goodbye_data["session"] = 20
    text = json.dumps(goodbye_data, default=str, indent=2)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.strip().startswith('"session"'))
    path = write_letter(tmp_path, text, "letter.json")
    assert messages(path) == [f"{path}:{line}: session: {BAD_SESSION}"]


def test_byte_order_mark_and_crlf_are_tolerated(goodbye_yaml, write_letter, tmp_path):
    raw = b"\xef\xbb\xbf" + goodbye_yaml.replace("\n", "\r\n").encode("utf-8")
    assert loading.load_file(write_letter(tmp_path, raw)).patient.name == "Samuel Ferris"


def test_load_data_takes_a_dict(goodbye_data):
    letter = loading.load_data(goodbye_data)
    assert isinstance(letter, GoodbyeLetter)
    assert letter.patient.preferred_name == "Sam"
    assert letterkit.from_data(goodbye_data) == letter


def test_load_data_reports_problems_without_line_numbers(goodbye_data):
    del goodbye_data["ipaf"]["self"]
    goodbye_data["session"] = 0
    with pytest.raises(LetterValidationError) as caught:
        loading.load_data(goodbye_data)
    assert [str(p) for p in caught.value.problems] == [
        "<data>: ipaf.self: required — how does the patient see themselves in the pattern?",
        f"<data>: session: {BAD_SESSION}",
    ]
    assert all(p.line is None for p in caught.value.problems)


def test_load_data_refuses_a_list():
    with pytest.raises(LetterFileError) as caught:
        loading.load_data(["kind", "goodbye-letter"])  # type: ignore[arg-type]
    assert str(caught.value) == ("<data>: a letter is a mapping of fields (a JSON object), not a list")


# --------------------------------------------------------------------------- letters held as data


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ("peter.yaml", "text (a file name is read only by load, never from data)"),
        ("/etc/passwd", "text (a file name is read only by load, never from data)"),
        (b"peter.yaml", "text (a file name is read only by load, never from data)"),
        (42, "a int"),
        (4.5, "a float"),
        (None, "null"),
        ([1, 2], "a list"),
    ],
)
def test_from_data_takes_data_only_never_a_path(body, what, tmp_path, monkeypatch, goodbye_yaml):
    (tmp_path / "peter.yaml").write_text(goodbye_yaml, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # a file of that name is right here, and is not read
    with pytest.raises(LetterFileError) as caught:
        letterkit.from_data(body)
    assert str(caught.value) == f"letter: a letter is a mapping of fields (a JSON object), not {what}"


def test_from_data_is_the_library_function_for_data(goodbye_data):
    letter = letterkit.from_data(goodbye_data)
    assert isinstance(letter, GoodbyeLetter) and letter.patient.preferred_name == "Sam"
    assert "from_data" in letterkit.__all__


@pytest.mark.parametrize("value", [42, None, [1, 2], b"peter.yaml"])
def test_load_of_a_value_that_is_not_a_path_is_a_clear_error(value):
    with pytest.raises(LetterFileError) as caught:
        letterkit.load(value)
    assert "for a letter held as data use letterkit.from_data" in str(caught.value)
    assert not isinstance(caught.value, TypeError)


# --------------------------------------------------------------------------- data under the file limits


AFFECT_8000 = {"kind": "formulation", "ipaf": {"affect": [{"x": 1}] * 8000}}
"""An 80 KB JSON body that took the server 28 s to answer."""


def _fastest(call, *args, runs=3):
    import time

    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        call(*args)
        best = min(best, time.perf_counter() - start)
    return best


def test_data_goes_through_the_file_limits_before_validation():
    from letterkit.model import editing

    body = json.loads(json.dumps(AFFECT_8000))
    assert len(json.dumps(body)) > 80_000
    message = "has a list of 8000 items; at most 1000 are allowed"
    assert [(p.path, p.message) for p in editing.shape_problems(body, "letter")] == [("ipaf.affect", message)]
    assert [(p.path, p.message) for p in editing.problems(body, "letter")] == [("ipaf.affect", message)]
    with pytest.raises(LetterFileError) as caught:
        letterkit.from_data(body)
    assert str(caught.value) == f"letter: ipaf.affect: {message}"
    big = json.loads(json.dumps({"kind": "formulation", "ipaf": {"affect": [{"x": 1}] * 16000}}))
    # refused at the limit: 16,000 items cost no more than 4,000
    small = json.loads(json.dumps({"kind": "formulation", "ipaf": {"affect": [{"x": 1}] * 4000}}))
    assert _fastest(editing.shape_problems, big, runs=5) < 4 * _fastest(editing.shape_problems, small, runs=5)


def _nested(levels):
    value = [1]
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        (
            {"kind": "formulation", "goals": ["a"] * 1001},
            "goals",
            "has a list of 1001 items; at most 1000 are allowed",
        ),
        (
            {"kind": "formulation", "ipaf": {str(i): 1 for i in range(1001)}},
            "ipaf",
            "has more than 1000 fields in one place",
        ),
        (
            {"kind": "formulation", "background": "a\x07b"},
            "background",
            "contains an invisible control character (U+0007) — delete it",
        ),
        ({"kind": "formulation", "x": _nested(13)}, "x" + "[0]" * 12, "is nested more than 12 levels deep"),
        (
            {"kind": "formulation", "background": "a" * (1024 * 1024 + 1)},
            "",
            "holds more than 1,048,576 characters of text, too much for a letter (a real letter holds a few thousand)",
        ),
    ],
)
def test_every_file_limit_applies_to_data(data, path, message):
    with pytest.raises(LetterFileError) as caught:
        letterkit.from_data(data)
    assert (caught.value.problem.path, caught.value.problem.message) == (path, message)


def test_checking_a_body_with_many_problems_is_linear(monkeypatch):
    """Under a raised item limit, 4× the problems cost about 4× the time (it was 16×)."""
    from letterkit.model import editing

    monkeypatch.setattr(loading, "MAX_ITEMS", 100_000)

    def body(n):
        return json.loads(json.dumps({"kind": "formulation", "ipaf": {"affect": [{"x": 1}] * n}}))

    small, large = body(500), body(2000)
    assert len(editing.shape_problems(large, "letter")) == 4000
    ratio = _fastest(editing.shape_problems, large) / _fastest(editing.shape_problems, small)
    assert ratio < 8, ratio


def test_load_text_names_the_source(goodbye_yaml):
    text = set_line(goodbye_yaml, GOODBYE_LINES["session"], "session: 17")
    with pytest.raises(LetterValidationError) as caught:
        loading.load_text(text, "web-form")
    assert str(caught.value) == f"web-form:11: session: {BAD_SESSION}"


# ------------------------------------------------------------------ validation errors, one class each


def test_missing_required_field(goodbye_yaml, write_letter, tmp_path):
    path = write_letter(tmp_path, set_line(goodbye_yaml, GOODBYE_LINES["ipaf.self"], None))
    assert messages(path) == [
        f"{path}:17: ipaf.self: required — how does the patient see themselves in the pattern?"
    ]


def test_missing_required_top_level_field(formulation_yaml, write_letter, tmp_path):
    text = formulation_yaml.split("goals:")[0]
    path = write_letter(tmp_path, text)
    assert messages(path) == [
        f"{path}:1: goals: required — what did you agree the patient would like to change?"
    ]


def test_missing_required_field_is_a_problem_object(goodbye_yaml, write_letter, tmp_path):
    path = write_letter(tmp_path, set_line(goodbye_yaml, GOODBYE_LINES["ipaf.other"], None))
    with pytest.raises(LetterValidationError) as caught:
        loading.load_file(path)
    assert caught.value.problems == [
        Problem(
            str(path),
            17,
            "ipaf.other",
            "required — how does the patient experience other people in the pattern?",
        )
    ]
    assert isinstance(caught.value, ValueError)


def test_unknown_field_typo(goodbye_yaml, write_letter, tmp_path):
    line = GOODBYE_LINES["closing"]
    path = write_letter(tmp_path, set_line(goodbye_yaml, line, "closng: Thank you."))
    assert messages(path) == [f"{path}:{line}: closng: unknown field 'closng' — did you mean 'closing'?"]


def test_typo_in_a_required_field_is_one_did_you_mean(goodbye_yaml, write_letter, tmp_path):
    line = GOODBYE_LINES["background"]
    path = write_letter(tmp_path, set_line(goodbye_yaml, line, "backgroud: You came because."))
    # The "background: required" the typo causes is folded into the suggestion.
    assert messages(path) == [
        f"{path}:{line}: backgroud: unknown field 'backgroud' — did you mean 'background'?",
    ]


def test_unknown_nested_field(goodbye_yaml, write_letter, tmp_path):
    path = write_letter(tmp_path, set_line(goodbye_yaml, 5, "  nickname: Sammy"))
    assert messages(path) == [f"{path}:5: patient.nickname: {UNKNOWN}"]


def test_text_given_a_list(goodbye_yaml, write_letter, tmp_path):
    line = GOODBYE_LINES["therapist.name"]
    path = write_letter(tmp_path, set_line(goodbye_yaml, line, "  name: [Nell, Arbuthnot]"))
    assert messages(path) == [f"{path}:{line}: therapist.name: {NOT_TEXT}"]


def test_text_given_a_number(goodbye_yaml, write_letter, tmp_path):
    line = GOODBYE_LINES["patient.name"]
    path = write_letter(tmp_path, set_line(goodbye_yaml, line, "  name: 1234"))
    assert messages(path) == [f"{path}:{line}: patient.name: {NOT_TEXT}"]


@pytest.mark.parametrize("value", ["twenty", "20", "0", "-3", "4.5"])
def test_session_out_of_range_or_not_a_number(goodbye_yaml, write_letter, tmp_path, value):
    line = GOODBYE_LINES["session"]
    path = write_letter(tmp_path, set_line(goodbye_yaml, line, f"session: {value}"))
    assert messages(path) == [f"{path}:{line}: session: {BAD_SESSION}"]


@pytest.mark.parametrize("value", ["1", "16"])
def test_session_bounds_are_inclusive(goodbye_yaml, write_letter, tmp_path, value):
    path = write_letter(tmp_path, set_line(goodbye_yaml, GOODBYE_LINES["session"], f"session: {value}"))
    assert loading.load_file(path).session == int(value)


def test_session_yes_is_not_session_one(goodbye_yaml, write_letter, tmp_path):
    line = GOODBYE_LINES["session"]
    path = write_letter(tmp_path, set_line(goodbye_yaml, line, "session: yes"))
    assert messages(path) == [f"{path}:{line}: session: {BAD_SESSION}"]


def test_status_not_draft_agreed_or_final(goodbye_yaml, write_letter, tmp_path):
    line = GOODBYE_LINES["status"]
    path = write_letter(tmp_path, set_line(goodbye_yaml, line, "status: sent"))
    assert messages(path) == [f"{path}:{line}: status: should be one of 'draft', 'agreed' or 'final'"]


@pytest.mark.parametrize("value", ["2026-13-45", "12/03/2026", "next Tuesday", "2026-3-12", "2026-00"])
def test_bad_date(goodbye_yaml, write_letter, tmp_path, value):
    line = GOODBYE_LINES["date"]
    path = write_letter(tmp_path, set_line(goodbye_yaml, line, f"date: {value}"))
    assert messages(path) == [f"{path}:{line}: date: {BAD_DATE}"]


def test_bad_referral_date(goodbye_yaml, write_letter, tmp_path):
    line = GOODBYE_LINES["referral.date"]
    path = write_letter(tmp_path, set_line(goodbye_yaml, line, "  date: 2026-02-30"))
    assert messages(path) == [f"{path}:{line}: referral.date: {BAD_DATE}"]


def test_affect_item_that_is_a_number(goodbye_yaml, write_letter, tmp_path):
    line = GOODBYE_LINES["ipaf.affect[0]"]
    path = write_letter(tmp_path, set_line(goodbye_yaml, line, "    - 5"))
    assert messages(path) == [f"{path}:{line}: ipaf.affect[0]: {NOT_TEXT}"]


def test_affect_mapping_with_unknown_field(goodbye_yaml, write_letter, tmp_path):
    line = GOODBYE_LINES["ipaf.affect[2]"]
    path = write_letter(tmp_path, set_line(goodbye_yaml, line, "    - {feeling: anger, hidden: true}"))
    assert messages(path) == [f"{path}:{line}: ipaf.affect[2].hidden: {UNKNOWN}"]


@pytest.mark.parametrize("value", ["maybe", "2", "'sometimes'"])
def test_less_conscious_not_a_bool(goodbye_yaml, write_letter, tmp_path, value):
    line = GOODBYE_LINES["ipaf.affect[2]"]
    text = set_line(goodbye_yaml, line, f"    - {{feeling: anger, less_conscious: {value}}}")
    path = write_letter(tmp_path, text)
    assert messages(path) == [f"{path}:{line}: ipaf.affect[2].less_conscious: should be true or false"]


def test_list_given_text(goodbye_yaml, write_letter, tmp_path):
    line = GOODBYE_LINES["goals"]
    text = set_line(goodbye_yaml, line + 1, None)
    path = write_letter(tmp_path, set_line(text, line, "goals: to be seen"))
    assert messages(path) == [
        f"{path}:{line}: goals: should be a list, each item on its own line starting with '- '"
    ]


def test_group_given_text(goodbye_yaml, write_letter, tmp_path):
    text = set_line(goodbye_yaml, 5, None)
    text = set_line(text, 4, None)
    path = write_letter(tmp_path, set_line(text, 3, "patient: Samuel Ferris"))
    assert messages(path) == [
        f"{path}:3: patient: should be a group of fields, each on its own line as 'name: value'"
    ]


def test_attachment_style_outside_the_list(goodbye_yaml, write_letter, tmp_path):
    path = write_letter(tmp_path, set_line(goodbye_yaml, 31, "attachment_style: anxious"))
    assert messages(path) == [
        f"{path}:31: attachment_style: should be one of 'secure', 'preoccupied', 'dismissing' or 'fearful'"
    ]


def test_empty_required_list(goodbye_yaml, write_letter, tmp_path):
    line = GOODBYE_LINES["changes"]
    text = set_line(goodbye_yaml, line + 1, None)
    path = write_letter(tmp_path, set_line(text, line, "changes: []"))
    assert messages(path) == [
        f"{path}:{line}: changes: needs at least one item — what changes has the patient been able to make?"
    ]


@pytest.mark.parametrize("blank", ["''", "'   '", '"\\n\\n"'])
def test_blank_text(goodbye_yaml, write_letter, tmp_path, blank):
    line = GOODBYE_LINES["ending"]
    path = write_letter(tmp_path, set_line(goodbye_yaml, line, f"ending: {blank}"))
    assert messages(path) == [
        f"{path}:{line}: ending: is empty — what might the ending of therapy stir up, and what lies ahead?"
    ]


def test_field_left_empty_says_it_is_empty(goodbye_yaml, write_letter, tmp_path):
    line = GOODBYE_LINES["therapist.name"]
    path = write_letter(tmp_path, set_line(goodbye_yaml, line, "  name:"))
    [message] = messages(path)
    assert message.startswith(
        (f"{path}:{line}: therapist.name: is empty — ", f"{path}:{line}: therapist.name: required — ")
    )


def test_missing_kind(goodbye_yaml, write_letter, tmp_path):
    path = write_letter(tmp_path, set_line(goodbye_yaml, GOODBYE_LINES["kind"], None))
    assert messages(path) == [f"{path}:1: kind: {BAD_KIND}"]


def test_unknown_kind(goodbye_yaml, write_letter, tmp_path):
    path = write_letter(tmp_path, set_line(goodbye_yaml, GOODBYE_LINES["kind"], "kind: letter"))
    assert messages(path) == [f"{path}:1: kind: {BAD_KIND}"]


def test_unknown_kind_is_reported_on_its_own_line(goodbye_yaml, write_letter, tmp_path):
    text = "# Sam's goodbye letter\n# drafted for session 13\n\n" + set_line(
        goodbye_yaml, 1, "kind: goodby-letter"
    )
    path = write_letter(tmp_path, text)
    assert messages(path) == [f"{path}:4: kind: {BAD_KIND}"]


def test_formulation_fields_are_checked_against_the_formulation(formulation_yaml, write_letter, tmp_path):
    path = write_letter(tmp_path, formulation_yaml + "goals_extra: x\n")
    assert messages(path) == [f"{path}:14: goals_extra: {UNKNOWN}"]


def test_every_problem_in_a_file_is_reported_at_once(goodbye_yaml, write_letter, tmp_path):
    text = set_line(goodbye_yaml, GOODBYE_LINES["status"], "status: sent")
    text = set_line(text, GOODBYE_LINES["session"], "session: 20")
    text = set_line(text, GOODBYE_LINES["ipaf.self"], "  selff: You often feel like the spare wheel.")
    text = set_line(text, GOODBYE_LINES["ending"], "ending: '  '")
    text = set_line(text, GOODBYE_LINES["closing"], "closng: Thank you.")
    path = write_letter(tmp_path, text)
    assert messages(path) == [
        f"{path}:2: status: should be one of 'draft', 'agreed' or 'final'",
        f"{path}:11: session: {BAD_SESSION}",
        f"{path}:18: ipaf.selff: unknown field 'selff' — did you mean 'self'?",
        f"{path}:40: ending: is empty — what might the ending of therapy stir up, and what lies ahead?",
        f"{path}:42: closng: unknown field 'closng' — did you mean 'closing'?",
    ]


def test_validate_collects_problems_from_every_file(goodbye_yaml, write_letter, tmp_path):
    good = write_letter(tmp_path, goodbye_yaml, "good.yaml")
    bad = write_letter(tmp_path, set_line(goodbye_yaml, 11, "session: 99"), "bad.yaml")
    folder = tmp_path / "folder"
    folder.mkdir()
    problems = letterkit.validate([good, bad, folder])
    assert [str(p) for p in problems] == [
        f"{bad}:11: session: {BAD_SESSION}",
        f"{folder}: is a folder, not a letter file",
    ]


def test_duplicate_key_is_reported(goodbye_yaml, write_letter, tmp_path):
    text = goodbye_yaml + "background: A second background that silently replaces the first.\n"
    path = write_letter(tmp_path, text)
    with pytest.raises(LetterkitError):
        loading.load_file(path)


# ------------------------------------------------------------------ file-level errors


def test_malformed_yaml_names_the_line(goodbye_yaml, write_letter, tmp_path):
    line = GOODBYE_LINES["background"]
    path = write_letter(tmp_path, set_line(goodbye_yaml, line, "background: he said: no"))
    error = file_error(path)
    assert str(error) == (
        f"{path}:{line}: is not valid YAML: the text after 'background:' contains ': ', which YAML "
        """reads as the start of another field — put the whole text in quotes: background: "he said: no\""""
    )
    assert error.problem.line == line


def test_a_yaml_mistake_the_parser_cannot_place_keeps_the_general_hint(write_letter, tmp_path):
    path = write_letter(tmp_path, "kind: goodbye-letter\nbackground: [one, two\n")
    message = str(file_error(path))
    # The middle comes from the YAML parser (libyaml or PyYAML), so only the frame is exact.
    assert message.startswith(f"{path}:3: is not valid YAML: ")
    assert message.endswith(YAML_HINT)


def test_unclosed_quote_is_malformed_yaml(write_letter, tmp_path):
    path = write_letter(tmp_path, "kind: goodbye-letter\nipaf: {self: 'You often\n")
    error = file_error(path)
    assert str(error).startswith(f"{path}:3: is not valid YAML: ")


def test_tab_indentation_is_malformed_yaml(write_letter, tmp_path):
    path = write_letter(tmp_path, "kind: goodbye-letter\npatient:\n\tname: Sam\n")
    assert str(file_error(path)).startswith(f"{path}:3: is not valid YAML: ")


def test_python_tags_are_refused(write_letter, tmp_path):
    path = write_letter(tmp_path, "kind: goodbye-letter\nbackground: !!python/object/apply:os.system [ls]\n")
    error = file_error(path)
    assert str(error).startswith(f"{path}:2: is not valid YAML: ")


@pytest.mark.parametrize("text", ["", "\n\n   \n", "# just a comment\n"])
def test_empty_file_is_a_file_error(write_letter, tmp_path, text):
    path = write_letter(tmp_path, text)
    assert "is empty — start from a new letter's scaffold" in str(file_error(path))


def test_directory_is_a_file_error(tmp_path):
    assert str(file_error(tmp_path)) == f"{tmp_path}: is a folder, not a letter file"


def test_missing_file(tmp_path):
    path = tmp_path / "nobody.yaml"
    with pytest.raises(LetterNotFoundError) as caught:
        loading.load_file(path)
    assert isinstance(caught.value, FileNotFoundError)
    assert isinstance(caught.value, LetterFileError)
    assert str(caught.value) == f"{path}: no such file — check the name and folder"


def test_missing_file_is_caught_by_except_file_not_found(tmp_path):
    try:
        letterkit.load(tmp_path / "nobody.yaml")
    except FileNotFoundError as error:
        assert isinstance(error, letterkit.LetterkitError)
    else:  # pragma: no cover
        pytest.fail("no error for a missing file")


def test_non_utf8_bytes_name_the_line(goodbye_yaml, write_letter, tmp_path):
    raw = goodbye_yaml.replace("Samuel Ferris", "Zoë Ferris").encode("latin-1")
    path = write_letter(tmp_path, raw)
    assert str(file_error(path)) == f"{path}:4: is not UTF-8 text (byte 0xeb) — save it as UTF-8"


def test_nul_byte_is_a_binary_file(goodbye_yaml, write_letter, tmp_path):
    path = write_letter(tmp_path, goodbye_yaml.encode() + b"\x00\x01\x02")
    assert str(file_error(path)) == f"{path}:43: looks like a binary file, not a letter"


def test_binary_file(write_letter, tmp_path):
    path = write_letter(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.yaml")
    assert str(file_error(path)) == f"{path}:3: looks like a binary file, not a letter"


def test_utf16_file_is_refused(goodbye_yaml, write_letter, tmp_path):
    path = write_letter(tmp_path, goodbye_yaml.encode("utf-16"))
    assert str(file_error(path)) == f"{path}:1: looks like a binary file, not a letter"


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x7f", "\x0c"])
def test_control_character(goodbye_yaml, write_letter, tmp_path, char):
    line = GOODBYE_LINES["background"]
    text = set_line(goodbye_yaml, line, f"background: You came{char} because.")
    path = write_letter(tmp_path, text)
    assert str(file_error(path)) == (
        f"{path}:{line}: contains an invisible control character (U+{ord(char):04X}) — delete it"
    )


def test_c1_control_character(goodbye_yaml, write_letter, tmp_path):
    line = GOODBYE_LINES["background"]
    path = write_letter(tmp_path, set_line(goodbye_yaml, line, "background: You came\x9b because."))
    assert str(file_error(path)) == (
        f"{path}:{line}: contains an invisible control character (U+009B) — delete it"
    )


@pytest.mark.parametrize(
    ("text", "what"),
    [("- kind: goodbye-letter\n- status: draft\n", "a list"), ("just some words\n", "a single value")],
)
def test_top_level_must_be_a_mapping(write_letter, tmp_path, text, what):
    path = write_letter(tmp_path, text)
    assert str(file_error(path)) == (
        f"{path}:1: holds {what}, not a letter — a letter is a set of fields like 'kind: goodbye-letter'"
    )


ALIAS = "kind: goodbye-letter\nbackground: &story It was a long winter.\nending: *story\n"
MERGE = "kind: goodbye-letter\npatient: &p {name: Sam}\ntherapist:\n  <<: *p\n"
LAUGHS = "kind: goodbye-letter\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b]\n"
DEEP = "kind: goodbye-letter\nbackground: " + "[" * 14 + "]" * 14 + "\n"
DEEP_MAP = "kind: goodbye-letter\nbackground: " + "{a: " * 14 + "1" + "}" * 14 + "\n"
LONG_LIST = "kind: goodbye-letter\nchanges:\n" + "  - x\n" * 10_000
LONG_FLOW = "kind: goodbye-letter\nchanges: [" + "x, " * 10_000 + "]\n"


@pytest.mark.parametrize(
    "text",
    [ALIAS, MERGE, LAUGHS, DEEP, DEEP_MAP, LONG_LIST, LONG_FLOW],
    ids=["alias", "merge", "laughs", "deep", "deep-map", "long-list", "long-flow"],
)
def test_hostile_structures_are_file_errors(write_letter, tmp_path, text):
    error = file_error(write_letter(tmp_path, text))
    assert any(
        words in str(error)
        for words in ("YAML alias", "merge key", f"more than {loading.MAX_DEPTH} levels", "items; at most")
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        pytest.param(
            "",
            None,
            "is empty — start from a new letter's scaffold",
            id="empty",
        ),
        pytest.param(
            ALIAS,
            2,
            "uses a YAML alias (*name) — write the text out in full instead",
            id="alias",
        ),
        pytest.param(MERGE, 4, "uses a YAML merge key (<<) — write the fields out", id="merge"),
        pytest.param(DEEP, 2, f"is nested more than {loading.MAX_DEPTH} levels deep", id="deep"),
        pytest.param(
            LONG_LIST,
            3,
            f"has a list of 10000 items; at most {loading.MAX_ITEMS} are allowed",
            id="long-list",
        ),
    ],
)
def test_structure_errors_have_exact_messages(write_letter, tmp_path, text, line, message):
    path = write_letter(tmp_path, text)
    error = file_error(path)
    where = f"{path}:{line}" if line else f"{path}"
    assert str(error) == f"{where}: {message}"
    assert error.problem.line == line


def test_nesting_at_max_depth_is_allowed(write_letter, tmp_path):
    # ``background`` is depth 1, so MAX_DEPTH - 1 brackets reach exactly MAX_DEPTH.
    depth = loading.MAX_DEPTH - 1
    path = write_letter(tmp_path, "kind: goodbye-letter\nbackground: " + "[" * depth + "]" * depth + "\n")
    with pytest.raises(LetterValidationError):  # the schema's complaint, not the nesting guard
        loading.load_file(path)


def test_list_of_max_items_is_allowed(write_letter, tmp_path):
    path = write_letter(tmp_path, "kind: goodbye-letter\nchanges:\n" + "  - x\n" * loading.MAX_ITEMS)
    with pytest.raises(LetterValidationError):
        loading.load_file(path)


def test_very_deep_nesting_does_not_crash(tmp_path):
    depth = 200_000  # 400 KB
    path = tmp_path / "deep.yaml"
    path.write_text("x: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import letterkit.model.loading as loading
        from letterkit.errors import LetterFileError
        try:
            loading.load_file({str(path)!r})
        except LetterFileError as error:
            print("refused:", error)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-300:]}"
    assert "refused:" in result.stdout


def test_file_over_max_bytes(goodbye_yaml, write_letter, tmp_path):
    padding = "#" * (loading.MAX_BYTES + 1 - len(goodbye_yaml.encode()) - 1) + "\n"
    path = write_letter(tmp_path, goodbye_yaml + padding)
    assert path.stat().st_size == loading.MAX_BYTES + 1
    assert str(file_error(path)) == (
        f"{path}: is larger than 1024 KiB, too large for a letter (a real letter is a few KiB) "
        "— is this the right file?"
    )


def test_file_of_exactly_max_bytes_is_read(goodbye_yaml, write_letter, tmp_path):
    padding = "#" * (loading.MAX_BYTES - len(goodbye_yaml.encode()) - 1) + "\n"
    path = write_letter(tmp_path, goodbye_yaml + padding)
    assert path.stat().st_size == loading.MAX_BYTES
    assert loading.load_file(path).patient.name == "Samuel Ferris"


# ------------------------------------------------------------------ nothing but LetterkitError, ever


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_any_bytes_give_a_letter_or_a_letterkit_error(raw):
    try:
        loading.load_source(loading.parse(loading.decode(raw, "x.yaml"), "x.yaml"))
    except LetterkitError as error:
        assert str(error).startswith("x.yaml")


_KEYS = st.sampled_from(
    [
        "kind",
        "status",
        "patient",
        "name",
        "ipaf",
        "self",
        "other",
        "affect",
        "feeling",
        "less_conscious",
        "date",
        "session",
        "goals",
        "changes",
        "help",
        "referral",
        "by",
        "typo",
    ]
)
_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | st.dates()
_TREES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=15,
)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _TREES, max_size=8), st.sampled_from(["goodbye-letter", "formulation", None]))
def test_any_structure_gives_a_letter_or_located_problems(data, kind):
    if kind:
        data["kind"] = kind
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        loading.load_text(text, "x.yaml")
    except LetterValidationError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file == "x.yaml"
            assert problem.line is None or problem.line >= 1
            assert problem.message and "\n" not in problem.message
    except LetterFileError:
        pass
