"""`check` a clinician can trust: the findings a patient would notice (notes typed where
sentences are needed, a double sign-off, no way to contact the service, jargon by word
family, easy read), each with the false alarm it must not raise (fictional people only)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import GOODBYE_DATA
from helpers import edit, run

from letterkit.model.loading import Source
from letterkit.model.settings import Service, Settings
from letterkit.review.check import Finding, check_letter
from letterkit.review.notes_style import looks_like_notes
from letterkit.review.sign_off import sign_off_lines


def coded(data: dict[str, Any], code: str, **kwargs: Any) -> list[Finding]:
    return [f for f in check_letter(Source("x.yaml", data), **kwargs) if f.code == code]


@pytest.fixture
def letter() -> dict[str, Any]:
    return copy.deepcopy(GOODBYE_DATA)


# --------------------------------------------------------------------------- notes-style


@pytest.mark.parametrize(
    "text",
    [
        "inadequate, a disappointment",
        "critical, always keeping score",
        "rows with Dana",
        "Low mood",
        "more confident at work",
        "depression and irritability at home",
    ],
)
def test_phrases_read_as_notes(text: str) -> None:
    assert looks_like_notes(text)


@pytest.mark.parametrize(
    "text",
    [
        "You often feel like an afterthought.",
        "We met every Tuesday.",
        "Keeping busy with other people's problems all week.",
        "your mother often said you were her rock",
        "I noticed how hard you worked.",
        "To rest without having to earn it first.",  # a goal, as goals are written
        "Please talk to me about it.",  # a request to the patient, in easy read
    ],
)
def test_sentences_do_not_read_as_notes(text: str) -> None:
    assert looks_like_notes(text) == []


def test_notes_printed_as_typed_are_a_warning(letter: dict[str, Any]) -> None:
    letter["changes"] = ["more confident at work", "You told your sister how you felt."]
    letter["ending"] = "sadness, maybe relief"
    found = [(f.section, f.severity) for f in coded(letter, "notes-style")]
    assert found == [("changes[0]", "warning"), ("ending", "warning")]


def test_notes_letterkit_frames_are_only_info(letter: dict[str, Any]) -> None:
    letter["ipaf"]["self"] = "inadequate, a disappointment"
    letter["referral"]["reason"] = "depression and irritability at home"  # a phrase by nature
    (finding,) = coded(letter, "notes-style")
    assert (finding.section, finding.severity) == ("ipaf.self", "info")
    assert "letterkit puts it in a sentence of its own" in finding.message


def test_the_samples_have_no_notes(samples_dir: Path) -> None:
    for path in sorted(samples_dir.glob("*.yaml")):
        result = run("check", str(path), "-f", "json")
        codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
        assert "notes-style" not in codes, path


def test_the_patients_own_words_are_never_notes(tmp_path: Path) -> None:
    path = tmp_path / "sam.yaml"
    path.write_text(_yaml(GOODBYE_DATA), encoding="utf-8")
    assert run("draft", "save", str(path), "--author", "therapist").exit_code == 0
    edit(path, "- You told your sister how you really felt about the move.", "- less scared of Mondays")
    assert run("draft", "save", str(path), "--author", "patient", "--name", "Sam Ferris").exit_code == 0
    result = run("check", str(path), "-f", "json")
    assert "notes-style" not in {f["code"] for f in json.loads(result.stdout)["findings"]}
    # the same words from the therapist are flagged
    edit(path, "- less scared of Mondays", "- less scared of Tuesdays")
    assert run("draft", "save", str(path), "--author", "therapist").exit_code == 0
    result = run("check", str(path), "-f", "json")
    assert "notes-style" in {f["code"] for f in json.loads(result.stdout)["findings"]}


# --------------------------------------------------------------------------- third person


def test_a_pronoun_after_a_relation_is_not_flagged(letter: dict[str, Any]) -> None:
    letter["patient"]["pronouns"] = "she/her"
    letter["background"] = "Your mother often said you were her rock."
    assert coded(letter, "third-person") == []


def test_a_pronoun_after_a_name_is_not_flagged(letter: dict[str, Any]) -> None:
    letter["patient"]["pronouns"] = "he/him"
    letter["background"] = "You told Marcus he could stay, and his relief was plain."
    assert coded(letter, "third-person") == []


def test_a_pronoun_with_no_one_else_before_it_is_flagged(letter: dict[str, Any]) -> None:
    letter["patient"]["pronouns"] = "she/her"
    letter["background"] = "She came in the spring. Her sleep was poor."
    assert [f.message.split("'")[1] for f in coded(letter, "third-person")] == ["She", "Her"]


def test_a_relation_of_the_other_gender_does_not_excuse_a_pronoun(letter: dict[str, Any]) -> None:
    letter["patient"]["pronouns"] = "she/her"
    letter["background"] = "Your father was ill, and she kept the family going."
    assert len(coded(letter, "third-person")) == 1


def test_lines_the_patient_wrote_are_never_asked_to_change_person(tmp_path: Path) -> None:
    data = copy.deepcopy(GOODBYE_DATA)
    data["patient"]["pronouns"] = "he/him"
    path = tmp_path / "sam.yaml"
    path.write_text(_yaml(data), encoding="utf-8")
    assert run("draft", "save", str(path), "--author", "therapist").exit_code == 0
    with path.open("a", encoding="utf-8") as file:
        file.write("patient_comments:\n  - Sam has come a long way, and he knows it.\n")
    assert run("draft", "save", str(path), "--author", "patient", "--name", "Sam Ferris").exit_code == 0
    result = run("check", str(path), "-f", "json")
    assert [f for f in json.loads(result.stdout)["findings"] if f["code"] == "third-person"] == []
    # The same kind of line from the therapist is flagged.
    edit(path, "At times you expected me to look past you as well.", "Sam has come far, and he knows it.")
    assert run("draft", "save", str(path), "--author", "therapist").exit_code == 0
    result = run("check", str(path), "-f", "json")
    third = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "third-person"]
    assert {f["section"] for f in third} == {"transference"}


# --------------------------------------------------------------------------- double sign-off


@pytest.mark.parametrize(
    "closing",
    [
        "Thank you for your courage.\n\nAll the best,\nNell",  # a name after the sign-off
        "Wishing you well",  # a sign-off the composer does not take for one
        "All the best,\n\nWith warm wishes,",
    ],
)
def test_a_closing_that_signs_off_twice_is_flagged(letter: dict[str, Any], closing: str) -> None:
    letter["closing"] = closing
    (finding,) = coded(letter, "double-sign-off")  # one finding, however many reasons
    assert (finding.section, finding.severity) == ("closing", "warning")


def test_a_closing_that_ends_with_the_therapists_name_is_flagged(letter: dict[str, Any]) -> None:
    letter["closing"] = "Thank you for everything, Sam.\n\nNell Arbuthnot"
    (finding,) = coded(letter, "double-sign-off")
    assert "the signature prints Nell Arbuthnot below it" in finding.message


@pytest.mark.parametrize(
    "closing",
    [
        "All the best,",  # replaces the settings' sign-off: printed once
        "Thank you for your courage and your honesty, Sam.",
        "Thank you for your hard work.\n\nTake care,",
        "It has been a privilege to work with you.",
    ],
)
def test_a_closing_that_signs_off_once_is_not_flagged(letter: dict[str, Any], closing: str) -> None:
    letter["closing"] = closing
    assert coded(letter, "double-sign-off") == []


def test_sign_off_lines() -> None:
    assert sign_off_lines("Thank you for your hard work.\nAll the best,") == ["All the best,"]
    assert sign_off_lines("Best wishes to you and Dana,") == ["Best wishes to you and Dana,"]


# --------------------------------------------------------------------------- no contact


def test_no_way_to_contact_the_service_is_flagged(letter: dict[str, Any]) -> None:
    (finding,) = coded(letter, "no-contact", settings=Settings())
    assert (finding.section, finding.severity) == ("help.come_back", "warning")
    assert "letterkit.toml" in finding.message


@pytest.mark.parametrize(
    "settings",
    [
        Settings(service=Service(phone="01632 960 123")),
        Settings(service=Service(email="talk@eastwick.example")),
        Settings(service=Service(address=["2 Quay Street", "Eastwick"])),
    ],
)
def test_a_service_with_contact_details_is_not_flagged(letter: dict[str, Any], settings: Settings) -> None:
    assert coded(letter, "no-contact", settings=settings) == []


def test_a_come_back_line_with_a_number_is_enough(letter: dict[str, Any]) -> None:
    letter["help"] = {"come_back": "To come back, call Eastwick Talking Service on 01632 960 456."}
    assert coded(letter, "no-contact", settings=Settings()) == []


def test_check_reads_the_letterkit_toml_beside_the_letter(tmp_path: Path, samples_dir: Path) -> None:
    path = tmp_path / "sam.yaml"
    path.write_text(_yaml(GOODBYE_DATA), encoding="utf-8")
    without = json.loads(run("check", str(path), "-f", "json").stdout)["findings"]
    assert [f["section"] for f in without if f["code"] == "no-contact"] == ["help.come_back"]
    (tmp_path / "letterkit.toml").write_bytes((samples_dir / "letterkit.toml").read_bytes())
    beside = json.loads(run("check", str(path), "-f", "json").stdout)["findings"]
    assert not [f for f in beside if f["code"] == "no-contact"]


# --------------------------------------------------------------------------- jargon by family


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Your mother projects her anger onto you.", "projects"),
        ("You projected your own fear into him.", "projected"),
        ("We talked about projection.", "projection"),
        ("You can be avoidant when it matters.", "avoidant"),
        ("We linked it to a fearful avoidant attachment style.", "fearful avoidant attachment style"),
        ("It fits a dismissive-avoidant pattern.", "dismissive-avoidant"),
        ("This is called secure attachment.", "secure attachment"),
    ],
)
def test_jargon_by_word_family(letter: dict[str, Any], text: str, word: str) -> None:
    letter["course_of_therapy"] = text
    messages = [f.message for f in coded(letter, "jargon")]
    assert messages and messages[0].startswith(f"'{word}' is a clinical word")


@pytest.mark.parametrize(
    "text",
    ["You started a project at work.", "The projects you took on kept you busy.", "You avoided the bus."],
)
def test_ordinary_words_of_the_family_are_not_jargon(letter: dict[str, Any], text: str) -> None:
    letter["course_of_therapy"] = text
    assert coded(letter, "jargon") == []


# --------------------------------------------------------------------------- easy read

SIXTEEN = "We met every week and we talked about home and work and the people in your life."
FIFTEEN = "We met every week and we talked about home and work and your family."


def test_easy_read_allows_fifteen_words(letter: dict[str, Any]) -> None:
    letter["course_of_therapy"] = SIXTEEN
    assert coded(letter, "long-sentence") == []  # within the standard 25
    letter["accessibility"] = {"format": "easy-read"}
    (finding,) = [f for f in coded(letter, "long-sentence") if f.section == "course_of_therapy"]
    assert "(15 words at most in easy read)" in finding.message
    letter["course_of_therapy"] = FIFTEEN
    assert not [f for f in coded(letter, "long-sentence") if f.section == "course_of_therapy"]


def test_style_easy_read_checks_for_easy_read(letter: dict[str, Any]) -> None:
    letter["course_of_therapy"] = SIXTEEN
    assert [f.section for f in coded(letter, "long-sentence", style="easy-read")] == ["course_of_therapy"]


def test_easy_read_says_when_the_content_is_not_written_for_it(letter: dict[str, Any]) -> None:
    letter["course_of_therapy"] = SIXTEEN
    assert coded(letter, "easy-read-content") == []
    (finding,) = coded(letter, "easy-read-content", style="easy-read")
    assert (finding.section, finding.severity) == ("letter", "warning")
    assert "not yet written for easy read" in finding.message


def test_cli_check_style_and_json_codes(tmp_path: Path) -> None:
    data = copy.deepcopy(GOODBYE_DATA)
    data["course_of_therapy"] = SIXTEEN
    data["closing"] = "Wishing you well"
    data["ending"] = "sadness, maybe relief"
    path = tmp_path / "sam.yaml"
    path.write_text(_yaml(data), encoding="utf-8")
    result = run("check", str(path), "-f", "json", "--style", "easy-read")
    assert result.exit_code == 0, result.output
    found = {(f["code"], f["section"]) for f in json.loads(result.stdout)["findings"]}
    assert {
        ("notes-style", "ending"),
        ("double-sign-off", "closing"),
        ("no-contact", "help.come_back"),
        ("easy-read-content", "letter"),
        ("long-sentence", "course_of_therapy"),
    } <= found


def _yaml(data: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
