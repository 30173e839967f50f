"""The pattern as DIT writes it: one connected passage to the patient, from the IPAF's parts.

How the patient sees themselves, in relation to how they experience others; the feelings that
link the two (those they are less aware of offered tentatively); what the pattern may protect
them from, when the therapist has written it; and, tentatively, the pattern turning round and
its form inside them. Notes are framed ("You often see yourself as …"), sentences kept as
written; the patient's images are quoted once, where the letter does not already use them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from letterkit.compose.escaping import Span, md_block_spans, md_inline
from letterkit.compose.feelings import feeling_sentences
from letterkit.compose.prose import Block, Passage, Piece, shape_of
from letterkit.model.fields import FieldPath
from letterkit.model.schema import Affect, Ipaf

__all__ = ["compose_pattern", "unused_imagery"]


@dataclass(frozen=True)
class _Frame:
    """letterkit's wording around one part of the pattern, for each way it can be typed."""

    before: str
    """Before a phrase in lower case: "You often see yourself as " + phrase."""
    after: str
    """After a phrase typed with a capital: phrase + ": this is how you often see yourself"."""
    colon: str
    """Before a closed note ("Inadequate, a disappointment."): "This is how …: " + note."""
    clause: str
    """Before a clause in lower case: "As we have come to see it, " + "you feel a burden"."""
    sentence: str
    """Before the therapist's own sentences, to keep them tentative ("" when none is needed)."""
    tentative: re.Pattern[str] | None = None
    """Sentences that already say so need no lead-in ("Sometimes the pattern turns around.")."""


_SELF = _Frame(
    before="You often see yourself as ",
    after=": this is how you often see yourself",
    colon="This is how you often see yourself: ",
    clause="As we have come to see it, ",
    sentence="",
)
_OTHER = _Frame(
    before="You tend to experience other people as ",
    after=": this is how you tend to experience other people",
    colon="This is how you tend to experience other people: ",
    clause="It can feel as if ",
    sentence="",
)
_TURNING = re.compile(
    r"(?i)\b(?:turns?|turned|turning|flips?|swaps?|switch(?:es)?)\s+(?:a)?round\b|\breverses?\b"
    r"|^\W*(?:sometimes|at times|perhaps|maybe)\b"
)
_REVERSAL = _Frame(
    before="Sometimes the pattern turns round, and you can be ",
    after=": sometimes the pattern turns round like this",
    colon="Sometimes the pattern turns round like this: ",
    clause="Sometimes the pattern turns round: ",
    sentence="Sometimes the pattern turns round. ",
    tentative=_TURNING,
)
_HEDGED = re.compile(
    r"(?i)^\W*(?:perhaps|maybe|it may|it might|it could|possibly)\b|\b(?:may|might|perhaps)\b"
)
_INTERNALISED = _Frame(
    before="Perhaps you also treat yourself this way: ",
    after=": perhaps you also treat yourself this way",
    colon="Perhaps you also treat yourself this way: ",
    clause="Perhaps, too, ",
    sentence="Perhaps the pattern also plays out inside you. ",
    tentative=_HEDGED,
)
_PROTECTS = _Frame(
    before="Perhaps the pattern also protects you from ",
    after=": perhaps the pattern also protects you from this",
    colon="Perhaps the pattern also protects you from this: ",
    clause="Perhaps the pattern also protects you: ",
    sentence="Perhaps the pattern also protects you. ",
    tentative=_HEDGED,
)


def _framed(frame: _Frame, path: FieldPath, value: str, block: Block) -> tuple[list[Piece], bool]:
    """The part's sentence(s), and whether the last one is still open (no closing punctuation)."""
    shape = shape_of(value)
    text = Piece(block(path, value), "field", path)
    if shape.kind == "sentence":
        if frame.sentence and not (frame.tentative and frame.tentative.search(value)):
            return [Piece(frame.sentence), text], False
        return [text], False
    if shape.kind == "closed-note":
        return [Piece(frame.colon), text], False
    if shape.kind == "clause":
        if shape.upper:  # "You feel a burden", with no full stop: a sentence all the same
            lead = frame.sentence if not (frame.tentative and frame.tentative.search(value)) else ""
            return ([Piece(lead)] if lead else []) + [text], not shape.ends
        return [Piece(frame.clause), text], not shape.ends
    if shape.upper:
        if shape.ends:
            return [Piece(frame.colon), text], False
        return [text, Piece(frame.after)], True
    before = frame.before
    if frame is _PROTECTS and re.match(r"(?i)from\b", value.strip()):
        before = before[: -len("from ")]
    return [Piece(before), text], not shape.ends


def _close(pieces: list[Piece], open_end: bool) -> list[Piece]:
    return [*pieces, Piece(".")] if open_end else pieces


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[‘’“”\"'*_]", " ", text.lower()).split())


def unused_imagery(imagery: Sequence[str], letter_text: str) -> list[int]:
    """The indexes of the patient's images that the letter's text does not already use."""
    plain_text = _plain(letter_text)
    out = []
    for index, phrase in enumerate(imagery):
        plain = _plain(phrase)
        if plain and not re.search(rf"(?<!\w){re.escape(plain)}(?!\w)", plain_text):
            out.append(index)
    return out


_NOUN_LIKE = re.compile(r"(?i)^\W*(?:a|an|the|my|your|someone|somebody|nobody|no one)\b|\w's\b|’s\b")


def _imagery_sentence(imagery: Sequence[str], indexes: Sequence[int]) -> list[Piece]:
    """The patient's images the letter does not use yet, quoted once in a sentence."""
    quoted: list[Piece] = []
    for number, index in enumerate(indexes):
        if number:
            quoted.append(Piece(" and " if number == len(indexes) - 1 else ", "))
        quoted += [
            Piece("‘"),
            Piece(md_inline(imagery[index].strip("‘’“”\"' ")), "field", ("ipaf", "imagery", index)),
            Piece("’"),
        ]
    if all(_NOUN_LIKE.search(imagery[i]) for i in indexes):
        return [Piece("In your own words, you have felt like "), *quoted, Piece(".")]
    return [Piece("You have put it in your own words, too: "), *quoted, Piece(".")]


_QUOTES = "‘’“”\"' "


def _marked_imagery_sentence(marked: Sequence[Sequence[Span]], used: str) -> list[Piece]:
    """A redline's or contributions view's images, worded as ``_imagery_sentence``: every
    image that changed (one taken out struck through, one added marked as inserted) and any
    the letter does not use."""
    shown: list[list[Span]] = []
    for spans in marked:
        text = "".join(t for t, _ in spans)
        changed = any(tag for _, tag in spans)
        if not text.strip() or not (changed or unused_imagery([text], used)):
            continue
        runs = [[run, tag] for run, tag in spans]
        runs[0][0] = str(runs[0][0]).lstrip(_QUOTES)
        runs[-1][0] = str(runs[-1][0]).rstrip(_QUOTES)
        shown.append([(str(run), tag if tag is None else str(tag)) for run, tag in runs])
    if not shown:
        return []
    quoted: list[Piece] = []
    for number, spans in enumerate(shown):
        if number:
            quoted.append(Piece(" and " if number == len(shown) - 1 else ", "))
        quoted += [Piece("‘"), Piece(md_block_spans(spans)), Piece("’")]
    if all(_NOUN_LIKE.search("".join(t for t, _ in spans)) for spans in shown):
        return [Piece("In your own words, you have felt like "), *quoted, Piece(".")]
    return [Piece("You have put it in your own words, too: "), *quoted, Piece(".")]


def compose_pattern(
    ipaf: Ipaf,
    block: Block,
    letter_text: str = "",
    imagery_marks: Sequence[Sequence[Span]] | None = None,
    short: bool = False,
) -> Passage:
    """The pattern section's paragraphs, each piece traced to a field or to letterkit.

    ``letter_text`` is the rest of the letter's text: an image the letter already uses is not
    repeated. ``imagery_marks`` (redlines, contributions) are the images marked up, removed
    ones included: each changed image is shown, so that taking one out leaves a trace.
    ``short`` (easy read) keeps one idea to a sentence: how you see yourself and how you
    experience others are never joined into one.
    """
    paragraphs: list[tuple[Piece, ...]] = []

    # How you see yourself, in relation to how you experience others: one sentence when both
    # were typed as notes.
    first, open_self = _framed(_SELF, ("ipaf", "self"), ipaf.self_, block)
    other_shape = shape_of(ipaf.other)
    if short:
        other, open_other = _framed(_OTHER, ("ipaf", "other"), ipaf.other, block)
        pieces = [*_close(first, open_self), Piece(" "), *other]
    elif open_self and other_shape.kind == "phrase" and not other_shape.upper:
        other = [
            Piece(", and you tend to experience other people as "),
            Piece(block(("ipaf", "other"), ipaf.other), "field", ("ipaf", "other")),
        ]
        open_other = not other_shape.ends
        pieces = [*first, *other]
    elif open_self and other_shape.kind == "clause" and not other_shape.upper:
        other = [Piece(", and "), Piece(block(("ipaf", "other"), ipaf.other), "field", ("ipaf", "other"))]
        open_other = not other_shape.ends
        pieces = [*first, *other]
    else:
        other, open_other = _framed(_OTHER, ("ipaf", "other"), ipaf.other, block)
        pieces = [*_close(first, open_self), Piece(" "), *other]
    pieces = _close(pieces, open_other)
    wanted = unused_imagery(ipaf.imagery, " ".join([letter_text, ipaf.self_, ipaf.other]))
    if imagery_marks is not None:
        marked = _marked_imagery_sentence(imagery_marks, " ".join([letter_text, ipaf.self_, ipaf.other]))
        if marked:
            pieces += [Piece(" "), *marked]
    elif wanted:
        pieces += [Piece(" "), *_imagery_sentence(ipaf.imagery, wanted)]
    paragraphs.append(tuple(pieces))

    # The feelings that link them, and what the pattern may protect you from.
    plain = [
        a if isinstance(a, str) else a.feeling
        for a in ipaf.affect
        if not (isinstance(a, Affect) and a.less_conscious)
    ]
    tentative = [a.feeling for a in ipaf.affect if isinstance(a, Affect) and a.less_conscious]
    feelings: list[Piece] = []
    sentence = feeling_sentences(plain, tentative)
    if sentence:
        feelings.append(Piece(md_inline(sentence), "converted", ("ipaf", "affect")))
    if ipaf.protects:
        protects, open_end = _framed(_PROTECTS, ("ipaf", "protects"), ipaf.protects, block)
        if feelings:
            feelings.append(Piece(" "))
        feelings += _close(protects, open_end)
    if feelings:
        paragraphs.append(tuple(feelings))

    for frame, key, value in (
        (_REVERSAL, "reversal", ipaf.reversal),
        (_INTERNALISED, "internalised", ipaf.internalised),
    ):
        if value and value.strip():
            part, open_end = _framed(frame, ("ipaf", key), value, block)
            paragraphs.append(tuple(_close(part, open_end)))
    return Passage(tuple(paragraphs))
