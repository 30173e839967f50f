"""The shape of a phrase as a clinician types it, and the patient's pronouns turned to "you".

Before letterkit puts a field into a sentence of its own it reads the phrase's shape: a
sentence; a clause with its own subject ("people get fed up with you"); a verb phrase in the
third person ("becomes the critical one"), the base form ("become …"), with a modal ("can be
hard on herself") or in -ing ("keeping busy"); an adjective phrase ("exhausted, on edge"); a
noun phrase ("loneliness", "a spare part who is only kept around while useful"); or a list of
those. Each part of the letter then picks a frame that is grammatical for the shape
(``letterkit.compose.frames``).

Word classes and inflections come from ``lemminflect`` (which ships its data); articles from
``inflect``. Only the closed classes (determiners, prepositions, pronouns…) are listed here.

``second_person`` turns the patient's pronouns inside a framed phrase into the second person,
with agreement ("she feels" → "you feel", "her sister" → "your sister", "herself" →
"yourself"); a pronoun after another person of a fitting gender is theirs and stays, and so
does anything in quotation marks (the patient's own words).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "UNKNOWN",
    "Person",
    "PhraseShape",
    "analyse",
    "article",
    "base_form",
    "verb_tags",
    "gerund_form",
    "infer_pronouns",
    "lower_first",
    "past_form",
    "second_person",
    "split_items",
    "verb_rewrite",
]

Kind = Literal["sentence", "clause", "verb", "ing", "adjective", "noun", "list", "unknown"]
VerbForm = Literal["VBZ", "VB", "VBD", "MD"]

_WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’-]*")
_TERMINAL = re.compile(r"[.!?…][’”\"')\]*_]*\s*$")
_QUOTED = re.compile(r"‘[^’]*’|“[^”]*”|\"[^\"]*\"|(?<![A-Za-z])'[^']*'(?![A-Za-z])")

DETERMINERS = frozenset(
    "a an the this that these those my your his her their our its some any no every each another "
    "much many more most little few such other all".split()
)
SUBJECT_PRONOUNS = frozenset("i you he she they we it there".split())
PEOPLE_WORDS = frozenset(
    "people others everyone everybody nobody somebody someone anyone noone men women friends "
    "colleagues family".split()
)
CLAUSE_OPENERS = frozenset(
    "when whenever if because although though while since once unless until as".split()
)
SUBORDINATORS = CLAUSE_OPENERS | {"before", "after", "so", "even", "especially", "which"}
"""Words that start an item adding to the one before it ("…, before anyone can criticise
you", "…, even when you are worn out"), not an item of a list."""
_ADDRESS = re.compile(r"(?i)\b(?:you|your|yours|yourself|I|we|us|our|me|my)\b")
PREPOSITIONS = frozenset(
    "in on at with without for from to of by about after before into onto over under through "
    "towards toward around round like than against between among during except near off out up "
    "down away back inside outside across behind beyond upon within".split()
)
MODALS = frozenset(
    "can could may might must shall should will would cannot can't couldn't won't wouldn't "
    "mustn't shouldn't can’t couldn’t won’t wouldn’t".split()
)
ADVERBS = frozenset(
    "often always never sometimes usually still also just really rarely seldom soon even only "
    "ever then now too very quite almost already easily quickly mostly constantly".split()
)
CONJUNCTIONS = frozenset("and or but nor yet so then".split())
RELATIVES = frozenset("who whom whose which that where".split())
_OBJECT_STARTS = frozenset(
    "what how who whom whatever everyone everybody people them him her me us the a an "
    "their his my your our up out off away back down".split()
)
_PARTICLES = frozenset("up out off away back down at over into through on".split())
_MASS_ENDINGS = re.compile(
    r"(?:ness|ism|ity|tion|sion|ment|ence|ance|ship|hood|dom|ing|blame|doubt|worth|esteem|"
    r"harm|care|anger|guilt|shame|fear|grief|pain|stress|loss|work|sleep|mood)$"
)


# --------------------------------------------------------------------------- word classes


@functools.cache
def _lemmas(word: str) -> dict[str, tuple[str, ...]]:
    from lemminflect import getAllLemmas

    found: dict[str, tuple[str, ...]] = dict(getAllLemmas(word))
    return found


@functools.cache
def _inflections(lemma: str) -> dict[str, tuple[str, ...]]:
    from lemminflect import getAllInflections

    found: dict[str, tuple[str, ...]] = dict(getAllInflections(lemma, upos="VERB"))
    return found


def _verb_tags(word: str) -> set[str]:
    """The Penn tags (VB, VBZ, VBD, VBN, VBG) ``word`` can be as a verb."""
    low = word.lower().replace("’", "'")
    tags: set[str] = set()
    for lemma in _lemmas(low).get("VERB", ()) + _lemmas(low).get("AUX", ()):
        for tag, forms in _inflections(lemma).items():
            if low in forms:
                tags.add("VB" if tag == "VBP" else tag)
        if low == lemma:
            tags.add("VB")
    return tags


_ADJECTIVE_ENDINGS = re.compile(r"(?:able|ible|ous|ful|less|ive|ish|ic|al|ant|ent)$")


def verb_tags(word: str) -> set[str]:
    """The Penn tags ``word`` can be as a verb ("lives": VBZ; "went": VBD)."""
    return _verb_tags(word)


def _classes(word: str) -> set[str]:
    low = word.lower().replace("’", "'")
    found = set(_lemmas(low))
    if not found and "-" in low:
        found = set(_lemmas(low.rsplit("-", 1)[-1]))  # "self-blame": as "blame"
    if not found and low.isalpha() and len(low) > 4 and not word[:1].isupper():
        found = {"ADJ"} if _ADJECTIVE_ENDINGS.search(low) else {"NOUN"}  # "unlovable"
    return found


def _is_noun(word: str) -> bool:
    return "NOUN" in _classes(word) or "PROPN" in _classes(word)


def _is_adjective(word: str) -> bool:
    return "ADJ" in _classes(word)


def base_form(word: str) -> str:
    """'becomes' → 'become', 'is' → 'are' (the form after 'you'), 'has' → 'have'."""
    low = word.lower()
    special = {"is": "are", "was": "were", "isn't": "aren't", "wasn't": "weren't", "has": "have",
               "hasn't": "haven't", "does": "do", "doesn't": "don't", "am": "are"}  # fmt: skip
    if low.replace("’", "'") in special:
        out = special[low.replace("’", "'")]
        return out.replace("'", "’") if "’" in word else out
    if low in MODALS:
        return low
    for lemma in _lemmas(low).get("VERB", ()) + _lemmas(low).get("AUX", ()):
        return "are" if lemma == "be" else lemma
    return low


def past_form(word: str) -> str:
    """'feels' → 'felt'; 'is' (after 'you') → 'were'."""
    low = word.lower()
    if low in ("is", "am", "are"):
        return "were"
    lemma = next(iter(_lemmas(low).get("VERB", ()) + _lemmas(low).get("AUX", ())), low)
    forms = _inflections(lemma).get("VBD", ())
    return forms[0] if forms else low


def gerund_form(word: str) -> str:
    """'works' → 'working', 'become' → 'becoming'."""
    low = word.lower()
    lemma = base_form(low) if low not in ("is", "are", "was", "were", "am") else "be"
    if lemma in ("are",):
        lemma = "be"
    forms = _inflections(lemma).get("VBG", ())
    return forms[0] if forms else low


def participle_form(word: str) -> str:
    """'stopped' → 'stopped', 'took' → 'taken' (after 'had')."""
    low = word.lower()
    lemma = next(iter(_lemmas(low).get("VERB", ())), low)
    forms = _inflections(lemma).get("VBN", ())
    return forms[0] if forms else low


def article(phrase: str) -> str:
    """'harsh inner critic' → 'a harsh inner critic'; a mass noun or a plural keeps none."""
    import inflect

    words = phrase.split()
    if not words or words[0].lower() in DETERMINERS:
        return phrase
    head = re.sub(r"[^A-Za-z-]", "", words[-1]).lower()
    if not head or _MASS_ENDINGS.search(head):
        return phrase
    engine = inflect.engine()
    if engine.singular_noun(head):  # a plural: "harsh critics"
        return phrase
    return str(engine.a(phrase))


def lower_first(text: str) -> str:
    """The phrase with its first letter in lower case, unless the first word is a name, an
    acronym or 'I' (a capital typed only because notes start that way)."""
    match = _WORD.search(text)
    if not match:
        return text
    word = match.group()
    if not word[:1].isupper() or word == "I" or word.isupper() and len(word) > 1:
        return text
    if not _classes(word.lower()) or (_classes(word) == set() and not _classes(word.lower())):
        return text
    rest = word[1:]
    if any(ch.isupper() for ch in rest):
        return text
    return text[: match.start()] + word[:1].lower() + text[match.start() + 1 :]


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower().replace("’", "'")


def tokens(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _between(text: str, a: Token | None, b: Token) -> str:
    return text[a.end if a else 0 : b.start]


def split_items(text: str) -> list[tuple[int, int]]:
    """The top-level items of a list typed with commas or semicolons (outside quotes and
    brackets), as spans of ``text``."""
    spans: list[tuple[int, int]] = []
    depth = 0
    quote: str | None = None
    start = 0
    pairs = {"‘": "’", "“": "”", "(": ")", "[": "]"}
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in pairs and not (ch == "‘" and i and text[i - 1].isalpha()):
            quote = pairs[ch] if ch in "‘“" else None
            depth += ch in "(["
            continue
        if ch in ")]":
            depth = max(depth - 1, 0)
        if ch in ",;" and depth == 0:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


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
    main_finite = _has_finite(parts[0]) or kinds[0][0] == "noun" and _has_finite(body)
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


def _has_finite(text: str) -> bool:
    """Whether a clause (a subject and its verb) starts the text, or follows a comma or a
    conjunction in it ("…, and afterwards you feel ashamed")."""
    toks = tokens(text)
    for i, tok in enumerate(toks):
        before = toks[i - 1] if i else None
        opens = (
            before is None
            or bool(_between(text, before, tok).strip())
            or before.low in CONJUNCTIONS
            or before.low in SUBORDINATORS
            or before.low in ADVERBS
            or before.low in ("afterwards", "sometimes")
        )
        if opens and _subject_end(text, toks, i) is not None:
            return True
    return False


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
_FEMALE = frozenset(
    """mother mum mom mummy mam sister wife daughter aunt auntie gran granny grandmother nan nana
    girlfriend niece stepmother stepsister stepdaughter grandma woman girl lady fiancee""".split()
)
_MALE = frozenset(
    """father dad daddy brother husband son uncle grandfather grandad granddad grandpa boyfriend
    nephew stepfather stepbrother stepson man boy fiance""".split()
)
_ANYONE = frozenset(
    """partner friend boss manager colleague teacher gp doctor nurse neighbour neighbor child
    parent sibling cousin ex carer counsellor landlord landlady tutor coach supervisor
    flatmate housemate roommate classmate baby spouse mentor employer""".split()
)
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
                and (_is_noun(nxt.text) or _is_adjective(nxt.text) or nxt.low in ("own", "very"))
                and nxt.low not in PREPOSITIONS
                and nxt.low not in CONJUNCTIONS
            )
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
