"""A sentence to the patient for a field that reads as notes or speaks about them, where
letterkit can make one: the editor offers it at the field, and the therapist takes it or
rewrites the field themselves.

Each sentence or item of the field (split at full stops and semicolons) is turned to the
patient: a verb phrase without a subject ("Works nights", "Struggles to say no to her
mother") becomes "You work nights", "You struggle to say no to your mother"; the patient's
name or "the patient" as the subject becomes "you" ("Sam lives with Dana" → "You live with
Dana"); the patient's pronouns become "you", with agreement ("She feels that…" → "You feel
that…"). A part letterkit cannot turn (a noun phrase, "low mood") means no suggestion: the
field is left to the therapist.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from letterkit.compose.phrases import (
    Person,
    analyse,
    infer_pronouns,
    lower_first,
    pronouns_of,
    second_person,
    verb_rewrite,
    verb_tags,
)
from letterkit.model.fields import FieldPath, dotted, text_paths

__all__ = ["person_in", "suggestion", "suggestion_at"]

_PARTS = re.compile(r"(?<=[.!?;])\s+|;\s*|\n+")
_THE_PATIENT = r"(?:the patient|the client|pt|client|patient)"


def person_in(data: Mapping[str, Any]) -> Person:
    """The patient of a letter being written (any shape): their pronouns, given or inferred
    from the pattern's phrases, and their names."""
    patient = data.get("patient") if isinstance(data.get("patient"), Mapping) else {}
    ipaf = data.get("ipaf") if isinstance(data.get("ipaf"), Mapping) else {}
    assert isinstance(patient, Mapping) and isinstance(ipaf, Mapping)
    given = patient.get("pronouns")
    phrases = [str(ipaf.get(k) or "") for k in ("self", "reversal", "internalised")]
    pronouns = pronouns_of(given if isinstance(given, str) else None) or infer_pronouns(phrases)
    names = {
        w.lower()
        for n in (patient.get("name"), patient.get("preferred_name"))
        if isinstance(n, str)
        for w in n.split()
    }
    return Person(pronouns, frozenset(names))


def suggestion_at(data: Mapping[str, Any], section: str) -> str | None:
    """The suggestion for the text field at ``section`` (its dotted path) of a letter's data."""
    for path in text_paths(data):
        if dotted(path) == section:
            value = _at(data, path)
            return suggestion(value, person_in(data)) if isinstance(value, str) else None
    return None


def _at(data: Any, path: FieldPath) -> Any:
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, Mapping):
            data = data.get(part)
        else:
            return None
    return data


def suggestion(value: str, person: Person) -> str | None:
    """``value`` as sentences to the patient, or None where letterkit cannot make them."""
    parts = [p.strip() for p in _PARTS.split(value.strip()) if p and p.strip(" .;")]
    if not parts:
        return None
    made = []
    for part in parts:
        sentence = _to_patient(part.strip().rstrip(".;").strip(), person)
        if sentence is None:
            return None
        made.append(sentence[:1].upper() + sentence[1:] + ("" if sentence.endswith(("?", "!")) else "."))
    out = " ".join(made)
    return out if out != value.strip() else None


def _to_patient(text: str, person: Person) -> str | None:
    names = "|".join(re.escape(n) for n in sorted(person.names, key=len, reverse=True) if len(n) > 1)
    subject = re.match(
        rf"(?i)^(?:{_THE_PATIENT}{'|' + names if names else ''})(?P<own>['’]s)?\s+(?P<rest>.+)$", text
    )
    if subject:
        rest = subject.group("rest")
        if subject.group("own"):
            return second_person("your " + rest, person)
        return _verb_phrase(rest, person)
    shape = analyse(text)
    if shape.kind in ("verb", "noun"):
        return _verb_phrase(text, person)
    if shape.kind in ("sentence", "clause"):
        turned = second_person(text, person)
        return turned if turned != text else None
    return None


def _verb_phrase(text: str, person: Person) -> str | None:
    """A verb phrase with no subject, with "you" as its subject; None if it is not one."""
    words = text.split()
    if len(words) < 2:
        return None
    shape = analyse(text)
    first = words[0].lower().strip(",")
    if shape.kind == "verb" and shape.verb_form in ("VBD", "MD", "VB"):
        return second_person("you " + lower_first(text), person)
    if (shape.kind == "verb" and shape.verb_form == "VBZ") or "VBZ" in verb_tags(first):
        return second_person("you " + verb_rewrite(lower_first(text), "VB"), person)
    return None
