"""What the pattern diagram says: the words in its boxes, its feelings, its text alternative.

The diagram never changes the patient's words: each box holds its part of the pattern whole,
hedges and all ("You tend to expect …" stays), and the box grows to fit. Only a part too long
to draw well, for which the therapist has given a short label (``ipaf.labels``), is drawn by
that label. Everything here is plain text; ``diagram_svg`` escapes it when it draws.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from letterkit.lexicon.feelings import understand
from letterkit.model.schema import Affect, Ipaf

__all__ = [
    "INTERNALISED_HEADING",
    "OTHER_HEADING",
    "REVERSAL_HEADING",
    "SELF_HEADING",
    "Feeling",
    "Part",
    "Parts",
    "clean",
    "ipaf_text_alternative",
    "parts_of",
]
# The diagram's words are drawn whole; nothing here shortens them.

SELF_HEADING = "How you see yourself"
OTHER_HEADING = "How you experience others"
REVERSAL_HEADING = "Sometimes it turns round"
INTERNALISED_HEADING = "Inside you"

# --------------------------------------------------------------------------- the words drawn

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\1")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")

_MAX_FEELINGS = 8
"""Most feelings drawn; a real pattern has two or three (the text alternative names them all)."""
_MAX_SAID_FEELINGS = 20
"""Most feelings the text alternative names; a real pattern has two or three."""
_MAX_FIELD = 4000
"""Characters of a field looked at: bounds the work on absurd input."""
LONG_PART = 320
"""A part longer than this (in characters) is drawn by its short label, when it has one."""


def clean(text: str) -> str:
    """One line of plain text: no XML-illegal characters, Markdown emphasis marks or escapes."""
    text = _NOT_XML.sub("", text[:_MAX_FIELD])
    text = _EMPHASIS.sub(r"\2", text)
    text = _MD_ESCAPE.sub(r"\1", text)
    return " ".join(text.split())


def _join_words(items: Sequence[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


Part = Literal["all", "main", "rows"]
"""The whole diagram, its main row (the two boxes and the feelings), or its lower rows."""


@dataclass(frozen=True)
class Feeling:
    label: str
    tentative: bool


@dataclass(frozen=True)
class Parts:
    """What the diagram says, in plain text (not yet escaped).

    ``*_label`` is what a box shows: the part's whole text, or the therapist's short label for
    a very long part; ``*_sentence`` is always the whole text (for the text alternative).
    """

    self_label: str
    self_sentence: str
    other_label: str
    other_sentence: str
    plain_feelings: tuple[str, ...]
    tentative_feelings: tuple[str, ...]
    reversal_label: str | None
    reversal_sentence: str | None
    internalised_label: str | None
    internalised_sentence: str | None

    @property
    def feelings(self) -> list[Feeling]:
        shown = [Feeling(f, False) for f in self.plain_feelings]
        for i, feeling in enumerate(self.tentative_feelings):
            too = bool(self.plain_feelings) or i > 0
            # The typed word is drawn as typed: "some" only goes before a noun.
            words = understand(feeling)
            said = words.after_some if words.after_some and words.noun == words.typed else feeling
            label = ("perhaps, too, " if too else "perhaps ") + said
            shown.append(Feeling(label, True))
        if len(shown) > _MAX_FEELINGS:
            more = len(shown) - _MAX_FEELINGS + 1
            shown = [*shown[: _MAX_FEELINGS - 1], Feeling(f"and {more} more, in the letter", False)]
        return shown


def _drawn(text: str, label: str | None) -> str:
    """The words a box shows: the whole text, or the short label when the text is very long."""
    whole = clean(text)
    if label and clean(label) and len(whole) > LONG_PART:
        return clean(label)
    return whole


def parts_of(ipaf: Ipaf) -> Parts:
    """What the diagram says about ``ipaf``."""
    labels = ipaf.labels
    plain: list[str] = []
    tentative: list[str] = []
    for affect in ipaf.affect:
        feeling = clean(affect.feeling if isinstance(affect, Affect) else affect)
        if feeling:
            (tentative if isinstance(affect, Affect) and affect.less_conscious else plain).append(feeling)
    reversal = clean(ipaf.reversal) if ipaf.reversal else None
    internalised = clean(ipaf.internalised) if ipaf.internalised else None
    return Parts(
        self_label=_drawn(ipaf.self_, labels.self_ if labels else None),
        self_sentence=clean(ipaf.self_),
        other_label=_drawn(ipaf.other, labels.other if labels else None),
        other_sentence=clean(ipaf.other),
        plain_feelings=tuple(plain),
        tentative_feelings=tuple(tentative),
        reversal_label=_drawn(ipaf.reversal or "", labels.reversal if labels else None) if reversal else None,
        reversal_sentence=reversal or None,
        internalised_label=(
            _drawn(ipaf.internalised or "", labels.internalised if labels else None) if internalised else None
        ),
        internalised_sentence=internalised or None,
    )


# --------------------------------------------------------------------------- text alternative


def _says(where: str, text: str) -> str:
    """'The first box, how you see yourself, says: “…”.' — grammatical whatever was typed."""
    ends = re.search(r"[.!?…][’”\"')]*$", text)
    return f"{where} says: “{text}”" + ("" if ends else ".")


def ipaf_text_alternative(ipaf: Ipaf, part: Part = "all") -> str:
    """A plain-English account of the diagram, for its ``<desc>`` and for screen readers.

    >>> ipaf_text_alternative(Ipaf(self="You feel second best.", other="critical",
    ...                            affect=["anger"]))  # doctest: +NORMALIZE_WHITESPACE
    'A diagram of the pattern, with arrows going both ways between two boxes. The first box,
    how you see yourself, says: “You feel second best.” The second box, how you experience
    others, says: “critical”. Between them is the feeling that links the two: anger.'
    """
    parts = parts_of(ipaf)
    if part == "rows":
        rows = []
        if parts.reversal_sentence:
            rows.append(_says(f"One box, “{REVERSAL_HEADING}”,", parts.reversal_sentence))
        if parts.internalised_sentence:
            rows.append(_says(f"One box, “{INTERNALISED_HEADING}”,", parts.internalised_sentence))
        return " ".join(["More of the diagram of the pattern.", *rows])
    said = [
        "A diagram of the pattern, with arrows going both ways between two boxes.",
        _says("The first box, how you see yourself,", parts.self_sentence),
        _says("The second box, how you experience others,", parts.other_sentence),
    ]
    plain = list(parts.plain_feelings)
    tentative = [f.label for f in parts.feelings if f.tentative]
    if len(plain) > _MAX_SAID_FEELINGS:  # absurd input: name the first ones
        plain = [*plain[: _MAX_SAID_FEELINGS - 1], f"{len(plain) - _MAX_SAID_FEELINGS + 1} more"]
    if len(plain) == 1:
        said.append(f"Between them is the feeling that links the two: {plain[0]}.")
    elif plain:
        said.append(f"Between them are the feelings that link the two: {_join_words(plain)}.")
    if tentative:
        lead = "Drawn dashed, as less certain" if plain else "Between them, drawn dashed, as less certain"
        said.append(f"{lead}: {_join_words(tentative)}.")
    if part == "main":
        if parts.reversal_sentence or parts.internalised_sentence:
            said.append("More of the pattern follows in a second picture.")
        return " ".join(said)
    if parts.reversal_sentence:
        said.append(_says(f"A row below, “{REVERSAL_HEADING}”,", parts.reversal_sentence))
    if parts.internalised_sentence:
        said.append(_says(f"A row below, “{INTERNALISED_HEADING}”,", parts.internalised_sentence))
    return " ".join(said)
