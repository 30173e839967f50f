"""Field paths, and the one table of the letter's text fields.

A field path is a tuple of keys and list indexes, ``("coping_strategies", 0, "cost")``; its
dotted form, ``coping_strategies[0].cost``, is what messages, diffs and checks print. Every
module that walks a letter's text (check, import, diff, attribution, redaction) reads the
tables here rather than keeping its own.
"""

from __future__ import annotations

FieldPath = tuple[str | int, ...]

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
    "closing",
    "patient_comments[]",
)
"""The text the patient reads, in the order the letter prints it (``[]``: every item)."""

TEXT_LISTS: tuple[str, ...] = ("goals", "changes", "unfinished_business", "patient_comments")
"""Top-level lists whose items are plain text paragraphs."""

NOT_WORDS: frozenset[str] = frozenset(
    {"kind", "status", "date", "session", "attachment_style", "accessibility"}
)
"""Top-level fields that hold settings, not words anyone wrote."""


def dotted(path: FieldPath) -> str:
    """``("coping_strategies", 0, "cost")`` → ``coping_strategies[0].cost``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
