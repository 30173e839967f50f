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

from letterkit.compose.escaping import Span, md_block_spans, md_inline
from letterkit.compose.feelings import feeling_sentences
from letterkit.compose.frames import Framed, Role, fallback, frame, framed_markdown
from letterkit.compose.phrases import UNKNOWN, Person
from letterkit.compose.prose import Block, Passage, Piece
from letterkit.model.fields import FieldPath
from letterkit.model.schema import Affect, Ipaf

__all__ = ["compose_pattern", "unused_imagery"]


def _framed(
    role: Role,
    path: FieldPath,
    value: str,
    block: Block,
    person: Person = UNKNOWN,
    frozen: frozenset[FieldPath] = frozenset(),
) -> tuple[list[Piece], bool]:
    """The part's sentence(s), and whether the last one is still open (no closing punctuation)."""
    return framed_pieces(frame(role, value, person, frozen=path in frozen), path, value, block)


def framed_pieces(framed: Framed, path: FieldPath, value: str, block: Block) -> tuple[list[Piece], bool]:
    """A framed field as pieces: letterkit's words supplied, the field's as typed (``field``)
    or with verbs and pronouns changed to fit (``rewritten``)."""
    markdown, printable = framed_markdown(framed, path, value, block)
    if framed.quoted or not printable:
        quoted = framed if framed.quoted else fallback(framed.role, value, framed.shape)
        pieces = [Piece(quoted.before), Piece(block(path, value), "field", path), Piece(quoted.after)]
        return pieces, not _ENDS.search(value)
    pieces = [Piece(framed.before)] if framed.before else []
    pieces.append(Piece(markdown, "rewritten" if framed.rewritten else "field", path))
    if framed.after:
        pieces.append(Piece(framed.after))
    return pieces, framed.open_end


_ENDS = re.compile(r"[.!?…][’”\"')\]*_]*\s*$")


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


_NOUN_LIKE = re.compile(r"(?i)^\W*(?:a|an|someone|somebody|nobody|no one)\b")
"""Images the patient has felt like ("a spare part"); any other ("the scoreboard in my head")
is an image of something, framed as words of their own, never as a feeling."""


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
    person: Person = UNKNOWN,
    frozen: frozenset[FieldPath] = frozenset(),
) -> Passage:
    """The pattern section's paragraphs, each piece traced to a field or to letterkit.

    ``letter_text`` is the rest of the letter's text: an image the letter already uses is not
    repeated. ``imagery_marks`` (redlines, contributions) are the images marked up, removed
    ones included: each changed image is shown, so that taking one out leaves a trace.
    ``short`` (easy read) keeps one idea to a sentence: how you see yourself and how you
    experience others are never joined into one. ``person`` says which pronouns are the
    patient's (turned to "you" in a framed phrase); the fields in ``frozen`` hold the
    patient's own words, never changed.
    """
    paragraphs: list[tuple[Piece, ...]] = []

    # How you see yourself, in relation to how you experience others: one sentence when both
    # were typed as phrases that take the same kind of frame.
    self_path: FieldPath = ("ipaf", "self")
    other_path: FieldPath = ("ipaf", "other")
    self_frame = frame("self", ipaf.self_, person, frozen=self_path in frozen)
    other_frame = frame("other", ipaf.other, person, frozen=other_path in frozen)
    first, open_self = framed_pieces(self_frame, self_path, ipaf.self_, block)
    other, open_other = framed_pieces(other_frame, other_path, ipaf.other, block)
    joinable = (
        not short
        and open_self
        and not self_frame.quoted
        and self_frame.before in ("You often see yourself as ", "You often feel ")
        and not other_frame.quoted
        and other_frame.before.startswith(("You tend to experience", "It can feel as if"))
    )
    if joinable:
        lead = other[0].text
        other[0] = Piece(", and " + lead[:1].lower() + lead[1:])
        pieces = [*first, *other]
    else:
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
        protects, open_end = _framed("protects", ("ipaf", "protects"), ipaf.protects, block, person, frozen)
        lead = protects[0].text if protects and protects[0].kind == "supplied" else ""
        if sentence and "Perhaps" in sentence and lead.startswith("Perhaps the pattern also protects you"):
            # "Perhaps, too, some anger." is tentative already: no second "Perhaps" after it
            protects[0] = Piece(
                lead.replace("Perhaps the pattern also protects you", "The pattern may also protect you")
            )
        if feelings:
            feelings.append(Piece(" "))
        feelings += _close(protects, open_end)
    if feelings:
        paragraphs.append(tuple(feelings))

    parts: tuple[tuple[Role, str | None], ...] = (
        ("reversal", ipaf.reversal),
        ("internalised", ipaf.internalised),
    )
    for role, value in parts:
        if value and value.strip():
            part, open_end = _framed(role, ("ipaf", role), value, block, person, frozen)
            paragraphs.append(tuple(_close(part, open_end)))
    return Passage(tuple(paragraphs))
