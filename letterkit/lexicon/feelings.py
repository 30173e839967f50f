"""Feeling words and their forms: the adjective that fits after "feeling" and the noun that
fits after "some".

A therapist may type ``anxious`` or ``anxiety``, ``angry`` or ``anger``. The forms come from
``letterkit/data/feelings.txt``; a word it does not list is guessed from its ending, and when
even that fails neither form is known (``Feeling.adjective`` and ``Feeling.noun`` are None).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from letterkit.resources import DATA_DIR

__all__ = ["ARTICLE", "FEELINGS_FILE", "Entry", "Feeling", "Lexicon", "lexicon", "parse", "understand"]

FEELINGS_FILE = DATA_DIR / "feelings.txt"

_NOUN_ENDINGS = re.compile(r"(?:ness|ment|ity|ty|tion|sion|ance|ence|ism|dom|ship|ure|th|ief)$")
_ADJECTIVE_ENDINGS = re.compile(r"(?:ous|ful|less|ive|ed|ish|ic|al|able|ible|ant|ent|y)$")
ARTICLE = re.compile(r"(?i)^(?:a|an|the|some|your|my|this|that)\s")
_FEELING_PREFIX = re.compile(r"(?i)^(?:feeling|feelings of|a feeling of)\s+")


@dataclass(frozen=True)
class Entry:
    adjectives: tuple[str, ...]
    nouns: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    """Feeling words by form: each known word finds its line of the data file."""

    entries: tuple[Entry, ...]

    @functools.cached_property
    def _by_word(self) -> dict[str, tuple[Entry, bool]]:
        found: dict[str, tuple[Entry, bool]] = {}
        for entry in self.entries:
            for word in entry.nouns:
                found.setdefault(word, (entry, False))
            for word in entry.adjectives:
                found[word] = (entry, True)  # "hurt" is both: read it as the adjective
        return found

    def find(self, word: str) -> tuple[Entry, bool] | None:
        """The line ``word`` is on, and whether it is one of the line's adjectives."""
        return self._by_word.get(" ".join(word.lower().split()))

    def words(self) -> list[tuple[str, str]]:
        """Every (adjective, noun) pair written when a form is changed."""
        return [(e.adjectives[0], e.nouns[0]) for e in self.entries]


def parse(text: str) -> Lexicon:
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "|" not in line:
            continue
        adjectives, nouns = line.split("|", 1)
        entries.append(
            Entry(
                tuple(w.strip().lower() for w in adjectives.split(",") if w.strip()),
                tuple(w.strip().lower() for w in nouns.split(",") if w.strip()),
            )
        )
    return Lexicon(tuple(entries))


@functools.cache
def lexicon() -> Lexicon:
    """The built-in feeling words (``letterkit/data/feelings.txt``)."""
    return parse(FEELINGS_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Feeling:
    """One feeling as typed, with the forms the letter can use.

    ``adjective`` fits after "feeling", ``noun`` after "some" (a noun phrase with its own
    article, "a fear of being left", is its own ``noun`` and needs no "some"); either is
    None when letterkit cannot tell.
    """

    typed: str
    adjective: str | None
    noun: str | None

    @property
    def after_some(self) -> str | None:
        if self.noun is None:
            return None
        return self.noun if ARTICLE.match(self.noun) else "some " + self.noun


def understand(typed: str, words: Lexicon | None = None) -> Feeling:
    """What form ``typed`` is in, and its other form where the lexicon or its ending knows it."""
    words = words or lexicon()
    text = _FEELING_PREFIX.sub("", " ".join(typed.split()))
    if ARTICLE.match(text):
        rest = ARTICLE.sub("", text)
        if text.lower().startswith("some "):
            return understand(rest, words)
        return Feeling(text, None, text)
    found = words.find(text)
    if found is not None:
        entry, is_adjective = found
        return (
            Feeling(text, text, entry.nouns[0]) if is_adjective else Feeling(text, entry.adjectives[0], text)
        )
    first, _, rest = text.partition(" ")
    found = words.find(first) if rest else None
    if found is not None:  # "afraid of being left", "anger at Dana"
        entry, is_adjective = found
        if is_adjective:
            return Feeling(text, text, None)
        return Feeling(text, None, text)
    last = text.split()[-1].lower() if text.split() else ""
    if " " not in text and _NOUN_ENDINGS.search(last):
        return Feeling(text, None, text)
    if " " not in text and _ADJECTIVE_ENDINGS.search(last):
        return Feeling(text, text, None)
    return Feeling(text, None, None)
