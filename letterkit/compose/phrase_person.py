"""Verbs rewritten to another form, and the patient's pronouns turned to "you" with agreement
(see ``letterkit.compose.phrases``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from letterkit.compose.phrase_shapes import _skip_adverbs
from letterkit.compose.phrase_words import (
    _ANYONE,
    _FEMALE,
    _MALE,
    _QUOTED,
    CLAUSE_OPENERS,
    CONJUNCTIONS,
    DETERMINERS,
    MODALS,
    PEOPLE_WORDS,
    PREPOSITIONS,
    RELATIVES,
    SUBJECT_PRONOUNS,
    Token,
    _classes,
    _is_adjective,
    _is_noun,
    _verb_tags,
    base_form,
    gerund_form,
    participle_form,
    past_form,
    split_items,
    tokens,
)

# --------------------------------------------------------------------------- verbs


Edit = tuple[int, int, str]


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    out = text
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    return out


def _match_case(new: str, old: str) -> str:
    return new[:1].upper() + new[1:] if old[:1].isupper() else new


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTED.finditer(text)]


def _in(spans: Sequence[tuple[int, int]], at: int) -> bool:
    return any(s <= at < e for s, e in spans)


def verb_rewrite(text: str, form: Literal["VB", "VBG", "VBD", "VBN"]) -> str:
    """The verb phrase ``text`` with its verbs (the first of each item, and each after
    "and"/"or"/"then") in ``form``: "works late and says nothing" → "working late and saying
    nothing" (VBG). Quoted words are never changed."""
    quoted = _quoted_spans(text)
    edits: list[Edit] = []
    for s, e in split_items(text):
        toks = [t for t in tokens(text[s:e])]
        toks = [Token(t.text, t.start + s, t.end + s) for t in toks]
        heads: list[int] = []
        i = _skip_adverbs(toks, 0)
        if i < len(toks):
            heads.append(i)
        for j in range(1, len(toks)):
            if toks[j - 1].low in ("and", "or", "then", "but") and j not in heads:
                k = _skip_adverbs(toks, j)
                if k < len(toks) and (k == 0 or toks[k].low not in DETERMINERS):
                    tags = _verb_tags(toks[k].low)
                    if tags & {"VBZ", "VBD"} or (heads and _is_form(toks[heads[0]].low, tags)):
                        heads.append(k)
        for k in heads:
            tok = toks[k]
            if _in(quoted, tok.start):
                continue
            if not (_verb_tags(tok.low) or tok.low in MODALS):
                continue
            new = _inflect(tok.low, form)
            if new and new != tok.low:
                edits.append((tok.start, tok.end, _match_case(new, tok.text)))
    return apply_edits(text, edits)


def _is_form(first: str, tags: set[str]) -> bool:
    return bool(_verb_tags(first) & tags & {"VBZ", "VB", "VBD", "VBG"})


def _inflect(word: str, form: str) -> str:
    if word in MODALS:
        return word
    if form == "VB":
        return base_form(word)
    if form == "VBG":
        return gerund_form(word)
    if form == "VBD":
        return past_form(word)
    return participle_form(word)


# --------------------------------------------------------------------------- second person

Pronouns = Literal["she", "he", "they"]

_FORMS: dict[str, dict[str, str]] = {
    "she": {"she": "you", "herself": "yourself", "hers": "yours"},
    "he": {"he": "you", "him": "you", "himself": "yourself", "his": "your"},
    "they": {
        "they": "you",
        "them": "you",
        "themselves": "yourself",
        "themself": "yourself",
        "their": "your",
        "theirs": "yours",
    },  # fmt: skip
}
_SUBJECT = {"she", "he", "they"}


@dataclass(frozen=True)
class Person:
    """The patient, as a phrase may speak of them: their pronouns (None when unknown) and
    their names (a pronoun after another person is that person's)."""

    pronouns: Pronouns | None = None
    names: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()


UNKNOWN = Person()
"""A patient whose pronouns are not known: no pronoun is changed."""


def pronouns_of(text: str | None) -> Pronouns | None:
    """'she/her' → 'she'; 'he/him' → 'he'; 'they/them' → 'they'."""
    said = set(re.findall(r"[a-z]+", (text or "").lower()))
    if said & {"she", "her", "hers"}:
        return "she"
    if said & {"he", "him", "his"}:
        return "he"
    if said & {"they", "them", "their"}:
        return "they"
    return None


def infer_pronouns(phrases: Iterable[str]) -> Pronouns | None:
    """The patient's pronouns, from phrases that can only be about the patient: a reflexive
    or a possessive in a phrase without a subject of its own ("harsh with herself"), or the
    subject of a clause about how they see themselves ("she feels a burden")."""
    counts = {"she": 0, "he": 0}
    for phrase in phrases:
        toks = tokens(phrase)
        if not toks:
            continue
        if toks[0].low in ("she", "he"):
            counts[toks[0].low] += 2
        for tok in toks:
            if tok.low in ("herself",):
                counts["she"] += 2
            elif tok.low in ("himself",):
                counts["he"] += 2
    if counts["she"] > counts["he"]:
        return "she"
    if counts["he"] > counts["she"]:
        return "he"
    return None


def _someone_else_before(text: str, at: int, person: Person, gender: str) -> bool:
    """Whether another person of a fitting gender is named before ``at`` in ``text``."""
    for tok in tokens(text[:at]):
        raw = re.sub(r"['’]s$", "", tok.text)
        low = raw.lower()
        if low in person.names:
            continue
        if low in _ANYONE or low in person.people:
            return True
        if (gender == "she" and low in _FEMALE) or (gender == "he" and low in _MALE):
            return True
        if (
            gender == "they"
            and low not in _FORMS["they"]
            and (low in PEOPLE_WORDS or low.endswith("s") and _is_noun(low))
        ):
            return True  # "people who take what they need": the people's, not the patient's
        if raw[:1].isupper() and low not in SUBJECT_PRONOUNS and not _classes(low):
            return True  # a name: "Kofi", "Dana"
    return False


_PARTICLES = frozenset("up out down off away back over in on".split())
_LETS = frozenset("help make let watch see hear have".split())
"""Verbs whose object comes before a bare verb: "helps her cope", "made her cry" (her, not hers)."""
_HER_WHOSE = frozenset("own very best worst".split())
"""Words after "her" that make it hers ("her own", "her best"), whatever else they can be."""


def _adjectives_then_noun(text: str, toks: Sequence[Token], j: int) -> bool:
    """Whether the adjectives from ``toks[j]`` on, joined by commas, slashes, brackets, "and" or
    "or" ("sad, lonely", "emotional and physical"), end in a noun ("childhood")."""
    while j + 1 < len(toks):
        if text[toks[j].end : toks[j + 1].start].strip() not in ("", ",", "/", "(", ")", ")(", ") ("):
            return False
        following = toks[j + 1]
        if following.low in ("and", "or") or (_is_adjective(following.text) and not _is_noun(following.text)):
            j += 1
            continue
        return _is_noun(following.text)
    return False


def second_person(text: str, person: Person) -> str:
    """``text`` with the patient's pronouns in the second person, verbs agreeing."""
    if person.pronouns is None:
        return text
    forms = _FORMS[person.pronouns]
    quoted = _quoted_spans(text)
    toks = tokens(text)
    edits: list[Edit] = []
    subject_you = False
    for i, tok in enumerate(toks):
        low = tok.low
        if _in(quoted, tok.start):
            continue
        gender = person.pronouns
        is_her = person.pronouns == "she" and low == "her"
        if low not in forms and not is_her:
            if subject_you and low in ("and", "or", "then", "but"):
                k = _skip_adverbs(toks, i + 1)
                if k < len(toks) and _verb_tags(toks[k].low) & {"VBZ"} and not _in(quoted, toks[k].start):
                    edits.append(
                        (toks[k].start, toks[k].end, _match_case(base_form(toks[k].low), toks[k].text))
                    )
                continue
            if low in SUBJECT_PRONOUNS or low in PEOPLE_WORDS or low in RELATIVES or low in CLAUSE_OPENERS:
                subject_you = False
            continue
        if _someone_else_before(text, tok.start, person, gender):
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if is_her:
            glued = nxt is not None and not text[tok.end : nxt.start].strip()
            possessive = (
                glued
                and nxt is not None
                and (_is_noun(nxt.text) or _is_adjective(nxt.text) or nxt.low in _HER_WHOSE)
                and nxt.low not in PREPOSITIONS
                and nxt.low not in CONJUNCTIONS
            )
            if possessive and nxt is not None and i > 0 and base_form(toks[i - 1].low) in _LETS:
                # "helps her cope.", "made her cry with rage": a bare verb that ends the clause
                # or takes a preposition (not "lets her anger out", "had her hair cut")
                then = toks[i + 2] if i + 2 < len(toks) else None
                ends = then is None or bool(text[nxt.end : then.start].strip())
                ends = ends or (then is not None and then.low in PREPOSITIONS and then.low not in _PARTICLES)
                possessive = not ("VB" in _verb_tags(nxt.low) and ends)
            if possessive and nxt is not None and not _is_noun(nxt.text) and nxt.low not in _HER_WHOSE:
                # "her angry outbursts", "her sad, lonely childhood" (hers) but "kept her awake",
                # "made her angry and sad": adjectives with no noun after them say what she is,
                # so "her" is her (a word that may be a noun too, "her upset", stays hers)
                possessive = _adjectives_then_noun(text, toks, i + 1)
            new = "your" if possessive else "you"
        elif low == "his" and (nxt is None or text[tok.end : nxt.start].strip()):
            new = "yours"
        else:
            new = forms[low]
        edits.append((tok.start, tok.end, _match_case(new, tok.text)))
        if low in _SUBJECT:
            subject_you = True
            k = _skip_adverbs(toks, i + 1)
            if k < len(toks) and not _in(quoted, toks[k].start):
                verb = toks[k]
                if person.pronouns != "they" and (_verb_tags(verb.low) & {"VBZ"} or verb.low in (
                    "is", "was", "has", "does", "doesn't", "isn't", "wasn't", "hasn't")):  # fmt: skip
                    edits.append((verb.start, verb.end, _match_case(base_form(verb.low), verb.text)))
                elif verb.low in ("was", "wasn't"):
                    edits.append((verb.start, verb.end, "were" if verb.low == "was" else "weren't"))
        elif low in ("she's", "he's"):
            subject_you = True
    return apply_edits(text, edits)
