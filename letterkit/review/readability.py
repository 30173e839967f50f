"""Reading figures (``measure``) and the ``reading-age`` findings.

The figures are the Flesch reading ease and the Flesch-Kincaid grade, counted as textstat 0.7.8
counted them (the tests hold letterkit to figures recorded from it), from words, sentences and
syllables (``letterkit.review.syllables``: the CMU pronouncing dictionary, then Pyphen). There is
no standard reading age, so the reading age is the Flesch-Kincaid US school grade plus 5
(grade 5 is about age 10). Emphasis stars are removed first, and a paragraph or list item
without closing punctuation is ended with a full stop, so list items count as sentences.

Nothing here uses the network or writes a file: the dictionaries ship with their packages.
(textstat 0.7.9 and later download NLTK's copy of the CMU dictionary on first use, which is why
letterkit counts for itself.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from letterkit.model.fields import dotted
from letterkit.review.fields import FieldPath, Locator
from letterkit.review.findings import Finding
from letterkit.review.sentences import EMPHASIS, PARAGRAPH, sentences
from letterkit.review.syllables import count as syllables

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
    """The reading figures of a piece of text."""

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


MAX_WORD = 40
"""Letters of a word that are measured."""

_NOT_A_CONTRACTION = re.compile(r"'(?![tsd]|ve|ll|re)")
"""An apostrophe that is a quotation mark, not a contraction's ("don't", "you're")."""
_PUNCTUATION = re.compile(r"[^\w\s']")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")
"""A sentence: from a word to its closing punctuation."""


def _measurable(text: str) -> str:
    """Text as it is measured: no emphasis stars, every paragraph ended."""
    paragraphs = []
    for paragraph in PARAGRAPH.finditer(EMPHASIS.sub("", text)):
        # A very long "word" counts as one long word: Pyphen's hyphenation is quadratic in a
        # word's length, and a 100,000-letter word is no harder than a 40-letter one.
        words = " ".join(word[:MAX_WORD] for word in paragraph.group().split())
        if words and not re.search(r"[.!?…][\"'”’)\]]*$", words):
            words += "."
        if words:
            paragraphs.append(words)
    return "\n\n".join(paragraphs)


def _words(text: str) -> list[str]:
    """The words, without punctuation; a hyphenated word or a contraction is one word."""
    return _PUNCTUATION.sub("", _NOT_A_CONTRACTION.sub("", text)).split()


def _sentence_count(text: str) -> int:
    """The sentences; one of two words or fewer ("Yes.", "Dr.", "e.g.") is not counted alone."""
    found = _SENTENCE.findall(text)
    return max(1, sum(1 for sentence in found if len(_words(sentence)) > 2))


def measure(text: str) -> Readability | None:
    """The reading figures of ``text``, or None if it has no text."""
    plain = _measurable(text)
    if not plain:
        return None
    words = _words(plain)
    sentence_count = _sentence_count(plain)
    syllable_count = sum(syllables(word.lower()) for word in words)
    words_per_sentence = len(words) / sentence_count
    syllables_per_word = syllable_count / len(words) if words else 0.0
    if words_per_sentence == 0 or syllables_per_word == 0:
        ease = grade = 0.0
    else:
        ease = 206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word
        grade = 0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59
    return Readability(reading_ease=ease, grade=grade, words=len(words), sentences=sentence_count)


def _ease_words(score: float) -> str:
    for floor, words in ((90, "very easy"), (80, "easy"), (70, "fairly easy"), (60, "plain English")):
        if score >= floor:
            return words
    return "fairly hard" if score >= 50 else "hard" if score >= 30 else "very hard"


def reading_age(fields: list[tuple[FieldPath, str]], where: Locator) -> list[Finding]:
    if not fields:
        return []
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
