"""Field paths, and the one table of what letterkit knows about the letter's fields.

A field path is a tuple of keys and list indexes, ``("coping_strategies", 0, "cost")``; its
dotted form, ``coping_strategies[0].cost``, is what messages, diffs and checks print.

``FIELDS`` has one row per top-level field of a letter file: its shape (a text, a list of texts,
a list of records, a group of fields, or a single value), whether the patient reads it, and the
plain words for it where the letter prints no heading of its own above it. Every module that
walks a letter (check, import, diff, redline, attribution, redaction, the web form) reads the
tables here rather than keeping its own. The headings a letter prints above its sections belong
to its kind (``letterkit.model.kinds.Kind.headings``), as its template does; the roles of the
people who write drafts are here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

FieldPath = tuple[str | int, ...]

EASY_READ_SECTIONS: tuple[str, ...] = (
    "background",
    "ipaf",
    "goals",
    "coping_strategies",
    "course_of_therapy",
    "changes",
    "unfinished_business",
    "ending",
    "transference",
    "keeping_well",
    "closing",
)
"""The sections a therapist can write an easy-read text for (``easy_read.<section>``), each
named by the field it stands in for, in the order the letter prints them."""

Shape = Literal["text", "texts", "records", "group", "value"]
"""``text``: free text; ``texts``: a list of texts; ``records``: a list of groups of texts;
``group``: named fields; ``value``: one value that is not prose (a name, a date, a choice)."""

Role = Literal["therapist", "patient", "joint", "supervisor"]
ROLES: tuple[str, ...] = ("therapist", "patient", "joint", "supervisor")
"""Who writes a draft: the therapist, the patient, both together, or a supervisor."""

ACCOUNT_ROLES: tuple[str, ...] = ("therapist", "trainee", "supervisor", "admin")
"""What a service's account may do (``letterkit account add --role``): a therapist or trainee
keeps a caseload, a supervisor also sees and signs off their trainees', an admin sees all."""

WITH_PATIENT: tuple[str, ...] = ("patient", "joint")
"""The roles of a draft the patient wrote, alone or together with the therapist."""

GLOSSARY_HEADING = "Words in this letter"
"""The heading of the easy-read glossary: a section letterkit adds, not a field's."""

FOR_THE_RECORD = "Notes for the record (not printed)"
"""Where the patient finds a note for the record: nowhere in the letter."""
_PRINTING = "How the letter is printed"


@dataclass(frozen=True)
class Field:
    """One top-level field of a letter file."""

    name: str
    shape: Shape
    printed: bool = True
    """Whether the patient reads it in the letter."""
    words: bool = True
    """Whether it holds someone's words (attribution credits them); False for settings."""
    about: bool = False
    """A fact about the letter as a document (its kind, status, date, session), not its content."""
    bulleted: bool = False
    """A list the letter prints as bullet points (so its items are indented in Markdown)."""
    label: str | None = None
    """What a form calls it, where that is not the heading its kind prints above it."""
    place: str | None = None
    """Where the patient finds it, for a field the letter prints no heading above."""
    parts: tuple[str, ...] = ()
    """A list of records: the text fields of each record, in the order the letter prints them."""


FIELDS: tuple[Field, ...] = (
    Field("kind", "value", printed=False, words=False, about=True, place=FOR_THE_RECORD),
    Field("status", "value", printed=False, words=False, about=True, label="Status", place=FOR_THE_RECORD),
    Field("patient", "group", label="Who the letter is to", place="Your name"),
    Field("therapist", "group", label="Who the letter is from", place="The signature"),
    Field(
        "date", "value", printed=False, words=False, about=True, label="Date on the letter", place="The date"
    ),
    Field("session", "value", printed=False, words=False, about=True, label="Session", place=FOR_THE_RECORD),
    Field("background", "text"),
    Field("referral", "group", label="Who referred you, and why"),
    Field("ipaf", "group"),
    Field("goals", "texts", bulleted=True),
    Field(
        "attachment_style",
        "value",
        printed=False,
        words=False,
        label="Relationship style (a note for the record, not printed)",
        place=FOR_THE_RECORD,
    ),
    Field("coping_strategies", "records", bulleted=True, parts=("strategy", "cost")),
    Field("course_of_therapy", "text"),
    Field("changes", "texts", bulleted=True),
    Field("unfinished_business", "texts", bulleted=True),
    Field("ending", "text"),
    Field("transference", "text"),
    Field("keeping_well", "group"),
    Field("closing", "text", label="Closing words", place="The closing words"),
    Field("people", "texts", printed=False, label="Other people named in the letter", place=FOR_THE_RECORD),
    Field("patient_comments", "texts"),
    Field(
        "help", "group", label="Where to find help (this letter's own wording)", place="Where to find help"
    ),
    Field("diagram", "value", printed=False, label="Diagram of the pattern", place=_PRINTING),
    Field("accessibility", "group", printed=False, words=False, label="Communication needs", place=_PRINTING),
    Field(
        "reviewed",
        "texts",
        printed=False,
        words=False,
        label="Fields read and meant as written",
        place=FOR_THE_RECORD,
    ),
    # Printed only in an easy-read letter, each text in place of its section's words.
    Field(
        "easy_read",
        "group",
        label="Easy-read text of your own, section by section",
        place="The easy-read letter",
    ),
)
"""Every top-level field, in the order a letter file lists them."""

BY_NAME: Mapping[str, Field] = {f.name: f for f in FIELDS}

PART_LABELS: Mapping[str, str] = {
    "self": "How you see yourself",
    "other": "How you experience others",
    "affect": "The feelings that link them",
    "defensive_function": "What the pattern protects from (a note, not printed)",
    "reversal": "When the pattern turns round",
    "internalised": "How you treat yourself the same way",
    "imagery": "Your own words and images",
    "preferred_name": "Preferred name",
    "gp": "Your GP",
    "urgent": "In a crisis",
    "come_back": "Coming back to the service",
    "by": "Referred by",
    "reason": "Why you were referred",
    "strategy": "What you did",
    "cost": "What it cost you",
    "early_signs": "Signs that the old pattern is coming back",
    "what_helps": "What helps",
    "who_to_contact": "Who you can turn to",
}
"""What a form calls a field inside a group or a record."""

CHARACTER_LIMITS: Mapping[str, int] = {
    "ipaf.self": 320,
    "ipaf.other": 320,
    "ipaf.reversal": 320,
    "ipaf.internalised": 320,
}
"""Fields with a length past which the letter changes: a part of the pattern longer than this is
drawn in the diagram by its short label (``letterkit.compose.diagram_labels.LONG_PART``)."""

NOT_PRINTED_PARTS: tuple[FieldPath, ...] = (("ipaf", "defensive_function"), ("ipaf", "labels"))
"""Fields inside a printed group that are notes for the record (the diagram's labels aside)."""

TEXT_FIELDS: tuple[str, ...] = (
    "background",
    "referral.reason",
    "ipaf.self",
    "ipaf.other",
    "ipaf.protects",
    "ipaf.reversal",
    "ipaf.internalised",
    "goals[]",
    "coping_strategies[].strategy",
    "coping_strategies[].cost",
    "course_of_therapy",
    "changes[]",
    "unfinished_business[]",
    "ending",
    "transference",
    "keeping_well.early_signs[]",
    "keeping_well.what_helps[]",
    "keeping_well.who_to_contact[]",
    "closing",
    "patient_comments[]",
    *(f"easy_read.{section}" for section in EASY_READ_SECTIONS),
)
"""The text the patient reads, in the order the letter prints it (``[]``: every item)."""

TEXT_LISTS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.shape == "texts" and f.printed)
"""Top-level lists whose items are plain text paragraphs."""

GROUPS: frozenset[str] = frozenset(f.name for f in FIELDS if f.shape == "group")
"""Top-level fields that hold a group of fields."""

NOT_WORDS: frozenset[str] = frozenset(f.name for f in FIELDS if not f.words)
"""Top-level fields that hold settings, not words anyone wrote."""

NOT_PRINTED: frozenset[str] = frozenset(f.name for f in FIELDS if not f.printed)
"""Top-level fields the patient never reads."""

ABOUT: frozenset[str] = frozenset(f.name for f in FIELDS if f.about)
"""Top-level fields about the letter as a document rather than its content."""


def label(name: str) -> str:
    """What a form calls the top-level field ``name`` in its own words (a kind's heading for
    it comes first: ``letterkit.model.kinds.field_label``)."""
    row = BY_NAME.get(name)
    return (row.label if row is not None else None) or name.replace("_", " ").capitalize()


def part_label(name: str) -> str:
    """What a form calls the field ``name`` inside a group or a record."""
    return PART_LABELS.get(name) or name.replace("_", " ").capitalize()


def dotted(path: FieldPath) -> str:
    """``("coping_strategies", 0, "cost")`` → ``coping_strategies[0].cost``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _parse(pattern: str) -> tuple[str | None, tuple[str, ...]]:
    """``coping_strategies[].cost`` → ("coping_strategies", ("cost",)); ``ipaf.self`` → (None, ("ipaf", "self"))."""
    if "[]" in pattern:
        name, rest = pattern.split("[]", 1)
        return name, tuple(part for part in rest.split(".") if part)
    return None, tuple(pattern.split("."))


def text_paths(data: Mapping[str, Any]) -> list[FieldPath]:
    """The path of every text field in ``data`` that ``TEXT_FIELDS`` names, in letter order.

    The parts of a list's items stay together: each coping strategy's cost comes straight
    after that strategy, where the letter prints it.
    """
    paths: list[FieldPath] = []
    patterns = [_parse(p) for p in TEXT_FIELDS]
    i = 0
    while i < len(patterns):
        name, rest = patterns[i]
        if name is None:
            paths.append(rest)
            i += 1
            continue
        group = [rest]
        while i + len(group) < len(patterns) and patterns[i + len(group)][0] == name:
            group.append(patterns[i + len(group)][1])
        keys = tuple(name.split("."))  # a list inside a group: keeping_well.early_signs[]
        items: Any = data
        for key in keys:
            items = items.get(key) if isinstance(items, Mapping) else None
        for index in range(len(items) if isinstance(items, list) else 0):
            paths.extend((*keys, index, *suffix) for suffix in group)
        i += len(group)
    return paths
