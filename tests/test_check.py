"""letterkit.check: how a letter reads (jargon, long sentences, third person, reading age...).

The letters here are fictional. Their YAML is laid out so that findings can be asserted by
line; ``_line_has`` guards each expected line against an edit that shifts the text.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import GOODBYE_DATA, GOODBYE_LINES, GOODBYE_YAML, SAMPLES

import letterkit.review.check as check
from letterkit.errors import SettingsError
from letterkit.model.loading import Source, parse
from letterkit.model.settings import Settings
from letterkit.review.check import Finding, check_file, check_letter, report_json, report_text

THIRTY_WORDS = (
    "We met every week and talked about what happened at home and at work and between us "
    "and about what you noticed in yourself when other people pushed past you."
)

JARGON_YAML = f"""\
kind: goodbye-letter
status: draft
patient:
  name: Tomasz Wren
  preferred_name: Tom
  pronouns: he/him
therapist:
  name: Ines Calloway
  service: Harbourside Talking Therapies
background: |
  You came after a hard winter. In our IPAF sessions we named
  the pattern. We talked about transference and about
  mentalising, and you wanted to mentalize more often.

  Your defences were up. Tom feels the weight of it.
referral:
  by: your GP
  reason: >-
    The patient was referred for DIT after a psychodynamic
    assessment, and we wrote a formulation together.
ipaf:
  self: You often feel like ‘a spare part’ at home.
  other: You expect others to push past you. Your defense is to go quiet.
  defensive_function: A defence against anger, with some splitting.
  internalised: You have internalised the habit of pushing past your own needs.
  imagery: ["a spare part", "the last in line"]
goals:
  - To notice the interpersonal affective focus as it happens.
coping_strategies:
  - strategy: Keeping busy and staying defensive.
    cost: You had no time left, and your affect was low.
course_of_therapy: {THIRTY_WORDS} It helped.
changes:
  - You noticed when you projected onto others, and the projection faded.
  - >-
    Object relations and projective identification felt less
    frightening once we named them.
unfinished_business:
  - Your attachment style still shapes you.
  - Resistance, internalized anger and an ego that is easily bruised.
ending: |
  Our ending may stir up the superego and old introjects. We can mentalise it.
  There may be splitting, or an enactment of the old pattern.
transference: >-
  Containment mattered between us; the countertransference and
  the counter-transference showed me how you felt.
closing: Thank you, Tom. You worked hard on mentalization.
patient_comments:
  - Sometimes I notice dissociation.
"""

# (the word as written, section, line) for every clinical word in JARGON_YAML's printed text.
EXPECTED_JARGON = [
    ("IPAF", "background", 11),
    ("transference", "background", 12),
    ("mentalising", "background", 13),
    ("mentalize", "background", 13),
    ("defences", "background", 15),
    ("DIT", "referral.reason", 19),
    ("psychodynamic", "referral.reason", 19),
    ("formulation", "referral.reason", 20),
    ("defense", "ipaf.other", 23),
    ("internalised", "ipaf.internalised", 25),
    ("interpersonal affective focus", "goals[0]", 28),
    ("defensive", "coping_strategies[0].strategy", 30),
    ("affect", "coping_strategies[0].cost", 31),
    ("projected onto", "changes[0]", 34),
    ("projection", "changes[0]", 34),
    ("Object relations", "changes[1]", 36),
    ("projective identification", "changes[1]", 36),
    ("attachment style", "unfinished_business[0]", 39),
    ("Resistance", "unfinished_business[1]", 40),
    ("internalized", "unfinished_business[1]", 40),
    ("ego", "unfinished_business[1]", 40),
    ("superego", "ending", 42),
    ("introjects", "ending", 42),
    ("mentalise", "ending", 42),
    ("splitting", "ending", 43),
    ("enactment", "ending", 43),
    ("Containment", "transference", 45),
    ("countertransference", "transference", 45),
    ("counter-transference", "transference", 46),
    ("mentalization", "closing", 47),
    ("dissociation", "patient_comments[0]", 49),
]


def _line_has(text: str, line: int, word: str) -> bool:
    return word.lower() in text.splitlines()[line - 1].lower()


def _check_text(tmp_path: Path, text: str, **kwargs: Any) -> list[Finding]:
    path = tmp_path / "letter.yaml"
    path.write_text(text, encoding="utf-8")
    return check_file(path, **kwargs)


def _coded(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def _quoted(finding: Finding) -> str:
    return finding.message.split("'")[1]


@pytest.fixture
def jargon_findings(tmp_path: Path) -> list[Finding]:
    return _check_text(tmp_path, JARGON_YAML)


# --------------------------------------------------------------------------- jargon


def test_every_jargon_form_is_flagged_with_its_section_and_line(jargon_findings: list[Finding]) -> None:
    for word, _, line in EXPECTED_JARGON:
        assert _line_has(JARGON_YAML, line, word), (word, line)
    found = [(_quoted(f), f.section, f.line) for f in _coded(jargon_findings, "jargon")]
    assert found == EXPECTED_JARGON
    assert all(f.severity == "warning" for f in _coded(jargon_findings, "jargon"))


def test_jargon_message_offers_the_plain_alternative(jargon_findings: list[Finding]) -> None:
    messages = {_quoted(f): f.message for f in _coded(jargon_findings, "jargon")}
    assert messages["transference"] == (
        "'transference' is a clinical word — say it in plain words "
        "(e.g. 'how the pattern showed up between us')"
    )
    assert "(e.g. 'feeling')" in messages["affect"]


def test_field_names_and_unprinted_notes_are_not_checked(jargon_findings: list[Finding]) -> None:
    # Lines 24 (defensive_function: "A defence ... splitting") and 44 ("transference: >-") hold
    # jargon only in a field name or in a note that is never printed.
    assert not [f for f in jargon_findings if f.line in (24, 44)]
    # The key "internalised:" on line 25 is not flagged; its value's word is, once.
    assert len([f for f in _coded(jargon_findings, "jargon") if f.line == 25]) == 1


@pytest.mark.parametrize(
    "text",
    [
        "It may affect you, and that affects how you sleep.",
        "Splitting the bill with your brother felt fair.",
        "You told me about a new project at work.",
        "Your sister defended you.",
    ],
)
def test_ordinary_uses_are_not_jargon(text: str) -> None:
    data = {**GOODBYE_DATA, "closing": text}
    assert not _coded(check_letter(Source("x.yaml", data)), "jargon")


def test_a_service_can_add_its_own_jargon(tmp_path: Path) -> None:
    extra = tmp_path / "our-words.txt"
    extra.write_text("# our list\nstep-down* = moving to less frequent sessions\nMDT\n", encoding="utf-8")
    data = {**GOODBYE_DATA, "closing": "After the MDT we agreed a step-downs plan."}
    found = _coded(check_letter(Source("x.yaml", data), [extra]), "jargon")
    assert [_quoted(f) for f in found] == ["MDT", "step-downs"]
    assert found[0].message.endswith("say it in plain words or leave it out")
    assert "(e.g. 'moving to less frequent sessions')" in found[1].message
    # One path on its own (not in a list) is taken as one file, not as a list of characters.
    assert _coded(check_letter(Source("x.yaml", data), str(extra)), "jargon") == found


def test_a_broken_jargon_list_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="no such file"):
        check_letter(Source("x.yaml", GOODBYE_DATA), [tmp_path / "missing.txt"])
    bad = tmp_path / "bad.txt"
    bad.write_text("ok\nre:(unclosed = x\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"bad.txt:2: not a valid regular expression"):
        check_letter(Source("x.yaml", GOODBYE_DATA), [bad])


# --------------------------------------------------------------------------- sentences


def test_a_thirty_word_sentence_is_flagged(jargon_findings: list[Finding]) -> None:
    (long,) = _coded(jargon_findings, "long-sentence")
    assert (long.section, long.line, long.severity) == ("course_of_therapy", 32, "warning")
    assert long.message.startswith("long sentence (30 words): 'We met every week and talked …'")


def test_sentences_of_twenty_five_words_pass(goodbye_data: dict[str, Any]) -> None:
    goodbye_data["closing"] = " ".join(["word"] * 25) + ". Dr. Moss and e.g. this do not end a sentence."
    assert not _coded(check_letter(Source("x.yaml", goodbye_data)), "long-sentence")


# --------------------------------------------------------------------------- third person


def test_third_person_references_are_flagged(jargon_findings: list[Finding]) -> None:
    found = [(f.section, f.line, f.message) for f in _coded(jargon_findings, "third-person")]
    assert found == [
        ("background", 15, "'Tom feels' talks about Tom — write to Tom directly ('you …')"),
        ("referral.reason", 19, "'The patient' talks about Tom — write to Tom directly ('you …')"),
    ]


def test_name_as_subject_possessive_and_the_client(goodbye_data: dict[str, Any]) -> None:
    goodbye_data["patient"] = {"name": "Peter Hale", "preferred_name": "Peter"}
    goodbye_data["closing"] = (
        "Peter feels better. Peter often said so. Mr Hale was brave. Peter’s sister helped. "
        "The client is doing well. Peter, thank you. I am glad I met Peter and his dog."
    )
    found = [_quoted(f) for f in _coded(check_letter(Source("x.yaml", goodbye_data)), "third-person")]
    assert found == ["Peter feels", "Peter often said", "Mr Hale was", "Peter’s", "The client"]


def test_pronouns_are_flagged_only_when_they_are_the_patients(goodbye_data: dict[str, Any]) -> None:
    goodbye_data["transference"] = "Your mother said she was proud. He felt it too, and his voice shook."
    unknown = _coded(check_letter(Source("x.yaml", goodbye_data)), "third-person")
    assert unknown == []
    goodbye_data["patient"]["pronouns"] = "he/him"
    he = _coded(check_letter(Source("x.yaml", goodbye_data)), "third-person")
    assert [_quoted(f) for f in he] == ["He", "his"]
    assert he[0].message == "'He' — if this means Sam, write 'you' or 'your' instead"
    # "she" comes straight after "Your mother": it is about her, not about Sam.
    goodbye_data["patient"]["pronouns"] = "she/her"
    assert _coded(check_letter(Source("x.yaml", goodbye_data)), "third-person") == []
    goodbye_data["transference"] = "She was proud. Your mother said so."
    she = _coded(check_letter(Source("x.yaml", goodbye_data)), "third-person")
    assert [_quoted(f) for f in she] == ["She"]


# --------------------------------------------------------------------------- imagery


def test_imagery_the_letter_prints_counts_as_used(jargon_findings: list[Finding]) -> None:
    # "a spare part" is quoted in ipaf.self; "the last in line" is in no field, but the letter
    # quotes it in the pattern section: both are printed, so neither is flagged.
    assert _coded(jargon_findings, "unused-imagery") == []


def test_unused_imagery_is_flagged_when_the_letter_cannot_be_printed(goodbye_data: dict[str, Any]) -> None:
    # An invalid letter is not rendered: its images are looked for in its text fields only.
    goodbye_data["ipaf"]["imagery"].append("the last in line")
    del goodbye_data["ipaf"]["other"]
    (unused,) = _coded(check_letter(Source("x.yaml", goodbye_data)), "unused-imagery")
    assert unused.section == "ipaf.imagery[1]" and "'the last in line'" in unused.message


def test_imagery_matching_ignores_case_quotes_and_punctuation(goodbye_data: dict[str, Any]) -> None:
    del goodbye_data["ipaf"]["other"]  # not printable: only the text fields count
    goodbye_data["ipaf"]["imagery"] = ["“On hold.”", "*a wallflower*", "second  best"]
    goodbye_data["closing"] = (
        "Your life is no longer ‘on hold’, nor are you 'A Wallflower' or *second\nbest*."
    )
    assert not _coded(check_letter(Source("x.yaml", goodbye_data)), "unused-imagery")
    goodbye_data["closing"] = "You are no longer on holding patterns."
    found = _coded(check_letter(Source("x.yaml", goodbye_data)), "unused-imagery")
    assert [f.section for f in found] == ["ipaf.imagery[0]", "ipaf.imagery[1]", "ipaf.imagery[2]"]


def test_an_image_quoted_only_by_the_pattern_section_is_used(goodbye_data: dict[str, Any]) -> None:
    goodbye_data["ipaf"]["imagery"].append("a ghost")
    assert _coded(check_letter(Source("x.yaml", goodbye_data)), "unused-imagery") == []


# --------------------------------------------------------------------------- required sections

MISSING_YAML = """\
kind: goodbye-letter
patient: {name: Rhea Sol}
therapist: {name: Ines Calloway}
background: You came in the spring.
referral: {by: your GP}
ipaf:
  self: You feel overlooked.
  other: "   "
coping_strategies:
  - strategy: Working late.
course_of_therapy: We met weekly.
changes: []
unfinished_business: [Sleep.]
transference: You expected me to overlook you.
"""


def test_missing_and_empty_sections_are_errors_with_lines(tmp_path: Path) -> None:
    findings = _check_text(tmp_path, MISSING_YAML)
    errors = [(f.line, f.section, f.message) for f in findings if f.severity == "error"]
    assert errors == [
        (1, "ending", "required — what might the ending of therapy stir up, and what lies ahead?"),
        (8, "ipaf.other", "is empty — how does the patient experience other people in the pattern?"),
        (12, "changes", "is empty — what changes has the patient been able to make?"),
    ]
    assert {f.code for f in findings if f.severity == "error"} == {"missing-section"}
    assert all(f.severity in ("warning", "info") for f in findings if f.code != "missing-section")


def test_a_formulation_needs_goals_and_the_pattern(tmp_path: Path) -> None:
    text = "kind: formulation\npatient: {name: Rhea Sol}\nipaf:\n  other: You feel overlooked.\n"
    errors = [(f.line, f.section) for f in _check_text(tmp_path, text) if f.severity == "error"]
    assert errors == [(1, "goals"), (3, "ipaf.self")]


def test_missing_kind_is_an_error(tmp_path: Path) -> None:
    (error,) = [f for f in _check_text(tmp_path, "patient: {name: Rhea Sol}\n") if f.severity == "error"]
    assert (error.line, error.section, error.code) == (1, "kind", "missing-section")


# --------------------------------------------------------------------------- reading age


def test_whole_letter_figures_are_an_info_finding(jargon_findings: list[Finding]) -> None:
    info = [f for f in jargon_findings if f.severity == "info" and f.code != "no-keeping-well"]
    assert [(f.section, f.code, f.line) for f in info] == [("letter", "reading-age", None)]
    assert info[0].message.startswith("reading age about ")
    assert "Flesch-Kincaid grade" in info[0].message and "Flesch reading ease" in info[0].message


def test_hard_sections_and_letters_are_flagged(goodbye_data: dict[str, Any]) -> None:
    goodbye_data["background"] = (
        "Intergenerational dissatisfaction characterised considerable organisational responsibilities. "
        "Unanticipated administrative reorganisation precipitated overwhelming psychological deterioration. "
        "Consequently, interpersonal communication necessitated extraordinary concentration."
    )
    findings = check_letter(Source("x.yaml", goodbye_data))
    ages = [(f.section, f.severity) for f in _coded(findings, "reading-age")]
    assert ("background", "warning") in ages
    assert ("letter", "warning") in ages
    assert ("letter", "info") in ages


PLAIN = "You came to see me. You felt low. We talked about it."
HARD = (
    "Intergenerational dissatisfaction characterised considerable organisational responsibilities. "
    "Unanticipated administrative reorganisation precipitated overwhelming psychological deterioration. "
    "Consequently, interpersonal communication necessitated extraordinary concentration."
)
INFO = re.compile(
    r"reading age about (?P<age>-?\d+\.\d) \(Flesch-Kincaid grade (?P<grade>-?\d+\.\d) \+ 5\); "
    r"Flesch reading ease (?P<ease>-?\d+) \((?P<ease_words>[a-zA-Z ]+)\); "
    r"(?P<words>\d+) words in (?P<sentences>\d+) sentences"
)


def _info(findings: list[Finding]) -> re.Match[str]:
    """The whole letter's figures, parsed from its one info finding."""
    (info,) = [f for f in findings if f.severity == "info" and f.code == "reading-age"]
    assert (info.code, info.section, info.line) == ("reading-age", "letter", None)
    match = INFO.fullmatch(info.message)
    assert match, info.message
    return match


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [(PLAIN, 0, 9), (THIRTY_WORDS, 12, 20), (HARD, 30, 80)],
    ids=["short-plain-sentences", "one-thirty-word-sentence", "long-latinate-words"],
)
def test_reading_age_falls_in_a_known_band(text: str, low: float, high: float) -> None:
    figures = check.measure(text)
    assert figures is not None
    assert low <= figures.reading_age <= high
    assert figures.reading_age == pytest.approx(figures.grade + 5)  # the documented offset


def test_measure_counts_words_and_sentences() -> None:
    figures = check.measure(PLAIN)
    assert figures is not None
    assert (figures.words, figures.sentences) == (12, 3)
    assert figures.reading_ease >= 90  # very easy
    assert check.measure("   ") is None
    assert check.measure("\n\n** **\n") is None  # emphasis marks alone are no text


def test_emphasis_marks_and_missing_full_stops_do_not_change_the_figures() -> None:
    """Stars are removed before measuring, and a paragraph or list item without closing
    punctuation still counts as a sentence."""
    plain = check.measure(PLAIN)
    assert check.measure("You *came* to see me. You felt **low**. We talked about it.") == plain
    unpunctuated = check.measure("You came to see me\n\nYou felt low\n\nWe talked about it")
    assert unpunctuated == plain
    assert unpunctuated is not None and unpunctuated.sentences == 3


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_samples_read_at_the_age_nhs_guidance_aims_at(sample: Path) -> None:
    findings = check_file(sample)
    figures = _info(findings)
    assert 8 <= float(figures["age"]) <= 11
    assert float(figures["age"]) == pytest.approx(float(figures["grade"]) + 5, abs=0.11)
    assert figures["ease_words"] in ("easy", "very easy")
    assert [f for f in findings if f.code == "reading-age" and f.severity == "warning"] == []


def test_a_hard_section_is_flagged_at_its_line(tmp_path: Path) -> None:
    text = GOODBYE_YAML.replace(
        "background: You came because the winter felt endless and very quiet.\n", f"background: {HARD}\n"
    )
    assert _line_has(text, GOODBYE_LINES["background"], "Intergenerational")
    findings = _check_text(tmp_path, text)
    (section,) = [f for f in _coded(findings, "reading-age") if f.section != "letter"]
    assert (section.section, section.line, section.severity) == (
        "background",
        GOODBYE_LINES["background"],
        "warning",
    )
    match = re.fullmatch(
        r"reads at about age (\d+), hard for many readers \(at most 14 for one section\) — "
        r"try shorter sentences and everyday words",
        section.message,
    )
    assert match and int(match[1]) > 30, section.message
    (letter,) = [
        f for f in _coded(findings, "reading-age") if f.section == "letter" and f.severity == "warning"
    ]
    match = re.fullmatch(
        r"the letter reads at about age (\d+\.\d); NHS guidance aims at 9 to 11 — "
        r"try shorter sentences and everyday words",
        letter.message,
    )
    assert match and float(match[1]) > 11, letter.message
    assert float(match[1]) == float(_info(findings)["age"])


def test_a_section_of_fewer_than_three_sentences_is_not_judged_alone(goodbye_data: dict[str, Any]) -> None:
    """Two sentences give no stable figure: however hard, the section gets no warning of its own
    (the whole letter is still measured, and may be flagged)."""
    goodbye_data["background"] = HARD.rsplit(". ", 1)[0] + "."
    findings = check_letter(Source("x.yaml", goodbye_data))
    assert [f.section for f in _coded(findings, "reading-age")] == ["letter", "letter"]
    goodbye_data["background"] = HARD
    findings = check_letter(Source("x.yaml", goodbye_data))
    assert "background" in [f.section for f in _coded(findings, "reading-age")]


def test_a_plain_letter_gets_figures_but_no_warning(goodbye_data: dict[str, Any]) -> None:
    findings = check_letter(Source("x.yaml", goodbye_data))
    assert [f.severity for f in _coded(findings, "reading-age")] == ["info"]
    figures = _info(findings)
    assert float(figures["age"]) <= 11
    # Every printed text field is a sentence of its own, whether or not it ends with a full stop.
    (change,) = goodbye_data["changes"]
    goodbye_data["changes"] = ["You told your sister how you felt", "You sleep better"]
    more = _info(check_letter(Source("x.yaml", goodbye_data)))
    assert int(more["sentences"]) == int(figures["sentences"]) + 1
    assert int(more["words"]) == int(figures["words"]) - len(change.split()) + 7 + 3


def test_what_is_not_printed_or_is_the_patients_own_words_is_not_measured(
    goodbye_data: dict[str, Any],
) -> None:
    before = _info(check_letter(Source("x.yaml", goodbye_data)))
    goodbye_data["ipaf"]["defensive_function"] = HARD  # a note for the therapist, never printed
    goodbye_data["ipaf"]["imagery"] = [HARD]  # the patient's own words
    goodbye_data["attachment_style"] = "preoccupied"
    goodbye_data["referral"]["by"] = "Dr Intergenerational Dissatisfaction"
    findings = check_letter(Source("x.yaml", goodbye_data))
    assert _info(findings).group(0) == before.group(0)
    assert [f.severity for f in _coded(findings, "reading-age")] == ["info"]
    # ...while the same text in a printed section is measured.
    goodbye_data["closing"] = HARD
    after = _info(check_letter(Source("x.yaml", goodbye_data)))
    assert int(after["words"]) > int(before["words"]) and float(after["age"]) > float(before["age"])


def _refuse(*args: object, **kwargs: object) -> None:
    raise OSError("network disabled by the test")


def test_check_gets_figures_with_the_network_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process; the very first use, which loads the dictionary, is tested in a fresh
    process below."""
    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    findings = check_file(SAMPLES / "peter-goodbye.yaml")
    assert [f.section for f in findings if f.severity == "info"] == ["letter"]
    assert not _coded(findings, "reading-age-unavailable")


NO_NETWORK = textwrap.dedent(
    """
    import socket, sys

    def refuse(*args, **kwargs):
        raise OSError("network disabled by the test")

    for name in ("connect", "connect_ex", "sendto"):
        setattr(socket.socket, name, refuse)
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    from letterkit.review.check import check_file, report_json
    print(report_json(check_file(sys.argv[1])))
    """
)


def test_first_use_in_a_fresh_process_needs_no_network(tmp_path: Path) -> None:
    """The first measurement loads the pronunciation dictionary: it must come from disk."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NLTK_DATA": str(tmp_path / "nltk")}
    done = subprocess.run(
        [sys.executable, "-c", NO_NETWORK, str(SAMPLES / "aliya-goodbye.yaml")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    codes = [(f["severity"], f["code"]) for f in report["findings"]]
    assert ("info", "reading-age") in codes
    assert ("warning", "reading-age-unavailable") not in codes
    # Nothing downloaded into the home folder, nor anything else written there: the
    # dictionaries come from the installed packages.
    assert sorted(tmp_path.rglob("*")) == []


# --------------------------------------------------------------------------- samples and reports


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_samples_have_no_errors(sample: Path) -> None:
    findings = check_file(sample)
    for finding in findings:
        print(finding)
    assert [f for f in findings if f.severity == "error"] == []


def test_finding_str_and_json() -> None:
    finding = Finding("peter.yaml", 12, "ipaf.self", "warning", "jargon", "'IPAF' is a clinical word")
    assert str(finding) == "peter.yaml:12: ipaf.self: warning: 'IPAF' is a clinical word"
    assert str(Finding("p.yaml", None, "letter", "info", "reading-age", "x")) == "p.yaml: letter: info: x"
    assert finding.to_json() == {
        "file": "peter.yaml",
        "line": 12,
        "section": "ipaf.self",
        "severity": "warning",
        "code": "jargon",
        "message": "'IPAF' is a clinical word",
    }
    with pytest.raises(AttributeError):
        finding.line = 3  # type: ignore[misc]


def test_report_json_has_the_documented_shape(tmp_path: Path, jargon_findings: list[Finding]) -> None:
    findings = jargon_findings + _check_text(tmp_path, MISSING_YAML)
    report = json.loads(report_json(findings))
    assert list(report) == ["format", "version", "findings", "errors", "warnings"]
    assert (report["format"], report["version"]) == ("letterkit-check", 1)
    assert report["errors"] == 3
    assert report["warnings"] == sum(f.severity == "warning" for f in findings)
    assert report["findings"] == [f.to_json() for f in findings]
    assert all(
        set(item) == {"file", "line", "section", "severity", "code", "message"} for item in report["findings"]
    )
    assert json.loads(report_json([])) == {
        "format": "letterkit-check",
        "version": 1,
        "findings": [],
        "errors": 0,
        "warnings": 0,
    }


def test_report_text(tmp_path: Path) -> None:
    findings = _check_text(tmp_path, MISSING_YAML)
    lines = report_text(findings).splitlines()
    assert lines[:-1] == [str(f) for f in findings]
    warnings = sum(f.severity == "warning" for f in findings)
    assert lines[-1] == f"3 errors, {warnings} warning{'s' * (warnings != 1)}"
    assert report_text([]) == "0 errors, 0 warnings"


def test_findings_are_in_line_order_and_check_letter_matches_check_file(tmp_path: Path) -> None:
    path = tmp_path / "letter.yaml"
    path.write_text(JARGON_YAML, encoding="utf-8")
    from_file = check_file(path)
    lines = [f.line or 0 for f in from_file]
    assert lines == sorted(lines)
    # Without the text, findings point at each field's first line; with it, at the exact line.
    source = parse(JARGON_YAML, str(path))
    assert check_letter(source, text=JARGON_YAML, settings=Settings()) == from_file
    coarse = {(f.section, f.line) for f in _coded(check_letter(source), "jargon")}
    assert ("background", 10) in coarse and ("ending", 41) in coarse


def test_a_letter_from_a_dict_has_no_line_numbers() -> None:
    data = {**GOODBYE_DATA, "closing": "The patient did well."}
    findings = check_letter(Source("<data>", data))
    (third,) = _coded(findings, "third-person")
    assert (third.file, third.line, third.section) == ("<data>", None, "closing")


# --------------------------------------------------------------------------- staying well


def test_a_goodbye_letter_without_a_plan_for_staying_well_is_noted(tmp_path: Path, goodbye_yaml: str) -> None:
    (noted,) = [f for f in _check_text(tmp_path, goodbye_yaml) if f.code == "no-keeping-well"]
    assert (noted.severity, noted.section, noted.line) == ("info", "keeping_well", None)
    assert noted.message.startswith("the letter has no plan for staying well after the ending — write ")
    assert "together with Sam:" in noted.message


def test_a_plan_for_staying_well_satisfies_check(tmp_path: Path, goodbye_yaml: str) -> None:
    plan = "keeping_well:\n  early_signs:\n    - Staying in every evening again.\n"
    assert not [f for f in _check_text(tmp_path, goodbye_yaml + plan) if f.code == "no-keeping-well"]
    empty = "keeping_well:\n  early_signs: []\n"
    (noted,) = [f for f in _check_text(tmp_path, goodbye_yaml + empty) if f.code == "no-keeping-well"]
    assert noted.line == goodbye_yaml.count("\n") + 1


def test_a_formulation_needs_no_plan_for_staying_well(tmp_path: Path, formulation_yaml: str) -> None:
    assert not [f for f in _check_text(tmp_path, formulation_yaml) if f.code == "no-keeping-well"]
