"""Frames that fit the words: each part of the letter, around a field typed as a phrase.

For each part letterkit frames (how the patient sees themselves, how they experience others,
the pattern turning round, its inner form, what it protects them from, a coping strategy and
its cost, the reason for a referral) there is a frame for each shape of phrase
(``letterkit.compose.phrases``): "You often see yourself as" + a noun or adjective phrase,
"You often" + a verb phrase, "It can feel as if" + a clause. A verb is put in the form the
frame needs ("becomes the critical one" → "you become the critical one"), the patient's
pronouns in the second person ("harsh with herself" → "harsh with yourself"). Where no frame
fits, or the words are the patient's own and may not be changed, the phrase is printed as
typed, quoted, after a neutral lead-in: never a broken sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from letterkit.compose.escaping import md_block
from letterkit.compose.phrases import (
    ADVERBS,
    PEOPLE_WORDS,
    UNKNOWN,
    Person,
    PhraseShape,
    analyse,
    article,
    is_adjunct,
    lower_first,
    second_person,
    split_items,
    tokens,
    verb_rewrite,
)
from letterkit.model.fields import FieldPath

__all__ = ["FALLBACK", "Framed", "Role", "fallback", "frame", "framed_markdown", "join_list", "standalone"]

Role = Literal["self", "other", "reversal", "internalised", "protects", "strategy", "cost", "reason"]

_TENTATIVE = re.compile(
    r"(?i)\b(?:turns?|turned|turning|flips?|swaps?|switch(?:es)?)\s+(?:a)?round\b|\breverses?\b"
    r"|^\W*(?:sometimes|at times|perhaps|maybe)\b"
)
_HEDGED = re.compile(
    r"(?i)^\W*(?:perhaps|maybe|it may|it might|it could|possibly)\b|\b(?:may|might|perhaps)\b"
)

FALLBACK: dict[Role, str] = {
    "self": "How you often see yourself, in a few words: ",
    "other": "How you tend to experience other people, in a few words: ",
    "reversal": "Sometimes the pattern turns round. In a few words: ",
    "internalised": "Perhaps the pattern also plays out inside you. In a few words: ",
    "protects": "What the pattern may protect you from, in a few words: ",
    "strategy": "How you have coped, in a few words: ",
    "cost": "What it has cost you, in a few words: ",
    "reason": "Why you were referred, in a few words: ",
}
"""The neutral lead-ins before a phrase no frame fits, quoted as typed."""

SENTENCE_LEAD: dict[Role, str] = {
    "reversal": "Sometimes the pattern turns round. ",
    "internalised": "Perhaps the pattern also plays out inside you. ",
    "protects": "Perhaps the pattern also protects you. ",
}


@dataclass(frozen=True)
class Framed:
    """A field in its frame: ``before`` + the field's words + ``after``.

    ``words`` is the field's text as printed: the value itself (``rewritten`` False) or the
    value with its verbs and pronouns changed to fit (``rewritten`` True). ``quoted`` when
    the words are set apart after a neutral lead-in. ``open_end``: the sentence still needs
    its full stop. ``shape`` is the phrase's shape.
    """

    role: Role
    before: str
    words: str
    after: str
    rewritten: bool
    quoted: bool
    open_end: bool
    shape: PhraseShape

    @property
    def sentence(self) -> str:
        """The whole framed sentence as plain text (for tests and suggestions)."""
        end = "." if self.open_end else ""
        return f"{self.before}{self.words}{self.after}{end}"


def join_list(text: str) -> str:
    """'exhaustion, little time with family' → 'exhaustion and little time with family'."""
    items = [text[s:e].strip() for s, e in split_items(text)]
    if len(items) < 2 or re.search(r"\b(?:and|or)\b", items[-1]):
        return text  # "tiredness, low mood and worry …" is joined already
    if any(re.match(r"(?i)(?:and|or)\b", item) for item in items) or any(map(is_adjunct, items[1:])):
        return text
    return ", ".join(items[:-1]) + " and " + items[-1]


def _strip_end(text: str) -> tuple[str, bool]:
    stripped = text.rstrip()
    if stripped.endswith(".") and not stripped.endswith(".."):
        return stripped[:-1].rstrip(), True
    return stripped, False


def _capital(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
    return text


def _people_head(text: str) -> bool:
    toks = tokens(text)
    return bool(toks) and toks[0].low in PEOPLE_WORDS - {
        "everyone",
        "everybody",
        "nobody",
        "someone",
        "somebody",
        "anyone",
        "noone",
    }


def frame(role: Role, value: str, person: Person = UNKNOWN, *, frozen: bool = False) -> Framed:
    """``value`` framed for ``role``. ``frozen``: the words are the patient's own and are
    never changed (if they need changing to fit a frame, they are quoted instead)."""
    shape = analyse(value)
    original = value.strip()
    if shape.kind == "sentence":
        lead = SENTENCE_LEAD.get(role, "")
        tentative = _TENTATIVE if role == "reversal" else _HEDGED
        if lead and tentative.search(original):
            lead = ""
        if role == "cost" or role == "reason":
            lead = ""
        # a sentence is kept as written, but speaks to the patient ("Keeping busy helps her
        # cope." → "…helps you cope."), as the framed phrases do; the patient's own words never change
        said = second_person(original, person)
        if said != original and frozen:
            return fallback(role, original, shape)
        return Framed(role, lead, said, "", said != original, False, not _ends(said), shape)

    text, had_stop = _strip_end(original)
    words = lower_first(text) if not (shape.kind == "clause" and role in ("strategy",)) else text
    words = second_person(words, person)
    kind = shape.kind
    items = set(shape.items) or {kind}

    def done(before: str, new: str, after: str = "") -> Framed:
        rewritten = new != original
        if rewritten and frozen:
            return fallback(role, original, shape)
        return Framed(role, before, new, after, rewritten, False, True, shape)

    described = items <= {"noun", "adjective", "ing"} and kind != "verb"
    if role == "self":
        if kind == "clause":
            return done("As we have come to see it, ", words)
        if kind == "ing":
            return done("You often find yourself ", words)
        if items == {"adjective"}:
            adverb = tokens(words)[0].low in ADVERBS | {"not"} if tokens(words) else False
            return done("You often feel that you are " if adverb else "You often feel ", words)
        if described:
            return done("You often see yourself as ", words)
        if kind == "verb":
            return done(*_subject_verb("You", "often", words, shape))
        return fallback(role, original, shape)
    if role == "other":
        if kind == "clause":
            return done("It can feel as if ", words)
        if kind == "adjective" and shape.items == ("adjective",) and tokens(words)[0].low in ADVERBS:
            return done("To you, other people can seem ", words)  # "too busy to notice you"
        if described:
            lead = (
                "You tend to experience the people around you as "
                if _people_head(words)
                else "You tend to experience other people as "
            )
            return done(lead, words)
        if kind == "verb":
            return done(*_subject_verb("It can feel as if other people", "", words, shape))
        return fallback(role, original, shape)
    if role == "reversal":
        lead = "Sometimes the pattern turns round, and "
        if kind == "clause":
            return done(lead, words)
        if kind == "ing":
            return done(lead + "you can find yourself ", words)
        if kind == "noun" and items == {"noun"}:
            return done(lead + "you can be ", article(words))
        if described:
            return done(lead + "you can be ", words)
        if kind == "verb":
            before, new = _subject_verb("you", "", words, shape)
            return done(lead + before, new)
        return fallback(role, original, shape)
    if role == "internalised":
        if kind == "clause" and re.match(r"you (?!also\b)[a-z]", words):
            return done("Perhaps you also ", words[len("you ") :])  # "you tell yourself off …"
        if kind == "clause":
            return done("Perhaps ", words)
        if kind == "noun" and items == {"noun"}:
            return done("Perhaps the pattern also plays out inside you, as ", article(words))
        if kind == "ing":
            return done("Perhaps you also find yourself ", words)
        if described:
            return done("Perhaps the pattern also plays out inside you, and you can be ", words)
        if kind == "verb":
            return done(*_subject_verb("Perhaps you", "also", words, shape))
        return fallback(role, original, shape)
    if role == "protects":
        lead = "Perhaps the pattern also protects you from "
        if re.match(r"(?i)from\b", words):
            return done(lead[: -len("from ")], words)
        if kind == "clause":
            return done(lead + "the thought that ", words)
        if kind in ("noun", "ing") and items <= {"noun", "ing"}:
            return done(lead, words)
        if kind == "adjective":
            return done(lead + "feeling ", words)
        if kind == "verb" and shape.verb_form in ("VB", "VBZ"):
            return done(lead, verb_rewrite(words, "VBG"))
        return fallback(role, original, shape)
    if role == "strategy":
        if kind == "clause":
            new = _capital(words) + ("." if had_stop else "")  # "You kept your worries to yourself."
            if frozen and new != original:
                return fallback(role, original, shape)
            return Framed(role, "", new, "", new != original, False, not had_stop, shape)
        if kind == "ing" or (kind == "list" and items <= {"ing"}):
            return done("You have coped by ", words)
        if kind == "verb" and shape.verb_form in ("VB", "VBZ"):
            return done("You have coped by ", verb_rewrite(words, "VBG"))
        if kind == "verb" and shape.verb_form == "VBD":
            return done("You ", words)  # "You stopped seeing friends."
        if kind == "noun":
            return done("You have coped through ", words)
        if kind == "adjective":
            return done("You have coped by being ", words)
        return fallback(role, original, shape)
    if role == "cost":
        if kind == "clause":
            return done("it has meant that ", words)
        if kind == "noun":
            return done("the cost has been ", join_list(words))
        if kind == "adjective":
            return done("it has left you ", join_list(words))
        if kind == "ing":
            return done("it has meant ", join_list(words))
        if kind == "verb" and shape.verb_form in ("VB", "VBZ", "MD"):
            before, new = _subject_verb("you", "", words, shape)
            return done("it has meant that " + before, new)
        if kind == "verb" and shape.verb_form == "VBD":
            return done("it has meant that you ", words)
        return fallback(role, original, shape)
    # reason: after "… referred you to us"
    if kind == "clause":
        return done("because ", words)
    if kind in ("noun", "ing") or (kind == "list" and items <= {"noun", "ing"}):
        return done("because of ", join_list(words))
    if kind == "adjective":
        return done("because you were feeling ", join_list(words))
    if kind == "verb" and shape.verb_form == "VBD":
        return done("because you had ", verb_rewrite(words, "VBN"))
    if kind == "verb" and shape.verb_form in ("VB", "VBZ"):
        return done("because you were ", verb_rewrite(words, "VBG"))
    return fallback(role, original, shape)


def _ends(text: str) -> bool:
    return bool(re.search(r"[.!?…][’”\"')\]*_]*\s*$", text))


def _subject_verb(subject: str, adverb: str, words: str, shape: PhraseShape) -> tuple[str, str]:
    """ "You often" + "put yourself last" (the verb in its base form, after "you"; a phrase
    with an adverb of its own keeps it: "You always put yourself last")."""
    new = words if shape.verb_form in ("MD", "VBD") else verb_rewrite(words, "VB")
    first = tokens(new)[0].low if tokens(new) else ""

    if adverb and first not in ADVERBS and shape.verb_form not in ("MD", "VBD"):
        return f"{subject} {adverb} ", new
    return f"{subject} ", new


def fallback(role: Role, original: str, shape: PhraseShape) -> Framed:
    """``original`` quoted as typed, after the role's neutral lead-in."""
    text, _ = _strip_end(original)
    return Framed(
        role, FALLBACK[role] + "‘", text.strip("‘’“”\"' "), "’", False, True, not _ends(original), shape
    )


Block = Callable[[FieldPath, str], str]


def framed_markdown(framed: Framed, path: FieldPath, value: str, block: Block) -> tuple[str, bool]:
    """The Markdown of the field's words in its frame, and whether they can be printed
    (a marked-up view — a redline — can show a field's words only as typed)."""
    shown = block(path, value)
    if not framed.rewritten:
        return shown, True
    if shown != md_block(value):
        return shown, False
    return md_block(framed.words), True


def standalone(framed: Framed) -> str:
    """The framed field as a sentence that stands on its own (plain text): the cost as "The
    cost has been …", the reason after "Your GP referred you to us"."""
    if framed.role == "reason" and not framed.quoted:
        lead = "Your GP referred you to us" + (". " if framed.shape.kind == "sentence" else " ")
        return lead + framed.sentence
    text = framed.sentence
    return _capital(text)
