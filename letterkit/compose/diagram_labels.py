"""What the pattern diagram says: short labels for its boxes, its feelings, its text alternative.

``parts_of(ipaf)`` picks, for each part of the pattern, the patient's own words where they
appear there, otherwise the first clause of the therapist's sentence cut to a few words.
Everything here is plain text; ``diagram_svg`` escapes it when it draws.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from letterkit.model.schema import Affect, Ipaf

__all__ = [
    "INTERNALISED_HEADING",
    "OTHER_HEADING",
    "REVERSAL_HEADING",
    "SELF_HEADING",
    "Feeling",
    "Parts",
    "clean",
    "ipaf_text_alternative",
    "parts_of",
]

SELF_HEADING = "How you see yourself"
OTHER_HEADING = "How you experience others"
REVERSAL_HEADING = "Sometimes it turns round"
INTERNALISED_HEADING = "Inside you"

_BOX_WORDS = 8
"""Longest label in the two main boxes, in words."""
_ROW_WORDS = 16
"""Longest label in the full-width rows (turning round, inside you), in words."""
_FEELING_WORDS = 10
"""Longest feeling drawn, in words (the text alternative has it whole)."""
_MAX_FEELINGS = 8
"""Most feelings drawn; a real pattern has two or three."""
_MAX_LABEL = 140
"""Longest label drawn, in characters."""
_MAX_SAID = 600
"""Longest sentence of the text alternative, in characters."""
_MAX_FIELD = 4000
"""Characters of a field looked at: the diagram needs its first sentence or two."""


# --------------------------------------------------------------------------- short labels

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\1")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][’”\"')]))\s+(?=[‘“\"'(]?[A-Z0-9])")
_SUBORDINATE = {
    "when", "whenever", "if", "as", "although", "though", "because", "while", "whilst",
    "after", "before", "once", "since", "until", "unless",
}  # fmt: skip
_HEDGE = re.compile(r"(?i)\b(?:tend to|tends to|often|usually|really|just|also|probably)\s+")
_DANGLING = {
    "a", "an", "the", "and", "or", "but", "nor", "to", "of", "in", "on", "at", "for", "with",
    "by", "from", "as", "that", "which", "who", "whom", "your", "you", "is", "are", "be", "so",
    "than", "into", "about", "like", "when", "if", "very", "most", "more", "own", "just", "all",
    "before", "after", "until", "unless", "because", "while", "whilst", "since", "once", "though",
    "although", "where", "what", "how", "can", "could", "will", "would", "must", "should", "may",
    "might", "have", "has", "had", "was", "were", "not", "it", "they", "them", "their", "my", "his",
    "her", "our", "its", "me", "we", "i", "yourself", "even", "such", "some", "any", "every",
}  # fmt: skip
_ABOUT_TURNING = re.compile(
    r"(?i)\b(?:turns?|turned|turning|flips?|swaps?|switch(?:es)?)\s+(?:a)?round\b|\breverses?\b"
    r"|\bthe other way\b"
)
_ABOUT_SAME_WAY = re.compile(r"(?i)\b(?:this|that|the same|a similar|similar) (?:way|ways)\b|\blike this\b")
_SOMETIMES = re.compile(r"(?i)^(?:sometimes|at times)\b,?\s*")
_LOWER_AFTER_COLON = {
    "you", "your", "when", "whenever", "sometimes", "perhaps", "at", "if", "a", "an", "the",
    "it", "this", "then", "there", "others", "other", "people", "as", "while", "often",
}  # fmt: skip


def clean(text: str) -> str:
    """One line of plain text: no XML-illegal characters, Markdown emphasis marks or escapes.

    Only the start of a very long text is kept: the diagram shows a few words of each part.
    """
    text = _NOT_XML.sub("", text[:_MAX_FIELD])
    text = _EMPHASIS.sub(r"\2", text)
    text = _MD_ESCAPE.sub(r"\1", text)
    return " ".join(text.split())


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_BREAK.split(clean(text)) if s.strip()]


def _quote_depth(text: str) -> int:
    """How many ‘ or “ quotes are still open at the end of ``text``."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "‘“":
            depth += 1
        elif ch == "”" and depth:
            depth -= 1
        elif ch == "’" and depth and not (i + 1 < len(text) and text[i + 1].isalpha()):
            depth -= 1
    return depth


def _clauses(sentence: str) -> list[str]:
    """A sentence split at commas, semicolons, colons and dashes, but not inside quotes."""
    sentence = sentence.replace(" - ", " – ")
    clauses: list[str] = []
    start = depth = 0
    for i, ch in enumerate(sentence):
        if ch in "‘“":
            depth += 1
        elif ch == "”" and depth:
            depth -= 1
        elif ch == "’" and depth and not (i + 1 < len(sentence) and sentence[i + 1].isalpha()):
            depth -= 1
        elif ch in ",;:—–(" and depth == 0:
            clauses.append(sentence[start:i])
            start = i + 1
    clauses.append(sentence[start:])
    return [c.strip(" )") for c in clauses if c.strip(" )")]


def _key_sentence(text: str, skip: re.Pattern[str] | None = None) -> str:
    """The first sentence of ``text`` that says something, passing over a short one matching
    ``skip`` ("Sometimes the pattern turns around.") when more follow."""
    sentences = _sentences(text)
    if not sentences:
        return clean(text)
    for sentence in sentences[:-1]:
        if skip is None or not (skip.search(sentence) and len(sentence.split()) <= 8):
            return sentence
    return sentences[-1]


def _key_clause(sentence: str) -> str:
    """The main clause a sentence starts with: past a leading 'When …,' and at least 3 words."""
    clauses = _clauses(sentence)
    if not clauses:
        return sentence
    index = 0
    if len(clauses) > 1 and clauses[0].split()[0].lower() in _SUBORDINATE:
        index = 1
    clause = clauses[index]
    while len(clause.split()) < 3 and index + 1 < len(clauses):
        index += 1
        clause = f"{clause}, {clauses[index]}"
    return clause


def _limit(text: str, max_words: int, max_chars: int = _MAX_LABEL) -> str:
    """``text`` cut to ``max_words`` words, dropping hedges first and ending on '…'."""
    if len(text) > max_chars:
        cut = text[:max_chars]
        cut = cut.rsplit(" ", 1)[0] if " " in cut[max_chars // 2 :] else cut
        text = cut.rstrip(",;:—– ") + "…"
    words = text.split()
    if len(words) <= max_words:
        return text
    words = _HEDGE.sub("", text).split()
    if len(words) <= max_words:
        return " ".join(words)
    words = words[:max_words]
    while len(words) > 3 and words[-1].lower().strip(",;:") in _DANGLING:
        words.pop()
    short = " ".join(words).rstrip(",;:—– ")
    return short + "…" + ("’" * _quote_depth(short))


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first.lower() in _LOWER_AFTER_COLON else text


def _full_stop(text: str) -> str:
    text = text.rstrip()
    return text if re.search(r"[.!?…][’”\"')]?$", text) else text + "."


def _label(sentence: str, max_words: int, lead: re.Pattern[str] | None = None) -> str:
    clause = _key_clause(sentence)
    if lead is not None:
        clause = lead.sub("", clause) or clause
    clause = clause.rstrip(" .,;:")
    return _upper_first(_limit(clause, max_words))


def _plain_phrase(phrase: str) -> str:
    return " ".join(re.sub(r"[‘’“”\"']", " ", phrase.lower()).split())


def _quoted(phrase: str) -> str:
    phrase = clean(phrase).strip("‘’“”\"' ")
    return f"‘{phrase}’"


def _imagery_in(text: str, imagery: Sequence[str], taken: set[str]) -> str | None:
    """The first of the patient's own phrases that ``text`` uses, quoted."""
    plain_text = _plain_phrase(clean(text))
    for phrase in imagery:
        plain = _plain_phrase(clean(phrase))
        if plain and plain not in taken and re.search(rf"(?<!\w){re.escape(plain)}(?!\w)", plain_text):
            taken.add(plain)
            return _quoted(phrase)
    return None


def _some(feeling: str) -> str:
    """'some anger', but 'a fear of …' stays as it is."""
    return feeling if re.match(r"(?i)(a|an|the|some|your|perhaps)\s", feeling) else "some " + feeling


def _join_words(items: Sequence[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Feeling:
    label: str
    tentative: bool


@dataclass(frozen=True)
class Parts:
    """What the diagram says, in plain text (not yet escaped)."""

    self_label: str
    self_imagery: bool
    self_sentence: str
    other_label: str
    other_imagery: bool
    other_sentence: str
    plain_feelings: tuple[str, ...]
    tentative_feelings: tuple[str, ...]
    reversal_label: str | None
    reversal_sentence: str | None
    internalised_label: str | None
    internalised_sentence: str | None

    @property
    def feelings(self) -> list[Feeling]:
        shown = [Feeling(_limit(f, _FEELING_WORDS), False) for f in self.plain_feelings]
        for i, feeling in enumerate(self.tentative_feelings):
            too = bool(self.plain_feelings) or i > 0
            label = ("perhaps, too, " if too else "perhaps ") + _some(_limit(feeling, _FEELING_WORDS))
            shown.append(Feeling(label, True))
        if len(shown) > _MAX_FEELINGS:
            more = len(shown) - _MAX_FEELINGS + 1
            shown = [*shown[: _MAX_FEELINGS - 1], Feeling(f"and {more} more, in the letter", False)]
        return shown


def parts_of(ipaf: Ipaf) -> Parts:
    """What the diagram says about ``ipaf``."""
    taken: set[str] = set()
    self_sentence = _key_sentence(ipaf.self_)
    other_sentence = _key_sentence(ipaf.other)
    self_imagery = _imagery_in(ipaf.self_, ipaf.imagery, taken)
    other_imagery = _imagery_in(ipaf.other, ipaf.imagery, taken)
    plain: list[str] = []
    tentative: list[str] = []
    for affect in ipaf.affect:
        feeling = clean(affect.feeling if isinstance(affect, Affect) else affect)
        if feeling:
            (tentative if isinstance(affect, Affect) and affect.less_conscious else plain).append(feeling)
    reversal = internalised = None
    if ipaf.reversal:
        reversal = _SOMETIMES.sub("", _key_sentence(ipaf.reversal, _ABOUT_TURNING)) or clean(ipaf.reversal)
        reversal = _upper_first(reversal)
    if ipaf.internalised:
        internalised = _key_sentence(ipaf.internalised, _ABOUT_SAME_WAY)
    return Parts(
        self_label=self_imagery or _label(self_sentence, _BOX_WORDS),
        self_imagery=self_imagery is not None,
        self_sentence=self_sentence,
        other_label=other_imagery or _label(other_sentence, _BOX_WORDS),
        other_imagery=other_imagery is not None,
        other_sentence=other_sentence,
        plain_feelings=tuple(plain),
        tentative_feelings=tuple(tentative),
        reversal_label=_label(reversal, _ROW_WORDS) if reversal else None,
        reversal_sentence=reversal,
        internalised_label=_label(internalised, _ROW_WORDS) if internalised else None,
        internalised_sentence=internalised,
    )


# --------------------------------------------------------------------------- text alternative


def ipaf_text_alternative(ipaf: Ipaf) -> str:
    """A plain-English account of the diagram, for its ``<desc>`` and for screen readers.

    >>> ipaf_text_alternative(Ipaf(self="You feel second best.", other="You expect criticism.",
    ...                            affect=["anger"]))  # doctest: +NORMALIZE_WHITESPACE
    'A diagram of the pattern. Arrows go both ways between how you see yourself and how you
    experience others. How you see yourself: you feel second best. How you experience others:
    you expect criticism. The feeling that links them is anger.'
    """
    parts = parts_of(ipaf)
    said = [
        "A diagram of the pattern.",
        "Arrows go both ways between how you see yourself and how you experience others.",
    ]
    if parts.self_imagery:
        said.append(f"You see yourself as {parts.self_label}.")
    else:
        said.append(f"How you see yourself: {_lower_first(_full_stop(parts.self_sentence))}")
    if parts.other_imagery:
        said.append(f"You experience others as {parts.other_label}.")
    else:
        said.append(f"How you experience others: {_lower_first(_full_stop(parts.other_sentence))}")
    plain, tentative = parts.plain_feelings, [_some(f) for f in parts.tentative_feelings]
    if len(plain) == 1:
        said.append(f"The feeling that links them is {plain[0]}.")
    elif plain:
        said.append(f"The feelings that link them are {_join_words(plain)}.")
    if tentative:
        if plain:
            said.append(f"Perhaps, too, there is {_join_words(tentative)}.")
        else:
            said.append(f"Perhaps {_join_words(tentative)} links them.")
    if parts.reversal_sentence:
        said.append(f"{REVERSAL_HEADING}: {_lower_first(_full_stop(parts.reversal_sentence))}")
    if parts.internalised_sentence:
        said.append(f"{INTERNALISED_HEADING}: {_lower_first(_full_stop(parts.internalised_sentence))}")
    return " ".join(_limit(sentence, len(sentence), _MAX_SAID) for sentence in said)
