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

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from letterkit.keys import load_key as load_key  # the pseudonym key, for callers of redact_data
from letterkit.review.identifiers import (
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
    fold,
    nhs_number_valid,
)
from letterkit.review.pseudonyms import Kept, Pseudonymiser

__all__ = [
    "COMMON_WORDS",
    "DATES",
    "DOB",
    "EMAILS",
    "FIRST_NAMES",
    "Kept",
    "NAMES",
    "NHS",
    "NI",
    "PHONES",
    "POSTCODES",
    "POSTCODE_AREAS",
    "Pseudonymiser",
    "Redaction",
    "SURNAMES",
    "TITLES",
    "fold",
    "load_key",
    "nhs_number_valid",
    "people_in",
    "redact_data",
]


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
