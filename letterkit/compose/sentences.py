"""The sentences letterkit writes around two fields of its own: the referral ("Your GP, Dr
Hollis, referred you to us in April 2026 because of low mood.") and each coping strategy
with its cost ("You have coped by keeping busy, and the cost has been rows with Dana.").

Each field is framed for its shape (``letterkit.compose.frames``) and its words kept whole in
a ``Passage`` (``letterkit.compose.prose``), so that ``draft import`` can trace every word.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from letterkit.compose.escaping import md_inline
from letterkit.compose.frames import frame
from letterkit.compose.pattern import framed_pieces
from letterkit.compose.phrases import UNKNOWN, Person, lower_first
from letterkit.compose.prose import Block, Passage, Piece, first_upper
from letterkit.model.fields import FieldPath

__all__ = ["coping_item", "coping_passage", "mentions_referral", "referral_sentence"]

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
