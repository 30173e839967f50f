"""``notes-style``: a field typed as notes ("inadequate, a disappointment", "rows with Dana")
rather than as sentences to the patient.

A text reads as notes when at least two of these hold: it has no verb (a text that starts
with one, "Keeping busy …", "To rest …", has one); it starts in lower case; it never speaks to
the patient (no you, your: "I", "me" and "my" are the therapist's voice, and a note in it,
"expected me to mark him", is still a note); a sentence starts with its verb, with no
subject ("Lives with partner Dana.", "Went back to work."); a sentence has no verb at all
among others that do ("Father critical."); it is a list separated by semicolons. A sentence
to the patient ("You often feel second best.") has none of them. The referral's reason is not checked: it is a phrase by nature, and
letterkit always frames it ("… because of low mood").

The pattern, the referral's reason and the coping strategies are framed by letterkit ("You
often see yourself as …"), so notes there are only ``info``: the letter reads, but the
therapist may want to write the sentence themselves. Elsewhere (the background, the lists,
the ending…) the notes are printed as typed: a ``warning``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from letterkit.compose.phrases import DETERMINERS, SUBJECT_PRONOUNS, verb_tags
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

_ADDRESS = re.compile(r"(?i)(?<![\w'’])(?:you|your|yours|yourself|yourselves|we|us|our)(?![\w'’])")
_SENTENCES = re.compile(r"[^.!?…]+[.!?…]*")
_VERBS = set(
    """is are was were be been being am isn't aren't wasn't weren't has have had hasn't haven't
    do does did don't doesn't didn't can can't cannot could couldn't will won't would wouldn't
    may might must should shall feel feels felt say says said see sees saw go goes went get gets
    got make makes made take takes took keep keeps kept come comes came know knows knew think
    thinks thought find finds found give gives gave tell tells told seem seems become becomes
    became leave leaves left want wants need needs try tries look looks let lets begin began
    begins start starts stop stops live lives work works help helps hope hopes fear fears
    notice notices agree agrees expect expects struggle struggles manage manages cope copes
    talk talks speak speaks ask asks call calls ring rings remember remembers read reads""".split()
)
_PASSING = re.compile(r"[A-Za-z][a-z]{2,}ed$")
"""Regular past forms ("noticed", "started"): a verb whatever the word list says."""
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’]*")
_LEAD = "‘“\"'*_(["


def _has_verb(words: list[str]) -> bool:
    if not words:
        return False
    gerund = words[0].lower().endswith("ing") and len(words[0]) > 4  # "Keeping busy"
    infinitive = words[0].lower() == "to" and len(words) > 1  # a goal: "To rest without …"
    request = words[0].lower() == "please" and len(words) > 1  # "Please talk to me about it."
    return gerund or infinitive or request or any(w.lower() in _VERBS or _PASSING.match(w) for w in words)


def _without_subject(sentence: str) -> bool:
    """A sentence that starts with a verb in the third person or the past, with no subject:
    "Lives with partner Dana.", "Expected me to mark him." (an order, "Take care.", is not)."""
    first = _WORDS.findall(sentence)[:1]
    if not first:
        return False
    word = first[0].lower()
    if word in SUBJECT_PRONOUNS or word in DETERMINERS or word in _NOT_A_START:
        return False
    if word in _NEVER_A_FINITE_VERB or word.endswith("ing"):  # no word classes needed
        return False
    return bool(verb_tags(word) & {"VBZ", "VBD"})


_NOT_A_START = frozenset("thanks nobody everyone people sometimes perhaps".split())
_NEVER_A_FINITE_VERB = frozenset(
    """at in on to for from with by of about after before during since until as if when while
    then where why how what which who whose because although though so but and or nor yet
    also often always never now today here there still just even only once again sometimes
    yes no not""".split()
)
"""Words a sentence often starts with that are never a verb in the third person or the past,
answered without loading the word classes (a letter in sentences then never loads them)."""
_LABEL = re.compile(r"^\W*(?:[A-Za-z]+\s+){0,2}[A-Za-z]+:\s")
"""A note's label: "Plan: …", "My impression: …"."""


def _subject_at(reasons: list[str]) -> int:
    """Where "no subject" goes among the reasons: after the first three kinds, as it always has."""
    early = ("it has no verb", "a sentence has no verb", "it starts in lower case", "it never says 'you'")
    return sum(1 for r in reasons if r in early)


def looks_like_notes(text: str) -> list[str]:
    """Why ``text`` reads as notes (two reasons or more), or an empty list if it reads as
    sentences."""
    stripped = text.strip()
    words = _WORDS.findall(stripped)
    if not words:
        return []
    reasons = []
    sentences = [m.group().strip() for m in _SENTENCES.finditer(stripped) if _WORDS.search(m.group())]
    if not _has_verb(words):
        reasons.append("it has no verb")
    elif len(sentences) > 1 and any(not _has_verb(_WORDS.findall(s)) for s in sentences):
        reasons.append("a sentence has no verb")
    first = stripped.lstrip(_LEAD)[:1]
    if first.islower():
        reasons.append("it starts in lower case")
    if not _ADDRESS.search(stripped):
        reasons.append("it never says 'you'")
    if (
        stripped.count(";") >= 1
        and len(stripped.split(";")) >= 2
        and all(len(_WORDS.findall(part)) <= 8 for part in stripped.split(";"))
    ):
        reasons.append("it is a list separated by semicolons")
    if _LABEL.match(stripped):
        reasons.append("it starts with a label")
    # Last, and only where another reason holds (two are needed): it asks the word classes,
    # which a letter written in sentences never needs to load.
    if reasons and any(s[:1].isupper() and _without_subject(s) for s in sentences):
        reasons.insert(_subject_at(reasons), "a sentence has no subject")
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
