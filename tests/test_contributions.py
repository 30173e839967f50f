"""`letterkit contributions`: every word of the latest draft credited to the draft that wrote it.

The history used here: the therapist's first draft (the sample letter), the patient's draft that
adds known words to two fields, and the therapist's third draft that edits elsewhere (another
field, and another paragraph of a field the patient also changed).
"""

from __future__ import annotations

import copy
import html as html_lib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import edit, run

import letterkit
import letterkit.api as api
from letterkit.diffs.core import letter_data
from letterkit.drafts.attribution import DraftInfo
from letterkit.drafts.attribution import contributions as credit_history

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
WORD = re.compile(r"\w+")

# What the patient adds in draft 2: (field, the text after which it goes, the words added).
PATIENT_BACKGROUND = ", nervous and unsure,"
PATIENT_CHANGES = ", which gives me breathing space"
PATIENT_WORDS = {
    "background": ["nervous", "and", "unsure"],
    "changes[0]": ["which", "gives", "me", "breathing", "space"],
}
NOT_WORDS = {"kind", "status", "date", "session", "attachment_style", "accessibility"}


def save(path: Path, *args: str) -> None:
    result = run("draft", "save", str(path), *args)
    assert result.exit_code == 0, result.output


@pytest.fixture
def letter(tmp_path: Path) -> Path:
    shutil.copy(SAMPLES / "letterkit.toml", tmp_path / "letterkit.toml")
    path = Path(shutil.copy(SAMPLES / "peter-goodbye.yaml", tmp_path / "peter.yaml"))
    save(path, "--author", "therapist", "--name", "Helen Marsh")
    edit(path, "You came to see me because", f"You came to see me{PATIENT_BACKGROUND} because")
    edit(path, "They now cover two days each week.", f"They now cover two days each week{PATIENT_CHANGES}.")
    save(path, "--author", "patient", "--name", "Peter Hale", "--note", "My changes")
    edit(path, "We have three sessions left", "We have two sessions left")
    edit(path, "You are the youngest in your family", "You are the youngest of three")
    save(path, "--author", "therapist", "--name", "Helen Marsh")
    return path


def count_words(value: Any, key: str = "") -> int:
    """Words in every text field, counted independently of letterkit: settings and dates left out."""
    if isinstance(value, str):
        return 0 if key == "date" else len(WORD.findall(value))
    if isinstance(value, dict):
        return sum(count_words(v, k) for k, v in value.items())
    if isinstance(value, list):
        return sum(count_words(v, key) for v in value)
    return 0


def field_value(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in re.findall(r"[^.\[\]]+", path):
        value = value[int(part)] if part.isdigit() else value[part]
    return value


# --------------------------------------------------------------------------- json


def test_json_credits_exactly_the_patients_words(letter: Path) -> None:
    result = run("contributions", str(letter), "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["format"], data["version"], data["file"]) == ("letterkit-contributions", 1, str(letter))
    assert [(d["number"], d["role"], d["name"]) for d in data["drafts"]] == [
        (1, "therapist", "Helen Marsh"),
        (2, "patient", "Peter Hale"),
        (3, "therapist", "Helen Marsh"),
    ]
    patient_runs = {
        (path, run_["text"])
        for path, runs in data["fields"].items()
        for run_ in runs
        if run_["role"] == "patient"
    }
    assert patient_runs == {("background", PATIENT_BACKGROUND), ("changes[0]", PATIENT_CHANGES)}
    for runs in data["fields"].values():
        for run_ in runs:
            if run_["role"] == "patient":
                assert (run_["draft"], run_["name"]) == (2, "Peter Hale")
    patient_words = {
        path: [w for run_ in runs if run_["role"] == "patient" for w in WORD.findall(run_["text"])]
        for path, runs in data["fields"].items()
    }
    assert {p: w for p, w in patient_words.items() if w} == PATIENT_WORDS

    # The therapist's third draft is credited to draft 3, in the field the patient also edited.
    draft3 = {(path, r["text"]) for path, runs in data["fields"].items() for r in runs if r["draft"] == 3}
    assert draft3 == {("ending", "two"), ("background", "of three")}


def test_runs_join_back_to_the_latest_letter(letter: Path) -> None:
    latest = letter_data(letterkit.load(letter))
    credit = api.contributions(letter)
    assert credit.fields, "no fields credited"
    for path, runs in credit.to_json()["fields"].items():
        assert "".join(r["text"] for r in runs) == field_value(latest, path), path
    assert ("background",) in credit.fields and ("changes", 0) in credit.fields
    assert not any(path[0] in NOT_WORDS or path[-1] == "date" for path in credit.fields)


def test_words_by_role_counts(letter: Path) -> None:
    credit = api.contributions(letter)
    latest = letter_data(letterkit.load(letter))
    total = count_words({k: v for k, v in latest.items() if k not in NOT_WORDS})
    patient = sum(len(words) for words in PATIENT_WORDS.values())
    assert credit.words_by_role() == {"therapist": total - patient, "patient": patient}
    data = json.loads(run("contributions", str(letter), "-f", "json").stdout)
    assert data["words_by_role"] == {"therapist": total - patient, "patient": patient}


def test_patient_changes_list_what_the_patient_added(letter: Path) -> None:
    changes = api.contributions(letter).patient_changes
    assert [(c["draft"], c["name"], c["section"], c["path"], c["op"]) for c in changes] == [
        (2, "Peter Hale", "background", "background", "changed"),
        (2, "Peter Hale", "changes", "changes[0]", "changed"),
    ]
    assert changes[0]["added"] == [PATIENT_BACKGROUND] and changes[0]["removed"] == []
    assert changes[1]["added"] == [PATIENT_CHANGES] and changes[1]["removed"] == []


# --------------------------------------------------------------------------- text, html, pdf


def test_text_report_quotes_the_patients_words(letter: Path) -> None:
    result = run("contributions", str(letter))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"Contributions to {letter} (3 drafts)\n")
    assert re.search(r"(?m)^  draft 2 [0-9a-f]{8} \d{4}-\d\d-\d\d patient Peter Hale$", out)
    total = count_words({k: v for k, v in letter_data(letterkit.load(letter)).items() if k not in NOT_WORDS})
    assert re.search(r"(?m)^  patient +8 words \(1%\)$", out)
    assert re.search(rf"(?m)^  therapist +{total - 8} words \(99%\)$", out)
    own = out.split("The patient's own words in the latest draft:\n")[1].split("\n\n")[0]
    assert own.splitlines() == [
        f"  background: “{PATIENT_BACKGROUND}”",
        f"  changes[0]: “{PATIENT_CHANGES}”",
    ]
    changed = out.split("What the patient changed, draft by draft:\n")[1]
    assert f"  draft 2, background: added “{PATIENT_BACKGROUND}”" in changed
    assert f"  draft 2, changes[0]: added “{PATIENT_CHANGES}”" in changed
    assert "two" not in own and "of three" not in own


def test_html_marks_exactly_the_patients_words(letter: Path) -> None:
    result = run("contributions", str(letter), "-f", "html")
    assert result.exit_code == 0, result.output
    page = result.stdout
    body_html = page[page.index('<main class="letter-body">') :]
    marked = [html_lib.unescape(m) for m in re.findall(r"<ins\b[^>]*>(.*?)</ins>", body_html, re.S)]
    assert "Words Peter wrote in draft 2" in page
    body = sorted(re.sub(r"\\(.)", r"\1", m) for m in marked)
    assert body == sorted([PATIENT_BACKGROUND, PATIENT_CHANGES])
    assert "<mark" not in body_html and "<del" not in body_html  # the patient took nothing out
    # and the words around them are there, unmarked
    assert re.search(rf"You came to see me<ins\b[^>]*>{re.escape(PATIENT_BACKGROUND)}</ins> because", page)


def test_pdf_without_output_is_written_beside_the_letter(letter: Path) -> None:
    result = run("contributions", str(letter), "-f", "pdf")
    assert result.exit_code == 0, result.output
    beside = letter.with_suffix(".contributions.pdf")
    assert result.stderr.strip() == f"Wrote {beside}"
    assert beside.read_bytes().startswith(b"%PDF-")
    assert not letter.with_suffix(".pdf").exists()


def test_pdf_highlights_the_patients_words(letter: Path, tmp_path: Path) -> None:
    import pypdf

    out = tmp_path / "words.pdf"
    result = run("contributions", str(letter), "-f", "pdf", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(out).pages).split())
    assert "Peter's words in this letter" in text
    assert "What brought you here: Peter added ‘, nervous and unsure,’ (draft 2)" in text
    # An insertion's box gives the text extractor a space before the comma.
    assert "You came to see me, nervous and unsure, because" in text.replace(" ,", ",")
    assert "which gives me breathing space" in text


def test_contributions_of_a_letter_without_history(tmp_path: Path) -> None:
    path = Path(shutil.copy(SAMPLES / "peter-goodbye.yaml", tmp_path / "peter.yaml"))
    result = run("contributions", str(path))
    assert result.exit_code == 1
    assert "no saved drafts" in result.stderr


# --------------------------------------------------------------------------- following words


def history_of(*steps: tuple[dict[str, Any], str]) -> list[tuple[DraftInfo, dict[str, Any]]]:
    return [
        (DraftInfo(n, role, role.title(), f"{n:08x}", "2026-05-01T10:00:00+00:00"), data)
        for n, (data, role) in enumerate(steps, 1)
    ]


def test_a_patients_list_item_keeps_its_author_when_moved_and_others_edited() -> None:
    first = {"changes": ["You asked for help.", "You walk again.", "You see friends."]}
    second = copy.deepcopy(first)
    second["changes"].append("I started drawing again.")
    third = copy.deepcopy(second)
    third["changes"].insert(0, third["changes"].pop())  # the patient's item moves to the top
    third["changes"][2] = "You walk with the club again."
    credit = credit_history("f", history_of((first, "therapist"), (second, "patient"), (third, "therapist")))
    assert credit.words_of("patient") == {"changes[0]": ["I started drawing again."]}
    assert credit.fields[("changes", 2)] == [("You walk ", 1), ("with the club ", 3), ("again.", 1)]


def test_words_the_patient_removed_are_listed() -> None:
    first = {"background": "You came because the winter felt endless and very quiet."}
    second = {"background": "You came because the winter felt endless."}
    credit = credit_history("f", history_of((first, "therapist"), (second, "patient")))
    (change,) = credit.patient_changes
    assert change["removed"] == [" and very quiet"] and change["added"] == []
    assert credit.words_of("patient") == {}
    assert credit.words_by_role() == {"therapist": 7}


def test_a_patients_item_lightly_edited_after_a_removed_item_stays_the_patients() -> None:
    first = {"changes": ["You asked your brother for help.", "You walk with the club again."]}
    second = copy.deepcopy(first)
    second["changes"].append("I have started drawing again, which I love.")
    third = {
        "changes": ["You asked your brother for help.", "You have started drawing again, which you love."]
    }
    credit = credit_history("f", history_of((first, "therapist"), (second, "patient"), (third, "therapist")))
    words = " ".join(credit.words_of("patient").get("changes[1]", []))
    assert "started drawing again" in words


@pytest.mark.parametrize("name", ["contributions", "redact"])
def test_the_public_function_can_be_called_twice(letter: Path, tmp_path: Path, name: str) -> None:
    script = f"import sys, letterkit\nletterkit.{name}(sys.argv[1])\nletterkit.{name}(sys.argv[1])\n"
    env = {**os.environ, "LETTERKIT_CONFIG_DIR": str(tmp_path / "config")}
    done = subprocess.run(
        [sys.executable, "-c", script, str(letter)], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
