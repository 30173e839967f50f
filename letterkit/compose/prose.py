"""Sentences around the therapist's words: whether a field was typed as notes or as sentences.

Many clinicians type notes ("inadequate, a disappointment"); others write to the patient
("You often feel second best."). The letter frames notes in a sentence of letterkit's own
("You often see yourself as inadequate, a disappointment, …") and keeps sentences as written.
It never rewrites a field's text: each field's Markdown appears whole in the letter, so that
``draft import`` can find a patient's edit in it. What letterkit supplied is kept apart, in a
``Passage`` of ``Piece``s, so that every word of a composed passage can be traced to a field or
to letterkit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from letterkit.model.fields import FieldPath

__all__ = [
    "Block",
    "Passage",
    "Piece",
    "Shape",
    "shape_of",
]

Block = Callable[[FieldPath, str], str]
"""Renders a field's value at a path as escaped Markdown (marked up in redlines)."""

PieceKind = Literal["field", "supplied", "converted", "rewritten"]


@dataclass(frozen=True)
class Piece:
    """A run of a composed passage's Markdown.

    ``kind`` is ``field`` (a field's text, verbatim, at ``path``), ``supplied`` (wording
    letterkit added: a lead-in, a frame, a full stop) or ``converted`` (words made from a
    field, such as a feeling word put in another form; ``path`` names the field) or
    ``rewritten`` (a field's words with their verbs and pronouns changed to fit a frame:
    "becomes the critical one" as "become the critical one").
    """

    text: str
    kind: PieceKind = "supplied"
    path: FieldPath | None = None


Paragraph = tuple[Piece, ...]


@dataclass(frozen=True)
class Passage:
    """Paragraphs of pieces: the composed text and the record of where each word came from."""

    paragraphs: tuple[Paragraph, ...]

    @property
    def markdown(self) -> list[str]:
        """Each paragraph as Markdown."""
        return ["".join(piece.text for piece in paragraph) for paragraph in self.paragraphs]

    @property
    def supplied(self) -> list[str]:
        """The wording letterkit supplied, in order."""
        return [p.text for paragraph in self.paragraphs for p in paragraph if p.kind == "supplied"]


# --------------------------------------------------------------------------- shapes

_TERMINAL = re.compile(r"[.!?…][’”\"')\]*_]*\s*$")
_LEAD_MARKS = "‘“\"'*_(["
_ADDRESS = re.compile(r"(?i)\b(?:you|your|yours|yourself|I|we|us|our|me|my)\b")
CLAUSE_WORDS = frozenset(
    {
        "you", "your", "yourself", "people", "others", "other", "everyone", "everybody",
        "nobody", "they", "he", "she", "it", "there", "i", "we", "when", "whenever",
        "if", "sometimes", "at", "often", "because",
    }
)  # fmt: skip
"""First words that start a clause (a subject or a conjunction) rather than a description."""


@dataclass(frozen=True)
class Shape:
    """How a field was typed.

    ``kind``: ``sentence`` (a capital, closing punctuation, and it speaks to the patient),
    ``closed-note`` (a capital and a full stop, but it never says "you": "Inadequate."),
    ``clause`` (starts with a subject: "you snap at Dana", "people let you down"), or
    ``phrase`` (a description: "inadequate, a disappointment").
    """

    kind: Literal["sentence", "closed-note", "clause", "phrase"]
    upper: bool
    """It starts with a capital letter (or a digit)."""
    ends: bool
    """It ends with a full stop, question mark, exclamation mark or ellipsis."""


def shape_of(value: str) -> Shape:
    text = value.strip()
    first_char = text.lstrip(_LEAD_MARKS)[:1]
    upper = bool(first_char) and (first_char.isupper() or first_char.isdigit())
    ends = bool(_TERMINAL.search(text))
    words = re.findall(r"[A-Za-z']+", text)
    first_word = words[0].lower() if words else ""
    if upper and ends:
        return Shape("sentence" if _ADDRESS.search(text) else "closed-note", upper, ends)
    if first_word in CLAUSE_WORDS:
        return Shape("clause", upper, ends)
    return Shape("phrase", upper, ends)


def first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def join_words(items: Sequence[str]) -> str:
    """a, b and c."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
