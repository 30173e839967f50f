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
from letterkit.compose.phrases import UNKNOWN, Person, lower_first
from letterkit.model.fields import FieldPath

__all__ = [
    "Block",
    "Passage",
    "Piece",
    "Shape",
    "coping_item",
    "coping_passage",
    "mentions_referral",
    "referral_sentence",
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


# --------------------------------------------------------------------------- referral


_COMMON_REFERRERS = frozenset(
    {"service", "team", "clinic", "practice", "centre", "center", "department", "unit", "nurse",
     "worker", "officer", "counsellor", "counselor", "doctor", "surgery", "school", "college"}
)  # fmt: skip


def _referrer(by: str) -> str:
    """'your GP, Dr Okafor' -> 'Your GP, Dr Okafor,' to start a sentence; a bare
    'university counselling service' (or one typed 'University counselling service', a
    capital only because notes start that way) gets 'The'."""
    text = " ".join(by.split())
    words = text.split(" ")
    determiners = ("your", "the", "a", "an", "my", "our", "their", "his", "her")
    common = words[-1].rstrip(",.").lower() in _COMMON_REFERRERS and words[-1][:1].islower()
    if words[0].lower() not in determiners and (words[0].islower() or (common and len(words) > 1)):
        rest = " ".join(words[1:])
        if words[0][:1].isupper() and rest == rest.lower():
            text = lower_first(text)  # "University counselling service": not a name
        text = "the " + text
    text = first_upper(text)
    return text + "," if "," in text and not text.endswith(",") else text


def referral_sentence(
    by: str | None,
    when: str,
    reason: str | None,
    block: Block,
    path: FieldPath = ("referral", "reason"),
    person: Person = UNKNOWN,
    frozen: frozenset[FieldPath] = frozenset(),
) -> Passage:
    """One sentence: "Your GP, Dr Hollis, referred you to us in April 2026 because of …".

    The reason is framed for its shape ("because of low mood", "because you had stopped
    sleeping"); one typed as a sentence ("You had stopped sleeping.") follows the referral in
    a sentence of its own, as written.
    """
    from letterkit.compose.frames import frame
    from letterkit.compose.pattern import framed_pieces

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
        framed = frame("reason", reason, person, frozen=path in frozen)
        reason_pieces, open_end = framed_pieces(framed, path, reason, block)
        if framed.shape.kind == "sentence" or framed.quoted:
            pieces.append(Piece(". "))
        else:
            pieces.append(Piece(" "))
        pieces += reason_pieces
        if open_end:
            pieces.append(Piece("."))
        return Passage((tuple(pieces),))
    pieces.append(Piece("."))
    if not by and not when:
        return Passage(())
    return Passage((tuple(pieces),))


_REFERRED = re.compile(r"(?i)\brefer(?:red|ral)\b")


def mentions_referral(*texts: str | None) -> bool:
    """Whether the therapist's own text already says who referred the patient: letterkit
    then adds no referral sentence of its own."""
    return any(text and _REFERRED.search(text) for text in texts)


# --------------------------------------------------------------------------- coping


def coping_passage(
    strategy: str,
    cost: str | None,
    index: int,
    block: Callable[[FieldPath, str, str], str],
    short: bool = False,
    person: Person = UNKNOWN,
    frozen: frozenset[FieldPath] = frozenset(),
) -> Passage:
    """A coping strategy and its cost as one list item, no label: "You have coped by keeping
    busy, and the cost has been rows with Dana." Sentences are kept as written; the cost then
    follows in a paragraph of its own. ``short`` (easy read) keeps the two in sentences of
    their own. Paragraphs after the first are list-indented."""
    from letterkit.compose.frames import frame
    from letterkit.compose.pattern import framed_pieces

    indent = "    "
    s_path: FieldPath = ("coping_strategies", index, "strategy")
    c_path: FieldPath = ("coping_strategies", index, "cost")

    def item_block(path: FieldPath, value: str) -> str:
        return block(path, value, indent)

    s_frame = frame("strategy", strategy, person, frozen=s_path in frozen)
    first, open_s = framed_pieces(s_frame, s_path, strategy, item_block)
    if not cost or not cost.strip():
        return Passage((tuple(first + ([Piece(".")] if open_s else [])),))
    c_frame = frame("cost", cost, person, frozen=c_path in frozen)
    second, open_c = framed_pieces(c_frame, c_path, cost, item_block)
    end = [Piece(".")] if open_c else []
    apart = c_frame.shape.kind == "sentence" or c_frame.quoted or not open_s or short or s_frame.quoted
    if apart:
        if second and second[0].kind == "supplied":
            second[0] = Piece(first_upper(second[0].text))
        elif second:
            second[0] = Piece(first_upper(second[0].text), second[0].kind, second[0].path)
        return Passage((tuple(first + ([Piece(".")] if open_s else [])), tuple(second + end)))
    return Passage((tuple([*first, Piece(", and "), *second, *end]),))


def coping_item(
    strategy: str,
    cost: str | None,
    index: int,
    block: Callable[[FieldPath, str, str], str],
    short: bool = False,
    person: Person = UNKNOWN,
    frozen: frozenset[FieldPath] = frozenset(),
) -> list[str]:
    """``coping_passage``'s paragraphs as Markdown."""
    return coping_passage(strategy, cost, index, block, short, person, frozen).markdown


def join_words(items: Sequence[str]) -> str:
    """a, b and c."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
