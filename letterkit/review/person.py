"""``third-person``: the letter talks about the patient ("the patient", "Peter feels", "he")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from letterkit.model.fields import dotted
from letterkit.review.fields import FieldPath, Locator, value_at
from letterkit.review.findings import Finding

__all__ = ["Patient", "patient_of", "third_person"]

_VERBS = set(
    """is was has had does did can could will would may might must should shall feels felt says
    said told tells thinks thought knows knew sees saw seems seemed came comes went goes gets got
    gave gives finds found became becomes tends wants needs tried tries describes described
    reports reported presents presented struggles struggled remains remained continues continued
    began begins started starts expects expected believes believed worries worried avoids avoided
    makes made takes took keeps kept lives lived works worked likes liked loves loved hates hated
    wishes hopes hoped fears feared agreed agrees learned learnt noticed notices spoke speaks
    stopped stops asked asks left leaves""".split()
)
_NOT_VERBS = set(
    """as us his hers its this thus plus yes less unless across perhaps always sometimes towards
    afterwards besides whereas""".split()
)
_ADVERBS = "often|sometimes|always|never|still|also|then|now|really|usually|rarely|soon|later|first|even|only"
_THE_PATIENT = re.compile(r"(?<!\w)(?:the|this|our|my)\s+(?:patient|client)s?(?:['’]s)?(?!\w)", re.IGNORECASE)
_PRONOUNS = (
    ({"he", "him", "his"}, re.compile(r"(?<!\w)(?:he|him|his|himself)(?!\w)", re.IGNORECASE)),
    ({"she", "her", "hers"}, re.compile(r"(?<!\w)(?:she|her|hers|herself)(?!\w)", re.IGNORECASE)),
)
"""Pronouns flagged when the patient's ``pronouns`` include one of the first set's words."""


@dataclass(frozen=True)
class Patient:
    """Who the letter is to: what to call them, and how a sentence might talk about them."""

    called: str
    by_name: re.Pattern[str] | None
    pronouns: tuple[re.Pattern[str], ...]


def patient_of(data: Mapping[str, Any]) -> Patient:
    def text(key: str) -> str:
        value = value_at(data, ("patient", key))
        return value.strip() if isinstance(value, str) else ""

    full, preferred, pronouns = text("name"), text("preferred_name"), text("pronouns")
    tokens = full.split()
    names = {n for n in (full, preferred, tokens[0] if tokens else "") if n}
    alternatives = [re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n))]
    if len(tokens) > 1:
        alternatives.append(r"(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+" + re.escape(tokens[-1]))
    by_name = (
        re.compile(
            rf"(?<![\w-])(?:{'|'.join(alternatives)})"
            rf"(?:(?P<possessive>['’]s)(?!\w)|\s+(?:(?:{_ADVERBS})\s+)?(?P<verb>[a-z][a-z'’]*)(?!\w))"
        )
        if alternatives
        else None
    )
    said = set(re.findall(r"[a-z]+", pronouns.lower()))
    flagged = tuple(pattern for forms, pattern in _PRONOUNS if said & forms)
    return Patient(preferred or (tokens[0] if tokens else "the patient"), by_name, flagged)


def _looks_like_verb(word: str) -> bool:
    word = word.lower()
    if word in _VERBS:
        return True
    if word in _NOT_VERBS or "'" in word or "’" in word:
        return False
    return (len(word) > 4 and word.endswith("ed")) or (
        len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))
    )


def third_person(path: FieldPath, value: str, patient: Patient, where: Locator) -> list[Finding]:
    called = patient.called
    hits: list[tuple[int, int, str]] = []
    for match in _THE_PATIENT.finditer(value):
        said = " ".join(match.group().split())
        hits.append(
            (
                match.start(),
                match.end(),
                f"'{said}' talks about {called} — write to {called} directly ('you …')",
            )
        )
    for match in patient.by_name.finditer(value) if patient.by_name else ():
        if match.group("verb") and not _looks_like_verb(match.group("verb")):
            continue
        said = " ".join(match.group().split())
        instead = "'your …'" if match.group("possessive") else "'you …'"
        hits.append(
            (
                match.start(),
                match.end(),
                f"'{said}' talks about {called} — write to {called} directly ({instead})",
            )
        )
    for pattern in patient.pronouns:
        for match in pattern.finditer(value):
            message = f"'{match.group()}' — if this means {called}, write 'you' or 'your' instead"
            hits.append((match.start(), match.end(), message))
    return [
        Finding(
            where.file,
            where.line_at(path, value, start, end),
            dotted(path),
            "warning",
            "third-person",
            message,
        )
        for start, end, message in sorted(hits)
    ]
