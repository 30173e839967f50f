"""Names and pseudonyms: finding the letter's people (and its identifiers) in a text and
replacing them with stable pseudonyms derived from a secret key.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from letterkit.review.identifiers import (
    _A_OR_I_BEFORE,
    _ADDRESS_AFTER,
    _ADDRESS_BEFORE,
    _DATE_NUMBERS_RE,
    _DATE_WORDS_RE,
    _DOB_CONTEXT,
    _EMAIL_RE,
    _HANDLE,
    _INITIALS_BEFORE,
    _MONTH_BEFORE,
    _MONTH_NAMES,
    _MONTH_NUMBER,
    _NHS_CONTEXT,
    _NHS_RE,
    _NI_RE,
    _NOT_PLACES,
    _OUTWARD_RE,
    _PHONE_RE,
    _POSTCODE_RE,
    _PRIORITY,
    _PRONOUN_AFTER,
    _QUESTION_BEFORE,
    _TITLE_BEFORE,
    _WORD,
    _YEAR_AFTER,
    COMMON_WORDS,
    DATES,
    DOB,
    EMAILS,
    FIRST_NAMES,
    NAMES,
    NHS,
    NI,
    PHONES,
    POSTCODE_AREAS,
    POSTCODES,
    SURNAMES,
    TITLES,
    _full_year,
    _joined,
    _original_span,
    _overlaps,
    _phone_end,
    _sentence_start,
    fold,
    nhs_number_valid,
)


@dataclass(frozen=True)
class Kept:
    """Something that looked like an identifier but was kept, for the clinician to check."""

    kind: str  # "name", "NHS number", "postcode"
    text: str  # as written in the letter
    where: str  # the field: "background", "changes[2]"
    reason: str


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


def _adjacent(text: str, left: _Hit, right: _Hit) -> bool:
    gap = text[left.end : right.start]
    return 0 < len(gap) <= 2 and gap.isspace() and "\n" not in gap


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
