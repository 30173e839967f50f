"""letterkit reads lemminflect's tables itself (for a fast cold start): the answers must be
lemminflect's own, for every word the phrase fixtures and the samples use and for the awkward ones
(auxiliaries, modals, words that are several parts of speech, overrides, unknown words)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

lemminflect = pytest.importorskip("lemminflect")

from letterkit.compose.word_tables import all_lemmas, verb_inflections  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
AWKWARD = """is am are was were be been being has have had does do did can could may might will
would shall should must ought dare 'd 'll 'm n't becomes become became keeping kept feels felt
went goes going lives lying lies left leaves blog burned burnt bankrolled broadcast abdomen
exhausted loneliness critic scoreboard self-blame unlovable xyzzy all another people data
""".split()


def words() -> list[str]:
    found = set(AWKWARD)
    for path in [*ROOT.glob("samples/*.yaml"), *ROOT.glob("tests/**/*.yaml")]:
        found.update(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]*", path.read_text(encoding="utf-8")))
    return sorted(found)


def test_lemmas_are_lemminflects() -> None:
    checked = words()
    assert len(checked) > 500
    different = {
        w: (all_lemmas(w), lemminflect.getAllLemmas(w))
        for w in checked
        if all_lemmas(w) != lemminflect.getAllLemmas(w)
    }
    assert different == {}


def test_verb_inflections_are_lemminflects() -> None:
    lemmas = {lemma for w in words() for lemma in lemminflect.getAllLemmas(w).get("VERB", ())}
    lemmas |= {"be", "can", "will", "must", "dare", "have", "do", "feel", "become", "blog", "burn", "xyzzy"}
    assert len(lemmas) > 100
    different = {
        lemma: (verb_inflections(lemma), lemminflect.getAllInflections(lemma, upos="VERB"))
        for lemma in sorted(lemmas)
        if verb_inflections(lemma) != lemminflect.getAllInflections(lemma, upos="VERB")
    }
    assert different == {}
