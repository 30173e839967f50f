"""``notes-style``: a field typed as notes ("inadequate, a disappointment", "rows with Dana")
rather than as sentences to the patient.

A text reads as notes when at least two of these hold: it has no verb (a text that starts
with one, "Keeping busy …", "To rest …", has one), it starts in lower case, and it never speaks to the
patient or from the therapist (no you, your, I, we…). A sentence to the patient ("You often
feel second best.") has none of them; a capitalised note with a verb ("Went back to work.")
has one, and passes. The referral's reason is not checked: it is a phrase by nature, and
letterkit always frames it ("… because of low mood").

The pattern, the referral's reason and the coping strategies are framed by letterkit ("You
often see yourself as …"), so notes there are only ``info``: the letter reads, but the
therapist may want to write the sentence themselves. Elsewhere (the background, the lists,
the ending…) the notes are printed as typed: a ``warning``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from letterkit.model.fields import FieldPath, dotted
from letterkit.review.fields import Locator
from letterkit.review.findings import Finding

__all__ = ["FRAMED", "looks_like_notes", "notes_style"]

FRAMED: tuple[FieldPath, ...] = (
    ("ipaf", "self"),
    ("ipaf", "other"),
    ("ipaf", "protects"),
    ("ipaf", "reversal"),
    ("ipaf", "internalised"),
)
"""Fields letterkit frames in a sentence of its own when they are typed as notes (the coping
strategies and their costs too)."""

_ADDRESS = re.compile(r"(?i)(?<![\w'’])(?:you|your|yours|yourself|i|me|my|we|us|our)(?![\w'’])")
_VERBS = set(
    """is are was were be been being am isn't aren't wasn't weren't has have had hasn't haven't
    do does did don't doesn't didn't can can't cannot could couldn't will won't would wouldn't
    may might must should shall feel feels felt say says said see sees saw go goes went get gets
    got make makes made take takes took keep keeps kept come comes came know knows knew think
    thinks thought find finds found give gives gave tell tells told seem seems become becomes
    became leave leaves left want wants need needs try tries look looks let lets begin began
    begins start starts stop stops live lives work works help helps hope hopes fear fears
    notice notices agree agrees expect expects struggle struggles manage manages cope copes""".split()
)
_PASSING = re.compile(r"[A-Za-z][a-z]{2,}ed$")
"""Regular past forms ("noticed", "started"): a verb whatever the word list says."""
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’]*")
_LEAD = "‘“\"'*_(["


def looks_like_notes(text: str) -> list[str]:
    """Why ``text`` reads as notes (two reasons or more), or an empty list if it reads as
    sentences."""
    stripped = text.strip()
    words = _WORDS.findall(stripped)
    if not words:
        return []
    reasons = []
    gerund = words[0].lower().endswith("ing") and len(words[0]) > 4  # "Keeping busy"
    infinitive = words[0].lower() == "to" and len(words) > 1  # a goal: "To rest without …"
    if not (gerund or infinitive) and not any(w.lower() in _VERBS or _PASSING.match(w) for w in words):
        reasons.append("it has no verb")
    first = stripped.lstrip(_LEAD)[:1]
    if first.islower():
        reasons.append("it starts in lower case")
    if not _ADDRESS.search(stripped):
        reasons.append("it never says 'you' or 'I'")
    return reasons if len(reasons) >= 2 else []


def notes_style(
    path: FieldPath,
    value: str,
    where: Locator,
    called: str,
    patients_own: Sequence[tuple[int, int]] = (),
) -> list[Finding]:
    """A finding if the field reads as notes (not for text the patient wrote themselves)."""
    if any(s <= 0 and len(value.rstrip()) <= e for s, e in patients_own):
        return []
    reasons = looks_like_notes(value)
    if not reasons:
        return []
    framed = path in FRAMED or (path[:1] == ("coping_strategies",))
    shown = " ".join(value.split())
    shown = shown if len(shown) <= 40 else shown[:37].rstrip() + " …"
    why = " and ".join([", ".join(reasons[:-1]), reasons[-1]] if len(reasons) > 1 else reasons)
    if framed:
        message = (
            f"'{shown}' reads as notes ({why}): letterkit puts it in a sentence of its own — read "
            f"it in the letter, or write it as a sentence to {called}"
        )
    else:
        message = (
            f"'{shown}' reads as notes ({why}) and is printed as typed — write it as a sentence "
            f"to {called} ('You …')"
        )
    return [
        Finding(
            where.file,
            where.key_line(path),
            dotted(path),
            "info" if framed else "warning",
            "notes-style",
            message,
        )
    ]
