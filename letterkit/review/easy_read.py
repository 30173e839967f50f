"""Easy read, checked: short sentences, one idea each, no notes, and an easy-read text of the
therapist's own for every section the letter prints.

- ``easy-read-verbs`` (warning): a sentence of an ``easy_read`` text with more than one verb
  (two ideas: "You felt low, and you stopped going out."). Verbs are counted from a word list
  (``is``, ``felt``, ``told``, regular past forms), a run of them (``have felt``, ``did not
  feel``) counting once and one after "to" (``came to see``) not at all: a guide, not a parser.
- ``easy-read-notes`` (warning): a line of an ``easy_read`` text typed as notes (see
  ``notes_style.looks_like_notes``).
- ``easy-read-missing`` (warning): the sections the letter prints that have no easy-read text
  yet, which easy read can only split into one sentence a line.
- ``easy-read-content`` (warning): the counts over all the text an easy-read letter prints.

Sentences over 15 words are ``long-sentence`` findings, with easy read's limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from letterkit.compose.easy_read import sections_needing_text
from letterkit.compose.styling import EASY_READ_WORDS
from letterkit.model.fields import FieldPath, dotted
from letterkit.review.fields import Locator
from letterkit.review.findings import Finding
from letterkit.review.notes_style import looks_like_notes
from letterkit.review.sentences import sentences

__all__ = ["Counts", "count", "easy_read_findings", "easy_read_warnings", "summary", "verbs_in"]

_VERBS = frozenset(
    """am is are was were be isn't aren't wasn't weren't has have had hasn't haven't hadn't do does
    did don't doesn't didn't can can't cannot could couldn't will won't would wouldn't may might
    must should shall feel feels felt say says said see sees saw go goes went get gets got make makes
    made take takes took keep keeps kept come comes came know knows knew think thinks thought find
    finds found give gives gave tell tells told seem seems become becomes became leave leaves
    want wants need needs try tries begin began begins hope hopes fear fears notice notices expect
    expects let lets put puts ran run runs grew grow grows lost lose loses meet met meets hurt hurts
    brought bring brings sat sit sits stood stand stands spoke speak speaks help helps""".split()
)
_REGULAR_PAST = re.compile(r"^[a-z]{3,}ed$")
_BETWEEN = frozenset("not never often always also still just really n't even only sometimes".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")


def _is_verb(word: str) -> bool:
    word = word.lower().replace("’", "'")
    return word in _VERBS or bool(_REGULAR_PAST.match(word))


_CAUSATIVE = frozenset("make makes made let lets help helps helped".split())
_OBJECT = frozenset("you me him her them us it".split())


def verbs_in(sentence: str) -> int:
    """How many verbs (runs of verb words) ``sentence`` has: one idea is one verb. A verb after
    "to" (``came to see``) or after a causative and its object (``makes you feel``) belongs to
    the verb before it."""
    groups = 0
    in_group = False
    words = [w.lower() for w in _WORD.findall(sentence)]
    for i, lower in enumerate(words):
        joined = (i > 0 and words[i - 1] == "to") or (
            i > 1 and words[i - 1] in _OBJECT and words[i - 2] in _CAUSATIVE
        )
        if _is_verb(lower) and not joined:
            if not in_group:
                groups += 1
            in_group = True
        elif not (in_group and (lower in _BETWEEN or joined)):
            in_group = False
    return groups


@dataclass(frozen=True)
class Counts:
    long: int
    """Sentences over ``EASY_READ_WORDS`` words."""
    verbs: int
    """Sentences with more than one verb."""
    notes: int
    """Lines typed as notes."""

    def __bool__(self) -> bool:
        return bool(self.long or self.verbs or self.notes)


def _sentences(text: str) -> list[str]:
    return [" ".join(text[start:end].split()) for start, end in sentences(text)]


def _paragraphs(text: str) -> list[str]:
    """A text's paragraphs (an easy-read text's lines, once ``one_line_each`` has made each a
    paragraph; a YAML block's wrapped lines are one paragraph)."""
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text) if part.strip()]


def count(texts: Iterable[str]) -> Counts:
    """The counts over ``texts``: each text's sentences, and its paragraphs typed as notes."""
    long = verbs = notes = 0
    for text in texts:
        for sentence in _sentences(text):
            long += len(sentence.split()) > EASY_READ_WORDS
            verbs += verbs_in(sentence) > 1
        notes += sum(bool(looks_like_notes(part)) for part in _paragraphs(text) if len(part.split()) > 1)
    return Counts(long, verbs, notes)


def _plural(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def summary(counts: Counts, needing: Sequence[str] = ()) -> str:
    """What stops the easy-read letter being easy read, in one sentence ("" when nothing does)."""
    parts = []
    if counts.long:
        parts.append(_plural(counts.long, "sentence", "sentences") + f" over {EASY_READ_WORDS} words")
    if counts.verbs:
        parts.append(_plural(counts.verbs, "sentence", "sentences") + " with more than one verb")
    if counts.notes:
        parts.append(_plural(counts.notes, "line", "lines") + " typed as notes")
    if not parts and not needing:
        return ""
    said = "the letter's text is not yet written for easy read"
    if parts:
        said += ": " + ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    if needing:
        said += (
            f"; {_plural(len(needing), 'section has', 'sections have')} no easy-read text of "
            f"{'its' if len(needing) == 1 else 'their'} own yet ({', '.join(needing)})"
        )
    return said + (
        ". Easy read needs short sentences with one idea each: write them under easy_read: for "
        "each section (letterkit only puts the letter's own sentences on lines of their own), "
        "or choose large print."
    )


def easy_read_findings(
    data: Mapping[str, Any],
    fields: Sequence[tuple[FieldPath, str]],
    printed: Sequence[str],
    where: Locator,
) -> list[Finding]:
    """The easy-read findings for a letter: ``fields`` are its text fields, ``printed`` the text
    an easy-read letter prints (each section's easy-read text where there is one)."""
    findings = []
    for path, value in fields:
        if path[0] != "easy_read":
            continue
        # Each line the therapist wrote is a line of the letter: sentences end with their line.
        spans = [
            (line.start() + start, line.start() + end)
            for line in re.finditer(r"[^\n]+", value)
            for start, end in sentences(line.group())
        ]
        for start, end in spans:
            sentence = " ".join(value[start:end].split())
            found = verbs_in(sentence)
            if found > 1:
                findings.append(
                    Finding(
                        where.file,
                        where.line_at(path, value, start, end),
                        dotted(path),
                        "warning",
                        "easy-read-verbs",
                        f"{found} verbs in one sentence: '{_opening(sentence)}' — one idea a "
                        "sentence: try two sentences",
                    )
                )
        for match in re.finditer(r"[^\n]+", value):
            line = match.group().strip()
            if len(line.split()) > 1 and looks_like_notes(line):
                findings.append(
                    Finding(
                        where.file,
                        where.line_at(path, value, match.start(), match.end()),
                        dotted(path),
                        "warning",
                        "easy-read-notes",
                        f"'{_opening(line)}' reads as notes — write it as a sentence to the "
                        "patient (you, your; I, we)",
                    )
                )
    needing = sections_needing_text(data)
    if needing:
        given = data.get("easy_read")
        findings.append(
            Finding(
                where.file,
                where.key_line(("easy_read",)) if isinstance(given, Mapping) else None,
                "easy_read",
                "warning",
                "easy-read-missing",
                f"no easy-read text yet for {_plural(len(needing), 'section', 'sections')}: "
                f"{', '.join(needing)} — without one, easy read only puts a section's own "
                f"sentences on lines of their own; write it under easy_read (easy_read.{needing[0]}, "
                "…) in short sentences, one idea each",
            )
        )
    said = summary(count(printed))
    if said:
        findings.append(Finding(where.file, None, "letter", "warning", "easy-read-content", said))
    return findings


def _opening(text: str) -> str:
    words = text.split()
    return " ".join(words[:8]) + (" …" if len(words) > 8 else "")


def easy_read_warnings(texts: Iterable[str], needing: Sequence[str] = ()) -> list[str]:
    """What tells a therapist that the letter's own words are not yet written for easy read:
    sentences over ``EASY_READ_WORDS`` words or with more than one verb, lines typed as notes
    (counted in ``texts``, the text an easy-read letter prints) and the sections with no
    easy-read text of their own (``needing``)."""
    said = summary(count(texts), needing)
    return [f"easy read: {said}"] if said else []
