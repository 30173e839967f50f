"""The shape of a phrase as a clinician types it: a sentence, a clause, a verb phrase in one of
its forms, an adjective or noun phrase, or a list of those (see ``letterkit.compose.phrases``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from letterkit.compose.phrase_words import (
    _ADDRESS,
    _ANYONE,
    _FEMALE,
    _MALE,
    _OBJECT_STARTS,
    _PARTICLES,
    _TERMINAL,
    ADVERBS,
    CLAUSE_OPENERS,
    CONJUNCTIONS,
    DETERMINERS,
    MODALS,
    PEOPLE_WORDS,
    PREPOSITIONS,
    RELATIVES,
    SUBJECT_PRONOUNS,
    SUBORDINATORS,
    Kind,
    Token,
    VerbForm,
    _between,
    _classes,
    _is_adjective,
    _is_noun,
    _lemmas,
    _verb_tags,
    split_items,
    tokens,
)

# --------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class PhraseShape:
    """How a phrase was typed.

    ``kind``: ``sentence`` (a capital, closing punctuation, and a subject with its verb),
    ``clause`` (its own subject: "people get fed up with you", "she feels a burden"),
    ``verb`` (a verb phrase without a subject: ``verb_form`` VBZ "becomes …", VB "become …",
    VBD "stopped sleeping", MD "can be hard on herself"), ``ing`` ("keeping busy"),
    ``adjective`` ("exhausted, on edge"), ``noun`` ("a spare part"), ``list`` (items of
    mixed shapes, ``items`` says which) or ``unknown``.
    """

    kind: Kind
    verb_form: VerbForm | None = None
    upper: bool = False
    ends: bool = False
    items: tuple[Kind, ...] = field(default_factory=tuple)


def _skip_adverbs(toks: Sequence[Token], i: int) -> int:
    while i < len(toks) and toks[i].low in ADVERBS:
        i += 1
    return i


def _finite_at(toks: Sequence[Token], i: int, *, plural: bool = True, strict: bool = False) -> bool:
    """Whether a finite verb (or a modal) starts at ``toks[i]`` (adverbs skipped)."""
    i = _skip_adverbs(toks, i)
    if i >= len(toks):
        return False
    word = toks[i].low
    if word in MODALS or word in ("is", "are", "was", "were", "am", "has", "have", "had", "do", "does", "did",
                                  "isn't", "aren't", "wasn't", "weren't", "doesn't", "don't", "didn't"):  # fmt: skip
        return True
    tags = _verb_tags(word)
    if word in DETERMINERS or word in PREPOSITIONS or word in RELATIVES:
        return False
    if strict and "NOUN" in _classes(word):
        # "spare part", "second best", "money worries": a noun after a noun
        if not tags & {"VBZ", "VBD"} or i == len(toks) - 1:
            return False
    return bool(tags & ({"VBZ", "VBD", "VB"} if plural else {"VBZ", "VBD"}))


def _np_word(tok: Token) -> bool:
    if tok.low in RELATIVES or tok.low in SUBJECT_PRONOUNS or tok.low in CLAUSE_OPENERS:
        return False
    classes = _classes(tok.low)
    return bool(classes & {"NOUN", "ADJ", "PROPN"}) or not classes and tok.text[:1].isupper()


def _subject_end(text: str, toks: Sequence[Token], at: int = 0) -> int | None:
    """The index after a subject at ``toks[at]`` (a pronoun, a name, "people", a short noun
    phrase) followed by its finite verb, or None when the phrase does not start with one."""
    if at >= len(toks):
        return None
    first = toks[at]
    if first.low in SUBJECT_PRONOUNS or first.low in PEOPLE_WORDS:
        nxt = at + 1
        if nxt < len(toks) and toks[nxt].low not in RELATIVES and _finite_at(toks, nxt, plural=True):
            return nxt
        return None
    i = at + 1 if first.low in DETERMINERS else at
    if i == at:
        name = first.text[:1].isupper() and not _lemmas(first.low)
        kin = first.low in _FEMALE or first.low in _MALE or first.low in _ANYONE
        if not (name or kin):
            return None  # "panic attacks at work", "money worries": a noun phrase
    start = i
    while i < len(toks) and i - start < 4:
        word = toks[i]
        if i > start and _between(text, toks[i - 1], word).strip():
            break  # a comma: the subject ends
        if not _np_word(word) or word.low in MODALS:
            break
        i += 1
        if i < len(toks) and not _between(text, word, toks[i]).strip() and toks[i].low not in RELATIVES:
            plural = word.low.endswith("s") or word.low in PEOPLE_WORDS
            if _finite_at(toks, i, plural=plural, strict=True) and not _participle_end(toks, i):
                return i
    return None


def _participle_end(toks: Sequence[Token], i: int) -> bool:
    """ "mornings lost": a noun with a participle and nothing after it is a noun phrase."""
    return i == len(toks) - 1 and bool(_verb_tags(toks[i].low) & {"VBN"})


def _word_kind(toks: Sequence[Token], i: int, text: str) -> tuple[Kind, VerbForm | None]:
    """The shape of a subjectless phrase starting at ``toks[i]``."""
    word = toks[i]
    low = word.low
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    gap = _between(text, word, nxt).strip() if nxt else ""
    if low in MODALS:
        return "verb", "MD"
    if low in DETERMINERS or low in PEOPLE_WORDS:
        return "noun", None
    if low in PREPOSITIONS:
        return "adjective", None  # "on edge", "in the way": said of a person, as an adjective is
    tags = _verb_tags(low)
    classes = _classes(low)
    if low.endswith("ing") and tags & {"VBG"}:
        return "ing", None
    if "VBZ" in tags:
        noun_too = "NOUN" in classes
        if not noun_too:
            return "verb", "VBZ"
        # "snaps at Kofi" (a verb), "rows with Dana" (a noun)
        if nxt and not gap and (classes_of_next_is_adverb(nxt) or nxt.low in _PARTICLES or nxt.low in DETERMINERS or nxt.low in ADVERBS
                                or nxt.low in ("her", "him", "herself", "himself", "them", "people", "everyone")):  # fmt: skip
            return "verb", "VBZ"
        return "noun", None
    if "VB" in tags and low in _lemmas(low).get("VERB", ()) and not classes & {"NOUN", "ADJ"}:
        return "verb", "VB"
    if (
        "VB" in tags
        and nxt is not None
        and not gap
        and (nxt.low in _OBJECT_STARTS or nxt.low.endswith("ing") and "VBG" in _verb_tags(nxt.low))
    ):
        return "verb", "VB"  # "take what they need", "risk being turned down"
    if tags & {"VBD", "VBN"} and not (classes & {"ADJ"}) and low not in ("left",):
        # "stopped sleeping" (past, with an object) or "exhausted, on edge" (a participle)
        takes_object = (
            nxt is not None
            and nxt.low not in ("whatever", "however", "whoever")
            and (
                nxt.low in DETERMINERS
                or nxt.low in _PARTICLES
                or nxt.low.endswith("ing")
                or _is_noun(nxt.text)
                or nxt.low in ("her", "him", "herself", "himself", "them", "everyone", "people")
            )
            and nxt.low not in PREPOSITIONS - _PARTICLES
        )
        if nxt and not gap and takes_object and "VBD" in tags:
            return "verb", "VBD"
        return "adjective", None
    if "ADJ" in classes:
        # "harsh inner critic" is a noun phrase; "harsh with herself" an adjective phrase
        j = i + 1
        while j < len(toks) and not _between(text, toks[j - 1], toks[j]).strip():
            if toks[j].low in PREPOSITIONS or toks[j].low in CONJUNCTIONS or toks[j].low in RELATIVES:
                break
            if toks[j].low in ("enough",):
                break
            if _is_noun(toks[j].text) and not _is_adjective(toks[j].text):
                return "noun", None
            if not _is_adjective(toks[j].text):
                if _is_noun(toks[j].text):
                    return "noun", None
                break
            j += 1
        if (
            j > i + 1
            and _is_noun(toks[j - 1].text)
            and "ADJ" not in _classes(toks[j - 1].low).difference({"NOUN"})
        ):
            return "noun", None
        return "adjective", None
    if "VB" in tags and "NOUN" not in classes:
        return "verb", "VB"
    if "NOUN" in classes or word.text[:1].isupper():
        return "noun", None
    if "VB" in tags:
        return "verb", "VB"
    if "ADV" in classes:
        return "adjective", None
    return "unknown", None


def classes_of_next_is_adverb(tok: Token) -> bool:
    classes = _classes(tok.low)
    return "ADV" in classes and "NOUN" not in classes


_FINITE_AFTER_SUBJECT = frozenset(
    "is was are were has had does did isn't wasn't aren't weren't hasn't hadn't doesn't didn't".split()
)
_TAKES_PARTICIPLE = frozenset("be get feel become seem look go keep stay have".split())
_OBJECT_PRONOUNS = frozenset("you your yourself it me them us him her everything things".split())
_AUXILIARIES = frozenset(
    "is was are were be been being am has have had do does did get gets got getting".split()
)
_BE_OR_GET = frozenset("be been being is was are were am get gets got getting gotten".split())
_LIGHT_VERBS = frozenset("be get feel make keep stay look seem do have go take give".split())


def _infinitive(word: Token) -> bool:
    """Whether ``word`` after "to" is a verb ("to be liked", "to feel safe"), not a place or a
    thing ("to the gym", "to work")."""
    if word.low in DETERMINERS or "VB" not in _verb_tags(word.low):
        return False
    return word.low in _LIGHT_VERBS or "NOUN" not in _classes(word.low)


_NOMINATIVE = frozenset("i he she we they".split())
"""Pronouns that can only be a subject ("it" and "you" can be objects: "thinking about it")."""
_WH_WORDS = frozenset("what whatever how why whether whoever wherever".split())
_TAKES_A_CLAUSE = frozenset(
    "check pretend think believe feel know say tell hope wish imagine assume insist ensure "
    "make show prove act decide promise expect suppose convince reassure remind worry".split()
)
"""Verbs whose object can be a clause without "that" ("checking things were done right",
"pretending everything was fine"): a finite verb after them is the clause's, not a main one."""


def _gerund_subject(text: str, toks: Sequence[Token], at: int) -> bool:
    """Whether an -ing phrase at ``toks[at]`` is the subject of a verb of its own ("Keeping busy
    helps you cope", "Drinking made it worse", "Going out was hard"), so the whole is a
    sentence, not a way of doing something. Only the main clause counts: a subordinate word
    ("before they could leave you out"), a wh-word ("doing what mum wanted"), a conjunction, a
    pronoun or a comma ends the search, a relative clause's verb is passed over ("being the one
    who copes is exhausting"), and after a verb that takes a clause
    ("checking things were done right") only a verb past a preposition counts ("thinking about
    it made things worse"); a word that may be a plural noun ("lists", "walks") counts only before a
    pronoun ("helps you"), and a participle after "being", "getting"… ("Being let down") is
    not a verb of its own."""
    lemma = next(iter(_lemmas(toks[at].low).get("VERB", ())), "")
    clause_object = lemma in _TAKES_A_CLAUSE  # until a preposition: "thinking about it made…"
    relative = False  # inside "who copes": its verb is passed over ("being the one who copes is…")
    group = False  # inside the relative clause's verb group ("who was hurt", "might be judged")
    for i in range(at + 1, len(toks)):
        word, before = toks[i], toks[i - 1]
        if _between(text, before, word).strip() or word.low in SUBORDINATORS or word.low in _WH_WORDS:
            return False
        after = toks[i + 1] if i + 1 < len(toks) else None
        if word.low == "than" or word.low == "to" and after is not None and _infinitive(after):
            return False  # "trying to be liked", "doing more than was asked" (not "going to the gym")
        if word.low in RELATIVES:
            relative, group = True, False
            continue
        if relative:
            if word.low in MODALS or word.low in _AUXILIARIES:
                group = True  # an auxiliary: the verb group goes on ("was hurt", "might be judged")
                continue
            if group:
                if word.low in ADVERBS or word.low == "not" or _verb_tags(word.low):
                    continue  # the group's participle ("hurt", "judged", "upset")
                relative = group = False  # the group has ended: this word is looked at below
            elif _verb_tags(word.low):
                relative = False  # the clause's own verb ("copes"), passed over
                continue
            else:
                continue  # the clause's subject or an adverb ("who she trusted", "who always")
        if word.low in PREPOSITIONS:
            clause_object = False
        if clause_object:
            continue
        if word.low in CONJUNCTIONS or word.low in _NOMINATIVE:
            return False  # another clause's subject ("telling herself she was fine")
        if word.low in PEOPLE_WORDS and before.low not in PREPOSITIONS:
            return False  # "…people shout", but not "…to others"
        if word.low in MODALS or word.low in _FINITE_AFTER_SUBJECT:
            return True
        tags = _verb_tags(word.low)
        participle = before.low in _BE_OR_GET or (i == at + 1 and lemma in _TAKES_PARTICIPLE)
        if "VBD" in tags and not participle:  # "avoiding being noticed": a participle
            return True
        if "VBZ" in tags and i > at + 1 and after is not None and after.low in _OBJECT_PRONOUNS:
            return True
    return False


def _item_kind(text: str) -> tuple[Kind, VerbForm | None]:
    toks = tokens(text)
    if toks and toks[0].low in ("and", "or", "but") and len(toks) > 1:
        toks = toks[1:]
    if not toks:
        return "unknown", None
    if toks[0].low in CLAUSE_OPENERS and len(toks) > 1:
        return "clause", None
    i = _skip_adverbs(toks, 0)
    if i >= len(toks):
        return "adjective", None
    if toks[i].low in MODALS:
        return "verb", "MD"
    if _subject_end(text, toks, i) is not None:
        return "clause", None
    kind, form = _word_kind(toks, i, text)
    if kind == "ing" and _gerund_subject(text, toks, i):
        return "clause", None  # "Keeping busy helps you cope": the -ing phrase is its subject
    if kind == "ing" and re.search(r"\band\s+\w+", text):
        after = re.search(r"\band\s+(\w+)", text)
        if after and "ADJ" in _classes(after.group(1)) and "VERB" not in _classes(after.group(1)):
            return "adjective", None  # "rejecting and cold"
    return kind, form


def analyse(value: str) -> PhraseShape:
    """The shape of a field's text."""
    text = value.strip()
    first = text.lstrip("‘“\"'*_([")[:1]
    upper = bool(first) and (first.isupper() or first.isdigit())
    ends = bool(_TERMINAL.search(text))
    if first and not (first.isalnum() or first in "‘“\"'([*_"):
        return PhraseShape("unknown", None, upper, ends)  # "# heading", "<script>": not a phrase
    body = _TERMINAL.sub("", text).strip()
    parts = [body[s:e].strip() for s, e in split_items(body)]
    kinds = [_item_kind(p) for p in parts]
    if not kinds:
        return PhraseShape("unknown", None, upper, ends)
    if kinds[0][0] == "clause":
        several = len(re.findall(r"[.!?]\s+[A-Z‘“]", body)) > 0
        if upper and ends or several:
            return PhraseShape("sentence", None, upper, ends)
        return PhraseShape("clause", None, upper, ends)
    if len(re.findall(r"[.!?]\s+[A-Z‘“]", text)) > 0:
        return PhraseShape("sentence" if upper else "unknown", None, upper, ends)
    # an -ing phrase is a sentence only by a main clause of its own ("pulling back before they
    # could leave you out" is not one); a noun phrase, by any clause in it
    ing = kinds[0][0] == "ing"
    main_finite = _has_finite(parts[0], main=ing) or kinds[0][0] == "noun" and _has_finite(body)
    if upper and ends and _ADDRESS.search(body) and main_finite:
        # "Rows with your husband get worse, and afterwards you feel ashamed."
        return PhraseShape("sentence", None, upper, ends)
    # an item that only adds to the one before ("…, made worse by caring", "…, even when
    # you are worn out") is part of it
    main = [kinds[0]] + [k for p, k in zip(parts[1:], kinds[1:], strict=True) if not _adjunct(p, k)]
    names = tuple(k for k, _ in main)
    if len(set(names)) == 1:
        return PhraseShape(names[0], kinds[0][1], upper, ends, names)
    if kinds[0][0] == "verb" and all(k in ("verb", "ing", "adjective", "noun") for k in names[1:]):
        # "becomes the critical one with Kofi, ‘marking his homework like an exam’"
        return PhraseShape("verb", kinds[0][1], upper, ends, names)
    return PhraseShape("list", None, upper, ends, names)


def is_adjunct(part: str) -> bool:
    """Whether a list item only adds to the one before ("made worse by …", "even when …")."""
    return _adjunct(part, _item_kind(part))


def _adjunct(part: str, kind: tuple[Kind, VerbForm | None]) -> bool:
    toks = tokens(part)
    i = _skip_adverbs(toks, 0)
    if i < len(toks) and toks[i].low in SUBORDINATORS:
        return True
    if toks and toks[0].low in SUBORDINATORS:
        return True
    return (
        kind == ("verb", "VBD") or kind[0] == "adjective" and bool(toks) and "VBN" in _verb_tags(toks[0].low)
    )


def _has_finite(text: str, *, main: bool = False) -> bool:
    """Whether a clause (a subject and its verb) starts the text, or follows a comma or a
    conjunction in it ("…, and afterwards you feel ashamed"). ``main``: not counting a clause
    that a subordinating word opens ("pulling back before they could leave you out" has none)."""
    toks = tokens(text)
    for i, tok in enumerate(toks):
        before = toks[i - 1] if i else None
        opens = (
            before is None
            or bool(_between(text, before, tok).strip())
            or before.low in CONJUNCTIONS
            or before.low in SUBORDINATORS
            and not (main and before.low != "so")
            or before.low in ADVERBS
            or before.low in ("afterwards", "sometimes")
        )
        if opens and _subject_end(text, toks, i) is not None:
            return True
    return False
