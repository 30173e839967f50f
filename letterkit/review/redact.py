"""Pseudonymised copies of letters, for supervision and teaching.

Every named person (the patient, the therapist, the letter's ``people`` and any names given)
is replaced by a stable pseudonym, the same in every field and in every draft: pseudonyms
are derived with HMAC-SHA256 from a secret key kept apart from the copy, owner-only, in the
user's configuration folder (created on first use). NHS numbers, National Insurance numbers,
dates of birth, phone numbers, e-mail addresses and UK postcodes are removed, and dates become
month and year.

Names are matched as whole words in a folded copy of the text (accents, apostrophes, Unicode
composition and compatibility forms evened out), so "Zoe's", "Zoë’s" and a decomposed "Zoë"
are all Zoë. A name that is also an everyday word (Will, Grace, Hope, Marsh…) is replaced only
where it is used as a name; what looked like an identifier but was kept goes into the report.

Every pattern that sees the letter's text runs in linear time: each starts only where a token
starts (a negative look-behind on its own first character class) and repeats a bounded number
of times, so a 500,000-character word costs one pass.

This is pseudonymisation, not anonymisation: the copy is still personal data, and the
clinician must read it before sharing it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
import hmac
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from letterkit.keys import load_key as load_key  # the pseudonym key, for callers of redact_data

FIRST_NAMES = (
    "Alex", "Robin", "Sam", "Jordan", "Casey", "Morgan", "Jamie", "Taylor", "Charlie", "Riley",
    "Avery", "Quinn", "Rowan", "Sasha", "Drew", "Kit", "Emery", "Frankie", "Hayden", "Jesse",
    "Lee", "Marley", "Noel", "Parker", "Reese", "Sidney", "Toby", "Val", "Wren", "Ash",
)  # fmt: skip
SURNAMES = (
    "Ellis", "Hart", "Moss", "Reed", "Lane", "Brook", "Ford", "Grey", "Hale", "Kerr",
    "Lowe", "Marsh", "Nash", "Pike", "Rowe", "Shaw", "Stone", "Thorne", "Vale", "Wade",
    "Ash", "Birch", "Cole", "Dean", "Frost", "Gale", "Holt", "Kemp", "Lyle", "Penn",
)  # fmt: skip

# Titles and relations: kept (or dropped) around a name, never taken for a name themselves,
# so that `people: [Aunt Gwen]` replaces Gwen and not every "aunt".
TITLES = frozenset(
    """
    dr doctor mr mrs ms miss mx master prof professor rev revd reverend fr sir dame lady lord
    cllr councillor nurse sister brother father mother aunt auntie aunty uncle cousin great
    mum mummy mom mommy ma dad daddy pa nan nana nanna nanny gran granny grandma grandmother
    grandmum nain grandad granddad grandpa grandfather taid step stepmum stepmom stepdad
    stepmother stepfather stepbrother stepsister son daughter wife husband partner baby
    """.split()
)

# Names that are also everyday words: replaced only where they are used as names (capitalised
# and not at a sentence start, unless listed by themselves, or next to another part of the name,
# a title or an initial). Any other name is replaced wherever it stands as a whole word.
COMMON_WORDS = frozenset(
    """
    will bill bob pat sue don mark rich frank grant chase guy ray rob nick jack art max kit
    dawn eve faith hope grace joy mercy patience prudence constance charity honor honour
    chance justice destiny harmony melody trinity bliss lucky sunny rusty dusty sandy candy
    april may june august summer autumn winter spring
    amber ruby pearl jade crystal jewel ginger honey olive rose lily daisy holly ivy iris
    violet poppy hazel heather willow fern sage jasmine rosemary myrtle heath
    sky river storm rain star rocky cliff glen dale dean earl duke king prince major victor
    hunter archer baker cook cooper turner mason carter porter miller butler parker walker
    fisher shepherd smith taylor weaver thatcher page bishop knight marshall steward
    stone marsh brook brooks wood woods hill hills green brown white black grey gray young
    bell hall ward wall field fields banks bush ford cross church lane street moss reed rush
    moor vale frost snow gale hale hart fox wolf lamb bird swan crane drake finch crow hawk
    fish rice price power little long short small strong sharp sweet wise good best love
    bright gold silver steel iron clay flint bond law temple house waters well wells pool
    lake bay shore rock ridge park garden birch ash holt penn kemp nash pike rowe
    """.split()
)

# The UK's postcode areas, for outward codes standing alone ("Leeds LS6").
POSTCODE_AREAS = frozenset(
    """
    AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL
    DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY
    L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S
    SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR
    WS WV YO ZE
    """.split()
)

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTH_NUMBER = {m.lower(): i + 1 for i, m in enumerate(_MONTH_NAMES)} | {
    m[:3].lower(): i + 1 for i, m in enumerate(_MONTH_NAMES)
}
_MONTH_NUMBER["sept"] = 9

# Kinds, as counted in Redaction.replaced.
NAMES = "names"
NHS = "NHS numbers"
NI = "National Insurance numbers"
DOB = "dates of birth"
DATES = "dates generalised"
PHONES = "phone numbers"
EMAILS = "e-mail addresses"
POSTCODES = "postcodes"

# Which wins when two finds overlap with the same length (a longer find always wins).
_PRIORITY = {DOB: 0, EMAILS: 1, NI: 2, NHS: 3, PHONES: 4, POSTCODES: 5, DATES: 6, NAMES: 7}


def nhs_number_valid(digits: str) -> bool:
    """The NHS number modulus-11 check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


# --------------------------------------------------------------------------- folding


_APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`\u00b4\u2032\uff07"
_EXTRA_FOLDS = {
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th",
    "Þ": "Th", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ı": "i", "ħ": "h",
}  # fmt: skip


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _APOSTROPHES:
        return "'"
    if char in _EXTRA_FOLDS:
        return _EXTRA_FOLDS[char]
    if char in "\u2010\u2011\u2012\u2013":  # hyphens and the en dash, as in 943–476–5919
        return "-"
    decomposed = unicodedata.normalize("NFKD", char)
    # Combining marks and invisible format characters (soft hyphen, zero-width space) go.
    return "".join(c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")


def fold(text: str) -> tuple[str, list[int] | None]:
    """The text with accents, apostrophes and compatibility forms evened out, and where each
    folded character came from in ``text`` (None when every character kept its place)."""
    if text.isascii():
        return text.replace("`", "'"), None
    table = {ord(c): _fold_char(c) for c in set(text) if not c.isascii()}
    folded = text.translate(table).replace("`", "'")
    odd = [chr(c) for c, f in table.items() if len(f) != 1]  # dropped marks, ligatures
    if not odd:
        return folded, None
    starts: list[int] = []
    done = 0
    for match in re.finditer(f"[{re.escape(''.join(odd))}]", text):
        index = match.start()
        starts.extend(range(done, index))
        starts.extend([index] * len(table[ord(text[index])]))
        done = index + 1
    starts.extend(range(done, len(text)))
    return folded, starts


# --------------------------------------------------------------------------- patterns
# Each starts only at the start of a token (a look-behind refusing its own first characters)
# and every repetition is bounded: a long word is scanned once, never once per position.

_W = r"[^\W_]"  # a letter or digit (underscore is Markdown emphasis, not part of a word)
_SP = r"[ \t]"
_DIGIT_SEP = rf"(?:{_SP}{{1,3}}|{_SP}?[-./]{_SP}?)"
_NOT_AFTER_NUMBER = r"(?<!\d)(?<!\d[ \t.\-/])(?<!\d[ \t]{2})(?<!\d[ \t]{3})"
_NOT_BEFORE_NUMBER = r"(?!\d)(?![ \t]{1,3}\d)(?![ \t]?[-./][ \t]?\d)"

_NHS_RE = re.compile(
    rf"{_NOT_AFTER_NUMBER}(?<!{_W})"
    rf"(\d{{3}}){_DIGIT_SEP}?(\d{{3}}){_DIGIT_SEP}?(\d{{4}}|\d{{3}}{_DIGIT_SEP}?\d)"
    rf"{_NOT_BEFORE_NUMBER}(?!{_W})"
)
_NHS_CONTEXT = re.compile(r"(?i)\bNHS(?:[ \t]*(?:number|num|no)\.?)?(?:[ \t]+is)?[ \t]*[:#]?[ \t]*$")

_NI_RE = re.compile(
    rf"(?<!{_W})(?:[A-Z]{{2}}{_SP}?\d{{2}}{_SP}?\d{{2}}{_SP}?\d{{2}}(?:{_SP}?[A-D])?"
    rf"|[a-z]{{2}}\d{{6}}[a-d])(?!{_W})"
)

_PHONE_RE = re.compile(
    r"(?<![\w+(])(?:"
    r"(?P<intl>(?:\+|00)[ \t]?44(?:[ \t]{1,2}|[-.])?(?:\(0\)[ \t]?)?)(?P<national>\d{1,11})"
    r"|\((?P<area>0\d{1,5})\)[ \t]?\d{1,6}"
    r"|(?P<local>0\d{2,10}))"  # a number written from its leading 0 starts with 3 or more digits
    r"(?:(?:[ \t]{1,2}|[ \t]?[-.][ \t]?)\d{1,6}){0,5}"
    r"(?!\d)"
)
_PHONE_GROUP = re.compile(r"\d+")

_LOCAL = r"[\w.+%'-]{1,64}"
_AT_MARK = (
    rf"(?:{_SP}{{0,2}}@{_SP}{{0,2}}|{_SP}{{0,2}}[\[({{<]{_SP}{{0,2}}at{_SP}{{0,2}}[\])}}>]{_SP}{{0,2}})"
)
_DOT_MARK = (
    rf"(?:\.|{_SP}{{0,2}}[\[({{<]{_SP}{{0,2}}dot{_SP}{{0,2}}[\])}}>]{_SP}{{0,2}}|{_SP}{{1,2}}dot{_SP}{{1,2}})"
)
_LABEL = r"[\w-]{1,63}"
_TLDS = r"(?:com|org|net|uk|co|ac|gov|nhs|io|me|info|edu|scot|wales|ie)"
# "zoe dot obrien at …": a dot spelled out (never a plain ".", which the local part already
# takes, so that there is only one way to split it and backtracking stays bounded).
_DOT_SPELLED = (
    rf"(?:{_SP}{{0,2}}[\[({{<]{_SP}{{0,2}}dot{_SP}{{0,2}}[\])}}>]{_SP}{{0,2}}|{_SP}{{1,2}}dot{_SP}{{1,2}})"
)
_LOCAL_PARTS = rf"{_LOCAL}(?:{_DOT_SPELLED}{_LOCAL}){{0,3}}"
_EMAIL_RE = re.compile(
    rf"(?i)(?<![\w.+%'@-])(?:{_LOCAL_PARTS}{_AT_MARK}{_LABEL}(?:{_DOT_MARK}{_LABEL}){{1,6}}"
    rf"|{_LOCAL_PARTS}{_SP}{{1,2}}at{_SP}{{1,2}}{_LABEL}(?:{_SP}{{1,2}}dot{_SP}{{1,2}}{_LABEL}){{0,4}}"
    rf"{_SP}{{1,2}}dot{_SP}{{1,2}}{_TLDS})(?![\w-])"
)

_POSTCODE_RE = re.compile(
    rf"(?i)(?<!{_W})(?:GIR{_SP}{{0,2}}0AA|[A-Z]{{1,2}}\d[A-Z\d]?{_SP}{{0,2}}\d[A-Z]{{2}})(?!{_W})"
)
_OUTWARD_RE = re.compile(rf"(?<!{_W})([A-Z]{{1,2}})\d[A-Z\d]?(?!{_W})")
_ADDRESS_BEFORE = re.compile(r"(?:\b([A-Z][a-z]+),?[ \t]+|\b(?:in|at|to|from|near|around|of)[ \t]+)$")
# Capitalised words that start a sentence rather than name a place ("The M62", "Take B12").
_NOT_PLACES = frozenset(
    "the a an this that these those my your our his her their its on by via and or but take took "
    "vitamin vitamins".split()
)
_ADDRESS_AFTER = re.compile(r"^,?[ \t]+[A-Z][a-z]+\b")

_MONTHS_ALT = "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True))
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_DAY2 = r"(?P<day2>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR_WORDS = r"(?P<year>\d{4}|'?\d{2})"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?[ \t]+(?:the[ \t]+)?)?"
_DATE_WORDS_RE = re.compile(
    rf"(?i)(?<!{_W}){_WEEKDAY}(?:"
    rf"(?:the[ \t]+)?{_DAY}[ \t]+(?:of[ \t]+)?(?P<month>{_MONTHS_ALT})\.?"
    rf"|(?P<month2>{_MONTHS_ALT})\.?[ \t]+(?:the[ \t]+)?{_DAY2})"
    rf"(?:,?[ \t]+{_YEAR_WORDS})?(?!{_W})"
)
_DATE_NUMBERS_RE = re.compile(
    rf"(?<![\d/.\-])(?<!{_W})(?:(?P<iso_y>\d{{4}})-(?P<iso_m>\d{{1,2}})-(?P<iso_d>\d{{1,2}})"
    r"|(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2}))(?![\d/.\-]?\d)(?!\w)"
)
_DOB_CONTEXT = re.compile(
    r"(?i)(?:\bdate[ \t]+of[ \t]+birth|\bd\.?o\.?b\b\.?|\bborn(?:[ \t]+on)?(?:[ \t]+the)?)[ \t]*:?[ \t]*$"
)

# The name finder's context.
_INITIALS_BEFORE = re.compile(r"(?<![^\W_])((?:[A-Z]\.[ \t]?|[B-HJ-Z][ \t]){1,3})[ \t]{0,2}$")
# A month that is also a name (April, May, June, August) is the month in "April 2020",
# "3rd of May", "in June", "since August".
_YEAR_AFTER = re.compile(r",?[ \t]+(?:\d{4}|'\d{2})(?!\d)")
_MONTH_BEFORE = re.compile(
    r"(?i)(?:\d(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?|\b(?:in|since|until|till|during|last|next|early|late|mid|"
    r"this|every)[ \t]+)$"
)
_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*'?")
_A_OR_I_BEFORE = re.compile(r"(?<![^\W_])([AI][ \t])$")
_TITLE_BEFORE = re.compile(r"(?<![^\W_])([A-Za-z]{2,13})\.?[ \t]{1,2}$")
_PRONOUN_AFTER = re.compile(
    r"^[ \t]+(?:you|we|I|they|he|she|it|this|that|there|your|our|my|his|her|their|me|us|them)(?![^\W_])"
)
# Identifiers split across a line (a hard wrap) or with unusual separators: a line break next
# to a digit, "@" or "." is taken out, any other becomes a space; between two digits, spaces
# and one separator are taken out ("943 476⏎5919", "07700/900123", "peter.hale@⏎example.com").
_LINE_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")
_BETWEEN_DIGITS = re.compile(r"(?<=\d)(?:[ \t]{1,3}|[ \t]?[-./][ \t]?)(?=\d)")
_GLUE = frozenset("0123456789@.")
_HANDLE = re.compile(r"(?<![\w@.+-])@([^\W_][\w]{1,29})(?![\w@])")
_QUESTION_BEFORE = re.compile(r"(?:^|[.!?:;,\u2014\u2013\-\"'(\u201c\u2018]|\n)[ \t\"'\u201c\u2018]*$")
_GAP_BEFORE = re.compile(r"[\s\"'(\[{*_\u201c]+$")
_LIST_MARKER = re.compile(r"(?:^|\n)[ \t]*(?:[-*+]|\d{1,3}[.)])$")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Kept:
    """Something that looked like an identifier but was kept, for the clinician to check."""

    kind: str  # "name", "NHS number", "postcode"
    text: str  # as written in the letter
    where: str  # the field: "background", "changes[2]"
    reason: str


@dataclass
class Redaction:
    """A pseudonymised copy: the letter's ``data``, what was ``replaced`` (counted by kind),
    the ``names`` mapping (original to pseudonym) and what was ``kept`` though it looked like
    an identifier."""

    data: dict[str, Any]
    replaced: Counter[str] = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)
    kept: list[Kept] = field(default_factory=list)

    def summary(self) -> list[str]:
        return [f"{category}: {count}" for category, count in sorted(self.replaced.items())]

    def report(self) -> str:
        """What was replaced, by kind, and what was kept though it looked like an identifier.

        The report quotes the original letter: it is for the clinician, not for sharing."""
        lines = ["Replaced, by kind:"]
        lines += [f"  {line}" for line in self.summary()] or ["  nothing"]
        if not self.kept:
            lines.append("Kept: nothing that looked like an identifier.")
            return "\n".join(lines) + "\n"
        lines.append("Kept, though it looked like an identifier (check each one in the copy):")
        grouped: dict[tuple[str, str, str], list[str]] = {}
        for item in self.kept:
            grouped.setdefault((item.kind, item.text, item.reason), []).append(item.where)
        for (kind, text, reason), where in grouped.items():
            times = f" ({len(where)} times)" if len(where) > 1 else ""
            places = ", ".join(dict.fromkeys(where))
            lines.append(f'  {kind} "{text}"{times} in {places}: {reason}')
        lines.append("This report quotes the original letter: keep it with the original, not the copy.")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class _Find:
    start: int  # in the folded text
    end: int
    kind: str
    replacement: str


@dataclass(frozen=True)
class _Hit:
    start: int  # in the folded text
    end: int
    key: str  # the listed name's folded key


@dataclass
class _Token:
    pseudonym: str
    initial: str  # the pseudonym's initial, for an initial written before this name
    common: bool  # also an everyday word
    alone: bool  # listed by itself ("Will", "Hope"), not only as part of a longer name
    person: str  # the folded full name it belongs to


def _key(text: str) -> str:
    return " ".join(fold(text)[0].lower().split())


def _name_tokens(raw: str) -> list[str]:
    """A listed name's own words: without titles and relations, initials, or a note after a
    comma or in brackets ("Gwen (aunt)", "Gwen, her aunt")."""
    name = re.split(r"[,(]", raw, maxsplit=1)[0]
    words = [w.strip(".") for w in name.split()]
    return [w for w in words if w and w.lower() not in TITLES and not re.fullmatch(r"[A-Za-z]", w)]


class Pseudonymiser:
    """Stable pseudonyms for people's names, and removal of other identifiers from text."""

    def __init__(self, key: bytes, names: Iterable[str]) -> None:
        self.key = key
        self.replacements: dict[str, str] = {}
        self.tokens: dict[str, _Token] = {}
        self.unnamed: list[str] = []  # entries with no name in them ("Mum")
        names = list(names)
        self.originals = {_key(part) for name in names for part in _name_tokens(name)}
        self.originals |= {p for o in list(self.originals) for p in re.split(r"[-' ]", o) if p}
        for name in names:
            self._add(name)
        for token, info in list(self.tokens.items()):  # O'Brien is also written OBrien, O Brien
            if "'" in token:
                for variant in (token.replace("'", ""), token.replace("'", " ")):
                    self.tokens.setdefault(variant, info)
        # First words of names written with a space (o brien): look at the next word too.
        self.heads = {token.split(" ")[0] for token in self.tokens if " " in token}

    def pseudonym(self, name: str) -> tuple[str, str]:
        """A first name and surname for ``name``: the same for the same key, never a real part,
        and never starting with the real first name's initial (so "H. Marsh" cannot stay "H.")."""
        base = _key(name)
        initial = base[:1]
        for attempt in range(64):
            digest = hmac.new(self.key, f"{base}#{attempt}".encode(), hashlib.sha256).digest()
            first, last = FIRST_NAMES[digest[0] % len(FIRST_NAMES)], SURNAMES[digest[1] % len(SURNAMES)]
            if (
                first.lower() not in self.originals
                and last.lower() not in self.originals
                and first[0].lower() != initial
            ):
                return first, last
        return "Person", f"{int.from_bytes(digest[:2], 'big'):04X}"

    def _add(self, raw: str) -> None:
        words = _name_tokens(raw)
        if not words:
            self.unnamed.append(" ".join(raw.split()))
            return
        name = " ".join(words)
        person = _key(name)
        first, last = self.pseudonym(name)
        self.replacements.setdefault(name, f"{first} {last}" if len(words) > 1 else first)
        if len(words) == 1:
            self._token(words[0], first, first, person, alone=True)
            return
        self.replacements.setdefault(words[0], first)
        self.replacements.setdefault(words[-1], last)
        self._token(words[0], first, first, person)
        self._token(words[-1], last, first, person)
        for middle in words[1:-1]:  # middle names are names too
            other = self.pseudonym(middle)[0]
            self.replacements.setdefault(middle, other)
            self._token(middle, other, first, person)

    def _token(self, word: str, pseudonym: str, first: str, person: str, *, alone: bool = False) -> None:
        key = _key(word)
        parts = [key, *(p for p in key.split("-") if len(p) > 1)] if "-" in key else [key]
        for part in parts:
            existing = self.tokens.get(part)
            if existing is None:
                self.tokens[part] = _Token(pseudonym, first[0], part in COMMON_WORDS, alone, person)
            elif alone:
                existing.alone = True

    # ----------------------------------------------------------------------- text

    def text(self, value: str, counts: Counter[str], kept: list[Kept] | None = None, where: str = "") -> str:
        """``value`` with every identifier found replaced; counts by kind go into ``counts``,
        and what looked like an identifier but was kept into ``kept``."""
        folded, starts = fold(value)
        finds: list[_Find] = []
        doubts: list[tuple[int, int, Kept]] = []
        self._identifiers(folded, finds, doubts, where)
        joined = _joined(folded)
        if joined is not None:
            view, at = joined
            more: list[_Find] = []
            self._identifiers(view, more, [], where)
            for find in more:  # back to the folded text's places
                finds.append(_Find(at[find.start], at[find.end - 1] + 1, find.kind, find.replacement))
        self._handles(folded, finds)
        self._names(folded, finds, doubts, where)
        chosen = _choose(finds)
        taken = [(f.start, f.end) for f in chosen]
        for start, end, item in sorted(doubts, key=lambda doubt: doubt[0]):
            if not _overlaps(taken, start, end) and kept is not None:
                kept.append(item)
        if not chosen:
            return value
        out: list[str] = []
        done = 0
        for find in chosen:
            start, end = _original_span(find.start, find.end, starts, len(value))
            start = max(start, done)
            out.append(value[done:start])
            original = value[start:end]
            replacement = find.replacement
            if find.kind == NAMES and len(original) > 1 and original.isupper():
                replacement = replacement.upper()
            out.append(replacement)
            counts[find.kind] += 1
            done = end
        out.append(value[done:])
        return "".join(out)

    def _identifiers(
        self, text: str, finds: list[_Find], doubts: list[tuple[int, int, Kept]], where: str
    ) -> None:
        for match in _EMAIL_RE.finditer(text):
            finds.append(_Find(match.start(), match.end(), EMAILS, "[email removed]"))
        for match in _NI_RE.finditer(text):
            finds.append(_Find(match.start(), match.end(), NI, "[NI number removed]"))
        for match in _NHS_RE.finditer(text):
            digits = re.sub(r"\D", "", match.group())
            if nhs_number_valid(digits) or _NHS_CONTEXT.search(
                text, max(0, match.start() - 24), match.start()
            ):
                finds.append(_Find(match.start(), match.end(), NHS, "[NHS number removed]"))
            else:
                reason = "ten digits laid out like an NHS number, but the check digit is wrong"
                doubts.append((match.start(), match.end(), Kept("NHS number", match.group(), where, reason)))
        for match in _PHONE_RE.finditer(text):
            end = _phone_end(text, match)
            if end is not None:
                finds.append(_Find(match.start(), end, PHONES, "[phone number removed]"))
        for match in _POSTCODE_RE.finditer(text):
            finds.append(_Find(match.start(), match.end(), POSTCODES, "[postcode removed]"))
        for match in _OUTWARD_RE.finditer(text):
            if match.group(1) not in POSTCODE_AREAS:
                continue
            before = text[max(0, match.start() - 24) : match.start()]
            after = text[match.end() : match.end() + 24]
            place = _ADDRESS_BEFORE.search(before)
            if place is not None and (place.group(1) or "").lower() in _NOT_PLACES:
                place = None
            if place is not None or _ADDRESS_AFTER.search(after):
                finds.append(_Find(match.start(), match.end(), POSTCODES, "[postcode removed]"))
            else:
                reason = "looks like the first half of a postcode, but does not stand where an address does"
                doubts.append((match.start(), match.end(), Kept("postcode", match.group(), where, reason)))
        for match in _DATE_WORDS_RE.finditer(text):
            month = _MONTH_NUMBER[(match.group("month") or match.group("month2")).lower()]
            day = int(match.group("day") or match.group("day2"))
            self._date(text, match.start(), match.end(), day, month, match.group("year"), finds)
        for match in _DATE_NUMBERS_RE.finditer(text):
            if match.group("iso_y"):
                year, month, day = match.group("iso_y"), int(match.group("iso_m")), int(match.group("iso_d"))
                if 1 <= month <= 12 and 1 <= day <= 31:
                    self._date(text, match.start(), match.end(), day, month, year, finds, iso=True)
                continue
            day, month = int(match.group("a")), int(match.group("b"))
            if month > 12 and day <= 12:  # the American order
                day, month = month, day
            if 1 <= month <= 12 and 1 <= day <= 31:
                self._date(text, match.start(), match.end(), day, month, match.group("y"), finds)

    @staticmethod
    def _date(
        text: str,
        start: int,
        end: int,
        day: int,
        month: int,
        year: str | None,
        finds: list[_Find],
        *,
        iso: bool = False,
    ) -> None:
        context = _DOB_CONTEXT.search(text, max(0, start - 24), start)
        if context is not None:
            finds.append(_Find(context.start(), end, DOB, "[date of birth removed]"))
            return
        if year is None:  # "3 March": no year, nothing to generalise
            return
        full = _full_year(year)
        replacement = f"{full}-{month:02d}" if iso else f"{_MONTH_NAMES[month - 1]} {full}"
        finds.append(_Find(start, end, DATES, replacement))

    def _hits(self, text: str) -> list[_Hit]:
        """Listed names in ``text``: each word (letters and digits, joined by apostrophes or
        hyphens) looked up as a whole, then without a possessive 's, then part by part; a
        word and the next are tried together for names written with a space (O Brien). One
        pass and one dictionary look-up a word, however many names are listed."""
        hits: list[_Hit] = []
        tokens, heads = self.tokens, self.heads
        skip_to = -1
        for word in _WORD.finditer(text):
            key = word.group().lower()
            if key in tokens and key not in heads:  # the common case for a name: one look-up
                hits.append(_Hit(word.start(), word.end(), key))
                continue
            if word.start() < skip_to or not ("'" in key or "-" in key or key in heads):
                continue  # not a name: most words end here
            if key in heads and text[word.end() : word.end() + 1] == " ":
                following = _WORD.match(text, word.end() + 1)
                pair = f"{key} {following.group().lower()}" if following else ""
                if following is not None and pair in tokens:
                    hits.append(_Hit(word.start(), following.end(), pair))
                    skip_to = following.end()
                    continue
            found = self._lookup(key)
            if found is not None:
                hits.append(_Hit(word.start(), word.start() + len(found), found))
                continue
            if "-" in key:  # Smith-Jones, where only Jones is listed
                offset = 0
                for part in key.split("-"):
                    found = self._lookup(part)
                    if found is not None:
                        begin = word.start() + offset
                        hits.append(_Hit(begin, begin + len(found), found))
                    offset += len(part) + 1
        return hits

    def _handles(self, text: str, finds: list[_Find]) -> None:
        """Social media handles made of a listed name (``@GwenJones``, ``@gwen_jones77``)."""
        if not self.tokens:
            return
        for match in _HANDLE.finditer(text):
            parts = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", match.group(1))
            words = [self.tokens[p.lower()].pseudonym for p in parts if p.lower() in self.tokens]
            if words:
                finds.append(_Find(match.start(), match.end(), NAMES, "@" + "".join(words)))
            elif any(token in match.group(1).lower() for token in self.tokens if len(token) > 3):
                finds.append(_Find(match.start(), match.end(), NAMES, "[handle removed]"))

    def _lookup(self, key: str) -> str | None:
        if key in self.tokens:
            return key
        if key.endswith("'s") and key[:-2] in self.tokens:
            return key[:-2]  # Zoe's
        if key.endswith("'") and key[:-1] in self.tokens:
            return key[:-1]  # Jones', or a closing quote
        return None

    def _names(self, text: str, finds: list[_Find], doubts: list[tuple[int, int, Kept]], where: str) -> None:
        if not self.tokens:
            return
        hits = self._hits(text)
        for index, hit in enumerate(hits):
            token = self.tokens[hit.key]
            start, end = hit.start, hit.end
            word = text[start:end]
            initials = _INITIALS_BEFORE.search(text, max(0, start - 12), start)
            if initials is None and not token.common:  # "A O'Brien": an initial, not the article
                initials = _A_OR_I_BEFORE.search(text, max(0, start - 4), start)
            title = _TITLE_BEFORE.search(text, max(0, start - 16), start)
            titled = title is not None and title.group(1).lower() in TITLES
            beside = (index > 0 and _adjacent(text, hits[index - 1], hit)) or (
                index + 1 < len(hits) and _adjacent(text, hit, hits[index + 1])
            )
            decision = self._is_name(text, start, end, token, bool(initials) or titled or beside)
            if decision is not None:
                doubts.append((start, end, Kept("name", word, where, decision)))
                continue
            if initials is not None:
                replaced = self._initials(initials.group(1), token)
                finds.append(_Find(initials.start(1), initials.end(1), NAMES, replaced))
            finds.append(_Find(start, end, NAMES, token.pseudonym))

    def _is_name(self, text: str, start: int, end: int, token: _Token, beside: bool) -> str | None:
        """None when this is a name, else why it was judged a word."""
        word = text[start:end]
        if beside or not token.common:
            return None
        if not word[0].isupper():
            return "in lower case, read as the everyday word"
        if word.lower() in _MONTH_NUMBER and (
            _YEAR_AFTER.match(text, end, end + 8) or _MONTH_BEFORE.search(text, max(0, start - 12), start)
        ):
            return "part of a date, read as the month"
        after = text[end : end + 12]
        if (
            token.alone
            and _PRONOUN_AFTER.match(after)
            and _QUESTION_BEFORE.search(text, max(0, start - 8), start)
        ):
            return 'before a pronoun where a question starts ("Will you…"), read as the everyday word'
        if not _sentence_start(text, start):
            return None
        if after.startswith("'s") or after.startswith("'S"):
            return None
        if token.alone and not _PRONOUN_AFTER.match(after):
            return None
        if token.alone:
            return "at the start of a sentence and followed by a pronoun, read as the everyday word"
        return "at the start of a sentence, where it can be the everyday word (only part of a listed name)"

    def _initials(self, written: str, token: _Token) -> str:
        """The initials written before a name, replaced: the first by the pseudonym's own
        initial, any others by letters derived from the key, never the letter written."""
        out: list[str] = []
        first = True
        for char in written:
            if not char.isalpha():
                out.append(char)
                continue
            letter = token.initial.upper() if first else ""
            if not letter or letter == char.upper():
                digest = hmac.new(self.key, f"initial#{token.person}#{len(out)}".encode(), hashlib.sha256)
                alphabet = [c for c in "ABCDEFGHJKLMNPRSTW" if c != char.upper()]
                letter = alphabet[digest.digest()[0] % len(alphabet)]
            out.append(letter)
            first = False
        return "".join(out)


def _joined(text: str) -> tuple[str, list[int]] | None:
    """``text`` with identifiers split across lines or by separators joined up, and where each
    of its characters is in ``text``; None when nothing needs joining."""
    cuts: list[tuple[int, int, str]] = []
    for match in _LINE_BREAK.finditer(text):
        start, end = match.span()
        if start == 0 or end == len(text) or text[end] == "\n":
            continue  # a paragraph break, or the text's edge, joins nothing
        glued = text[start - 1] in _GLUE or text[end] in _GLUE
        cuts.append((start, end, "" if glued else " "))
    cuts += [(m.start(), m.end(), "") for m in _BETWEEN_DIGITS.finditer(text)]
    if not cuts:
        return None
    out: list[str] = []
    where: list[int] = []
    done = 0
    for start, end, put in sorted(cuts):
        if start < done:
            continue
        out.append(text[done:start])
        where.extend(range(done, start))
        out.append(put)
        where.extend([start] * len(put))
        done = end
    out.append(text[done:])
    where.extend(range(done, len(text)))
    return "".join(out), where


def _adjacent(text: str, left: _Hit, right: _Hit) -> bool:
    gap = text[left.end : right.start]
    return 0 < len(gap) <= 2 and gap.isspace() and "\n" not in gap


def _sentence_start(text: str, start: int) -> bool:
    """Whether a word starts a sentence, a paragraph or a list item (where any word is
    capitalised), as opposed to a line that merely wraps."""
    head = text[max(0, start - 200) : start]
    gap = _GAP_BEFORE.search(head)
    prefix, spacing = (head[: gap.start()], gap.group()) if gap else (head, "")
    if not prefix.strip() or "\n\n" in spacing.replace(" ", "").replace("\t", ""):
        return True
    if spacing and _LIST_MARKER.search(prefix):
        return True
    if prefix[-1] not in ".!?":
        return False
    before = re.search(r"([A-Za-z]+)\.$", prefix[-14:])
    if before is not None and (before.group(1).lower() in TITLES or len(before.group(1)) == 1):
        return False  # "Dr. Grace", "W. Grace": an abbreviation, not a sentence's end
    return True


def _full_year(year: str) -> int:
    digits = year.lstrip("'")
    if len(digits) == 4:
        return int(digits)
    this = dt.date.today().year
    value = 2000 + int(digits)
    return value if value <= this else value - 100


def _phone_end(text: str, match: re.Match[str]) -> int | None:
    """Where a UK phone number found by _PHONE_RE ends, or None if it is not one: 10 or 11
    digits from a leading 0, or 9 or 10 after +44."""
    international = match.group("intl") is not None
    first = match.start("national") if international else match.start()
    wanted = (9, 10) if international else (10, 11)
    count = 0
    end: int | None = None
    for group in _PHONE_GROUP.finditer(text, first, match.end()):
        count += len(group.group())
        if count in wanted:
            end = group.end()
        if count >= wanted[1]:
            break
    return end


def _choose(finds: list[_Find]) -> list[_Find]:
    """Non-overlapping finds, the longest (then the most specific) first; in text order."""
    chosen: list[_Find] = []
    taken: list[tuple[int, int]] = []
    for find in sorted(finds, key=lambda f: (f.start - f.end, _PRIORITY[f.kind], f.start)):
        if find.end <= find.start or _overlaps(taken, find.start, find.end):
            continue
        bisect.insort(taken, (find.start, find.end))
        chosen.append(find)
    return sorted(chosen, key=lambda f: f.start)


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    index = bisect.bisect_left(taken, (start, start))
    if index < len(taken) and taken[index][0] < end:
        return True
    return index > 0 and taken[index - 1][1] > start


def _original_span(start: int, end: int, starts: list[int] | None, length: int) -> tuple[int, int]:
    if starts is None:
        return start, end
    begin = starts[start]
    if end < len(starts) and starts[end] > starts[end - 1]:
        return begin, starts[end]  # takes in combining marks after the last character
    return begin, starts[end - 1] + 1 if end < len(starts) else length


# --------------------------------------------------------------------------- the letter

# Fields whose values are words from a fixed list, never free text.
_FIXED = frozenset({"kind", "status", "attachment_style", "format"})


def people_in(data: dict[str, Any], extra: Sequence[str] = ()) -> list[str]:
    names: list[str] = []
    for who in ("patient", "therapist"):
        part = data.get(who)
        if isinstance(part, dict):
            names += [str(part[k]) for k in ("name", "preferred_name") if isinstance(part.get(k), str)]
    names += [str(p) for p in data.get("people") or [] if isinstance(p, str)]
    return names + list(extra)


def redact_data(data: dict[str, Any], key: bytes, extra_names: Sequence[str] = ()) -> Redaction:
    """A pseudonymised copy of a letter's data (as parsed from its file)."""
    pseudo = Pseudonymiser(key, people_in(data, extra_names))
    counts: Counter[str] = Counter()
    kept: list[Kept] = [
        Kept("name", entry, "people", "a title or relation with no name: nothing to replace")
        for entry in pseudo.unnamed
    ]

    def walk(value: Any, where: str, key_name: str = "") -> Any:
        if isinstance(value, dict):
            return {k: walk(v, f"{where}.{k}" if where else str(k), str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, f"{where}[{i}]", key_name) for i, v in enumerate(value)]
        if isinstance(value, str) and key_name not in _FIXED:
            if key_name == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                counts[DATES] += 1
                return value.strip()[:7]
            return pseudo.text(value, counts, kept, where)
        return value

    return Redaction(walk(data, ""), counts, dict(pseudo.replacements), kept)
