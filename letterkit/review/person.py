"""``third-person``: the letter talks about the patient ("the patient", "Peter feels", "he").

The patient's pronouns come from ``patient.pronouns``, or when it is not set are inferred from
the phrases that can only be about them (``letterkit.compose.phrases.infer_pronouns``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from letterkit.compose.phrases import infer_pronouns
from letterkit.model.fields import dotted
from letterkit.review.fields import FieldPath, Locator, value_at
from letterkit.review.findings import Finding

__all__ = ["Patient", "patient_of", "third_person"]

_FEMALE = set(
    """mother mum mom mummy mam sister wife daughter aunt auntie gran granny grandmother nan nana
    girlfriend niece stepmother stepsister stepdaughter grandma woman girl lady fiancee""".split()
)
_MALE = set(
    """father dad daddy brother husband son uncle grandfather grandad granddad grandpa boyfriend
    nephew stepfather stepbrother stepson man boy fiance""".split()
)
_ANYONE = set(
    """partner friend boss manager colleague teacher gp doctor nurse neighbour neighbor child
    parent sibling cousin ex carer counsellor landlord landlady tutor coach supervisor
    flatmate housemate roommate classmate baby spouse mentor employer""".split()
)
"""People a letter mentions by relation: a pronoun after one of them is likely about them."""

_STARTERS = set(
    """the this that these those you your yours we our it its in at on when whenever if
    sometimes perhaps maybe after before since because and but so there then as my a an one
    last next every over during with without though although while what how why who where
    thank thanks all some many most no not now later today yesterday tomorrow often even
    still also just only i i'm i've i'd i'll dear here let together both each""".split()
)
"""Words that often start a sentence with a capital and are not names."""

_NOT_NAMES = set(
    """i dr mr mrs ms mx miss gp nhs monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    christmas easter english british he she him her his hers they them their it we you""".split()
)

_WORD = re.compile(r"[A-Za-zÀ-ÿ][\w'’-]*")
_SENTENCE = re.compile(r"[^.!?…]+[.!?…]*")


def _others_before(value: str, start: int, patient: Patient, gender: str) -> bool:
    """Whether another person of a fitting gender is mentioned before ``start``, in the same
    sentence or the one before it: the pronoun is then most likely about them."""
    sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(value)]
    here = next((i for i, (s, e) in enumerate(sentences) if s <= start < e), len(sentences) - 1)
    lo = sentences[max(here - 1, 0)][0] if sentences else 0
    for match in _WORD.finditer(value, lo, start):
        raw = re.sub(r"['’]s$", "", match.group())
        word = raw.lower()
        if word in _ANYONE or word in patient.people:
            return True
        if (gender == "she" and word in _FEMALE) or (gender == "he" and word in _MALE):
            return True
        if not raw[:1].isupper() or word in _NOT_NAMES or word in patient.names:
            continue
        starts_sentence = not value[lo : match.start()].strip() or re.search(
            r"[.!?…:;\"“‘(]\s*$", value[: match.start()]
        )
        if not starts_sentence or word not in _STARTERS:
            return True  # a name: "Dana", "Mrs Okafor"
    return False


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
    names: frozenset[str] = frozenset()
    """The patient's own names, in lower case: never "another person"."""
    people: frozenset[str] = frozenset()
    """Other people the letter names (``people:``), in lower case."""


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
    if not pronouns:
        # unset: inferred from the phrases that can only be about the patient ("harsh with
        # herself", "she feels a burden"), so that a letter without the line is checked too

        found_ipaf, found_coping = data.get("ipaf"), data.get("coping_strategies")
        ipaf: Mapping[str, Any] = found_ipaf if isinstance(found_ipaf, Mapping) else {}
        coping: list[Any] = found_coping if isinstance(found_coping, list) else []
        phrases = [ipaf.get(k) for k in ("self", "reversal", "internalised")] + [
            c.get("strategy") for c in coping if isinstance(c, Mapping)
        ]
        pronouns = infer_pronouns(p for p in phrases if isinstance(p, str)) or ""
    said = set(re.findall(r"[a-z]+", pronouns.lower()))
    flagged = tuple(pattern for forms, pattern in _PRONOUNS if said & forms)
    own = frozenset(w.lower() for n in names for w in n.split())
    listed = data.get("people")
    people = frozenset(
        w.lower()
        for person in (listed if isinstance(listed, list) else [])
        for w in (person.split() if isinstance(person, str) else [])
    )
    return Patient(preferred or (tokens[0] if tokens else "the patient"), by_name, flagged, own, people)


def _looks_like_verb(word: str) -> bool:
    word = word.lower()
    if word in _VERBS:
        return True
    if word in _NOT_VERBS or "'" in word or "’" in word:
        return False
    return (len(word) > 4 and word.endswith("ed")) or (
        len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))
    )


def third_person(
    path: FieldPath,
    value: str,
    patient: Patient,
    where: Locator,
    patients_own: Sequence[tuple[int, int]] = (),
) -> list[Finding]:
    """Talk about the patient where the letter should talk to them.

    A he/she pronoun after another person is mentioned (by name or relation, in the same
    sentence or the one before) is about them, and is not flagged; nor is anything in
    ``patients_own``, the spans of ``value`` the patient wrote themselves.
    """
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
        gender = "he" if pattern is _PRONOUNS[0][1] else "she"
        for match in pattern.finditer(value):
            if _others_before(value, match.start(), patient, gender):
                continue
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
        if not any(s <= start and end <= e for s, e in patients_own)
    ]
