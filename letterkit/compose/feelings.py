"""The feelings in the pattern, written grammatically whichever form the therapist typed.

A therapist may type ``anxious`` or ``anxiety``, ``angry`` or ``anger``. The letter needs an
adjective after "feeling" ("This leaves you feeling anxious and ashamed.") and a noun after
"some" ("Perhaps, too, some anger."). The forms come from ``letterkit/data/feelings.txt``; a
word it does not list is guessed from its ending, and when even that fails it is written in
a wording that fits any word ("Perhaps, too, you feel …").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from letterkit.resources import DATA_DIR

__all__ = ["FEELINGS_FILE", "Feeling", "Lexicon", "feeling_sentences", "lexicon", "understand"]

FEELINGS_FILE = DATA_DIR / "feelings.txt"

_NOUN_ENDINGS = re.compile(r"(?:ness|ment|ity|ty|tion|sion|ance|ence|ism|dom|ship|ure|th|ief)$")
_ADJECTIVE_ENDINGS = re.compile(r"(?:ous|ful|less|ive|ed|ish|ic|al|able|ible|ant|ent|y)$")
_ARTICLE = re.compile(r"(?i)^(?:a|an|the|some|your|my|this|that)\s")
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
        return self.noun if _ARTICLE.match(self.noun) else "some " + self.noun


def understand(typed: str, words: Lexicon | None = None) -> Feeling:
    """What form ``typed`` is in, and its other form where the lexicon or its ending knows it."""
    words = words or lexicon()
    text = _FEELING_PREFIX.sub("", " ".join(typed.split()))
    if _ARTICLE.match(text):
        rest = _ARTICLE.sub("", text)
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


def _join(items: Sequence[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def feeling_sentences(plain: Sequence[str], tentative: Sequence[str], words: Lexicon | None = None) -> str:
    """The sentences that name the feelings linking the two sides of the pattern.

    >>> feeling_sentences(["anxious", "shame"], ["angry"])
    'This leaves you feeling anxious and ashamed. Perhaps, too, some anger.'
    >>> feeling_sentences(["hopelessness"], ["resentment"])
    'This leaves you with feelings of hopelessness. Perhaps, too, some resentment.'
    """
    out: list[str] = []
    shown = [understand(f, words) for f in plain if f.strip()]
    if shown:
        bare_nouns = all(f.adjective is None or f.typed == f.noun for f in shown) and all(
            f.noun is not None and not _ARTICLE.match(f.noun) for f in shown
        )
        if bare_nouns:
            out.append(f"This leaves you with feelings of {_join([f.typed for f in shown])}.")
        elif all(f.noun is not None and f.adjective is None for f in shown):
            out.append(f"This leaves you with {_join([f.typed for f in shown])}.")
        else:
            # "feeling X" reads well with adjectives and with most feeling nouns ("feeling dread");
            # a noun phrase with its own article goes after "with".
            phrases = [f.typed for f in shown if f.adjective is None and f.noun and _ARTICLE.match(f.noun)]
            feel = [f.adjective or f.typed for f in shown if f.typed not in phrases]
            sentence = f"This leaves you feeling {_join(feel)}"
            out.append(sentence + (f", with {_join(phrases)}." if phrases else "."))
    offered = [understand(f, words) for f in tentative if f.strip()]
    some = [f.after_some for f in offered if f.after_some]
    feel = [f.adjective or f.typed for f in offered if not f.after_some]
    lead = "Perhaps, too," if shown else "Perhaps"
    if some:
        out.append(f"{lead} {'' if shown else 'there is '}{_join(some)}.")
        lead = "Perhaps, too,"
    if feel:
        out.append(f"{lead} you feel {_join(feel)} at times.")
    return " ".join(out)
