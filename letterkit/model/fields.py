"""Field paths, and the one table of the letter's text fields.

A field path is a tuple of keys and list indexes, ``("coping_strategies", 0, "cost")``; its
dotted form, ``coping_strategies[0].cost``, is what messages, diffs and checks print. Every
module that walks a letter's text (check, import, diff, attribution, redaction) reads the
tables here rather than keeping its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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

TEXT_LISTS: tuple[str, ...] = ("goals", "changes", "unfinished_business", "patient_comments")
"""Top-level lists whose items are plain text paragraphs."""

NOT_WORDS: frozenset[str] = frozenset(
    {"kind", "status", "date", "session", "attachment_style", "accessibility", "reviewed"}
)
"""Top-level fields that hold settings, not words anyone wrote."""


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
