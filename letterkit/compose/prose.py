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

from letterkit.compose.escaping import md_inline
from letterkit.model.fields import FieldPath

__all__ = [
    "Block",
    "Passage",
    "Piece",
    "Shape",
    "coping_item",
    "referral_sentence",
    "shape_of",
]

Block = Callable[[FieldPath, str], str]
"""Renders a field's value at a path as escaped Markdown (marked up in redlines)."""

PieceKind = Literal["field", "supplied", "converted"]


@dataclass(frozen=True)
class Piece:
    """A run of a composed passage's Markdown.

    ``kind`` is ``field`` (a field's text, verbatim, at ``path``), ``supplied`` (wording
    letterkit added: a lead-in, a frame, a full stop) or ``converted`` (words made from a
    field, such as a feeling word put in another form; ``path`` names the field).
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


# --------------------------------------------------------------------------- referral


_COMMON_REFERRERS = frozenset(
    {"service", "team", "clinic", "practice", "centre", "center", "department", "unit", "nurse",
     "worker", "officer", "counsellor", "counselor", "doctor", "surgery", "school", "college"}
)  # fmt: skip


def _referrer(by: str) -> str:
    """'your GP, Dr Okafor' -> 'Your GP, Dr Okafor,' to start a sentence; a bare
    'university counselling service' gets 'The'."""
    text = " ".join(by.split())
    words = text.split(" ")
    determiners = ("your", "the", "a", "an", "my", "our", "their", "his", "her")
    common = words[-1].rstrip(",.").lower() in _COMMON_REFERRERS and words[-1][:1].islower()
    if words[0].lower() not in determiners and (words[0].islower() or (common and len(words) > 1)):
        text = "the " + text
    text = first_upper(text)
    return text + "," if "," in text and not text.endswith(",") else text


def referral_sentence(
    by: str | None, when: str, reason: str | None, block: Block, path: FieldPath = ("referral", "reason")
) -> Passage:
    """One sentence: "Your GP, Dr Hollis, referred you to us in April 2026 because of …".

    A reason typed as a sentence ("Low mood over many years.", "You had stopped sleeping.")
    follows the referral in a sentence of its own, as written.
    """
    pieces: list[Piece] = []
    if by:
        pieces.append(
            Piece(md_inline(_referrer(by)) + " referred you to us", "converted", ("referral", "by"))
        )
    else:
        pieces.append(Piece("You were referred to us"))
    if when:
        pieces.append(Piece(f" in {md_inline(when)}"))
    if reason and reason.strip():
        shape = shape_of(reason)
        text = block(path, reason)
        if shape.upper and not shape.ends and shape.kind == "phrase":
            # "Tiredness and worry: this is why your GP referred you to us in May 2026."
            lead = "".join(p.text for p in pieces)
            return Passage(
                ((Piece(text, "field", path), Piece(": this is why " + lead[:1].lower() + lead[1:] + ".")),)
            )
        if shape.upper:
            pieces.append(Piece(". "))
            pieces.append(Piece(text, "field", path))
            if not shape.ends:
                pieces.append(Piece("."))
            return Passage((tuple(pieces),))
        pieces.append(Piece(" because " if shape.kind == "clause" else " because of "))
        pieces.append(Piece(text, "field", path))
        if not shape.ends:
            pieces.append(Piece("."))
        return Passage((tuple(pieces),))
    pieces.append(Piece("."))
    if not by and not when:
        return Passage(())
    return Passage((tuple(pieces),))


# --------------------------------------------------------------------------- coping

_HAS_VERB = re.compile(
    r"(?i)\b(?:is|are|was|were|has|have|had|comes?|came|goes|went|gets?|got|feels?|felt|makes?|"
    r"made|means?|meant|can|cannot|can't|could|will|won't|would|does|doesn't|don't|didn't|ends?|"
    r"ended|turns?|turned|keeps|kept|leaves|becomes?|became|stays?|stayed|knows?|knew|sees|saw|"
    r"takes|took|gives|gave|builds?|built|grows?|grew)\b"
)


def coping_item(
    strategy: str,
    cost: str | None,
    index: int,
    block: Callable[[FieldPath, str, str], str],
    short: bool = False,
) -> list[str]:
    """A coping strategy and its cost as one list item, no label: "You have coped by keeping
    busy — and it has cost you time with Dana." Sentences are kept as written; the cost then
    follows in the same item. ``short`` (easy read) keeps the two in sentences of their own.
    Returns the item's paragraphs (Markdown, list-indented)."""
    indent = "    "
    s_path: FieldPath = ("coping_strategies", index, "strategy")
    c_path: FieldPath = ("coping_strategies", index, "cost")
    s_shape = shape_of(strategy)
    s_text = block(s_path, strategy, indent)
    gerund = re.match(r"[a-z]+ing\b", strategy.strip())
    if s_shape.upper or s_shape.kind == "clause":
        first = s_text + ("" if s_shape.ends else ".")
        open_end = False
    else:
        first = ("You have coped by " if gerund else "You have coped through ") + s_text
        open_end = not s_shape.ends
    if not cost or not cost.strip():
        return [first + ("." if open_end else "")]
    c_shape = shape_of(cost)
    c_text = block(c_path, cost, indent)
    tail = "" if c_shape.ends else "."
    written = c_shape.kind == "closed-note" and _HAS_VERB.search(cost)  # "Nobody knew."
    if c_shape.kind == "sentence" or written or (c_shape.kind == "clause" and c_shape.upper):
        return [first + ("." if open_end else ""), c_text + tail]
    if c_shape.upper:  # "Exhaustion." — a note with a capital
        return [first + ("." if open_end else ""), "The cost to you: " + c_text + tail]
    # A noun phrase is what it cost ("rows with Dana"); a clause is what happened ("the hurt
    # comes out later").
    cost_words = (
        "the cost is that " if c_shape.kind == "clause" or _HAS_VERB.search(cost) else "it has cost you "
    )
    if open_end and not short:
        return [f"{first} — and {cost_words}{c_text}{tail}"]
    return [first + ("." if open_end else ""), f"{first_upper(cost_words)}{c_text}{tail}"]


def join_words(items: Sequence[str]) -> str:
    """a, b and c."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
