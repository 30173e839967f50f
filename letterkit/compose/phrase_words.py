"""Word classes and inflections for reading a phrase's shape (from ``lemminflect``'s tables, read by ``word_tables``), the word
lists the reader needs, and a phrase's tokens (see ``letterkit.compose.phrases``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from letterkit.compose.word_tables import all_lemmas, verb_inflections

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


# Words for people, by the pronoun they take.
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


# --------------------------------------------------------------------------- word classes


@functools.cache
def _lemmas(word: str) -> dict[str, tuple[str, ...]]:
    return all_lemmas(word)


@functools.cache
def _inflections(lemma: str) -> dict[str, tuple[str, ...]]:
    return verb_inflections(lemma)


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
