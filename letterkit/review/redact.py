"""Pseudonymised copies of letters, for supervision and teaching.

Every named person (the patient, the therapist, the letter's ``people`` and any names given)
is replaced by a stable pseudonym, the same in every field and in every draft: pseudonyms
are derived with HMAC-SHA256 from a secret key kept apart from the copy, owner-only, in the
user's configuration folder (created on first use). NHS numbers, dates of birth, phone
numbers, e-mail addresses and UK postcodes are removed, and dates become month and year.

This is pseudonymisation, not anonymisation: the copy is still personal data, and the
clinician must read it before sharing it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from letterkit.errors import LetterkitError
from letterkit.files import ensure_dir, write_atomic

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

_NHS = re.compile(r"(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?(?:[\s-]?\d{3,4}){1,2}(?!\d)"
)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_DOB = re.compile(
    r"(?i)\b(?:date of birth|d\.?o\.?b\.?|born(?: on)?)\s*:?\s*"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{4}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})"
)
_DATE_WORDS = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+((?:{_MONTHS})\.?\s+\d{{4}})\b")
_DATE_SLASH = re.compile(r"\b\d{1,2}[/.](\d{1,2})[/.](\d{4})\b")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-\d{2}\b")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_TITLES = re.compile(r"^(?:dr|mr|mrs|ms|miss|mx|prof|professor|rev)\.?\s+", re.IGNORECASE)


def nhs_number_valid(digits: str) -> bool:
    """The NHS number modulus-11 check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def config_dir() -> Path:
    """letterkit's per-user configuration folder ($LETTERKIT_CONFIG_DIR, else XDG)."""
    explicit = os.environ.get("LETTERKIT_CONFIG_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "letterkit"


KEY_FILE = "pseudonym.key"


def read_key(name: str = KEY_FILE, folder: Path | None = None) -> bytes | None:
    """A key kept in letterkit's configuration folder, or None if it does not exist yet."""
    path = (folder or config_dir()) / name
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if len(key) < 16:
            raise ValueError(f"it holds {len(key)} bytes; a key has at least 16")
        return key
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise LetterkitError(
            f"{path}: the {name.removesuffix('.key')} key cannot be read ({error})"
        ) from None


def load_key(folder: Path | None = None, name: str = KEY_FILE) -> bytes:
    """A key (the pseudonym key unless named), created owner-only on first use."""
    folder = folder or config_dir()
    key = read_key(name, folder)
    if key is not None:
        return key
    ensure_dir(folder)
    try:
        write_atomic(folder / name, secrets.token_hex(32) + "\n", replace=False)
    except LetterkitError:
        pass  # another process created it first: use theirs
    key = read_key(name, folder)
    if key is None:
        raise LetterkitError(
            f"{folder / name}: the key could not be created; check that the folder can be written to"
        )
    return key


@dataclass
class Redaction:
    data: dict[str, Any]
    replaced: Counter[str] = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)

    def summary(self) -> list[str]:
        return [f"{category}: {count}" for category, count in sorted(self.replaced.items())]


class Pseudonymiser:
    """Stable pseudonyms for people's names, and removal of other identifiers from text."""

    def __init__(self, key: bytes, names: Iterable[str]) -> None:
        self.key = key
        self.replacements: dict[str, str] = {}
        names = list(names)
        self.originals = {part.lower() for name in names for part in name.split()}
        for name in names:
            self._add(name)
        # Longest first, so that "Peter Hale" is replaced before "Peter".
        ordered = sorted(self.replacements, key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in ordered) + r")(?!\w)", re.IGNORECASE)
            if ordered
            else None
        )
        self.lookup = {k.lower(): v for k, v in self.replacements.items()}

    def pseudonym(self, name: str) -> tuple[str, str]:
        """A first name and surname for ``name``: the same for the same key, never a real part."""
        base = " ".join(name.lower().split())
        for attempt in range(64):
            digest = hmac.new(self.key, f"{base}#{attempt}".encode(), hashlib.sha256).digest()
            first, last = FIRST_NAMES[digest[0] % len(FIRST_NAMES)], SURNAMES[digest[1] % len(SURNAMES)]
            if first.lower() not in self.originals and last.lower() not in self.originals:
                return first, last
        return "Person", f"{int.from_bytes(digest[:2], 'big'):04X}"

    def _add(self, raw: str) -> None:
        name = _TITLES.sub("", " ".join(raw.split()))
        if not name:
            return
        first, last = self.pseudonym(name)
        parts = name.split()
        self.replacements.setdefault(name, f"{first} {last}" if len(parts) > 1 else first)
        if len(parts) > 1:
            self.replacements.setdefault(parts[0], first)
            self.replacements.setdefault(parts[-1], last)
            for middle in parts[1:-1]:  # middle names are names too
                self.replacements.setdefault(middle, self.pseudonym(middle)[0])

    def text(self, value: str, counts: Counter[str]) -> str:
        # Patterns first, names last: a name can also be a month ("April was born on 3 April 1979").
        value = _sub(_EMAIL, value, "[email removed]", counts, "e-mail addresses")
        value = _sub(_DOB, value, "[date of birth removed]", counts, "dates of birth")

        def nhs(match: re.Match[str]) -> str:
            if nhs_number_valid("".join(match.groups())):
                counts["NHS numbers"] += 1
                return "[NHS number removed]"
            return match.group()

        value = _NHS.sub(nhs, value)
        value = _sub(_PHONE, value, "[phone number removed]", counts, "phone numbers")
        value = _sub(_POSTCODE, value, "[postcode removed]", counts, "postcodes")
        value = _generalise_dates(value, counts)
        if self.pattern is not None:

            def swap(match: re.Match[str]) -> str:
                counts["names"] += 1
                return self.lookup[match.group(1).lower()]

            value = self.pattern.sub(swap, value)
        return value


def _sub(pattern: re.Pattern[str], value: str, replacement: str, counts: Counter[str], category: str) -> str:
    result, n = pattern.subn(replacement, value)
    if n:
        counts[category] += n
    return result


def _generalise_dates(value: str, counts: Counter[str]) -> str:
    def words(match: re.Match[str]) -> str:
        counts["dates generalised"] += 1
        return match.group(1)

    def slash(match: re.Match[str]) -> str:
        month = int(match.group(1))
        if not 1 <= month <= 12:
            return match.group()
        counts["dates generalised"] += 1
        return f"{_MONTH_NAMES[month - 1]} {match.group(2)}"

    def iso(match: re.Match[str]) -> str:
        month = int(match.group(2))
        if not 1 <= month <= 12:
            return match.group()
        counts["dates generalised"] += 1
        return f"{match.group(1)}-{match.group(2)}"

    value = _DATE_WORDS.sub(words, value)
    value = _DATE_SLASH.sub(slash, value)
    return _DATE_ISO.sub(iso, value)


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

    def walk(value: Any, key_name: str = "") -> Any:
        if isinstance(value, dict):
            return {k: walk(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key_name) for v in value]
        if isinstance(value, str):
            if key_name == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                counts["dates generalised"] += 1
                return value.strip()[:7]
            return pseudo.text(value, counts)
        return value

    return Redaction(walk(data), counts, dict(pseudo.replacements))
