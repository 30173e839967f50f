"""What redaction looks for: the name lists, the kinds of identifier, folded text and the patterns.

Every pattern that sees the letter's text runs in linear time: each starts only where a token
starts (a negative look-behind on its own first character class) and repeats a bounded number
of times, so a 500,000-character word costs one pass (see ``letterkit.review.redact``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
import unicodedata

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
